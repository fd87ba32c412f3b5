import { SUPPORTED_SCOPES } from '../../core/oidc-claims';
import { clientAllowsScope } from '../../core/oidc-client';
import { InvalidRequest, InvalidScope } from '../errors';
import { claim, type AuthorizeContext } from './context';

const SUPPORTED: ReadonlySet<string> = new Set(SUPPORTED_SCOPES);
const tokens = (scope: string) => [...new Set(scope.split(' ').filter(Boolean))].sort();

/**
 * C-8: `scope` is sent both in the query and in the request object, the same in both (the profile
 * says so), includes `openid`, and asks only for scopes we support.
 */
export function checkScope(ctx: AuthorizeContext): void {
  const inObject = claim(ctx, 'scope');
  const inQuery = ctx.params.get('scope');
  if (!inObject || !inQuery) throw new InvalidRequest('scope must be sent in the query and in the request object');
  const scope = tokens(inObject);
  if (scope.join(' ') !== tokens(inQuery).join(' ')) throw new InvalidScope('scope differs between the query and the request object');
  if (!scope.includes('openid')) throw new InvalidScope('scope must include openid');
  const unknown = scope.find((s) => !SUPPORTED.has(s));
  if (unknown) throw new InvalidScope(`scope ${unknown.slice(0, 40)} is not supported`);
  // A federated RP's chain may narrow its scopes (its resolved `scope` metadata).
  const outside = scope.find((s) => !clientAllowsScope(ctx.client!, s));
  if (outside) throw new InvalidScope(`scope ${outside} is not allowed to this client`);
  ctx.scope = scope;
}
