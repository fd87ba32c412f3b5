import { BASE_URL } from './config.ts';

/**
 * URLs without the URL class, which k6 lacks.
 *
 * API:
 * - `originOf(url)`: scheme://host[:port] of an absolute URL.
 * - `resolveUrl(ref, base = BASE_URL)`: an absolute URL for a Location or form action as a browser
 *   resolves it: absolute stays, `//host/…` takes the base's scheme, `/path` the base's origin,
 *   `?query` the base's path, anything else the base's directory.
 * - `ORIGIN`: BASE_URL's origin (the Origin header our own pages' posts carry).
 */
export function originOf(url: string): string {
  const m = /^(https?:\/\/[^/?#]+)/i.exec(url);
  if (!m) throw new Error(`not an absolute http(s) URL: ${url}`);
  return m[1]!;
}

export function resolveUrl(ref: string, base: string = BASE_URL): string {
  if (/^https?:\/\//i.test(ref)) return ref;
  if (ref.startsWith('//')) return `${base.slice(0, base.indexOf(':') + 1)}${ref}`;
  if (ref.startsWith('/')) return `${originOf(base)}${ref}`;
  const bare = base.replace(/[?#].*$/, '');
  const path = bare === originOf(bare) ? `${bare}/` : bare;
  if (ref.startsWith('?')) return `${bare}${ref}`;
  if (ref.startsWith('#') || ref === '') return base.replace(/#.*$/, '') + ref;
  return `${path.slice(0, path.lastIndexOf('/') + 1)}${ref}`;
}

export const ORIGIN = originOf(BASE_URL);
