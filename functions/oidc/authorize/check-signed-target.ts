import { InvalidRequest } from '../errors';
import { verified, type AuthorizeContext } from './context';

/**
 * C-13, C-5: where and how the answer goes (redirect_uri, response_mode) must be what the RP signed,
 * as C-7/C-8 require of client_id and scope. Before the signature was checked the
 * target could only be read from the request as sent (to know where errors may go); once verified,
 * a redirect_uri or response_mode that is not in the signed object — or differs from it — is refused,
 * so whoever can edit the URL cannot move the code to another registered URI or into the query.
 */
export function checkSignedTarget(ctx: AuthorizeContext): void {
  const o = verified(ctx);
  if (o.redirect_uri !== ctx.target!.redirectUri) {
    throw new InvalidRequest('redirect_uri must be in the signed request object');
  }
  if ((o.response_mode ?? 'query') !== ctx.target!.responseMode) {
    throw new InvalidRequest('response_mode must be the one in the signed request object');
  }
}
