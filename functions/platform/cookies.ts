import { isLoopbackHost } from '../core/loopback';

/**
 * Flow cookies: `__Host-` prefixed, Secure, HttpOnly, SameSite=Lax, Path=/. On plain http to a
 * loopback address (local development) browsers would drop a Secure `__Host-` cookie, so there the
 * cookie is named without the prefix and without Secure; nowhere else.
 */
export function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && isLoopbackHost(url.hostname);
}

export function cookieName(url: URL, base: string): string {
  return isLoopbackHttp(url) ? base : `__Host-${base}`;
}

export function setCookie(url: URL, base: string, value: string, maxAgeSeconds: number): string {
  const secure = isLoopbackHttp(url) ? '' : '; Secure';
  return `${cookieName(url, base)}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure}`;
}

export function clearCookie(url: URL, base: string): string {
  return setCookie(url, base, '', 0);
}

export function readCookie(request: Request, base: string): string | null {
  const name = cookieName(new URL(request.url), base);
  const header = request.headers.get('Cookie');
  if (!header || header.length > 8192) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
