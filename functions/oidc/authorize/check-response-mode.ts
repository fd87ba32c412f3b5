import { InvalidRequest } from '../errors';
import { verified, type AuthorizeContext } from './context';

/** C-3: `query` (the default) or `form_post`. */
export function checkResponseMode(ctx: AuthorizeContext): void {
  const mode = verified(ctx).response_mode;
  if (mode !== undefined && mode !== 'query' && mode !== 'form_post') throw new InvalidRequest('response_mode must be query or form_post');
}
