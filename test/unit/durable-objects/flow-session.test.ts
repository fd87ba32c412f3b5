import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { FlowSession } from '../../../durable-objects/flow-session';
import { OTP_MAX_WRONG, OTP_TTL_MS } from '../../../functions/core/otp';
import { keyedHash, randomId } from '../../../functions/platform/crypto';

const IDLE = 15 * 60_000;
const SMS = 'activation-sms';
const EMAIL = 'activation-email';
/** The steps a caller's kind gives for the App side (the FlowSession knows none by name). */
const QR = { at: ['credentials', 'app'], renewalRetiresScanAt: ['credentials'] };
const APP_AT = ['credentials', 'app'];

function newFlow() {
  const id = randomId();
  return { id, stub: env.FLOW.get(env.FLOW.idFromName(id)) };
}
const otpHash = (flowId: string, purpose: string, code: string) => keyedHash(env.DATA_KEY!, 'otp', `${flowId}:${purpose}:${code}`);
const inFlow = <R>(stub: DurableObjectStub<FlowSession>, fn: (flow: FlowSession, state: DurableObjectState) => R | Promise<R>) => runInDurableObject(stub, fn);

/** A started activation flow at time t0, with everything needed to drive it by the clock. */
async function started(t0 = Date.now()) {
  const { id, stub } = newFlow();
  const ok = await inFlow(stub, (f) => f.start('activation', 'identify', { serial: 'CA00000AA' }, 'csrf-token', IDLE, t0));
  expect(ok).toBe(true);
  return { id, stub, t0 };
}

async function rowCounts(stub: DurableObjectStub<FlowSession>) {
  return inFlow(stub, (_f, state) => ({
    flow: Number(state.storage.sql.exec('SELECT COUNT(*) AS n FROM flow').one().n),
    otp: Number(state.storage.sql.exec('SELECT COUNT(*) AS n FROM otp').one().n),
  }));
}

describe('FlowSession: a flow as an object (R-ACT-8)', () => {
  it('R-ACT-8: a flow starts once, with its type, step, data, CSRF token and idle expiry', async () => {
    const { stub, t0 } = await started();
    expect(await inFlow(stub, (f) => f.read(t0))).toEqual({
      type: 'activation',
      step: 'identify',
      data: { serial: 'CA00000AA' },
      csrf: 'csrf-token',
      createdAt: t0,
      expiresAt: t0 + IDLE,
    });
    expect(await inFlow(stub, (f) => f.start('activation', 'other', {}, 'x', IDLE, t0 + 1))).toBe(false);
    expect((await inFlow(stub, (f) => f.read(t0)))?.step).toBe('identify');
  });

  it('R-ACT-8: a flow never started reads as nothing', async () => {
    const { stub } = newFlow();
    expect(await inFlow(stub, (f) => f.read())).toBeNull();
  });

  it('R-ACT-8: a flow left idle expires', async () => {
    const { stub, t0 } = await started();
    expect(await inFlow(stub, (f) => f.read(t0 + IDLE - 1))).not.toBeNull();
    expect(await inFlow(stub, (f) => f.read(t0 + IDLE))).toBeNull();
    expect(await inFlow(stub, (f) => f.advance('identify', 'puk', {}, t0 + IDLE))).toBeNull();
  });
});

describe('FlowSession: advance is a compare-and-set (R-ACT-1, R-ACT-2, R-ACT-3, R-ACT-4, R-ACT-5, R-ACT-6, R-ACT-7, R-ACT-8)', () => {
  it('R-ACT-1: advancing from the current step moves on, merges the data and restarts the idle clock', async () => {
    const { stub, t0 } = await started();
    const next = await inFlow(stub, (f) => f.advance('identify', 'puk', { positions: [2, 3] }, t0 + 60_000));
    expect(next).toMatchObject({ step: 'puk', data: { serial: 'CA00000AA', positions: [2, 3] }, expiresAt: t0 + 60_000 + IDLE });
    expect(await inFlow(stub, (_f, state) => state.storage.getAlarm())).toBe(t0 + 60_000 + IDLE);
  });

  it('R-ACT-1: a stale tab or a double submit cannot advance from a step already left', async () => {
    const { stub, t0 } = await started();
    expect(await inFlow(stub, (f) => f.advance('identify', 'puk', {}, t0))).not.toBeNull();
    expect(await inFlow(stub, (f) => f.advance('identify', 'puk', { again: true }, t0))).toBeNull();
    expect(await inFlow(stub, (f) => f.advance('contacts', 'configure', {}, t0))).toBeNull();
    const state = await inFlow(stub, (f) => f.read(t0));
    expect(state?.step).toBe('puk');
    expect(state?.data).not.toHaveProperty('again');
  });

  it('R-ACT-1: of 20 concurrent advances from the same step exactly one wins', async () => {
    const { stub } = await started();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => stub.advance('identify', 'puk', { winner: i })));
    expect(results.filter((r) => r !== null)).toHaveLength(1);
  });
});

describe('FlowSession: one-time codes (R-OTP-1, R-OTP-2, R-OTP-3)', () => {
  it('R-OTP-1: the right code is accepted once, then there is no code any more', async () => {
    const { id, stub, t0 } = await started();
    const h = await otpHash(id, SMS, '1234');
    expect(await inFlow(stub, (f) => f.issueOtp(SMS, h, t0))).toEqual({ issued: true });
    expect(await inFlow(stub, (f) => f.checkOtp(SMS, h, t0 + 1000))).toEqual({ outcome: 'ok', purpose: SMS });
    expect(await inFlow(stub, (f) => f.checkOtp(SMS, h, t0 + 2000))).toEqual({ outcome: 'none' });
  });

  it('R-OTP-1: only the hash is stored', async () => {
    const { id, stub, t0 } = await started();
    await inFlow(stub, async (f) => f.issueOtp(SMS, await otpHash(id, SMS, '4821'), t0));
    const rows = await inFlow(stub, (_f, state) => state.storage.sql.exec('SELECT * FROM otp').toArray());
    expect(JSON.stringify(rows)).not.toContain('4821');
  });

  it('R-OTP-1: a code is bound to its purpose', async () => {
    const { id, stub, t0 } = await started();
    const h = await otpHash(id, SMS, '1234');
    await inFlow(stub, (f) => f.issueOtp(SMS, h, t0));
    expect(await inFlow(stub, (f) => f.checkOtp(EMAIL, h, t0))).toEqual({ outcome: 'none' });
    expect(await inFlow(stub, (f) => f.checkOtp(SMS, h, t0))).toEqual({ outcome: 'ok', purpose: SMS });
  });

  it('R-OTP-1: a code is good for 5 minutes and not a millisecond more', async () => {
    const { id, stub, t0 } = await started();
    const h = await otpHash(id, SMS, '1234');
    await inFlow(stub, (f) => f.issueOtp(SMS, h, t0));
    expect(await inFlow(stub, (f) => f.checkOtp(SMS, h, t0 + OTP_TTL_MS))).toEqual({ outcome: 'expired' });
    expect(await inFlow(stub, (f) => f.checkOtp(SMS, h, t0 + OTP_TTL_MS - 1))).toEqual({ outcome: 'ok', purpose: SMS });
  });

  it('R-OTP-1: an expired code is not counted as a wrong one', async () => {
    const { id, stub, t0 } = await started();
    await inFlow(stub, async (f) => f.issueOtp(SMS, await otpHash(id, SMS, '1234'), t0));
    const wrong = await otpHash(id, SMS, '9999');
    for (let i = 0; i < OTP_MAX_WRONG + 2; i++) {
      expect(await inFlow(stub, (f) => f.checkOtp(SMS, wrong, t0 + OTP_TTL_MS + i))).toEqual({ outcome: 'expired' });
    }
    expect(await inFlow(stub, (f) => f.read(t0 + OTP_TTL_MS))).not.toBeNull();
  });

  it('R-OTP-2: wrong codes are counted and the remaining attempts told', async () => {
    const { id, stub, t0 } = await started();
    await inFlow(stub, async (f) => f.issueOtp(SMS, await otpHash(id, SMS, '1234'), t0));
    const wrong = await otpHash(id, SMS, '0000');
    for (let remaining = OTP_MAX_WRONG - 1; remaining >= 1; remaining--) {
      expect(await inFlow(stub, (f) => f.checkOtp(SMS, wrong, t0))).toEqual({ outcome: 'wrong', remaining });
    }
  });

  it('R-OTP-2: the 5th wrong code closes the flow; even the right code is worthless afterwards', async () => {
    const { id, stub, t0 } = await started();
    const right = await otpHash(id, SMS, '1234');
    await inFlow(stub, (f) => f.issueOtp(SMS, right, t0));
    const wrong = await otpHash(id, SMS, '0000');
    for (let i = 1; i < OTP_MAX_WRONG; i++) await inFlow(stub, (f) => f.checkOtp(SMS, wrong, t0));
    expect(await inFlow(stub, (f) => f.checkOtp(SMS, wrong, t0))).toEqual({ outcome: 'closed' });
    expect(await inFlow(stub, (f) => f.checkOtp(SMS, right, t0))).toEqual({ outcome: 'gone' });
    expect(await inFlow(stub, (f) => f.read(t0))).toBeNull();
    expect(await inFlow(stub, (f) => f.advance('identify', 'puk', {}, t0))).toBeNull();
    expect(await inFlow(stub, (f) => f.issueOtp(SMS, right, t0 + 60_000))).toEqual({ issued: false, waitSeconds: 0 });
  });

  it('R-OTP-2: wrong codes are counted per flow — sending a new code does not reset the count', async () => {
    const { id, stub, t0 } = await started();
    const wrong = await otpHash(id, SMS, '0000');
    await inFlow(stub, async (f) => f.issueOtp(SMS, await otpHash(id, SMS, '1111'), t0));
    for (let i = 1; i < OTP_MAX_WRONG; i++) await inFlow(stub, (f) => f.checkOtp(SMS, wrong, t0));
    const resent = await inFlow(stub, async (f) => f.issueOtp(SMS, await otpHash(id, SMS, '2222'), t0 + 30_000));
    expect(resent).toEqual({ issued: true });
    expect(await inFlow(stub, (f) => f.checkOtp(SMS, wrong, t0 + 30_001))).toEqual({ outcome: 'closed' });
  });

  it('R-OTP-2: the count carries over from the SMS code to the email code of the same flow', async () => {
    const { id, stub, t0 } = await started();
    await inFlow(stub, async (f) => f.issueOtp(SMS, await otpHash(id, SMS, '1111'), t0));
    await inFlow(stub, async (f) => f.checkOtp(SMS, await otpHash(id, SMS, '0000'), t0));
    await inFlow(stub, async (f) => f.checkOtp(SMS, await otpHash(id, SMS, '1111'), t0));
    await inFlow(stub, async (f) => f.issueOtp(EMAIL, await otpHash(id, EMAIL, '3333'), t0 + 1000));
    const wrong = await otpHash(id, EMAIL, '0000');
    expect(await inFlow(stub, (f) => f.checkOtp(EMAIL, wrong, t0 + 2000))).toEqual({ outcome: 'wrong', remaining: OTP_MAX_WRONG - 2 });
  });

  it('R-OTP-3: a new code within 30 s of the last is refused with the seconds to wait', async () => {
    const { id, stub, t0 } = await started();
    const first = await otpHash(id, SMS, '1111');
    await inFlow(stub, (f) => f.issueOtp(SMS, first, t0));
    const second = await otpHash(id, SMS, '2222');
    expect(await inFlow(stub, (f) => f.issueOtp(SMS, second, t0))).toEqual({ issued: false, waitSeconds: 30 });
    expect(await inFlow(stub, (f) => f.issueOtp(SMS, second, t0 + 12_500))).toEqual({ issued: false, waitSeconds: 18 });
    expect(await inFlow(stub, (f) => f.issueOtp(SMS, second, t0 + 29_999))).toEqual({ issued: false, waitSeconds: 1 });
    // The refused resend left the first code in force.
    expect(await inFlow(stub, (f) => f.checkOtp(SMS, first, t0 + 29_999))).toEqual({ outcome: 'ok', purpose: SMS });
  });

  it('R-OTP-3: after 30 s a new code is issued and the old one stops working at once', async () => {
    const { id, stub, t0 } = await started();
    const first = await otpHash(id, SMS, '1111');
    const second = await otpHash(id, SMS, '2222');
    await inFlow(stub, (f) => f.issueOtp(SMS, first, t0));
    expect(await inFlow(stub, (f) => f.issueOtp(SMS, second, t0 + 30_000))).toEqual({ issued: true });
    expect(await inFlow(stub, (f) => f.checkOtp(SMS, first, t0 + 30_001))).toEqual({ outcome: 'wrong', remaining: OTP_MAX_WRONG - 1 });
    expect(await inFlow(stub, (f) => f.checkOtp(SMS, second, t0 + 30_002))).toEqual({ outcome: 'ok', purpose: SMS });
  });

  it('R-OTP-3: a code for another purpose is not held back by the 30 s of the previous one', async () => {
    const { id, stub, t0 } = await started();
    await inFlow(stub, async (f) => f.issueOtp(SMS, await otpHash(id, SMS, '1111'), t0));
    expect(await inFlow(stub, async (f) => f.issueOtp(EMAIL, await otpHash(id, EMAIL, '2222'), t0 + 1))).toEqual({ issued: true });
  });

  it('R-OTP-1: a code cannot be issued into a flow that does not exist', async () => {
    const { id, stub } = newFlow();
    expect(await inFlow(stub, async (f) => f.issueOtp(SMS, await otpHash(id, SMS, '1111')))).toEqual({ issued: false, waitSeconds: 0 });
    expect(await inFlow(stub, async (f) => f.checkOtp(SMS, await otpHash(id, SMS, '1111')))).toEqual({ outcome: 'gone' });
  });
});

describe('FlowSession: nothing outlives the flow (R-ACT-8)', () => {
  it('R-ACT-8: the alarm of an idle flow deletes the flow and its code', async () => {
    const { id, stub } = newFlow();
    const past = Date.now() - 2 * IDLE;
    await inFlow(stub, async (f, state) => {
      await f.start('activation', 'identify', {}, 'csrf', IDLE, past);
      await f.issueOtp(SMS, await otpHash(id, SMS, '1234'), past);
      // Hold the alarm back so that it runs when the test says, not by itself.
      await state.storage.setAlarm(Date.now() + 3_600_000);
    });
    expect(await rowCounts(stub)).toEqual({ flow: 1, otp: 1 });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await rowCounts(stub)).toEqual({ flow: 0, otp: 0 });
    expect(await inFlow(stub, (f) => f.read())).toBeNull();
    expect(await runDurableObjectAlarm(stub)).toBe(false);
  });

  it('R-ACT-8: an alarm that fires before the (extended) expiry keeps the flow and waits again', async () => {
    const { stub, t0 } = await started();
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await inFlow(stub, (f) => f.read(t0)))?.step).toBe('identify');
    expect(await inFlow(stub, (_f, state) => state.storage.getAlarm())).toBe(t0 + IDLE);
  });

  it('R-ACT-8: abandoning the flow deletes everything and cancels the alarm', async () => {
    const { id, stub, t0 } = await started();
    await inFlow(stub, async (f) => f.issueOtp(SMS, await otpHash(id, SMS, '1234'), t0));
    await inFlow(stub, (f) => f.destroy());
    expect(await rowCounts(stub)).toEqual({ flow: 0, otp: 0 });
    expect(await inFlow(stub, (_f, state) => state.storage.getAlarm())).toBeNull();
    expect(await inFlow(stub, (f) => f.read(t0))).toBeNull();
  });
});

describe('FlowSession: a step change together with a code, in one call (login SMS)', () => {
  const move = { from: 'identify', to: 'otp', patch: { proven: true } };

  it('R-OTP-1: advanceWithOtp moves the flow and takes the code; the code then checks', async () => {
    const { id, stub, t0 } = await started();
    const h = await otpHash(id, SMS, '1234');
    expect(await inFlow(stub, (f) => f.advanceWithOtp('identify', 'otp', { phone: 'x' }, SMS, h, t0))).toEqual({ issued: true });
    expect(await inFlow(stub, (f) => f.read(t0))).toMatchObject({ step: 'otp', data: { phone: 'x' } });
    expect(await inFlow(stub, (f) => f.checkOtp(SMS, h, t0))).toEqual({ outcome: 'ok', purpose: SMS });
  });

  it('R-ACT-1: advanceWithOtp from a step already left moves nothing and keeps no code', async () => {
    const { id, stub, t0 } = await started();
    const h = await otpHash(id, SMS, '1234');
    expect(await inFlow(stub, (f) => f.advanceWithOtp('puk', 'otp', {}, SMS, h, t0))).toBeNull();
    expect((await inFlow(stub, (f) => f.read(t0)))?.step).toBe('identify');
    expect(await rowCounts(stub)).toEqual({ flow: 1, otp: 0 });
  });

  it('R-OTP-3: advanceWithOtp keeps the 30 s rule of issueOtp', async () => {
    const { id, stub, t0 } = await started();
    await inFlow(stub, async (f) => f.issueOtp(SMS, await otpHash(id, SMS, '1111'), t0));
    const again = await inFlow(stub, async (f) => f.advanceWithOtp('identify', 'otp', {}, SMS, await otpHash(id, SMS, '2222'), t0 + 10_000));
    expect(again).toEqual({ issued: false, waitSeconds: 20 });
  });

  it('R-OTP-1: checkOtpThenAdvance makes the move on a right code only', async () => {
    const { id, stub, t0 } = await started();
    const right = await otpHash(id, SMS, '1234');
    await inFlow(stub, (f) => f.issueOtp(SMS, right, t0));
    const wrong = await otpHash(id, SMS, '0000');
    expect(await inFlow(stub, (f) => f.checkOtpThenAdvance(SMS, wrong, move, t0))).toEqual({ outcome: 'wrong', remaining: OTP_MAX_WRONG - 1 });
    expect((await inFlow(stub, (f) => f.read(t0)))?.step).toBe('identify');
    expect(await inFlow(stub, (f) => f.checkOtpThenAdvance(SMS, right, move, t0))).toEqual({ outcome: 'ok', purpose: SMS, moved: true });
    expect(await inFlow(stub, (f) => f.read(t0))).toMatchObject({ step: 'otp', data: { proven: true } });
    expect(await inFlow(stub, (f) => f.checkOtpThenAdvance(SMS, right, move, t0))).toEqual({ outcome: 'none' });
  });

  it('R-ACT-1: a right code from a step the flow has left is used up, and the flow stays where it is', async () => {
    const { id, stub, t0 } = await started();
    const right = await otpHash(id, SMS, '1234');
    await inFlow(stub, (f) => f.issueOtp(SMS, right, t0));
    await inFlow(stub, (f) => f.advance('identify', 'puk', {}, t0));
    expect(await inFlow(stub, (f) => f.checkOtpThenAdvance(SMS, right, move, t0))).toEqual({ outcome: 'ok', purpose: SMS, moved: false });
    expect((await inFlow(stub, (f) => f.read(t0)))?.step).toBe('puk');
  });

  it('a flow destroyed and started again under the same id gets its login tables back (they are kept per object)', async () => {
    const { stub } = newFlow();
    const t0 = Date.now();
    for (const hash of ['hash-1', 'hash-2']) {
      expect(await inFlow(stub, (f) => f.start('login', 'credentials', {}, 'csrf', IDLE, t0))).toBe(true);
      // The first round creates the QR table; destroy() drops it, and the second round must create it again.
      expect(await inFlow(stub, (f) => f.issueQr(hash, t0 + 120_000, QR, false, t0))).toBe(true);
      await inFlow(stub, (f) => f.destroy());
    }
  });

  it('R-LOG-3: a renewed QR code ("Genera un nuovo codice") restarts the login\'s idle clock', async () => {
    const { stub } = newFlow();
    const t0 = Date.now();
    expect(await inFlow(stub, (f) => f.start('login', 'credentials', {}, 'csrf', IDLE, t0))).toBe(true);
    expect(await inFlow(stub, (f) => f.issueQr('hash-1', t0 + IDLE - 60_000 + 120_000, QR, true, t0 + IDLE - 60_000))).toBe(true);
    expect(await inFlow(stub, (f) => f.read(t0 + IDLE))).not.toBeNull();
    expect(await inFlow(stub, (f) => f.read(t0 + 2 * IDLE - 60_000))).toBeNull();
  });

  it('R-LOG-3: a renewed QR code retires the approval a scan of an earlier one opened, at credentials only; a plain rendering does not', async () => {
    const { stub } = newFlow();
    const t0 = Date.now();
    const approval = (id: string, fromSteps: string[]) => ({
      approvalId: id,
      challenge: `challenge-${id}`,
      serial: 'CA00000AA',
      deviceId: 'device',
      fromSteps,
      expiresAt: t0 + 120_000,
    });
    expect(await inFlow(stub, (f) => f.start('login', 'credentials', {}, 'csrf', IDLE, t0))).toBe(true);
    expect(await inFlow(stub, (f) => f.issueQr('hash-1', t0 + 120_000, QR, false, t0))).toBe(true);
    expect(await inFlow(stub, (f) => f.openAppChallenge(approval('scanned', ['credentials']), APP_AT, t0))).toBe(true);
    expect(await inFlow(stub, (f) => f.issueQr('hash-2', t0 + 130_000, QR, true, t0 + 10_000))).toBe(true);
    expect(
      await inFlow(stub, (f) =>
        f.settleApp('scanned', 'challenge-scanned', 'CA00000AA', 'device', { from: 'credentials', to: 'consent', patch: {} }, t0 + 11_000),
      ),
    ).toBe(false);
    expect(await inFlow(stub, (f) => f.read(t0 + 11_000)?.step)).toBe('credentials');

    // A plain rendering (a reload while the phone asks for the App code) leaves a scan in progress alone.
    const reloaded = newFlow();
    expect(await inFlow(reloaded.stub, (f) => f.start('login', 'credentials', {}, 'csrf', IDLE, t0))).toBe(true);
    expect(await inFlow(reloaded.stub, (f) => f.openAppChallenge(approval('kept', ['credentials']), APP_AT, t0))).toBe(true);
    expect(await inFlow(reloaded.stub, (f) => f.issueQr('hash-4', t0 + 120_000, QR, false, t0 + 1_000))).toBe(true);
    expect(
      await inFlow(reloaded.stub, (f) =>
        f.settleApp('kept', 'challenge-kept', 'CA00000AA', 'device', { from: 'credentials', to: 'consent', patch: {} }, t0 + 2_000),
      ),
    ).toBe(true);

    // At the push step the challenge is the push's: a code issued there leaves it alone.
    const push = newFlow();
    expect(await inFlow(push.stub, (f) => f.start('login', 'app', {}, 'csrf', IDLE, t0))).toBe(true);
    expect(await inFlow(push.stub, (f) => f.openAppChallenge(approval('push', ['app']), APP_AT, t0))).toBe(true);
    expect(await inFlow(push.stub, (f) => f.issueQr('hash-3', t0 + 120_000, QR, true, t0 + 1_000))).toBe(true);
    expect(
      await inFlow(push.stub, (f) => f.settleApp('push', 'challenge-push', 'CA00000AA', 'device', { from: 'app', to: 'consent', patch: {} }, t0 + 2_000)),
    ).toBe(true);
  });
});

describe('FlowSession knows no kind of flow by name: its callers give the steps (core/flows.ts)', () => {
  const grant = {
    clientId: 'https://rp.example',
    redirectUri: 'https://rp.example/cb',
    scope: ['openid'],
    claims: { id_token: [], userinfo: [] },
    nonce: 'n'.repeat(32),
    requestedLevel: 1 as const,
    level: 1 as const,
    method: 'password' as const,
    authTime: 0,
    serial: 'CA00000AA',
    fiscalCode: 'RSSMRA80A01H501U',
  };

  it('C-5: a grant is opened only for the kind and from a step the caller names; once', async () => {
    const t0 = Date.now();
    const { stub } = newFlow();
    const at = (type: string, steps: string[]) => ({ type, steps });
    expect(await inFlow(stub, (f) => f.start('any-kind', 'ready', {}, 'csrf', IDLE, t0))).toBe(true);
    expect(await inFlow(stub, (f) => f.openGrant(grant, 'hash', 'challenge', t0 + 60_000, at('any-kind', ['elsewhere']), t0))).toBe(false);
    expect(await inFlow(stub, (f) => f.openGrant(grant, 'hash', 'challenge', t0 + 60_000, at('other-kind', ['ready']), t0))).toBe(false);
    expect(await inFlow(stub, (f) => f.openGrant(grant, 'hash', 'challenge', t0 + 60_000, at('any-kind', ['ready']), t0))).toBe(true);
    expect(await inFlow(stub, (f) => f.read(t0)?.step)).toBe('code_issued');
    expect(await inFlow(stub, (f) => f.openGrant(grant, 'hash', 'challenge', t0 + 60_000, at('any-kind', ['ready', 'code_issued']), t0))).toBe(false);
  });

  it('R-LOG-2: an App decision makes its move only from the step the flow is at and the challenge allows', async () => {
    const t0 = Date.now();
    const challenge = (id: string) => ({
      approvalId: id,
      challenge: `c-${id}`,
      serial: 'CA00000AA',
      deviceId: 'd',
      fromSteps: ['app'],
      expiresAt: t0 + 60_000,
    });
    const { stub } = newFlow();
    expect(await inFlow(stub, (f) => f.start('any-kind', 'app', {}, 'csrf', IDLE, t0))).toBe(true);
    expect(await inFlow(stub, (f) => f.openAppChallenge(challenge('a'), ['elsewhere'], t0))).toBe(false);
    expect(await inFlow(stub, (f) => f.openAppChallenge(challenge('a'), ['app'], t0))).toBe(true);
    // A move the challenge does not allow (from another step) takes the challenge and moves nothing.
    expect(await inFlow(stub, (f) => f.settleApp('a', 'c-a', 'CA00000AA', 'd', { from: 'credentials', to: 'consent', patch: {} }, t0))).toBe(false);
    expect(await inFlow(stub, (f) => f.read(t0)?.step)).toBe('app');
    expect(await inFlow(stub, (f) => f.openAppChallenge(challenge('b'), ['app'], t0))).toBe(true);
    expect(await inFlow(stub, (f) => f.settleApp('b', 'c-b', 'CA00000AA', 'd', { from: 'app', to: 'consent', patch: { ok: 1 } }, t0))).toBe(true);
    expect(await inFlow(stub, (f) => f.read(t0))).toMatchObject({ step: 'consent', data: { ok: 1 } });
  });

  it('R-LOG-3: a QR code is issued and claimed only at the steps the caller lists', async () => {
    const t0 = Date.now();
    const { stub } = newFlow();
    expect(await inFlow(stub, (f) => f.start('any-kind', 'consent', {}, 'csrf', IDLE, t0))).toBe(true);
    expect(await inFlow(stub, (f) => f.issueQr('h', t0 + 120_000, QR, false, t0))).toBe(false);
    expect(await inFlow(stub, (f) => f.issueQr('h', t0 + 120_000, { at: ['consent'], renewalRetiresScanAt: [] }, false, t0))).toBe(true);
    expect(await inFlow(stub, (f) => f.claimQr('h', 'd', ['credentials'], t0))).toEqual({ outcome: 'unknown' });
    expect(await inFlow(stub, (f) => f.claimQr('h', 'd', ['consent'], t0))).toEqual({ outcome: 'ok' });
  });
});
