import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../functions/index';
import type { Env } from '../../functions/env';
import { ORIGIN } from '../support/worker';

/**
 * What every response says about transport and content types, decided once at the Worker's entry:
 * HSTS in production only (a local http server must not pin browsers to https), and static files
 * as strictly typed as our own responses.
 */
const HSTS = 'max-age=63072000; includeSubDomains';

const PRODUCTION: Partial<Env> = {
  ENVIRONMENT: 'production',
  TEST_HOOKS: undefined,
  ISSUER: 'https://cieid.example.gov.it',
  FEDERATION_ORGANIZATION_NAME: "Ministero dell'Interno",
  FEDERATION_HOMEPAGE_URI: 'https://cieid.example.gov.it',
  FEDERATION_POLICY_URI: 'https://cieid.example.gov.it/privacy',
  FEDERATION_LOGO_URI: 'https://cieid.example.gov.it/logo.svg',
  FEDERATION_CONTACTS: 'cieid@pec.example.gov.it',
};

async function fetchWith(overrides: Partial<Env>, path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${ORIGIN}${path}`, { redirect: 'manual', ...init }), { ...env, ...overrides } as Env, ctx);
  await waitOnExecutionContext(ctx);
  await res.arrayBuffer();
  return res;
}

const ASSETS = ['/cieid.css', '/login-wait.js', '/favicon.svg', '/static/bootstrap-italia/css/bootstrap-italia.min.css'];

/** One of each kind: a page, JSON, a redirect, a signed statement, an error page, a refusal, and the assets. */
const EVERY_KIND: [string, RequestInit?][] = [
  ['/'],
  ['/health'],
  ['/.well-known/openid-configuration'],
  ['/.well-known/openid-federation'],
  ['/oidc/jwks'],
  ['/oidc/authorize?scope=openid'],
  ['/oidc/token', { method: 'POST' }],
  ['/pagina-che-non-esiste'],
  ['/login/x'],
  ['/registry/cards/CA00000AA'],
  ...ASSETS.map((path): [string] => [path]),
];

describe('security headers at the entry', () => {
  it('production: every response carries Strict-Transport-Security (two years, subdomains)', async () => {
    for (const [path, init] of EVERY_KIND) {
      const res = await fetchWith(PRODUCTION, path, init);
      expect([path, res.headers.get('Strict-Transport-Security')]).toEqual([path, HSTS]);
    }
  });

  it('production: HEAD of an asset, and the refusal of a request shed under overload, carry it too', async () => {
    expect((await fetchWith(PRODUCTION, '/cieid.css', { method: 'HEAD' })).headers.get('Strict-Transport-Security')).toBe(HSTS);
    const limited = { ...PRODUCTION, MAX_IN_FLIGHT: '1' };
    // A request that stays in flight (its body never ends until the test says), so the next one is shed.
    let finish!: () => void;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{'));
        finish = () => controller.close();
      },
    });
    const held = fetchWith(limited, '/registry/cards', {
      method: 'POST',
      headers: { Authorization: `Bearer ${env.REGISTRY_TOKEN}`, 'Content-Type': 'application/json' },
      body,
      // @ts-expect-error: workerd needs duplex for a streamed request body
      duplex: 'half',
    });
    try {
      const shed = await fetchWith(limited, '/');
      expect(shed.status).toBe(503);
      expect(shed.headers.get('Strict-Transport-Security')).toBe(HSTS);
    } finally {
      finish();
      await held;
    }
  });

  it('outside production (plain http on a laptop): no Strict-Transport-Security anywhere', async () => {
    for (const environment of ['development', 'test']) {
      for (const [path, init] of EVERY_KIND) {
        const res = await fetchWith({ ENVIRONMENT: environment }, path, init);
        expect([environment, path, res.headers.get('Strict-Transport-Security')]).toEqual([environment, path, null]);
      }
    }
  });

  it('static assets are served with X-Content-Type-Options: nosniff, their type and caching kept', async () => {
    for (const overrides of [{}, PRODUCTION]) {
      for (const path of ASSETS) {
        const res = await fetchWith(overrides, path);
        expect([path, res.status]).toEqual([path, 200]);
        expect([path, res.headers.get('X-Content-Type-Options')]).toEqual([path, 'nosniff']);
        expect(res.headers.get('Content-Type')).toMatch(/^(text\/css|text\/javascript|application\/javascript|image\/svg\+xml)/);
        expect(res.headers.get('ETag')).toBeTruthy();
      }
    }
  });

  it('a conditional request for an asset still answers 304, with nosniff', async () => {
    const first = await fetchWith({}, '/login-wait.js');
    const etag = first.headers.get('ETag')!;
    const again = await fetchWith({}, '/login-wait.js', { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('X-Content-Type-Options')).toBe('nosniff');
  });
});
