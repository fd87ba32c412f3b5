import { clientAllowsGrant } from '../../core/oidc-client';
import { InvalidRequest, InvalidScope } from '../errors';
import type { AuthorizeContext } from './context';

/** C-18: a refresh token (offline_access) needs the citizen's explicit consent, so prompt must ask for it. */
export function checkOfflineAccess(ctx: AuthorizeContext): void {
  if (ctx.scope!.includes('offline_access') && !ctx.prompt!.includes('consent')) {
    throw new InvalidRequest('offline_access requires prompt=consent');
  }
  // A federated RP whose chain leaves refresh_token out of its grant_types gets no refresh token.
  if (ctx.scope!.includes('offline_access') && !clientAllowsGrant(ctx.client!, 'refresh_token')) {
    throw new InvalidScope('offline_access is not allowed: refresh_token is not among the grant types of this client');
  }
}
