import { constantTimeEqual } from './crypto';

/**
 * Where a form post came from, as the browser tells it. `Origin` is the first witness; but a page
 * served with `Referrer-Policy: no-referrer` makes browsers send `Origin: null` on its own form posts
 * (Fetch standard, "append a request Origin header"), so `null` is not proof of a foreign site and
 * `Sec-Fetch-Site` decides then. A client that sends neither (curl, the harness) is left to the CSRF
 * token, which every form carries.
 *
 * (Written for the login pages next to platform/csrf.ts, which the activation pages were finishing at
 * the same time; the two are to be merged.)
 */
export function isCrossSitePost(request: Request): boolean {
  const origin = request.headers.get('Origin');
  const site = request.headers.get('Sec-Fetch-Site');
  if (origin !== null && origin !== 'null') return origin !== new URL(request.url).origin;
  if (site !== null) return site !== 'same-origin';
  return origin === 'null';
}

export const FORM_TOKEN_FIELD = 'csrf';

export async function formTokenMatches(expected: string | null | undefined, given: string | undefined): Promise<boolean> {
  if (!expected || !given || given.length > 256) return false;
  return constantTimeEqual(expected, given);
}
