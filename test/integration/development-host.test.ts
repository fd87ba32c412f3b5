import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { Env } from '../../functions/env';
import worker from '../../functions/index';

async function fetchAt(url: string, overrides: Partial<Env> = {}, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(url, init), { ...env, ...overrides } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

// wrangler.toml's top level is the development configuration (test hooks on, captcha off, the demo
// RP): deployed by mistake without --env production, it must not serve any of it.
describe('the development configuration answers only on this machine', () => {
  it.each(['/__test/outbox?to=%2B393331234567', '/demo', '/health', '/attivazione', '/.well-known/openid-configuration'])(
    'on a public host name, %s is a 503 saying how to deploy',
    async (path) => {
      const res = await fetchAt(`https://cieid-edge.example.workers.dev${path}`, { ENVIRONMENT: 'development', TEST_HOOKS: '1' });
      expect(res.status).toBe(503);
      expect(await res.text()).toContain('--env production');
    },
  );

  it('on a public host name, a POST changes nothing either (the registry API)', async () => {
    const res = await fetchAt(
      'https://cieid-edge.example.workers.dev/registry/cards',
      { ENVIRONMENT: 'test' },
      { method: 'POST', headers: { Authorization: `Bearer ${env.REGISTRY_TOKEN}`, 'Content-Type': 'application/json' }, body: '{}' },
    );
    expect(res.status).toBe(503);
    expect(res.headers.get('Content-Type')).toMatch(/^application\/json/);
  });

  it.each(['http://127.0.0.1:8787', 'http://localhost:8787', 'http://[::1]:8787', 'https://127.0.0.1'])('on %s it is the service', async (origin) => {
    expect((await fetchAt(`${origin}/health`, { ENVIRONMENT: 'development' })).status).toBe(200);
  });

  it('production answers on its own host name', async () => {
    const res = await fetchAt('https://cieid.example.it/health', { ENVIRONMENT: 'production', ISSUER: 'https://cieid.example.it' });
    expect(res.status).toBe(200);
  });
});

describe('DEVELOPMENT_HOSTS: a staging deployment names its host on purpose', () => {
  it('the named host gets the service, any other still the 503', async () => {
    const staging = { ENVIRONMENT: 'development', DEVELOPMENT_HOSTS: ' cieid.staging.example.it , other.example.it' };
    expect((await fetchAt('https://cieid.staging.example.it/health', staging)).status).toBe(200);
    expect((await fetchAt('https://cieid.staging.example.it.evil.example/health', staging)).status).toBe(503);
    expect((await fetchAt('https://staging.example.it/health', staging)).status).toBe(503);
    expect((await fetchAt('https://cieid.staging.example.it/health', { ENVIRONMENT: 'development', DEVELOPMENT_HOSTS: '' })).status).toBe(503);
  });
});
