import { InvalidRequest } from '../errors';
import { claim, type AuthorizeContext } from './context';

const ALLOWED: ReadonlySet<string> = new Set(['consent', 'login']);

/**
 * C-12: `prompt` is required and `none` is refused: this provider keeps no single sign-on session,
 * so a login without interaction can never happen.
 */
export function checkPrompt(ctx: AuthorizeContext): void {
  const prompt = claim(ctx, 'prompt');
  if (!prompt) throw new InvalidRequest('prompt is missing');
  const values = [...new Set(prompt.split(' ').filter(Boolean))];
  if (values.includes('none')) throw new InvalidRequest('prompt=none is not supported');
  const unknown = values.find((v) => !ALLOWED.has(v));
  if (!values.length || unknown) throw new InvalidRequest('prompt must be consent or consent login');
  ctx.prompt = values;
}
