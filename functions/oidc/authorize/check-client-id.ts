import { InvalidRequest } from '../errors';
import { claim, type AuthorizeContext } from './context';

/**
 * C-7: the request object names the same client as the query, and as the key that signed it. The
 * query must carry client_id even though the object does (OpenID Connect Core §6.1: OAuth's required
 * parameters stay in the query, so a plain OAuth server can read them).
 */
export function checkClientId(ctx: AuthorizeContext): void {
  const clientId = ctx.client!.client_id;
  if (claim(ctx, 'client_id') !== clientId) throw new InvalidRequest('client_id in the request object differs from the client');
  const inQuery = ctx.params.get('client_id');
  if (inQuery === undefined) throw new InvalidRequest('client_id is missing from the query (required beside the request object)');
  if (inQuery !== clientId) throw new InvalidRequest('client_id differs between the query and the request object');
}
