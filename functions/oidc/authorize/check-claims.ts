import { parseClaimsParameter } from '../../core/oidc-claims';
import { InvalidRequest } from '../errors';
import { verified, type AuthorizeContext } from './context';

/** C-15: `claims`, when present, is well formed and asks only for claims we can release. */
export function checkClaims(ctx: AuthorizeContext): void {
  const parsed = parseClaimsParameter(verified(ctx).claims);
  if (!parsed.ok) throw new InvalidRequest(`claims: ${parsed.message}`);
  ctx.claims = parsed.value;
}
