import { requestedLevel } from '../../core/acr';
import { InvalidRequest } from '../errors';
import { claim, type AuthorizeContext } from './context';

/** C-14: `acr_values` names SpidL1/L2/L3 only; the first is the level the login must reach. */
export function checkAcrValues(ctx: AuthorizeContext): void {
  const acrValues = claim(ctx, 'acr_values');
  if (!acrValues) throw new InvalidRequest('acr_values is missing');
  const level = requestedLevel(acrValues);
  if (level === null) throw new InvalidRequest('acr_values must be SpidL1, SpidL2 or SpidL3');
  ctx.level = level;
}
