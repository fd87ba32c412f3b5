import { registeredClient } from '../../platform/clients';
import { InvalidRequest } from '../errors';
import { unresolvedClientError } from '../federation';
import type { AuthorizeContext } from './context';

/**
 * C-7: the client must be registered. Until it is known (and its redirect_uri checked) an error can
 * only be the 400 page. The query's client_id names it, or else the request object's.
 */
export async function checkClient(ctx: AuthorizeContext): Promise<void> {
  const fromObject = ctx.unverified?.client_id ?? ctx.unverified?.iss;
  const clientId = ctx.params.get('client_id') ?? (typeof fromObject === 'string' ? fromObject : undefined);
  if (!clientId) throw new InvalidRequest('client_id is missing');
  if (clientId.length > 1024) throw new InvalidRequest('client_id is not registered');
  const client = await registeredClient(ctx.env, clientId).catch((err) => Promise.reject(unresolvedClientError(err, 'authorize')));
  if (!client) throw new InvalidRequest('client_id is not registered');
  ctx.client = client;
}
