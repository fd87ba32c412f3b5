import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { Card, CardRecord, PukAnswer } from '../../../durable-objects/card';
import { ACCESS_LOG_MAX_EVENTS, ACCESS_LOG_PRUNE_BATCH, ACCESS_LOG_READ_MAX, accessLogCutoff } from '../../../functions/core/access-log-retention';
import { OTP_DAILY_CAP, OTP_DAILY_CHECK_CAP } from '../../../functions/core/otp';
import { PUK_MAX_WRONG } from '../../../functions/core/puk-challenge';
import { LOCK_AFTER_FAILURES } from '../../../functions/core/password-throttle';
import { drawSerial } from '../../../functions/core/serial';
import { randomInt } from '../../../functions/platform/crypto';
import { unsealCodes } from '../../../functions/registry/card-codes';
import { cardRecord } from '../../support/card-record';

const DAY = 24 * 3600_000;
const PIN = '13572468';
const PUK = '58201937'; // first half 5820: digits 2 and 3 are "8" and "2"
const RIGHT: [string, string] = ['8', '2'];
const WRONG: [string, string] = ['0', '0'];
const POSITIONS: [number, number] = [2, 3];

type CardStub = DurableObjectStub<Card>;
const inCard = <R>(stub: CardStub, fn: (card: Card, state: DurableObjectState) => R | Promise<R>) => runInDurableObject(stub, fn);

const record = (serial: string, overrides: Partial<CardRecord> = {}) => cardRecord(serial, overrides, { pin: PIN, puk: PUK });

async function issued(overrides: Partial<CardRecord> = {}) {
  const serial = drawSerial(randomInt);
  const stub = env.CARD.get(env.CARD.idFromName(serial));
  const rec = await record(serial, overrides);
  expect(await inCard(stub, (c) => c.issue(rec))).toBe(true);
  return { serial, stub, rec };
}

const status = async (stub: CardStub) => (await inCard(stub, (c) => c.view()))?.status;
const failures = async (stub: CardStub) => (await inCard(stub, (c) => c.view()))?.pukFailures;

describe('Card: issue and view (R-CARD-1, R-CARD-6)', () => {
  it('R-CARD-1: a card is written once; a second issue for the serial is refused and changes nothing', async () => {
    const { stub, rec } = await issued();
    expect(await inCard(stub, (c) => c.issue({ ...rec, givenName: 'Altro' }))).toBe(false);
    const view = await inCard(stub, (c) => c.view());
    expect(view).toMatchObject({ serial: rec.serial, givenName: 'Mario', status: 'issued', pukFailures: 0, credentials: null, blockedReason: null });
  });

  it('R-CARD-6: the view never carries the sealed codes; only sealedCodes does, and they open to the same PIN/PUK', async () => {
    const { stub, serial } = await issued();
    const view = await inCard(stub, (c) => c.view());
    expect(Object.keys(view!)).not.toEqual(expect.arrayContaining(['sealedPin']));
    expect(JSON.stringify(view)).not.toMatch(/sealed|13572468|58201937/);
    const sealed = await inCard(stub, (c) => c.sealedCodes());
    expect(await unsealCodes(env.DATA_KEY!, serial, sealed!)).toEqual({ pin: PIN, puk: PUK });
  });

  it('R-CARD-1: a card never issued has no view and no codes', async () => {
    const stub = env.CARD.get(env.CARD.idFromName(drawSerial(randomInt)));
    expect(await inCard(stub, (c) => c.view())).toBeNull();
    expect(await inCard(stub, (c) => c.sealedCodes())).toBeNull();
    expect(await inCard(stub, (c) => c.block('lost'))).toBeNull();
  });

  it('R-CARD-2: a card is valid through its expiry date and expired from the next Italian day', async () => {
    const expiresAt = Date.UTC(2030, 4, 10); // 10 May 2030
    const { stub } = await issued({ expiresAt });
    expect((await inCard(stub, (c) => c.view(Date.UTC(2030, 4, 10, 21, 59, 59))))?.status).toBe('issued'); // 23:59:59 in Rome
    expect((await inCard(stub, (c) => c.view(Date.UTC(2030, 4, 10, 22, 0, 0))))?.status).toBe('expired'); // midnight in Rome
  });
});

describe('Card: block and supersede (R-CARD-3, R-CARD-7)', () => {
  it('R-CARD-3: an issued card is blocked with its reason, and the event is in the access log', async () => {
    const { stub } = await issued();
    const view = await inCard(stub, (c) => c.block('stolen'));
    expect(view).toMatchObject({ status: 'blocked', blockedReason: 'stolen' });
    const events = await inCard(stub, (c) => c.events());
    expect(events.map((e) => e.kind)).toEqual(['card_blocked']);
    expect(events[0]!.detail).toEqual({ reason: 'stolen' });
  });

  it("R-LOG-9: an activation is in the holder's log, with the mode chosen", async () => {
    const { stub } = await issued();
    await inCard(stub, (c) => c.activate({ passwordHash: 'h', mode: 'app', verifiedEmail: null }));
    const events = await inCard(stub, (c) => c.events());
    expect(events[0]).toMatchObject({ kind: 'activation', detail: { outcome: 'completed', mode: 'app' } });
  });

  it('R-CARD-3: an active card can be blocked too', async () => {
    const { stub } = await issued();
    expect(await inCard(stub, (c) => c.activate({ passwordHash: 'h', mode: 'sms', verifiedEmail: null }))).toEqual({ ok: true });
    expect(await status(stub)).toBe('active');
    expect((await inCard(stub, (c) => c.block('lost')))?.status).toBe('blocked');
  });

  it('R-CARD-3: blocking again keeps the first reason and logs nothing more', async () => {
    const { stub } = await issued();
    await inCard(stub, (c) => c.block('lost'));
    const again = await inCard(stub, (c) => c.block('stolen'));
    expect(again).toMatchObject({ status: 'blocked', blockedReason: 'lost' });
    expect(await inCard(stub, (c) => c.events())).toHaveLength(1);
  });

  it('R-CARD-3: permanent states are not turned into blocked', async () => {
    const superseded = await issued();
    await inCard(superseded.stub, (c) => c.supersede());
    expect((await inCard(superseded.stub, (c) => c.block('lost')))?.status).toBe('superseded');

    const pukBlocked = await issued();
    for (let i = 0; i <= PUK_MAX_WRONG; i++) await inCard(pukBlocked.stub, (c) => c.answerPuk(POSITIONS, WRONG));
    expect(await status(pukBlocked.stub)).toBe('puk_blocked');
    expect((await inCard(pukBlocked.stub, (c) => c.block('lost')))?.status).toBe('puk_blocked');
  });

  it('R-CARD-7: a superseded card loses its level 1/2 credentials and cannot be activated again', async () => {
    const { stub } = await issued();
    await inCard(stub, (c) => c.activate({ passwordHash: 'h', mode: 'app', verifiedEmail: 'm@example.it' }));
    await inCard(stub, (c) => c.supersede());
    const view = await inCard(stub, (c) => c.view());
    expect(view).toMatchObject({ status: 'superseded', credentials: null });
    expect(await inCard(stub, (c) => c.activate({ passwordHash: 'h2', mode: 'sms', verifiedEmail: null }))).toEqual({ ok: false, status: 'superseded' });
    expect(await inCard(stub, (c) => c.answerPuk(POSITIONS, RIGHT))).toEqual({ outcome: 'unusable', status: 'superseded' });
  });
});

describe('Card: PUK answers (R-ACT-2, R-PUK-3)', () => {
  it('R-ACT-2: the right digits are accepted and count nothing', async () => {
    const { stub } = await issued();
    expect(await inCard(stub, (c) => c.answerPuk(POSITIONS, RIGHT))).toEqual({ outcome: 'ok' });
    expect(await inCard(stub, (c) => c.answerPuk([1, 4], ['5', '0']))).toEqual({ outcome: 'ok' });
    expect(await failures(stub)).toBe(0);
  });

  it('R-ACT-2: digits swapped or from other positions are wrong', async () => {
    const { stub } = await issued();
    expect(await inCard(stub, (c) => c.answerPuk(POSITIONS, ['2', '8']))).toEqual({ outcome: 'wrong', remaining: 10 });
    expect(await inCard(stub, (c) => c.answerPuk([1, 2], RIGHT))).toEqual({ outcome: 'wrong', remaining: 9 });
    expect(await failures(stub)).toBe(2);
  });

  it('R-PUK-3: each wrong answer counts; the 10th leaves one more try, the 11th blocks for good', async () => {
    const { stub } = await issued();
    const outcomes: PukAnswer[] = [];
    for (let i = 1; i <= PUK_MAX_WRONG; i++) outcomes.push(await inCard(stub, (c) => c.answerPuk(POSITIONS, WRONG)));
    expect(outcomes).toEqual(Array.from({ length: 10 }, (_, i) => ({ outcome: 'wrong', remaining: 10 - i })));
    expect(await status(stub)).toBe('issued');
    expect(await inCard(stub, (c) => c.answerPuk(POSITIONS, WRONG))).toEqual({ outcome: 'blocked', justBlocked: true });
    expect(await status(stub)).toBe('puk_blocked');
    expect(await failures(stub)).toBe(11);
    // For good: the right digits no longer help and nothing more is counted.
    expect(await inCard(stub, (c) => c.answerPuk(POSITIONS, RIGHT))).toEqual({ outcome: 'blocked' });
    expect(await inCard(stub, (c) => c.answerPuk(POSITIONS, WRONG))).toEqual({ outcome: 'blocked' });
    expect(await failures(stub)).toBe(11);
    expect(await inCard(stub, (c) => c.activate({ passwordHash: 'h', mode: 'sms', verifiedEmail: null }))).toEqual({ ok: false, status: 'puk_blocked' });
  });

  it('R-PUK-3: 100 concurrent wrong answers on one stub record exactly 11 failures and block the card', async () => {
    const { stub } = await issued();
    const answers = await Promise.all(Array.from({ length: 100 }, () => stub.answerPuk(POSITIONS, WRONG)));
    expect(await failures(stub)).toBe(PUK_MAX_WRONG + 1);
    expect(await status(stub)).toBe('puk_blocked');
    expect(answers.filter((a) => a.outcome === 'wrong')).toHaveLength(PUK_MAX_WRONG);
    expect(answers.filter((a) => a.outcome === 'blocked')).toHaveLength(100 - PUK_MAX_WRONG);
    const remaining = answers.flatMap((a) => (a.outcome === 'wrong' ? [a.remaining] : [])).sort((a, b) => a - b);
    expect(remaining).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('R-PUK-3: 100 concurrent answers inside the object, mixed right and wrong, still stop at 11 failures', async () => {
    const { stub } = await issued();
    const answers = await inCard(stub, (c) => Promise.all(Array.from({ length: 100 }, (_, i) => c.answerPuk(POSITIONS, i % 10 === 0 ? RIGHT : WRONG))));
    expect(await failures(stub)).toBe(PUK_MAX_WRONG + 1);
    expect(await status(stub)).toBe('puk_blocked');
    expect(answers.filter((a) => a.outcome === 'wrong')).toHaveLength(PUK_MAX_WRONG);
  });

  it('R-CARD-3: a blocked or expired card answers no PUK question and counts nothing', async () => {
    const blocked = await issued();
    await inCard(blocked.stub, (c) => c.block('lost'));
    expect(await inCard(blocked.stub, (c) => c.answerPuk(POSITIONS, WRONG))).toEqual({ outcome: 'unusable', status: 'blocked' });
    expect(await failures(blocked.stub)).toBe(0);

    const now = Date.now();
    const expired = await issued({ expiresAt: now - 2 * DAY });
    expect(await inCard(expired.stub, (c) => c.answerPuk(POSITIONS, RIGHT))).toEqual({ outcome: 'unusable', status: 'expired' });
    expect(await failures(expired.stub)).toBe(0);
  });
});

describe('Card: daily cap of codes sent (R-OTP-3)', () => {
  it(`R-OTP-3: ${OTP_DAILY_CAP} sends a day are allowed, the next is refused`, async () => {
    const { stub } = await issued();
    const day = Date.UTC(2026, 2, 10, 8);
    for (let i = 0; i < OTP_DAILY_CAP; i++) expect(await inCard(stub, (c) => c.countSend(day + i))).toEqual({ allowed: true });
    expect(await inCard(stub, (c) => c.countSend(day + 60_000))).toEqual({ allowed: false });
    // 22:59:59 UTC is 23:59:59 in Rome (CET): still the same Italian day.
    expect(await inCard(stub, (c) => c.countSend(Date.UTC(2026, 2, 10, 22, 59, 59)))).toEqual({ allowed: false });
  });

  it(`R-OTP-2: ${OTP_DAILY_CHECK_CAP} codes checked a day per identity, then none until the next Italian day`, async () => {
    const { stub } = await issued();
    const day = Date.UTC(2026, 2, 10, 8);
    const answers = await Promise.all(Array.from({ length: OTP_DAILY_CHECK_CAP + 5 }, (_, i) => inCard(stub, (c) => c.countOtpCheck(day + i))));
    expect(answers.filter((a) => a.allowed)).toHaveLength(OTP_DAILY_CHECK_CAP);
    expect(await inCard(stub, (c) => c.countOtpCheck(Date.UTC(2026, 2, 11, 8)))).toEqual({ allowed: true });
  });

  it('R-OTP-2: a check given back frees one for the same day only, and the count never goes below zero', async () => {
    const { stub } = await issued();
    const day = Date.UTC(2026, 2, 10, 8);
    for (let i = 0; i < OTP_DAILY_CHECK_CAP; i++) await inCard(stub, (c) => c.countOtpCheck(day));
    expect(await inCard(stub, (c) => c.countOtpCheck(day))).toEqual({ allowed: false });
    await inCard(stub, (c) => c.uncountOtpCheck(day));
    expect(await inCard(stub, (c) => c.countOtpCheck(day + 1))).toEqual({ allowed: true });
    expect(await inCard(stub, (c) => c.countOtpCheck(day + 2))).toEqual({ allowed: false });

    // Given back after midnight, a check of the day before changes nothing of the new day.
    const next = Date.UTC(2026, 2, 11, 8);
    for (let i = 0; i < OTP_DAILY_CHECK_CAP; i++) await inCard(stub, (c) => c.countOtpCheck(next));
    await inCard(stub, (c) => c.uncountOtpCheck(day));
    expect(await inCard(stub, (c) => c.countOtpCheck(next))).toEqual({ allowed: false });

    const fresh = await issued();
    await inCard(fresh.stub, (c) => c.countOtpCheck(day));
    for (let i = 0; i < 3; i++) await inCard(fresh.stub, (c) => c.uncountOtpCheck(day));
    const [row] = await inCard(fresh.stub, (_c, state) => state.storage.sql.exec('SELECT count FROM otp_checks').toArray());
    expect(row!.count).toBe(0);
  });

  it('R-OTP-3: a new Italian day starts a new count, and old days are forgotten', async () => {
    const { stub } = await issued();
    const day = Date.UTC(2026, 2, 10, 8);
    for (let i = 0; i <= OTP_DAILY_CAP; i++) await inCard(stub, (c) => c.countSend(day));
    expect(await inCard(stub, (c) => c.countSend(Date.UTC(2026, 2, 11, 0, 0, 0)))).toEqual({ allowed: true });
    const rows = await inCard(stub, (_c, state) => state.storage.sql.exec('SELECT day, count FROM sends').toArray());
    expect(rows).toEqual([{ day: '2026-03-11', count: 1 }]);
  });

  it('R-OTP-3: concurrent sends never pass the cap', async () => {
    const { stub } = await issued();
    const results = await Promise.all(Array.from({ length: 40 }, () => stub.countSend()));
    expect(results.filter((r) => r.allowed)).toHaveLength(OTP_DAILY_CAP);
  });

  it("R-OTP-3: countSendTo counts like countSend and names the card's phone; past the cap, no phone", async () => {
    const { stub, rec } = await issued();
    const day = Date.UTC(2026, 2, 10, 8);
    for (let i = 1; i < OTP_DAILY_CAP; i++) await inCard(stub, (c) => c.countSend(day));
    expect(await inCard(stub, (c) => c.countSendTo(day))).toEqual({ allowed: true, phone: rec.phone });
    expect(await inCard(stub, (c) => c.countSendTo(day))).toEqual({ allowed: false });
    expect(await inCard(stub, (c) => c.countSend(day))).toEqual({ allowed: false });
  });
});

describe('Card: a right password (R-LOG-8, R-CARD-3)', () => {
  it('R-LOG-8: acceptPassword resets the failures and returns the card as it stands, blocked included', async () => {
    const { stub } = await issued();
    const t0 = Date.now();
    await inCard(stub, (c) => c.recordPasswordFailure(t0 - 600_000));
    const accepted = await inCard(stub, (c) => c.acceptPassword(t0));
    expect(accepted.success).toEqual({ ok: true });
    expect(accepted.card?.status).toBe('issued');
    expect((await inCard(stub, (c) => c.passwordFailures(t0))).failures).toBe(0);
    await inCard(stub, (c) => c.block('lost'));
    expect((await inCard(stub, (c) => c.acceptPassword(t0)))?.card?.status).toBe('blocked');
  });

  it('R-LOG-8: while the identity is locked, acceptPassword refuses and returns no card', async () => {
    const { stub } = await issued();
    const t0 = Date.now();
    for (let i = 0; i < LOCK_AFTER_FAILURES; i++) await inCard(stub, (c) => c.recordPasswordFailure(t0 - 1000 + i));
    const accepted = await inCard(stub, (c) => c.acceptPassword(t0));
    expect(accepted.success.ok).toBe(false);
    expect(accepted.card).toBeNull();
  });
});

describe('Card: the access log stays within its bounds (R-LOG-9)', () => {
  const entry = (at: number, rp: string) => ({ at, rp, rpName: 'Comune', level: 2 as const, method: 'sms' as const, outcome: 'granted' as const });
  const rowCount = (stub: CardStub) => inCard(stub, (_c, state) => Number(state.storage.sql.exec('SELECT COUNT(*) AS n FROM events').one().n));

  it('keeps the newest ACCESS_LOG_MAX_EVENTS events and drops the oldest', async () => {
    const { stub } = await issued();
    const now = Date.now();
    const extra = 25;
    await inCard(stub, (c) => {
      for (let i = 0; i < ACCESS_LOG_MAX_EVENTS + extra; i++) c.logAccess(entry(now + i, `rp-${i}`));
    });
    expect(await rowCount(stub)).toBe(ACCESS_LOG_MAX_EVENTS);
    const newest = await inCard(stub, (c) => c.events(ACCESS_LOG_MAX_EVENTS, now + ACCESS_LOG_MAX_EVENTS + extra));
    expect(newest[0]!.detail.rp).toBe(`rp-${ACCESS_LOG_MAX_EVENTS + extra - 1}`);
    expect(newest).toHaveLength(ACCESS_LOG_READ_MAX);
    const oldestKept = await inCard(stub, (_c, state) => String(state.storage.sql.exec('SELECT detail FROM events ORDER BY seq LIMIT 1').one().detail));
    expect(JSON.parse(oldestKept).rp).toBe(`rp-${extra}`);
  });

  it('is not shown past 24 months, and each write prunes a few of the expired events, oldest first', async () => {
    const { stub } = await issued();
    const now = Date.now();
    const old = accessLogCutoff(now) - 3600_000;
    const expired = 10;
    // Written when they were new (their own now), so nothing prunes them then.
    await inCard(stub, (c) => {
      for (let i = 0; i < expired; i++) c.logAccess(entry(old + i, `old-${i}`));
    });
    expect(await rowCount(stub)).toBe(expired);
    const shown = await inCard(stub, (c) => c.events(500, now));
    expect(shown.some((e) => String(e.detail.rp).startsWith('old-'))).toBe(false);
    await inCard(stub, (c) => c.logAccess(entry(now, 'new-0')));
    expect(await rowCount(stub)).toBe(expired + 1 - ACCESS_LOG_PRUNE_BATCH);
    await inCard(stub, (c) => {
      for (let i = 1; i < 4; i++) c.logAccess(entry(now + i, `new-${i}`));
    });
    const left = await inCard(stub, (_c, state) =>
      state.storage.sql
        .exec('SELECT detail FROM events ORDER BY seq')
        .toArray()
        .map((r) => JSON.parse(String(r.detail)).rp),
    );
    expect(left.filter((rp: string) => rp.startsWith('old-'))).toEqual([]);
    expect(left.slice(-4)).toEqual(['new-0', 'new-1', 'new-2', 'new-3']);
  });
});
