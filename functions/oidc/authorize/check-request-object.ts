import { compactVerify, type JWTPayload } from 'jose';
import { SIGNING_ALGS } from '../../core/jose-algorithms';
import { clientSignatureKeys } from '../client-keys';
import { InvalidRequest, InvalidRequestObject, RequestUriNotSupported } from '../errors';
import type { AuthorizeContext } from './context';

/**
 * C-6: the request must come as a signed request object (`request`), signed with an allowed
 * algorithm by a signing key the client registered. Its claims are what every later step reads.
 */
export async function checkRequestObject(ctx: AuthorizeContext): Promise<void> {
  const jwt = ctx.params.get('request');
  if (ctx.params.has('request_uri')) throw new RequestUriNotSupported('request_uri is not supported, send the request object by value');
  if (!jwt) throw new InvalidRequest('request (a signed request object) is missing');
  if (jwt.split('.').length !== 3) throw new InvalidRequestObject('request is not a signed JWT');
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(jwt, clientSignatureKeys(ctx.client!), { algorithms: [...SIGNING_ALGS] }));
  } catch {
    throw new InvalidRequestObject('request object signature does not verify with the client keys');
  }
  let claims: unknown;
  try {
    claims = JSON.parse(new TextDecoder().decode(payload));
  } catch {
    throw new InvalidRequestObject('request object payload is not JSON');
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    throw new InvalidRequestObject('request object payload is not a JSON object');
  }
  ctx.object = claims as JWTPayload;
}
