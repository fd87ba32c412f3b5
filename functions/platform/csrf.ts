import { constantTimeEqual, randomId } from './crypto';

/**
 * Cross-site request forgery defences for the citizens' forms: a token in a hidden field compared in
 * constant time with the one the server holds (the flow's, or a double-submit cookie before a flow
 * exists), and a refusal of any post a browser says came from another origin.
 */
export const CSRF_FIELD = 'csrf';

export const newCsrfToken = (): string => randomId();

/**
 * Browsers send Origin on every cross-origin POST; a missing header (old clients, curl) is left to the token.
 * Our pages are served with `Referrer-Policy: no-referrer`, which makes browsers send `Origin: null` on
 * their own form posts (Fetch standard), so `null` alone proves nothing: `Sec-Fetch-Site` decides then.
 */
export function isForeignOrigin(request: Request): boolean {
  const origin = request.headers.get('Origin');
  if (origin !== null && origin !== 'null') return origin !== new URL(request.url).origin;
  const site = request.headers.get('Sec-Fetch-Site');
  if (site !== null) return site !== 'same-origin';
  return origin === 'null';
}

export async function csrfTokenMatches(expected: string | null | undefined, given: string | undefined): Promise<boolean> {
  if (!expected || !given || given.length > 256) return false;
  return constantTimeEqual(expected, given);
}
