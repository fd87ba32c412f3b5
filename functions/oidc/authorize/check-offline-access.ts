import { InvalidRequest } from '../errors';
import type { AuthorizeContext } from './context';

/** C-18: a refresh token (offline_access) needs the citizen's explicit consent, so prompt must ask for it. */
export function checkOfflineAccess(ctx: AuthorizeContext): void {
  if (ctx.scope!.includes('offline_access') && !ctx.prompt!.includes('consent')) {
    throw new InvalidRequest('offline_access requires prompt=consent');
  }
}
