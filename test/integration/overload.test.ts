import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../functions/index';
import type { Env } from '../../functions/env';
import { ORIGIN, REGISTRY_TOKEN } from '../support/worker';
import { TestRp } from '../support/rp';
import { issueCard } from '../support/activation-client';

/**
 * Above saturation: 503 temporarily_unavailable with Retry-After, JSON for machines and an Italian
 * page for citizens — never a queue that ends in timeouts, never a 500 for the platform's overload.
 */
async function fetchWith(overrides: Partial<Env>, path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${ORIGIN}${path}`, { redirect: 'manual', ...init }), { ...env, ...overrides } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

async function expectJson503(res: Response) {
  expect(res.status).toBe(503);
  expect(res.headers.get('Retry-After')).toBe('1');
  expect(res.headers.get('Content-Type')).toContain('application/json');
  expect(((await res.json()) as { error: string }).error).toBe('temporarily_unavailable');
}

async function expectPage503(res: Response) {
  expect(res.status).toBe(503);
  expect(res.headers.get('Retry-After')).toBe('1');
  expect(res.headers.get('Content-Type')).toContain('text/html');
  expect(await res.text()).toContain('Servizio non disponibile');
}

/** A registry request that stays in flight, reading a body that only ends when the test says. */
function heldRequest(limit: string) {
  let finish!: () => void;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"fiscalCode":'));
      finish = () => {
        controller.enqueue(new TextEncoder().encode('"x"}'));
        controller.close();
      };
    },
  });
  const response = fetchWith({ MAX_IN_FLIGHT: limit }, '/registry/cards', {
    method: 'POST',
    headers: { Authorization: `Bearer ${REGISTRY_TOKEN}`, 'Content-Type': 'application/json' },
    body,
    // @ts-expect-error: workerd needs duplex for a streamed request body
    duplex: 'half',
  });
  return { response, finish };
}

describe('overload: requests in flight past MAX_IN_FLIGHT are shed at once (503, Retry-After)', () => {
  it('machines get JSON, citizens an Italian page; /health is never shed; the count goes down again', async () => {
    const held = heldRequest('1'); // counted as soon as the Worker's fetch is called, before any await
    try {
      await expectJson503(await fetchWith({ MAX_IN_FLIGHT: '1' }, '/oidc/token', { method: 'POST' }));
      await expectJson503(await fetchWith({ MAX_IN_FLIGHT: '1' }, '/oidc/userinfo'));
      await expectJson503(await fetchWith({ MAX_IN_FLIGHT: '1' }, '/registry/cards/CA00000AA', { headers: { Authorization: `Bearer ${REGISTRY_TOKEN}` } }));
      await expectPage503(await fetchWith({ MAX_IN_FLIGHT: '1' }, '/login/abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ'));
      await expectPage503(await fetchWith({ MAX_IN_FLIGHT: '1' }, '/oidc/authorize?client_id=x'));
      expect((await fetchWith({ MAX_IN_FLIGHT: '1' }, '/health')).status).toBe(200);
    } finally {
      // Let the held request end even when an expectation failed, so the test fails instead of hanging.
      held.finish();
    }
    expect((await held.response).status).toBe(400); // it was served: the body is just not a card
    expect((await fetchWith({ MAX_IN_FLIGHT: '1' }, '/health')).status).toBe(200);
    expect((await fetchWith({ MAX_IN_FLIGHT: '1' }, '/.well-known/openid-configuration')).status).toBe(200);
  });
});

/** A namespace whose objects all answer like an overloaded Durable Object (or `error`). */
function failingNamespace<T extends Rpc.DurableObjectBranded | undefined>(real: DurableObjectNamespace<T>, error: Error): DurableObjectNamespace<T> {
  const stub = new Proxy({}, { get: () => async () => Promise.reject(error) });
  return new Proxy(real, {
    get(target, key) {
      if (key === 'get') return () => stub;
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const overloaded = () => Object.assign(new Error('Durable Object is overloaded. Too many requests queued.'), { overloaded: true });

describe('overload: a Durable Object overloaded or reset is a 503 to retry, not a 500', () => {
  it('OAuth endpoints: temporarily_unavailable in OAuth JSON (the directory is overloaded)', async () => {
    const rp = await TestRp.create();
    const token = await fetchWith({ DIRECTORY: failingNamespace(env.DIRECTORY, overloaded()) }, '/oidc/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: rp.clientId,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: await rp.assertion(),
      }),
    });
    await expectJson503(token);
  });

  it('the registry: JSON 503 (the card object is reset)', async () => {
    const card = await issueCard();
    const reset = Object.assign(new Error('Durable Object reset because its code was updated.'), { retryable: true });
    const res = await fetchWith({ CARD: failingNamespace(env.CARD, reset) }, `/registry/cards/${card.serial}`, {
      headers: { Authorization: `Bearer ${REGISTRY_TOKEN}` },
    });
    await expectJson503(res);
  });

  it('the login pages and /oidc/authorize: an Italian page, 503', async () => {
    const rp = await TestRp.create();
    const auth = await rp.authorizeRequest();
    const flows = { FLOW: failingNamespace(env.FLOW, overloaded()) };
    await expectPage503(await fetchWith(flows, '/login/abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ'));
    const authorize = await fetchWith({ DIRECTORY: failingNamespace(env.DIRECTORY, overloaded()) }, `/oidc/authorize?${new URLSearchParams(auth.params)}`);
    await expectPage503(authorize);
  });

  it('an error our own object code throws is still a 500 (a bug, not overload)', async () => {
    const card = await issueCard();
    const res = await fetchWith({ CARD: failingNamespace(env.CARD, new Error('bug')) }, `/registry/cards/${card.serial}`, {
      headers: { Authorization: `Bearer ${REGISTRY_TOKEN}` },
    });
    expect(res.status).toBe(500);
  });
});
