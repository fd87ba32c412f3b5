import { CLOCK_SKEW_SECONDS, MAX_ASSERTION_LIFETIME_SECONDS } from '../../core/oidc-lifetimes';
import { InvalidRequestObject } from '../errors';
import { verified, type AuthorizeContext } from './context';

const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * C-16: the request object was made by this client (`iss`), for us (`aud` = issuer), recently
 * (`iat`) and has not expired (`exp`), within the clock skew we tolerate.
 */
export function checkRequestObjectClaims(ctx: AuthorizeContext): void {
  const o = verified(ctx);
  const now = Math.floor(ctx.now / 1000);
  if (o.iss !== ctx.client!.client_id) throw new InvalidRequestObject('request object iss must be the client_id');
  const audiences = Array.isArray(o.aud) ? o.aud : [o.aud];
  if (!audiences.includes(ctx.issuer)) throw new InvalidRequestObject('request object aud must be the issuer');
  if (!isTime(o.exp)) throw new InvalidRequestObject('request object exp is missing');
  if (o.exp <= now - CLOCK_SKEW_SECONDS) throw new InvalidRequestObject('request object has expired');
  if (!isTime(o.iat)) throw new InvalidRequestObject('request object iat is missing');
  if (o.iat > now + CLOCK_SKEW_SECONDS) throw new InvalidRequestObject('request object iat is in the future');
  if (o.exp - o.iat > MAX_ASSERTION_LIFETIME_SECONDS) throw new InvalidRequestObject('request object lives too long');
  if (o.nbf !== undefined && (!isTime(o.nbf) || o.nbf > now + CLOCK_SKEW_SECONDS)) {
    throw new InvalidRequestObject('request object is not valid yet');
  }
}
