import { createExecutionContext, runInDurableObject, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { Card } from '../../durable-objects/card';
import type { Env } from '../../functions/env';
import worker from '../../functions/index';
import { GRANTS_PER_CLIENT_MAX } from '../../functions/core/identity-grants';
import { endIdentitySessions } from '../../functions/platform/identity-sessions';
import { cardObject } from '../../functions/platform/objects';
import { OFFLINE, introspect, refreshAnswer } from '../support/area-revocation';
import { env, holder } from '../support/login-client';
import { tokensFor } from '../support/oidc-login';
import { ASSERTION_TYPE, TestRp } from '../support/rp';
import { ORIGIN } from '../support/worker';

/**
 * The refresh grant and the Card's list of grants (C-37, R-ACC-4): a grant the Card does not list is
 * listed again rather than revoked, and the Card is asked before the old refresh token is spent.
 */

const gidOf = (jwt: string) => JSON.parse(atob(jwt.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))).gid as string;

/** Forgets the Card's row of a grant, as for a grant issued before the list existed or a lost write. */
async function unlist(serial: string, grantId: string): Promise<void> {
  const stub = env.CARD.get(env.CARD.idFromName(serial)) as DurableObjectStub<Card>;
  await runInDurableObject(stub, (_card, state) => {
    state.storage.sql.exec('DELETE FROM grants WHERE grant_id = ?', grantId);
  });
}

/** The test env with a CARD binding whose stubs throw for `method`, everything else passing through to the real objects. */
function cardFailingAt(method: string): Env {
  const failingStub = (stub: object) =>
    new Proxy(stub, {
      get(target, prop) {
        const member = Reflect.get(target, prop);
        if (prop === method) return () => Promise.reject(new Error('card unavailable'));
        return typeof member === 'function' ? (...args: unknown[]) => Reflect.apply(member, target, args) : member;
      },
    });
  const namespace = new Proxy(env.CARD, {
    get(target, prop) {
      const member = Reflect.get(target, prop);
      if (typeof member !== 'function') return member;
      const bound = (...args: unknown[]) => Reflect.apply(member, target, args);
      return prop === 'get' || prop === 'getByName' ? (...args: unknown[]) => failingStub(bound(...args) as object) : bound;
    },
  });
  return { ...env, CARD: namespace };
}

async function refreshWith(testEnv: Env, rp: TestRp, refreshToken: string): Promise<{ status: number; error?: string }> {
  const body = new URLSearchParams({
    client_id: rp.clientId,
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: await rp.assertion({}, {}, '/oidc/token'),
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
  });
  const request = new Request(`${ORIGIN}/oidc/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: body.toString(),
  });
  const ctx = createExecutionContext();
  const res = await worker.fetch(request, testEnv, ctx);
  await waitOnExecutionContext(ctx);
  return { status: res.status, ...((await res.json()) as { error?: string }) };
}

describe('a refresh of a grant the Card does not list (R-ACC-4, C-37)', () => {
  it('R-ACC-4: the grant is listed again and refreshed, not revoked; a revocation then reaches its new tokens', async () => {
    const h = await holder();
    const rp = await TestRp.create({ clientName: 'Comune di Lucca' });
    const { tokens } = await tokensFor(rp, { card: h, overrides: OFFLINE });
    const gid = gidOf(tokens.refresh_token!);
    await unlist(h.serial, gid);
    expect(await cardObject(env, h.serial).liveGrants()).toEqual([]);

    const refreshed = await refreshAnswer(rp, tokens.refresh_token!);
    expect(refreshed.status).toBe(200);
    expect((await cardObject(env, h.serial).liveGrants()).map((g) => g.grantId)).toEqual([gid]);
    expect(await introspect(rp, refreshed.refresh_token!)).toBe(true);

    await endIdentitySessions(env, h.serial, { now: Date.now() });
    expect(await introspect(rp, refreshed.refresh_token!)).toBe(false);
    expect(await refreshAnswer(rp, refreshed.refresh_token!)).toMatchObject({ status: 400, error: 'invalid_grant' });
  });

  it(`R-ACC-4: a grant pushed out by the bound (${GRANTS_PER_CLIENT_MAX} per RP) stays revoked: its refresh lists nothing back to life`, async () => {
    const h = await holder();
    const rp = await TestRp.create({ clientName: 'Comune di Siena' });
    const first = (await tokensFor(rp, { card: h, overrides: OFFLINE })).tokens;
    for (let i = 0; i < GRANTS_PER_CLIENT_MAX; i++) await tokensFor(rp, { card: h, overrides: OFFLINE });
    expect(await introspect(rp, first.refresh_token!)).toBe(false);
    expect(await refreshAnswer(rp, first.refresh_token!)).toMatchObject({ status: 400, error: 'invalid_grant' });
    expect(await introspect(rp, first.refresh_token!)).toBe(false);
  });
});

describe('the Card is asked before the old refresh token is spent (C-37)', () => {
  it('C-37: a Card that fails while keeping the grant listed → 503, and the same refresh token still works after', async () => {
    const h = await holder();
    const rp = await TestRp.create({ clientName: 'Comune di Prato' });
    const { tokens } = await tokensFor(rp, { card: h, overrides: OFFLINE });
    expect(await refreshWith(cardFailingAt('grantRefreshed'), rp, tokens.refresh_token!)).toMatchObject({ status: 503, error: 'temporarily_unavailable' });
    expect(await introspect(rp, tokens.refresh_token!)).toBe(true);
    const retried = await refreshAnswer(rp, tokens.refresh_token!);
    expect(retried.status).toBe(200);
    expect(await introspect(rp, retried.refresh_token!)).toBe(true);
  });

  it('C-37: a Card that fails while reading the holder → 503, and the same refresh token still works after', async () => {
    const h = await holder();
    const rp = await TestRp.create({ clientName: 'Comune di Pistoia' });
    const { tokens } = await tokensFor(rp, { card: h, overrides: OFFLINE });
    expect(await refreshWith(cardFailingAt('view'), rp, tokens.refresh_token!)).toMatchObject({ status: 503, error: 'temporarily_unavailable' });
    expect((await refreshAnswer(rp, tokens.refresh_token!)).status).toBe(200);
  });
});
