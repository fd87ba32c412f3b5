import { InvalidRequest } from '../errors';
import { claim, type AuthorizeContext } from './context';

/** The profile asks for at least 32 random characters; we bound the top and refuse spaces and controls. */
const UNGUESSABLE = /^[\x21-\x7e]{32,512}$/;

/** C-11: `state` and `nonce` are present and long enough not to be guessed. */
export function checkStateAndNonce(ctx: AuthorizeContext): void {
  for (const name of ['state', 'nonce']) {
    const value = claim(ctx, name);
    if (!value) throw new InvalidRequest(`${name} is missing`);
    if (!UNGUESSABLE.test(value)) throw new InvalidRequest(`${name} must be 32 to 512 printable characters`);
  }
}
