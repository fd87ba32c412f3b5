import { InvalidRequest, UnsupportedResponseType } from '../errors';
import { claim, type AuthorizeContext } from './context';

/**
 * C-9: authorization code flow only. The query must say so too, and agree with the request object
 * (OpenID Connect Core §6.1, as for client_id).
 */
export function checkResponseType(ctx: AuthorizeContext): void {
  const responseType = claim(ctx, 'response_type');
  if (!responseType) throw new InvalidRequest('response_type is missing');
  if (responseType !== 'code') throw new UnsupportedResponseType('only response_type=code is supported');
  const inQuery = ctx.params.get('response_type');
  if (inQuery === undefined) throw new InvalidRequest('response_type is missing from the query (required beside the request object)');
  if (inQuery !== responseType) throw new InvalidRequest('response_type differs between the query and the request object');
}
