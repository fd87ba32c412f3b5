import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../functions/index';
import type { Env } from '../../functions/env';
import { OutboxNotifier } from '../../functions/platform/notifier';
import { ORIGIN, call } from '../support/worker';
import { randomPhone } from '../support/citizens';

/** Calls the Worker's own fetch with a changed environment, as a deployment with other vars would. */
async function fetchWith(overrides: Partial<Env>, path: string): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${ORIGIN}${path}`), { ...env, ...overrides } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

async function deliver(to: string, code: string) {
  await new OutboxNotifier(env).send({ to, channel: 'sms', text: `Il codice è ${code}`, code });
}

describe('test hook /__test/outbox (DESIGN: development stand-in for SMS and email, R-OTP-1)', () => {
  it('DESIGN test hooks: a missing or malformed "to" is 400 naming it', async () => {
    for (const query of ['', '?to=', '?to=abc', '?to=06%201234567', '?to=mario%40', '?to=%40example.it', `?to=${'9'.repeat(40)}`, '?to=a&to=b']) {
      const res = await call(`/__test/outbox${query}`);
      expect(res.status, query).toBe(400);
      const body = (await res.json()) as { error: string; problems: Array<{ field: string }> };
      expect(body.error).toBe('invalid_request');
      expect(body.problems.map((p) => p.field)).toEqual(['to']);
    }
  });

  it('DESIGN test hooks: an empty mailbox is an empty list', async () => {
    const res = await call(`/__test/outbox?to=${encodeURIComponent(randomPhone())}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
  });

  it('DESIGN test hooks: messages are listed newest first, whichever way the number is written', async () => {
    const phone = randomPhone();
    await deliver(phone, '1111');
    await deliver(phone, '2222');
    for (const spelled of [phone, phone.replace('+39', ''), phone.replace('+', '00')]) {
      const res = await call(`/__test/outbox?to=${encodeURIComponent(spelled)}`);
      const messages = (await res.json()) as Array<{ to: string; code: string; channel: string }>;
      expect(
        messages.map((m) => m.code),
        spelled,
      ).toEqual(['2222', '1111']);
      expect(messages[0]).toMatchObject({ to: phone, channel: 'sms' });
    }
  });

  it('DESIGN test hooks: the hooks answer 404 when ENVIRONMENT=production, even with TEST_HOOKS set', async () => {
    const phone = randomPhone();
    await deliver(phone, '4321');
    const dev = await fetchWith({ ENVIRONMENT: 'development', TEST_HOOKS: '1' }, `/__test/outbox?to=${encodeURIComponent(phone)}`);
    expect(dev.status).toBe(200);
    const prod = await fetchWith({ ENVIRONMENT: 'production', TEST_HOOKS: '1' }, `/__test/outbox?to=${encodeURIComponent(phone)}`);
    expect(prod.status).toBe(404);
    const text = await prod.text();
    expect(JSON.parse(text)).toMatchObject({ error: 'not_found' });
    expect(text).not.toContain('4321');
  });

  it.each(['prod', 'staging', 'Production', '', undefined])(
    'DESIGN test hooks: an environment not named development or test (%s) counts as production: 404 with TEST_HOOKS set',
    async (environment) => {
      const phone = randomPhone();
      await deliver(phone, '8642');
      const res = await fetchWith({ ENVIRONMENT: environment, TEST_HOOKS: '1' }, `/__test/outbox?to=${encodeURIComponent(phone)}`);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('8642');
    },
  );

  it('DESIGN test hooks: the hooks answer 404 when TEST_HOOKS is not set', async () => {
    const res = await fetchWith({ ENVIRONMENT: 'development', TEST_HOOKS: undefined }, `/__test/outbox?to=${encodeURIComponent(randomPhone())}`);
    expect(res.status).toBe(404);
    const empty = await fetchWith({ ENVIRONMENT: 'test', TEST_HOOKS: '' }, `/__test/outbox?to=${encodeURIComponent(randomPhone())}`);
    expect(empty.status).toBe(404);
  });

  it('DESIGN test hooks: in production an invalid "to" is 404 as well — nothing tells that the hook exists', async () => {
    const res = await fetchWith({ ENVIRONMENT: 'production', TEST_HOOKS: '1' }, '/__test/outbox?to=abc');
    expect(res.status).toBe(404);
  });
});
