import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { CardCapsTable } from '../../../durable-objects/card-caps-table';
import { OTP_DAILY_CAP, OTP_DAILY_CHECK_CAP } from '../../../functions/core/otp';
import { drawSerial } from '../../../functions/core/serial';
import { randomInt } from '../../../functions/platform/crypto';

/** The caps' table on its own, in a Card's storage; the Card's own tests (card.test.ts) cover each cap. */
const inCaps = <R>(fn: (caps: CardCapsTable, sql: SqlStorage) => R) =>
  runInDurableObject(env.CARD.get(env.CARD.idFromName(drawSerial(randomInt))), (_card, state) => fn(new CardCapsTable(state.storage.sql), state.storage.sql));

describe('CardCapsTable: two caps, counted apart (R-OTP-2, R-OTP-3)', () => {
  it('R-OTP-3: codes sent up to the cap leave the checks of the day untouched', async () => {
    const day = Date.UTC(2026, 2, 10, 8);
    await inCaps((caps) => {
      for (let i = 0; i < OTP_DAILY_CAP; i++) expect(caps.countSend(day)).toEqual({ allowed: true });
      expect(caps.countSend(day)).toEqual({ allowed: false });
      expect(caps.countOtpCheck(day)).toEqual({ allowed: true });
    });
  });

  it('R-OTP-2: checks up to the cap, and one given back, leave the sends of the day untouched', async () => {
    const day = Date.UTC(2026, 2, 10, 8);
    await inCaps((caps, sql) => {
      caps.countSend(day);
      for (let i = 0; i < OTP_DAILY_CHECK_CAP; i++) expect(caps.countOtpCheck(day)).toEqual({ allowed: true });
      expect(caps.countOtpCheck(day)).toEqual({ allowed: false });
      caps.uncountOtpCheck(day);
      expect(sql.exec('SELECT day, count FROM sends').toArray()).toEqual([{ day: '2026-03-10', count: 1 }]);
      expect(sql.exec('SELECT day, count FROM otp_checks').toArray()).toEqual([{ day: '2026-03-10', count: OTP_DAILY_CHECK_CAP - 1 }]);
    });
  });
});
