import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { drawSerial } from '../../../functions/core/serial';
import { randomInt } from '../../../functions/platform/crypto';
import { cardRecord } from '../../support/card-record';

/** The personal area's part of the Card: the sessions' end stamp, the password and its history (R-ACC-2), the email. */
async function activeCard(passwordHash = 'hash-0') {
  const serial = drawSerial(randomInt);
  const stub = env.CARD.get(env.CARD.idFromName(serial));
  expect(await stub.issue(await cardRecord(serial))).toBe(true);
  expect(await stub.activate({ passwordHash, mode: 'sms', verifiedEmail: null })).toEqual({ ok: true });
  return { serial, stub };
}

describe('Card: the personal area', () => {
  it('areaState is the view plus the end of every area session, null until one is ended; the stamp never moves back', async () => {
    const { serial, stub } = await activeCard();
    const state = await stub.areaState();
    expect(state).toMatchObject({ serial, status: 'active', areaSessionsEndedAt: null });
    await stub.endAreaSessions(5000);
    expect((await stub.areaState())?.areaSessionsEndedAt).toBe(5000);
    await stub.endAreaSessions(4000);
    expect((await stub.areaState())?.areaSessionsEndedAt).toBe(5000);
    await stub.endAreaSessions(6000);
    expect((await stub.areaState())?.areaSessionsEndedAt).toBe(6000);
  });

  it('R-ACC-2: setPassword replaces the hash and keeps the old ones; the last 5 with the current one first, never more than 4 rows kept', async () => {
    const { stub } = await activeCard('hash-0');
    expect(await stub.recentPasswordHashes()).toEqual(['hash-0']);
    for (let i = 1; i <= 7; i++) expect(await stub.setPassword(`hash-${i}`, Date.now() + i)).toBe(true);
    expect(await stub.recentPasswordHashes()).toEqual(['hash-7', 'hash-6', 'hash-5', 'hash-4', 'hash-3']);
    expect(await stub.passwordGate()).toEqual({ allowed: true, passwordHash: 'hash-7' });
    await runInDurableObject(stub, (_card, state) => {
      expect(state.storage.sql.exec('SELECT COUNT(*) AS n FROM password_history').one().n).toBe(4);
    });
    const kinds = ((await stub.events()) as { kind: string; detail: unknown }[]).filter((e) => e.kind === 'password_changed');
    expect(kinds).toHaveLength(7);
    expect(kinds[0]!.detail).toEqual({});
  });

  it('R-ACC-2: without credentials, or with the card blocked, setPassword changes nothing', async () => {
    const serial = drawSerial(randomInt);
    const fresh = env.CARD.get(env.CARD.idFromName(serial));
    await fresh.issue(await cardRecord(serial));
    expect(await fresh.setPassword('x')).toBe(false);
    expect(await fresh.recentPasswordHashes()).toEqual([]);

    const { stub } = await activeCard('hash-0');
    await stub.block('lost');
    expect(await stub.setPassword('hash-1')).toBe(false);
    expect(await stub.recentPasswordHashes()).toEqual(['hash-0']);
  });

  it('setVerifiedEmail replaces the address of existing credentials and says which it replaced', async () => {
    const { stub } = await activeCard();
    expect(await stub.setVerifiedEmail('uno@example.it')).toEqual({ previous: null });
    expect(await stub.setVerifiedEmail('due@example.it')).toEqual({ previous: 'uno@example.it' });
    expect((await stub.view())?.credentials?.verifiedEmail).toBe('due@example.it');
    const serial = drawSerial(randomInt);
    const fresh = env.CARD.get(env.CARD.idFromName(serial));
    await fresh.issue(await cardRecord(serial));
    expect(await fresh.setVerifiedEmail('tre@example.it')).toBe(false);
  });

  it('R-CARD-3: setVerifiedEmail changes nothing on a card out of service', async () => {
    const { stub } = await activeCard();
    await stub.block('stolen');
    expect(await stub.setVerifiedEmail('bloccata@example.it')).toBe(false);
    expect((await stub.view())?.credentials?.verifiedEmail).toBeNull();
  });

  it('R-ACC-2: setPassword, revokeCredentials and activate each stamp credentialsChangedAt', async () => {
    const { stub } = await activeCard();
    const activatedAt = (await stub.view())!.credentialsChangedAt!;
    expect(activatedAt).toEqual(expect.any(Number));
    await stub.setPassword('hash-1', activatedAt + 10);
    expect((await stub.view())?.credentialsChangedAt).toBe(activatedAt + 10);
    await stub.revokeCredentials(activatedAt + 20);
    expect((await stub.view())?.credentialsChangedAt).toBe(activatedAt + 20);
    await stub.activate({ passwordHash: 'hash-2', mode: 'sms', verifiedEmail: null }, activatedAt + 30);
    expect((await stub.view())?.credentialsChangedAt).toBe(activatedAt + 30);
  });

  it('R-ACC-2: an end of every area session may keep one, named by its hash; a later end keeps only its own', async () => {
    const { stub } = await activeCard();
    await stub.endAreaSessions(5000, 'kept-1');
    expect(await stub.areaState()).toMatchObject({ areaSessionsEndedAt: 5000, areaSessionKept: 'kept-1' });
    await stub.endAreaSessions(6000);
    expect(await stub.areaState()).toMatchObject({ areaSessionsEndedAt: 6000, areaSessionKept: null });
  });
});
