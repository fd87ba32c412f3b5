import { unsupportedMedia } from '../core/errors';
import { readText } from '../platform/http';
import { InvalidRequest } from './errors';

/** Bounds on what a client may send: a signed JWT is a few KB; 50 parameters is plenty. */
const MAX_PARAMETERS = 50;
const MAX_VALUE_LENGTH = 16 * 1024;

/**
 * OAuth parameters from a query string or a form body: RFC 6749 §3.1/§3.2 forbid a parameter twice
 * (which one would we believe?), and every value is bounded. A parameter without a value is treated
 * as omitted, as the same sections require (`client_id=` is no client_id).
 */
export function oauthParameters(pairs: Iterable<[string, string]>): Map<string, string> {
  const params = new Map<string, string>();
  for (const [name, value] of pairs) {
    if (value === '') continue;
    if (params.has(name)) throw new InvalidRequest(`parameter ${name.slice(0, 40)} is repeated`);
    if (value.length > MAX_VALUE_LENGTH) throw new InvalidRequest(`parameter ${name.slice(0, 40)} is too long`);
    params.set(name, value);
    if (params.size > MAX_PARAMETERS) throw new InvalidRequest('too many parameters');
  }
  return params;
}

/** A form-encoded body (415 for anything else, 413 beyond the body limit), as OAuth parameters. */
export async function readOAuthForm(request: Request): Promise<Map<string, string>> {
  const type = (request.headers.get('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw unsupportedMedia('application/x-www-form-urlencoded');
  return oauthParameters(new URLSearchParams(await readText(request)));
}
