import { InvalidRequest, UnsupportedResponseType } from '../errors';
import { claim, type AuthorizeContext } from './context';

/** C-9: authorization code flow only; the query, when it says, must agree with the request object. */
export function checkResponseType(ctx: AuthorizeContext): void {
  const responseType = claim(ctx, 'response_type');
  if (!responseType) throw new InvalidRequest('response_type is missing');
  if (responseType !== 'code') throw new UnsupportedResponseType('only response_type=code is supported');
  const inQuery = ctx.params.get('response_type');
  if (inQuery !== undefined && inQuery !== responseType) throw new InvalidRequest('response_type differs between the query and the request object');
}
