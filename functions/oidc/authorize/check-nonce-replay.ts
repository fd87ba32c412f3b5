import { NONCE_MEMORY_SECONDS } from '../../core/oidc-lifetimes';
import { directoryFor } from '../../platform/directory';
import { InvalidRequest } from '../errors';
import { claim, type AuthorizeContext } from './context';

/**
 * C-17: a nonce is used once per client. Checked last, so that a request refused for another reason
 * does not burn the RP's nonce.
 */
export async function checkNonceReplay(ctx: AuthorizeContext): Promise<void> {
  const nonce = claim(ctx, 'nonce')!;
  const expiresAt = ctx.now + NONCE_MEMORY_SECONDS * 1000;
  if (!(await directoryFor(ctx.env).useNonce(ctx.client!.client_id, nonce, expiresAt))) {
    throw new InvalidRequest('nonce already used');
  }
}
