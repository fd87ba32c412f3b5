import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { LOCK_AFTER_FAILURES } from '../../../functions/core/password-throttle';
import { drawSerial } from '../../../functions/core/serial';
import { randomInt } from '../../../functions/platform/crypto';

/**
 * R-LOG-8, R-LOG-9: the Card writes a refused password attempt's access-log line in the same call that
 * decides it, so a wrong password costs no extra Durable Object call over an unknown username.
 */
const LOG = { rp: 'https://rp.example.it', rpName: 'Comune di Prova', level: 2 as const, method: 'password' as const };
const card = () => env.CARD.get(env.CARD.idFromName(drawSerial(randomInt)));
const outcomes = async (stub: ReturnType<typeof card>) =>
  ((await stub.events()) as { kind: string; detail: { outcome: string; rp: string; rpName: string; level: number; method: string } }[])
    .filter((e) => e.kind === 'access')
    .map((e) => e.detail.outcome);

describe('Card: password attempts logged in the deciding call (R-LOG-8, R-LOG-9)', () => {
  it('R-LOG-9: a counted wrong password is logged as wrong_password, with the RP and the level', async () => {
    const stub = card();
    const t0 = Date.now();
    const failure = await stub.recordPasswordFailure(t0, LOG);
    expect(failure).toMatchObject({ recorded: true, locked: false });
    const [event] = (await stub.events()) as { at: number; kind: string; detail: Record<string, unknown> }[];
    expect(event).toEqual({ at: t0, kind: 'access', detail: { ...LOG, outcome: 'wrong_password' } });
  });

  it('R-LOG-8, R-LOG-9: the failure that locks, and attempts the schedule refuses, are logged as throttled', async () => {
    const stub = card();
    const t0 = Date.now() - 3600_000;
    for (let i = 0; i < LOCK_AFTER_FAILURES - 1; i++) await stub.recordPasswordFailure(t0 + i * 300_000);
    const now = Date.now();
    expect(await stub.recordPasswordFailure(now, LOG)).toMatchObject({ recorded: true, locked: true });
    expect(await stub.passwordGate(now + 1, LOG)).toMatchObject({ allowed: false });
    expect((await stub.acceptPassword(now + 2, LOG)).success.ok).toBe(false);
    expect(await stub.recordPasswordFailure(now + 3, LOG)).toMatchObject({ recorded: false });
    expect(await outcomes(stub)).toEqual(['throttled', 'throttled', 'throttled', 'throttled']);
  });

  it('R-LOG-9: without a log entry (as the App checks passwords), nothing is logged; an allowed gate and an accepted password log nothing either', async () => {
    const stub = card();
    await stub.recordPasswordFailure(Date.now() - 600_000);
    expect(await stub.passwordGate(Date.now(), LOG)).toMatchObject({ allowed: true });
    expect((await stub.acceptPassword(Date.now(), LOG)).success.ok).toBe(true);
    expect(await outcomes(stub)).toEqual([]);
  });
});
