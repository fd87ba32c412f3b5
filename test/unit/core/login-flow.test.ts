import { describe, expect, it } from 'vitest';
import { checkedMove, isStepOf } from '../../../functions/core/flows';
import {
  APPROVAL_SETTLES_FROM,
  APP_APPROVAL_STEPS,
  LOGIN_FLOW,
  LOGIN_QR_STEPS,
  type LoginCard,
  type LoginStep,
  afterAppDecision,
  afterPassword,
  afterSmsCode,
  atConsent,
  needsDeviceCount,
  toQrFromApp,
  toSmsFromApp,
} from '../../../functions/core/login-flow';

const NOW = Date.UTC(2026, 5, 15, 10);
const adult = (over: Partial<LoginCard> = {}): LoginCard => ({
  status: 'active',
  birthDate: '1980-01-01',
  fiscalCode: 'RSSMRA80A01H501U',
  givenName: 'Mario',
  familyName: 'Rossi',
  phone: '+393331234567',
  credentials: { mode: 'sms' },
  ...over,
});
const mask = (p: string) => `***${p.slice(-3)}`;

/** Every decision must be a move the table allows: what the handlers apply is what the table says. */
const allowed = (from: LoginStep, advance: { to: LoginStep; login: unknown }) => checkedMove(LOGIN_FLOW, from, advance.to, { login: advance.login as never });

describe('core/login-flow: the table (R-LOG-1, R-LOG-2, R-LOG-3, R-LOG-7)', () => {
  it('every step is reachable from the start, and only consent ends in a grant', () => {
    const seen = new Set<string>(LOGIN_FLOW.starts);
    for (let grew = true; grew; ) {
      grew = false;
      for (const from of seen) for (const to of LOGIN_FLOW.moves[from as LoginStep]) if (!seen.has(to)) grew = !!seen.add(to);
    }
    expect([...seen].sort()).toEqual(Object.keys(LOGIN_FLOW.moves).sort());
    expect(LOGIN_FLOW.grantsFrom).toEqual(['consent']);
    expect(LOGIN_FLOW.moves.refused).toEqual([]);
  });

  it('the App side acts only at steps of the table, and a grant phase is no step', () => {
    for (const step of [...APP_APPROVAL_STEPS, ...LOGIN_QR_STEPS.at, ...LOGIN_QR_STEPS.renewalRetiresScanAt, ...Object.values(APPROVAL_SETTLES_FROM)]) {
      expect(isStepOf(LOGIN_FLOW, step)).toBe(true);
    }
    expect(isStepOf(LOGIN_FLOW, 'code_issued')).toBe(false);
    expect(isStepOf(LOGIN_FLOW, 'granted')).toBe(false);
  });
});

describe('core/login-flow: after the password (R-LOG-1, R-LVL-2, R-CARD-3, R-CARD-4)', () => {
  it('R-LVL-2: level 1 → consent proven by password; level 2 → the code or the App, with the masked number', () => {
    const l1 = afterPassword('CA00000AA', adult(), 1, false, mask, NOW);
    expect(l1).toMatchObject({
      to: 'consent',
      login: { serial: 'CA00000AA', holderName: 'Mario Rossi', proven: { level: 1, method: 'password', authTime: NOW } },
    });
    expect(afterPassword('CA00000AA', adult(), 2, false, mask, NOW)).toMatchObject({ to: 'otp', login: { maskedPhone: '***567' } });
    const app = adult({ credentials: { mode: 'app' } });
    expect(afterPassword('CA00000AA', app, 2, true, mask, NOW)).toMatchObject({ to: 'app' });
    // App mode without a certified device falls back to SMS (R-LOG-2).
    expect(afterPassword('CA00000AA', app, 2, false, mask, NOW)).toMatchObject({ to: 'otp' });
    expect(afterPassword('CA00000AA', adult(), 3, false, mask, NOW)).toEqual({ stay: true });
    for (const [level, certified] of [
      [1, false],
      [2, false],
      [2, true],
    ] as const) {
      const next = afterPassword('CA00000AA', adult({ credentials: { mode: 'app' } }), level, certified, mask, NOW);
      if (!('stay' in next)) allowed('credentials', next);
    }
  });

  it('R-CARD-3, R-CARD-4: a blocked card or a child is refused, with the reason', () => {
    expect(afterPassword('CA00000AA', adult({ status: 'blocked' }), 2, false, mask, NOW)).toMatchObject({ to: 'refused', login: { refusal: 'blocked' } });
    expect(afterPassword('CA00000AA', adult({ birthDate: '2024-01-01' }), 1, false, mask, NOW)).toMatchObject({
      to: 'refused',
      login: { refusal: 'underage' },
    });
  });

  it('the device count is asked for only when the answer changes the way: level 2, App mode, card usable', () => {
    expect(needsDeviceCount(adult({ credentials: { mode: 'app' } }), 2, NOW)).toBe(true);
    expect(needsDeviceCount(adult({ credentials: { mode: 'app' } }), 1, NOW)).toBe(false);
    expect(needsDeviceCount(adult(), 2, NOW)).toBe(false);
    expect(needsDeviceCount(adult({ credentials: { mode: 'app' }, status: 'blocked' }), 2, NOW)).toBe(false);
  });
});

describe('core/login-flow: second factors, consent and the App (R-LOG-2, R-LOG-3, R-CARD-3)', () => {
  const login = { serial: 'CA00000AA', fiscalCode: 'RSSMRA80A01H501U', maskedPhone: '***567' };

  it('R-OTP-1: a right code proves level 2 by SMS; the App page moves to the code or back to the QR', () => {
    expect(allowed('otp', afterSmsCode(login, NOW))).toMatchObject({ to: 'consent', patch: { login: { proven: { level: 2, method: 'sms', authTime: NOW } } } });
    expect(allowed('app', toSmsFromApp(login))).toMatchObject({ to: 'otp', patch: { login } });
    expect(allowed('app', toQrFromApp)).toEqual({ from: 'app', to: 'credentials', patch: { login: null } });
  });

  it('R-CARD-3: at consent a card blocked meanwhile (or gone) refuses; a usable one goes on', () => {
    expect(atConsent(login, adult(), 2, NOW)).toBeNull();
    expect(allowed('consent', atConsent(login, adult({ status: 'blocked' }), 2, NOW)!)).toMatchObject({
      to: 'refused',
      patch: { login: { refusal: 'blocked' } },
    });
    expect(atConsent(login, null, 2, NOW)).toMatchObject({ login: { refusal: 'blocked' } });
  });

  it('R-LOG-2, R-LOG-3: approve → consent by the App; deny → refused; a blocked card → refused; from both the push and the QR step', () => {
    for (const from of Object.values(APPROVAL_SETTLES_FROM)) {
      const approved = afterAppDecision(null, 'CA00000AA', adult(), 'approve', 2, NOW);
      expect(allowed(from, approved)).toMatchObject({ to: 'consent', patch: { login: { holderName: 'Mario Rossi', proven: { level: 2, method: 'app' } } } });
      expect(approved.outcome).toBe('approved');
      const denied = afterAppDecision(login, 'CA00000AA', adult(), 'deny', 2, NOW);
      expect(allowed(from, denied)).toMatchObject({ to: 'refused', patch: { login: { refusal: 'app_denied', maskedPhone: '***567' } } });
      expect(denied).toMatchObject({ outcome: 'denied', cardRefusal: null });
      const blocked = afterAppDecision(login, 'CA00000AA', adult({ status: 'blocked' }), 'approve', 2, NOW);
      expect(allowed(from, blocked)).toMatchObject({ to: 'refused', patch: { login: { refusal: 'blocked' } } });
      expect(blocked).toMatchObject({ outcome: 'refused', cardRefusal: 'blocked' });
    }
  });
});
