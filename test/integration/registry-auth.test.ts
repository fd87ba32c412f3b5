import { describe, expect, it } from 'vitest';
import { REGISTRY_TOKEN, call, registry } from '../support/worker';
import { newCitizen } from '../support/citizens';

const ROUTES: Array<{ method: 'GET' | 'POST'; path: string; body?: unknown }> = [
  { method: 'POST', path: '/registry/cards', body: {} },
  { method: 'GET', path: '/registry/cards/CA00000AA' },
  { method: 'POST', path: '/registry/cards/CA00000AA/block', body: { reason: 'lost' } },
  { method: 'POST', path: '/registry/cards/CA00000AA/codes', body: {} },
];

function attempt(route: (typeof ROUTES)[number], authorization?: string) {
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers.Authorization = authorization;
  if (route.body !== undefined) headers['Content-Type'] = 'application/json';
  return call(route.path, { method: route.method, headers, body: route.body === undefined ? undefined : JSON.stringify(route.body) });
}

async function expect401(res: Response) {
  expect(res.status).toBe(401);
  expect(res.headers.get('WWW-Authenticate')).toBe('Bearer');
  expect(res.headers.get('Content-Type')).toBe('application/json; charset=utf-8');
  const body = (await res.json()) as Record<string, unknown>;
  expect(body.error).toBe('unauthorized');
  expect(typeof body.error_description).toBe('string');
}

describe("registry API: bearer token (DESIGN: the issuer's back office only)", () => {
  for (const route of ROUTES) {
    it(`DESIGN registry token: ${route.method} ${route.path} without Authorization is 401`, async () => {
      await expect401(await attempt(route));
    });

    it(`DESIGN registry token: ${route.method} ${route.path} with a wrong token is 401`, async () => {
      await expect401(await attempt(route, 'Bearer not-the-token'));
      await expect401(await attempt(route, `Bearer ${REGISTRY_TOKEN}x`));
      await expect401(await attempt(route, `Bearer ${REGISTRY_TOKEN.slice(0, -1)}`));
    });
  }

  it('DESIGN registry token: malformed Authorization headers are 401', async () => {
    for (const header of [
      '',
      'Bearer',
      'Bearer ',
      `Bearer  ${REGISTRY_TOKEN}`,
      `bearer${REGISTRY_TOKEN}`,
      `Basic ${btoa(`registry:${REGISTRY_TOKEN}`)}`,
      `Token ${REGISTRY_TOKEN}`,
      `Bearer ${REGISTRY_TOKEN} extra`,
      `Bearer ${REGISTRY_TOKEN},Bearer x`,
      `Bearer ${'x'.repeat(600)}`,
      `${REGISTRY_TOKEN}`,
    ]) {
      await expect401(await attempt(ROUTES[1]!, header));
    }
  });

  it('DESIGN registry token: authentication comes before validation — an invalid body without a token is 401, not 400', async () => {
    await expect401(await call('/registry/cards', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'nonsense' }));
    await expect401(await call('/registry/cards/not-a-serial', { headers: { Authorization: 'Bearer nope' } }));
  });

  it('DESIGN registry token: the right token is let through', async () => {
    const res = await registry('/cards', newCitizen());
    expect(res.status).toBe(201);
  });

  it('DESIGN registry token: a 401 says nothing about the card asked for', async () => {
    const issued = (await (await registry('/cards', newCitizen())).json()) as { serial: string };
    const known = await call(`/registry/cards/${issued.serial}`);
    const unknown = await call('/registry/cards/CA00000AA');
    expect(known.status).toBe(401);
    expect(await known.text()).toBe(await unknown.text());
  });
});
