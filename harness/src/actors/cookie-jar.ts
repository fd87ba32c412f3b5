/**
 * The cookies a browser keeps for one site, with the rules that matter to the service's pages:
 * Path scoping, Max-Age/Expires deletion, Secure, a Domain that must cover the host, and the
 * `__Host-` / `__Secure-` prefixes (a browser drops a cookie that breaks these rules, so the
 * harness does too — a deployment that sets them wrongly loses its flow here as it would in a
 * real browser).
 */
interface Cookie {
  name: string;
  value: string;
  path: string;
  secure: boolean;
  expiresAt: number | null;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Browsers treat loopback http as a secure context, so Secure cookies work in development. */
const isSecure = (url: URL) => url.protocol === 'https:' || LOOPBACK.has(url.hostname);

/** RFC 6265 §5.1.4: the directory of the request path. */
function defaultPath(url: URL): string {
  const path = url.pathname;
  if (!path.startsWith('/') || path.lastIndexOf('/') === 0) return '/';
  return path.slice(0, path.lastIndexOf('/'));
}

/** RFC 6265 §5.1.3: the host is the Domain, or a name under it (never for an IP address). */
function domainMatches(host: string, domain: string): boolean {
  if (host === domain) return true;
  const ip = /^[\d.]+$/.test(host) || host.startsWith('[');
  return !ip && host.endsWith(`.${domain}`);
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

export class CookieJar {
  private readonly cookies = new Map<string, Cookie>();

  /** Applies one Set-Cookie line received from `url`. */
  store(line: string, url: URL, now = Date.now()): void {
    const [pair = '', ...attributes] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) return;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    let path: string | null = null;
    let secure = false;
    let domain: string | null = null;
    let expiresAt: number | null = null;
    let maxAgeSeen = false;
    for (const attribute of attributes) {
      const [rawKey = '', ...rest] = attribute.split('=');
      const key = rawKey.trim().toLowerCase();
      const arg = rest.join('=').trim();
      if (key === 'path' && arg.startsWith('/')) path = arg;
      else if (key === 'secure') secure = true;
      else if (key === 'domain' && arg) domain = arg.replace(/^\./, '').toLowerCase();
      else if (key === 'max-age' && /^-?\d+$/.test(arg)) {
        maxAgeSeen = true;
        expiresAt = now + Number(arg) * 1000;
      } else if (key === 'expires' && !maxAgeSeen) {
        const at = Date.parse(arg);
        if (!Number.isNaN(at)) expiresAt = at;
      }
    }
    // A browser ignores a cookie whose Domain does not cover the host that set it (§5.3 step 6).
    if (domain !== null && !domainMatches(url.hostname, domain)) return;
    if (secure && !isSecure(url)) return;
    if (name.startsWith('__Secure-') && !secure) return;
    if (name.startsWith('__Host-') && (!secure || domain !== null || path !== '/')) return;
    const cookie: Cookie = { name, value, path: path ?? defaultPath(url), secure, expiresAt };
    const key = `${cookie.name};${cookie.path}`;
    if (expiresAt !== null && expiresAt <= now) this.cookies.delete(key);
    else this.cookies.set(key, cookie);
  }

  /** The Cookie header for a request to `url`, or null when nothing applies. */
  header(url: URL, now = Date.now()): string | null {
    const matching = [...this.cookies.values()]
      .filter((c) => (c.expiresAt === null || c.expiresAt > now) && (!c.secure || isSecure(url)) && pathMatches(url.pathname, c.path))
      // RFC 6265 §5.4: longer paths first.
      .sort((a, b) => b.path.length - a.path.length);
    return matching.length ? matching.map((c) => `${c.name}=${c.value}`).join('; ') : null;
  }

  /** The value of a cookie by name (any path), for checks that look at what the site set. */
  get(name: string): string | undefined {
    return [...this.cookies.values()].find((c) => c.name === name && (c.expiresAt === null || c.expiresAt > Date.now()))?.value;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Overrides what the site set: a check forging or swapping a cookie. */
  set(name: string, value: string, path = '/'): void {
    this.cookies.set(`${name};${path}`, { name, value, path, secure: false, expiresAt: null });
  }

  names(): string[] {
    return [...new Set([...this.cookies.values()].map((c) => c.name))];
  }
}
