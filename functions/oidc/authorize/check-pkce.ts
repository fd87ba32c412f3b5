import { CODE_CHALLENGE } from '../../core/pkce';
import { InvalidRequest } from '../errors';
import { claim, type AuthorizeContext } from './context';

/** C-10: PKCE with S256 only; `plain` would give the code away to whoever sees the request. */
export function checkPkce(ctx: AuthorizeContext): void {
  const challenge = claim(ctx, 'code_challenge');
  const method = claim(ctx, 'code_challenge_method');
  if (!challenge) throw new InvalidRequest('code_challenge is missing');
  if (method !== 'S256') throw new InvalidRequest('code_challenge_method must be S256');
  if (!CODE_CHALLENGE.test(challenge)) throw new InvalidRequest('code_challenge is not a base64url SHA-256');
  const inQuery = ctx.params.get('code_challenge');
  if (inQuery !== undefined && inQuery !== challenge) throw new InvalidRequest('code_challenge differs between the query and the request object');
  const methodInQuery = ctx.params.get('code_challenge_method');
  if (methodInQuery !== undefined && methodInQuery !== method) {
    throw new InvalidRequest('code_challenge_method differs between the query and the request object');
  }
}
