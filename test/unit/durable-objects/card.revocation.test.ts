import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { Card } from '../../../durable-objects/card';
import { GRANTS_PER_CLIENT_MAX, GRANTS_PER_IDENTITY_MAX, REFRESH_NOTICE_INTERVAL_MS } from '../../../functions/core/identity-grants';
import { drawSerial } from '../../../functions/core/serial';
import { randomInt } from '../../../functions/platform/crypto';
import { cardRecord } from '../../support/card-record';

/** The Card's revocation side (R-ACC-4): the grants of the identity, the credentials revoked, level 3 suspended. */

type CardStub = DurableObjectStub<Card>;
const inCard = <R>(stub: CardStub, fn: (card: Card, state: DurableObjectState) => R | Promise<R>) => runInDurableObject(stub, fn);
const FISCAL_CODE = 'RSSMRA85H15H501D';
const HOUR = 3600_000;

async function activeCard(verifiedEmail: string | null = null): Promise<CardStub> {
  const serial = drawSerial(randomInt);
  const stub = env.CARD.get(env.CARD.idFromName(serial));
  const rec = await cardRecord(serial);
  expect(await inCard(stub, (c) => c.issue(rec))).toBe(true);
  expect(await inCard(stub, (c) => c.activate({ passwordHash: 'pbkdf2-sha256$1$a$b', mode: 'sms', verifiedEmail }))).toEqual({ ok: true });
  return stub;
}

const grant = (n: number, listedUntil: number) => ({
  grantId: `${String(n).padStart(4, '0')}${'a'.repeat(60)}`,
  clientId: `https://rp-${n}.example.it`,
  listedUntil,
});
/** The access log through the stub (its detail is JSON, which the RPC types cannot say). */
const eventsOf = async (stub: CardStub) => (await stub.events()) as unknown as { kind: string; detail: Record<string, unknown> }[];
/** A login whose password was checked after the test card's activation (R-ACC-2: one checked before is refused). */
const level2 = { fiscalCode: FISCAL_CODE, level: 2 as const, credentialsCheckedAt: Date.now() + 24 * HOUR };

describe('Card: the grants of the identity (R-ACC-4)', () => {
  it('R-ACC-4: admitGrant checks the card and lists the grant in the same call; a refused grant is not listed', async () => {
    const stub = await activeCard();
    const now = Date.now();
    expect(await stub.admitGrant(level2, grant(1, now + HOUR), now)).toEqual({ refusal: null, evicted: [] });
    expect(await stub.admitGrant({ ...level2, fiscalCode: 'VRDLGU80A10H501X' }, grant(2, now + HOUR), now)).toEqual({ refusal: 'other_holder', evicted: [] });
    expect((await stub.liveGrants(now)).map((g) => g.clientId)).toEqual(['https://rp-1.example.it']);
  });

  it('R-ACC-4: rows past their time are pruned on write and never listed as live', async () => {
    const stub = await activeCard();
    const now = Date.now();
    await stub.admitGrant(level2, grant(1, now + HOUR), now);
    await stub.admitGrant(level2, grant(2, now + 2 * HOUR), now);
    expect(await stub.liveGrants(now + HOUR)).toHaveLength(1);
    await stub.admitGrant(level2, grant(3, now + 3 * HOUR), now + HOUR + 1);
    const rows = await inCard(stub, (_c, state) => state.storage.sql.exec('SELECT COUNT(*) AS n FROM grants').one().n);
    expect(rows).toBe(2);
  });

  it(`R-ACC-4: at most ${GRANTS_PER_IDENTITY_MAX} listed; the one that ends soonest is handed back to be revoked, never just forgotten`, async () => {
    const stub = await activeCard();
    const now = Date.now();
    for (let i = 0; i < GRANTS_PER_IDENTITY_MAX; i++) expect((await stub.admitGrant(level2, grant(i, now + (i + 10) * HOUR), now)).evicted).toEqual([]);
    const over = await stub.admitGrant(level2, grant(999, now + 1000 * HOUR), now);
    expect(over.evicted).toEqual([grant(0, 0).grantId]);
    expect(await stub.liveGrants(now)).toHaveLength(GRANTS_PER_IDENTITY_MAX);
  });

  it(`R-ACC-4: one relying party holds at most ${GRANTS_PER_CLIENT_MAX} of them: its own soonest-ending grant goes, never another RP's`, async () => {
    const stub = await activeCard();
    const now = Date.now();
    const other = { ...grant(500, now + HOUR), clientId: 'https://altro.example.it' };
    expect((await stub.admitGrant(level2, other, now)).evicted).toEqual([]);
    const same = (n: number, until: number) => ({ ...grant(n, until), clientId: 'https://stesso.example.it' });
    for (let i = 0; i < GRANTS_PER_CLIENT_MAX; i++) expect((await stub.admitGrant(level2, same(i, now + (i + 10) * HOUR), now)).evicted).toEqual([]);
    const over = await stub.admitGrant(level2, same(999, now + 1000 * HOUR), now);
    expect(over.evicted).toEqual([grant(0, 0).grantId]);
    const live = (await stub.liveGrants(now)).map((g) => g.grantId);
    expect(live).toHaveLength(GRANTS_PER_CLIENT_MAX + 1);
    expect(live).toContain(other.grantId);
  });

  it('R-ACC-4: the grant just admitted is never the one pushed out, even when it ends soonest', async () => {
    const stub = await activeCard();
    const now = Date.now();
    const same = (n: number, until: number) => ({ ...grant(n, until), clientId: 'https://stesso.example.it' });
    for (let i = 0; i < GRANTS_PER_CLIENT_MAX; i++) await stub.admitGrant(level2, same(i, now + (i + 10) * HOUR), now);
    const short = await stub.admitGrant(level2, same(999, now + HOUR), now);
    expect(short.evicted).toEqual([grant(0, 0).grantId]);
    expect((await stub.liveGrants(now)).map((g) => g.grantId)).toContain(grant(999, 0).grantId);
  });

  it('C-37: a refresh pushes a listed grant on, never back', async () => {
    const stub = await activeCard();
    const now = Date.now();
    await stub.admitGrant(level2, grant(1, now + HOUR), now);
    expect(await stub.grantRefreshed(grant(1, now + 5 * HOUR), now)).toEqual({ notify: true, evicted: [] });
    expect((await stub.grantRefreshed(grant(1, now + 2 * HOUR), now)).evicted).toEqual([]);
    expect(await stub.liveGrants(now)).toEqual([grant(1, now + 5 * HOUR)]);
  });

  it('R-ACC-4: a refresh of a grant the Card does not list lists it again (issued before the list, or its write lost)', async () => {
    const stub = await activeCard();
    const now = Date.now();
    expect(await stub.grantRefreshed(grant(7, now + 5 * HOUR), now)).toEqual({ notify: true, evicted: [] });
    expect(await stub.liveGrants(now)).toEqual([grant(7, now + 5 * HOUR)]);
    // Listed again, it is an ordinary row: the next refresh within the day is not told again.
    expect((await stub.grantRefreshed(grant(7, now + 6 * HOUR), now + HOUR)).notify).toBe(false);
  });

  it(`R-ACC-4: listed again by a refresh, a grant is under the same bounds (${GRANTS_PER_CLIENT_MAX} per RP): the one pushed out is handed back`, async () => {
    const stub = await activeCard();
    const now = Date.now();
    const same = (n: number, until: number) => ({ ...grant(n, until), clientId: 'https://stesso.example.it' });
    for (let i = 0; i < GRANTS_PER_CLIENT_MAX; i++) await stub.admitGrant(level2, same(i, now + (i + 10) * HOUR), now);
    expect(await stub.grantRefreshed(same(999, now + 1000 * HOUR), now)).toEqual({ notify: true, evicted: [grant(0, 0).grantId] });
    expect(await stub.liveGrants(now)).toHaveLength(GRANTS_PER_CLIENT_MAX);
  });

  it("issue 13 §7: the holder hears of a grant's refreshes on the first, then at most once a day; of 10 concurrent refreshes, once", async () => {
    const stub = await activeCard();
    const now = Date.now();
    await stub.admitGrant(level2, grant(1, now + HOUR), now);
    const until = now + 30 * 24 * HOUR;
    const first = await Promise.all(Array.from({ length: 10 }, () => stub.grantRefreshed(grant(1, until), now)));
    expect(first.filter((r) => r.notify)).toHaveLength(1);
    expect((await stub.grantRefreshed(grant(1, until), now + 23 * HOUR)).notify).toBe(false);
    expect((await stub.grantRefreshed(grant(1, until), now + REFRESH_NOTICE_INTERVAL_MS)).notify).toBe(true);
    expect((await stub.grantRefreshed(grant(1, until), now + REFRESH_NOTICE_INTERVAL_MS + HOUR)).notify).toBe(false);
  });

  it('issue 13 §7: of 10 concurrent refreshes of a grant not listed, one lists it and one notifies', async () => {
    const stub = await activeCard();
    const now = Date.now();
    const answers = await Promise.all(Array.from({ length: 10 }, () => stub.grantRefreshed(grant(3, now + HOUR), now)));
    expect(answers.filter((r) => r.notify)).toHaveLength(1);
    expect(await stub.liveGrants(now)).toHaveLength(1);
  });
});

describe('Card: Revoca livello 1 e livello 2 (R-ACC-4)', () => {
  it('R-ACC-4: the credentials go, the mark stays, the email is handed back; a later level 1 or 2 grant is refused, level 3 is not', async () => {
    const stub = await activeCard('mario@example.it');
    const now = Date.now();
    expect(await stub.revokeCredentials(now)).toEqual({ verifiedEmail: 'mario@example.it' });
    const view = await stub.view();
    expect(view).toMatchObject({ credentials: null, credentialsRevokedAt: now, level3Suspended: false });
    expect((await stub.admitGrant(level2, grant(1, now + HOUR), now)).refusal).toBe('credentials_revoked');
    expect((await stub.admitGrant({ ...level2, level: 3 }, grant(2, now + HOUR), now)).refusal).toBeNull();
    expect((await eventsOf(stub)).map((e) => e.kind)).toContain('credentials_revoked');
  });

  it('R-ACC-4: 20 concurrent revocations: one revokes, the others find nothing to revoke', async () => {
    const stub = await activeCard();
    const answers = await Promise.all(Array.from({ length: 20 }, () => stub.revokeCredentials()));
    expect(answers.filter((a) => a !== false)).toHaveLength(1);
    expect((await eventsOf(stub)).filter((e) => e.kind === 'credentials_revoked')).toHaveLength(1);
  });

  it('R-ACT-9: a new activation clears the mark without being told', async () => {
    const stub = await activeCard();
    await stub.revokeCredentials();
    await stub.activate({ passwordHash: 'pbkdf2-sha256$1$a$b', mode: 'app', verifiedEmail: null });
    expect((await stub.view())?.credentialsRevokedAt).toBeNull();
    expect((await stub.admitGrant(level2, grant(1, Date.now() + HOUR))).refusal).toBeNull();
  });

  it('R-LOG-9: a wrong password on revoked credentials is logged with the reason', async () => {
    const stub = await activeCard();
    await stub.revokeCredentials();
    await stub.recordPasswordFailure(Date.now(), { rp: 'https://rp.example.it', rpName: 'Comune', level: 2, method: 'password' });
    const access = (await eventsOf(stub)).find((e) => e.kind === 'access');
    expect(access?.detail).toMatchObject({ outcome: 'wrong_password', reason: 'credentials_revoked' });
  });
});

describe('Card: Sospendi / Riattiva livello 3 (R-ACC-4)', () => {
  it('R-ACC-4: the view reports it (check 6 reads it there); each change is one event, a repeat none', async () => {
    const stub = await activeCard();
    expect((await stub.view())?.level3Suspended).toBe(false);
    const answers = await Promise.all(Array.from({ length: 10 }, () => stub.setLevel3Suspended(true)));
    expect(answers.filter(Boolean)).toHaveLength(1);
    expect((await stub.view())?.level3Suspended).toBe(true);
    expect((await stub.admitGrant({ ...level2, level: 3 }, grant(1, Date.now() + HOUR))).refusal).toBe('level3_suspended');
    expect(await stub.setLevel3Suspended(false)).toBe(true);
    expect(await stub.setLevel3Suspended(false)).toBe(false);
    expect((await stub.view())?.level3Suspended).toBe(false);
    const kinds = (await eventsOf(stub)).map((e) => e.kind).filter((k) => k.startsWith('level3_'));
    expect(kinds).toEqual(['level3_resumed', 'level3_suspended']);
  });
});
