import type { Env } from '../env';
import { claimValues } from '../core/oidc-claims';
import { USERINFO_JWT_TTL_SECONDS } from '../core/oidc-lifetimes';
import { registeredClient } from '../platform/clients';
import { UnresolvedClient } from '../platform/federation';
import { withSecurityHeaders } from '../platform/http';
import { encryptFor } from './encryption';
import { InvalidToken, NO_STORE } from './errors';
import { usableHolder } from './holder';
import { endpointsOf, issuerOf } from './issuer';
import { signJwt } from './keys';
import { readOwnToken } from './own-tokens';
import { pairwiseSubject } from './subject';

/** RFC 6750 §2.1: the token travels in the Authorization header only. */
function bearerToken(request: Request): string {
  const header = request.headers.get('Authorization');
  if (!header) throw new InvalidToken('access token is missing', { challengeOnly: true });
  const match = /^Bearer +([\x21-\x7e]+)$/i.exec(header.trim());
  if (!match) throw new InvalidToken('Authorization must be Bearer <access token>');
  return match[1]!;
}

/**
 * GET|POST /oidc/userinfo (C-34, C-35): for a live access token, the requested claims of the holder,
 * as a JWS we sign wrapped in a JWE for the RP (`cty: JWT`). Anything else is 401 with a challenge.
 */
export async function userinfo(request: Request, env: Env): Promise<Response> {
  const endpoints = endpointsOf(issuerOf(env, request));
  const now = Date.now();
  const token = await readOwnToken(env, endpoints.issuer, bearerToken(request), ['access']);
  if (!token) throw new InvalidToken('access token is malformed, forged or expired');
  const aud = token.payload.aud;
  if (!(Array.isArray(aud) ? aud : [aud]).includes(endpoints.userinfo)) throw new InvalidToken('access token is not for userinfo');
  const status = await token.grant.tokenStatus(token.payload.jti, now);
  if (!status.active || status.kind !== 'access') throw new InvalidToken('access token is revoked or expired');
  const holder = await usableHolder(env, status.grant, now);
  // A federated RP whose chain no longer resolves has no client to encrypt for: the grant is void.
  const client = await registeredClient(env, status.grant.clientId).catch((err) => (err instanceof UnresolvedClient ? null : Promise.reject(err)));
  if (!holder || !client) throw new InvalidToken('the grant is no longer valid');

  const iat = Math.floor(now / 1000);
  const jws = await signJwt(env, {
    iss: endpoints.issuer,
    aud: client.client_id,
    sub: await pairwiseSubject(env, client.client_id, holder.fiscalCode),
    iat,
    nbf: iat,
    exp: iat + USERINFO_JWT_TTL_SECONDS,
    // Like the ID token's and the access token's: the RP can tell one answer from another (and a replay).
    jti: crypto.randomUUID(),
    ...claimValues(status.grant.claims.userinfo, holder),
  });
  return new Response(await encryptFor(client, jws, 'userinfo'), {
    status: 200,
    headers: withSecurityHeaders({ 'Content-Type': 'application/jwt', ...NO_STORE }),
  });
}
