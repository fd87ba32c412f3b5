import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser } from '../src/actors/browser.ts';
import { CookieJar } from '../src/actors/cookie-jar.ts';
import { createHttpClient } from '../src/core/http-client.ts';
import { startFakeServer, type FakeServer } from './support/fake-server.ts';

const DEV = 'http://127.0.0.1:8787';
const PROD = 'https://cie.example.it';
const NOW = Date.parse('2030-01-15T12:00:00Z');
const at = (base: string, path: string) => new URL(path, base);

/** A jar that received these Set-Cookie lines from `from`, at NOW. */
function jarWith(from: URL, ...lines: string[]): CookieJar {
  const jar = new CookieJar();
  for (const line of lines) jar.store(line, from, NOW);
  return jar;
}

describe('CookieJar: Set-Cookie parsing', () => {
  it('keeps name and value and sends them back, whatever its other attributes', () => {
    const jar = jarWith(at(DEV, '/attivazione'), 'flow=abc123; Path=/; HttpOnly; SameSite=Lax; Max-Age=600');
    expect(jar.get('flow')).toBe('abc123');
    expect(jar.has('flow')).toBe(true);
    expect(jar.names()).toEqual(['flow']);
    expect(jar.header(at(DEV, '/attivazione/passo-2'), NOW)).toBe('flow=abc123');
    expect(jar.header(at(DEV, '/'), NOW)).toBe('flow=abc123');
  });

  it('reads attribute names in any case and trims spaces around names and values', () => {
    const jar = jarWith(at(DEV, '/'), '  sid = v1 ;path=/oidc;  MAX-AGE=60 ; SECURE; httponly');
    expect(jar.get('sid')).toBe('v1');
    expect(jar.header(at(DEV, '/oidc/token'), NOW)).toBe('sid=v1');
    expect(jar.header(at(DEV, '/login'), NOW)).toBeNull();
    // Max-Age=60 was read: gone a minute later.
    expect(jar.header(at(DEV, '/oidc/token'), NOW + 60_000)).toBeNull();
  });

  it('keeps a quoted value as it came, quotes and all, and sends it back so', () => {
    const jar = jarWith(at(DEV, '/'), 'pref="a b=c"; Path=/', 'empty=; Path=/');
    expect(jar.get('pref')).toBe('"a b=c"');
    expect(jar.get('empty')).toBe('');
    expect(jar.header(at(DEV, '/'), NOW)).toBe('pref="a b=c"; empty=');
  });

  it('ignores a line without a name', () => {
    const jar = jarWith(at(DEV, '/'), 'novalue', '=orphan; Path=/', '; Path=/');
    expect(jar.names()).toEqual([]);
    expect(jar.header(at(DEV, '/'), NOW)).toBeNull();
  });

  it('stores several cookies received one after the other, and sends them in one header', () => {
    const jar = jarWith(at(DEV, '/'), 'a=1; Path=/', 'b=2; Path=/', 'c=3; Path=/');
    expect(jar.names()).toEqual(['a', 'b', 'c']);
    expect(jar.header(at(DEV, '/x'), NOW)).toBe('a=1; b=2; c=3');
  });

  it('replaces a cookie set again with the same name and path', () => {
    const jar = jarWith(at(DEV, '/'), 'a=1; Path=/', 'a=2; Path=/');
    expect(jar.header(at(DEV, '/'), NOW)).toBe('a=2');
  });
});

describe('CookieJar: Domain', () => {
  it('keeps a cookie whose Domain is the host or a domain above it', () => {
    const jar = jarWith(at(PROD, '/'), 'a=1; Path=/; Domain=cie.example.it', 'b=2; Path=/; Domain=.Example.IT');
    expect(jar.header(at(PROD, '/'), NOW)).toBe('a=1; b=2');
    const dev = jarWith(at(DEV, '/'), 'c=3; Path=/; Domain=127.0.0.1');
    expect(dev.header(at(DEV, '/'), NOW)).toBe('c=3');
  });

  it('drops a cookie whose Domain is another host, as a browser does: it is never sent back', () => {
    const jar = jarWith(at(PROD, '/'), 'a=1; Path=/; Domain=evil.example', 'b=1; Path=/; Domain=ie.example.it', 'c=1; Path=/; Domain=www.cie.example.it');
    expect(jar.names()).toEqual([]);
    expect(jar.header(at(PROD, '/'), NOW)).toBeNull();
    // An IP address matches only itself.
    const dev = jarWith(at(DEV, '/'), 'd=1; Path=/; Domain=0.0.1', 'e=1; Path=/; Domain=localhost');
    expect(dev.names()).toEqual([]);
  });
});

describe('CookieJar: Path', () => {
  it('sends a cookie to its path and below it, never to a sibling that only shares a prefix', () => {
    const jar = jarWith(at(DEV, '/'), 'o=1; Path=/oidc');
    expect(jar.header(at(DEV, '/oidc'), NOW)).toBe('o=1');
    expect(jar.header(at(DEV, '/oidc/'), NOW)).toBe('o=1');
    expect(jar.header(at(DEV, '/oidc/token'), NOW)).toBe('o=1');
    expect(jar.header(at(DEV, '/oidcx'), NOW)).toBeNull();
    expect(jar.header(at(DEV, '/'), NOW)).toBeNull();
    expect(jar.header(at(DEV, '/login/oidc'), NOW)).toBeNull();
  });

  it('a path ending in / matches what starts with it', () => {
    const jar = jarWith(at(DEV, '/'), 'd=1; Path=/app/');
    expect(jar.header(at(DEV, '/app/dispositivi'), NOW)).toBe('d=1');
    expect(jar.header(at(DEV, '/app'), NOW)).toBeNull();
  });

  it('without a Path (or with one not starting with /), scopes the cookie to the directory of the request', () => {
    const jar = jarWith(at(DEV, '/attivazione/passo/1?x=y'), 'a=1', 'b=2; Path=relative');
    expect(jar.header(at(DEV, '/attivazione/passo/2'), NOW)).toBe('a=1; b=2');
    expect(jar.header(at(DEV, '/attivazione/passo'), NOW)).toBe('a=1; b=2');
    expect(jar.header(at(DEV, '/attivazione'), NOW)).toBeNull();

    const top = jarWith(at(DEV, '/login'), 'c=3');
    expect(top.header(at(DEV, '/anything'), NOW)).toBe('c=3');
  });

  it('keeps the same name on two paths apart, and sends the longer path first', () => {
    const jar = jarWith(at(DEV, '/'), 'n=root; Path=/', 'n=deep; Path=/a/b', 'n=mid; Path=/a');
    expect(jar.header(at(DEV, '/a/b/c'), NOW)).toBe('n=deep; n=mid; n=root');
    expect(jar.header(at(DEV, '/a'), NOW)).toBe('n=mid; n=root');
    expect(jar.names()).toEqual(['n']);
  });
});

describe('CookieJar: expiry and deletion', () => {
  it('Max-Age=0 deletes the cookie of that name and path, and only that one', () => {
    const jar = jarWith(at(DEV, '/'), 'flow=abc; Path=/', 'flow=other; Path=/oidc', 'keep=1; Path=/');
    jar.store('flow=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0', at(DEV, '/'), NOW);
    expect(jar.header(at(DEV, '/'), NOW)).toBe('keep=1');
    expect(jar.header(at(DEV, '/oidc'), NOW)).toBe('flow=other; keep=1');
  });

  it('a negative Max-Age deletes too', () => {
    const jar = jarWith(at(DEV, '/'), 'a=1; Path=/', 'a=; Path=/; Max-Age=-1');
    expect(jar.header(at(DEV, '/'), NOW)).toBeNull();
    expect(jar.has('a')).toBe(false);
  });

  it('an Expires in the past deletes the cookie; one in the future keeps it until then', () => {
    const jar = jarWith(at(DEV, '/'), 'old=1; Path=/', 'new=2; Path=/; Expires=Wed, 16 Jan 2030 12:00:00 GMT');
    jar.store('old=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT', at(DEV, '/'), NOW);
    expect(jar.header(at(DEV, '/'), NOW)).toBe('new=2');
    expect(jar.header(at(DEV, '/'), Date.parse('2030-01-16T11:59:59Z'))).toBe('new=2');
    expect(jar.header(at(DEV, '/'), Date.parse('2030-01-16T12:00:00Z'))).toBeNull();
  });

  it('a cookie set already expired is not stored at all', () => {
    const jar = jarWith(at(DEV, '/'), 'gone=1; Path=/; Max-Age=0', 'past=1; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT');
    expect(jar.names()).toEqual([]);
  });

  it('Max-Age wins over Expires, in either order; a malformed one is ignored', () => {
    const future = 'Expires=Wed, 16 Jan 2030 12:00:00 GMT';
    const jar = jarWith(
      at(DEV, '/'),
      `a=1; Path=/; Max-Age=0; ${future}`,
      `b=2; Path=/; ${future}; Max-Age=0`,
      `c=3; Path=/; Max-Age=soon; ${future}`,
      'd=4; Path=/; Max-Age=+5',
    );
    expect(jar.header(at(DEV, '/'), NOW)).toBe('c=3; d=4');
    // c lives until its Expires; d has no valid lifetime: a session cookie.
    expect(jar.header(at(DEV, '/'), NOW + 2 * 86_400_000)).toBe('d=4');
  });

  it('a session cookie (no Max-Age, no Expires) never expires on its own', () => {
    const jar = jarWith(at(DEV, '/'), 's=1; Path=/');
    expect(jar.header(at(DEV, '/'), NOW + 365 * 86_400_000)).toBe('s=1');
  });
});

describe('CookieJar: Secure and the __Host- / __Secure- prefixes', () => {
  it('keeps a Secure cookie from https and sends it over https only', () => {
    const jar = jarWith(at(PROD, '/'), 's=1; Path=/; Secure');
    expect(jar.header(at(PROD, '/'), NOW)).toBe('s=1');
    expect(jar.header(new URL('http://cie.example.it/'), NOW)).toBeNull();
  });

  it('drops a Secure cookie set over plain http, except on loopback (a secure context for browsers)', () => {
    expect(jarWith(new URL('http://cie.example.it/'), 's=1; Path=/; Secure').names()).toEqual([]);
    for (const origin of ['http://127.0.0.1:8787', 'http://localhost:8787', 'http://[::1]:8787']) {
      const jar = jarWith(at(origin, '/'), 's=1; Path=/; Secure');
      expect(jar.header(at(origin, '/x'), NOW), origin).toBe('s=1');
    }
  });

  it('accepts a __Host- cookie set as the service sets it: Secure, Path=/, no Domain', () => {
    const jar = jarWith(at(PROD, '/attivazione'), '__Host-flow=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=600; Secure');
    expect(jar.get('__Host-flow')).toBe('abc');
    expect(jar.header(at(PROD, '/oidc/authorize'), NOW)).toBe('__Host-flow=abc');
  });

  it('drops a __Host- cookie that breaks its prefix: no Secure, no Path, another Path, a Domain', () => {
    const jar = jarWith(
      at(PROD, '/'),
      '__Host-a=1; Path=/',
      '__Host-b=1; Secure',
      '__Host-c=1; Path=/oidc; Secure',
      '__Host-d=1; Path=/; Secure; Domain=cie.example.it',
    );
    expect(jar.names()).toEqual([]);
  });

  it('drops a __Secure- cookie without Secure, keeps one with it', () => {
    const jar = jarWith(at(PROD, '/'), '__Secure-a=1; Path=/', '__Secure-b=2; Path=/oidc; Secure');
    expect(jar.names()).toEqual(['__Secure-b']);
  });

  it('a __Host- cookie is deleted the way it was set', () => {
    const jar = jarWith(at(PROD, '/'), '__Host-flow=abc; Path=/; Secure');
    jar.store('__Host-flow=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure', at(PROD, '/'), NOW);
    expect(jar.has('__Host-flow')).toBe(false);
  });
});

describe('CookieJar: set by a check', () => {
  it('overrides what the site set, on the same path', () => {
    const jar = jarWith(at(DEV, '/'), 'flow=real; Path=/; HttpOnly');
    jar.set('flow', 'forged');
    expect(jar.header(at(DEV, '/'), NOW)).toBe('flow=forged');
    jar.set('extra', 'x', '/oidc');
    expect(jar.header(at(DEV, '/oidc/token'), NOW)).toBe('extra=x; flow=forged');
    expect(jar.header(at(DEV, '/'), NOW)).toBe('flow=forged');
  });
});

describe('Browser: cookies stay with the deployment', () => {
  let server: FakeServer;

  beforeAll(async () => {
    server = await startFakeServer((req, res) => {
      const path = new URL(req.url, 'http://x').pathname;
      if (path === '/set') {
        res.setHeader('set-cookie', [
          'a=1; Path=/; HttpOnly',
          'b="quoted value"; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT; SameSite=Lax',
          'c=3; Path=/only-here',
          'gone=; Path=/; Max-Age=0',
        ]);
      }
      if (path === '/foreign') res.setHeader('set-cookie', 'foreign=1; Path=/');
      res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>ok</h1>');
    });
  });
  afterAll(() => server.close());

  const browserFor = (baseUrl: URL) => new Browser({ baseUrl, registryToken: 'unused', http: createHttpClient(), log: () => {} });
  const cookieSent = (path: string) => server.received.findLast((r) => r.url === path)?.headers.cookie;

  it('keeps every cookie of one response and sends back those whose path matches', async () => {
    const browser = browserFor(server.baseUrl);
    await browser.open('/set');
    expect(browser.cookies.names()).toEqual(['a', 'b', 'c']);
    await browser.open('/next');
    expect(cookieSent('/next')).toBe('a=1; b="quoted value"');
    await browser.open('/only-here/x');
    expect(cookieSent('/only-here/x')).toBe('c=3; a=1; b="quoted value"');
  });

  it('sends no cookie to another host and keeps none of its cookies', async () => {
    const browser = browserFor(server.baseUrl);
    await browser.open('/set');
    // The same server under another host name: another site for the browser.
    const other = new URL(server.baseUrl);
    other.hostname = 'localhost';
    await browser.open(new URL('/elsewhere', other));
    expect(server.received.at(-1)?.url).toBe('/elsewhere');
    expect(cookieSent('/elsewhere')).toBeUndefined();
    await browser.open(new URL('/foreign', other));
    expect(browser.cookies.has('foreign')).toBe(false);
    expect(browser.cookies.names()).toEqual(['a', 'b', 'c']);
  });

  it('a Cookie header given by the check replaces the jar', async () => {
    const browser = browserFor(server.baseUrl);
    await browser.open('/set');
    await browser.open('/manual', { headers: { cookie: 'a=forged' } });
    expect(cookieSent('/manual')).toBe('a=forged');
  });
});
