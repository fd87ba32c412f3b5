import { describe, expect, it } from 'vitest';
import { FlowTableError, checkedMove, isStepOf, stepsMovingTo } from '../../../functions/core/flows';
import {
  APPROVAL_SETTLES_FROM,
  APP_APPROVAL_STEPS,
  CARD_APPROVAL_STEPS,
  L3_CODE_PREFIX,
  L3_QR_STEPS,
  L3_QR_TTL_MS,
  LOGIN_FLOW,
  LOGIN_QR_STEPS,
  type LoginCard,
  type LoginStep,
  afterAppDecision,
  afterCardOtp,
  afterCardRefusal,
  afterCardSignature,
  afterPassword,
  afterReader,
  afterSerial,
  afterSmsCode,
  atConsent,
  backToLevel2,
  cancelMethod,
  cardApprovalId,
  firstLoginStep,
  isCardApprovalStep,
  l3CodeContent,
  l3DeepLink,
  l3SecondsLeft,
  l3TimeIsUp,
  needsDeviceCount,
  parseCardApprovalId,
  parseL3Code,
  restartL3,
  toL3Choice,
  toL3Way,
  toLevel3,
  toQrFromApp,
  toSmsFromApp,
  typedSerial,
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
const allowed = (from: LoginStep, advance: { to: LoginStep; login: unknown; l3?: unknown }) =>
  checkedMove(
    LOGIN_FLOW,
    from,
    advance.to,
    advance.l3 === undefined ? { login: advance.login as never } : { login: advance.login as never, l3: advance.l3 as never },
  );

describe('core/login-flow: the table (R-LOG-1, R-LOG-2, R-LOG-3, R-LOG-7)', () => {
  it('every step is reachable from a start, and only consent ends in a grant', () => {
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

  it('every step but refused leads somewhere, and every listed move is one checkedMove allows', () => {
    for (const [from, targets] of Object.entries(LOGIN_FLOW.moves) as [LoginStep, LoginStep[]][]) {
      if (from !== 'refused') expect(targets.length, from).toBeGreaterThan(0);
      for (const to of targets) expect(checkedMove(LOGIN_FLOW, from, to, { login: null })).toEqual({ from, to, patch: { login: null } });
    }
  });

  it('a move the table does not list, or a write it does not allow, throws', () => {
    expect(() => checkedMove(LOGIN_FLOW, 'credentials', 'l3-otp')).toThrow(FlowTableError);
    expect(() => checkedMove(LOGIN_FLOW, 'l3', 'consent')).toThrow(FlowTableError);
    expect(() => checkedMove(LOGIN_FLOW, 'l3-qr', 'consent')).toThrow(FlowTableError);
    expect(() => checkedMove(LOGIN_FLOW, 'l3-otp', 'l3-otp')).toThrow(FlowTableError);
    expect(() => checkedMove(LOGIN_FLOW, 'otp', 'consent', { l3: null })).toThrow(FlowTableError);
    expect(() => checkedMove(LOGIN_FLOW, 'l3-qr', 'l3-otp', { acr: 1 } as never)).toThrow(FlowTableError);
  });
});

describe('core/login-flow: level 3, the table (R-LVL-3, R-LOG-4, R-LOG-5, R-LOG-6)', () => {
  it('R-LVL-3: a level 3 request starts at the choice of the way; level 1 and 2 at the credentials', () => {
    expect(firstLoginStep(3)).toBe('l3');
    expect(firstLoginStep(2)).toBe('credentials');
    expect(firstLoginStep(1)).toBe('credentials');
    for (const level of [1, 2, 3] as const) expect(LOGIN_FLOW.starts).toContain(firstLoginStep(level));
  });

  it('R-LVL-3: every level 3 way ends at consent, and only there is level 3 proven', () => {
    expect(stepsMovingTo(LOGIN_FLOW, 'consent').sort()).toEqual(['app', 'credentials', 'l3-otp', 'l3-phone', 'l3-reader', 'otp'].sort());
    // From the choice, each way reaches consent without passing the level 2 steps.
    for (const way of ['l3-phone', 'l3-reader'] as const) expect(LOGIN_FLOW.moves.l3).toContain(way);
    expect(LOGIN_FLOW.moves['l3-phone']).toContain('l3-qr');
    expect(LOGIN_FLOW.moves['l3-qr']).toContain('l3-otp');
  });

  it('the App acts on level 3 only at the deep link and the QR code, which are steps of the table', () => {
    expect([...CARD_APPROVAL_STEPS]).toEqual(['l3-phone', 'l3-qr']);
    for (const step of [...L3_QR_STEPS.at, ...CARD_APPROVAL_STEPS]) expect(isStepOf(LOGIN_FLOW, step)).toBe(true);
    expect(L3_QR_STEPS.renewalRetiresScanAt).toEqual([]);
    expect(isCardApprovalStep('l3-qr')).toBe(true);
    expect(isCardApprovalStep('l3-otp')).toBe(false);
    expect(isCardApprovalStep('credentials')).toBe(false);
    // A level 2 QR code is never claimed at a level 3 step, nor the reverse.
    for (const step of LOGIN_QR_STEPS.at) expect(L3_QR_STEPS.at as readonly string[]).not.toContain(step);
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

  it('R-ACC-2: the moment the password was checked goes with the login to consent, through the SMS code and the App, for the Card to compare with a change of the credentials', () => {
    const checked = NOW - 5_000;
    expect(afterPassword('CA00000AA', adult(), 1, false, mask, NOW, checked)).toMatchObject({ to: 'consent', login: { passwordCheckedAt: checked } });
    const otp = afterPassword('CA00000AA', adult(), 2, false, mask, NOW, checked);
    if ('stay' in otp || !otp.login) throw new Error('expected the SMS step');
    expect(afterSmsCode(otp.login, NOW + 1000).login).toMatchObject({ passwordCheckedAt: checked, proven: { authTime: NOW + 1000 } });
    const app = afterPassword('CA00000AA', adult({ credentials: { mode: 'app' } }), 2, true, mask, NOW, checked);
    if ('stay' in app || !app.login) throw new Error('expected the App step');
    expect(afterAppDecision(app.login, 'CA00000AA', adult(), 'approve', 2, NOW + 1000).login).toMatchObject({ passwordCheckedAt: checked });
    // A QR login checked no password: the Card compares its proof's time instead (login/steps/consent).
    expect(afterAppDecision(null, 'CA00000AA', adult(), 'approve', 2, NOW).login?.passwordCheckedAt).toBeUndefined();
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

describe('core/login-flow: level 3, the decisions (R-LVL-3, R-LOG-4, R-LOG-5, R-LOG-6, R-CARD-4)', () => {
  const identity = { serial: 'CA00000AA', fiscalCode: 'RSSMRA80A01H501U', holderName: 'Mario Rossi' };

  it('"Entra con lettura carta" from a level 2 page; "Torna a Livello 2" only for a level 2 request', () => {
    expect(allowed('credentials', toLevel3(2)!)).toEqual({ from: 'credentials', to: 'l3', patch: { login: null } });
    expect(toLevel3(1)).toBeNull();
    expect(allowed('credentials', toLevel3(3)!)).toMatchObject({ to: 'l3' });
    expect(allowed('l3', backToLevel2(2)!)).toMatchObject({ to: 'credentials' });
    expect(backToLevel2(3)).toBeNull();
    expect(backToLevel2(1)).toBeNull();
  });

  it('"Prosegui con smartphone", "Prosegui con computer" and "Cambia modalità"', () => {
    expect(allowed('l3', toL3Way('phone'))).toMatchObject({ to: 'l3-phone' });
    expect(allowed('l3', toL3Way('reader'))).toMatchObject({ to: 'l3-reader' });
    for (const from of ['l3-phone', 'l3-serial', 'l3-reader'] as const) expect(allowed(from, toL3Choice)).toMatchObject({ to: 'l3', patch: { l3: null } });
  });

  it('R-LOG-5: the serial as a citizen types it; anything else is no serial', () => {
    expect(typedSerial(' ca00000aa ')).toBe('CA00000AA');
    expect(typedSerial('CA 00000 AA')).toBe('CA00000AA');
    for (const bad of ['', 'CA0000AA', 'CA000000A', '1234567890', 'CA00000AA1', '<script>']) expect(typedSerial(bad), bad).toBeNull();
  });

  it('R-LOG-5: the serial starts a try of 300 s; the time is up at its deadline, not a millisecond before', () => {
    expect(L3_QR_TTL_MS).toBe(300_000);
    const next = afterSerial('CA00000AA', NOW);
    for (const from of ['l3-phone', 'l3-serial'] as const)
      expect(allowed(from, next)).toMatchObject({ to: 'l3-qr', patch: { l3: { serial: 'CA00000AA', deadline: NOW + 300_000 } } });
    const l3 = next.l3!;
    expect(l3TimeIsUp(l3, NOW + 299_999)).toBe(false);
    expect(l3TimeIsUp(l3, NOW + 300_000)).toBe(true);
    expect(l3TimeIsUp(null, NOW)).toBe(true);
    expect(l3SecondsLeft(l3, NOW)).toBe(300);
    expect(l3SecondsLeft(l3, NOW + 52_500)).toBe(248);
    expect(l3SecondsLeft(l3, NOW + 400_000)).toBe(0);
  });

  it('R-LOG-5: wrong or late → start again, from the QR code and from FASE 2, the serial kept for the form and the identity forgotten', () => {
    const l3 = afterSerial('CA00000AA', NOW).l3!;
    for (const from of ['l3-qr', 'l3-otp'] as const) {
      for (const why of ['late', 'otp_wrong'] as const) {
        expect(allowed(from, restartL3(l3, why))).toMatchObject({
          to: 'l3-serial',
          patch: { login: null, l3: { serial: 'CA00000AA', deadline: 0, restart: why } },
        });
      }
    }
    expect(l3TimeIsUp(restartL3(l3, 'late').l3, NOW)).toBe(true);
  });

  it('R-LOG-4: the card signed on the phone itself → consent, proven at level 3 by the card', () => {
    const next = afterCardSignature('l3-phone', 'CA00000AA', adult(), null, NOW);
    expect(allowed('l3-phone', next)).toMatchObject({
      to: 'consent',
      patch: { login: { ...identity, proven: { level: 3, method: 'card', authTime: NOW } }, l3: null },
    });
  });

  it('R-LOG-5: the card signed for a PC → FASE 2, the identity known and nothing proven; the right code proves level 3', () => {
    const l3 = afterSerial('CA00000AA', NOW).l3!;
    const next = afterCardSignature('l3-qr', 'CA00000AA', adult(), l3, NOW);
    expect(allowed('l3-qr', next)).toMatchObject({ to: 'l3-otp', patch: { login: identity, l3 } });
    expect(next.login?.proven).toBeUndefined();
    expect(allowed('l3-otp', afterCardOtp(next.login!, NOW + 5))).toMatchObject({
      to: 'consent',
      patch: { login: { ...identity, proven: { level: 3, method: 'card', authTime: NOW + 5 } }, l3: null },
    });
  });

  it('R-LOG-6: the reader → consent, proven at level 3 by the card', () => {
    expect(allowed('l3-reader', afterReader('CA00000AA', adult(), NOW))).toMatchObject({
      to: 'consent',
      patch: { login: { ...identity, proven: { level: 3, method: 'card', authTime: NOW } } },
    });
  });

  it('R-CARD-3, R-CARD-4: a card refused at level 3 → the refusal page, from every way', () => {
    for (const from of ['l3-phone', 'l3-qr', 'l3-reader'] as const) {
      for (const refusal of ['blocked', 'level3_minor', 'superseded', 'expired', 'puk_blocked'] as const) {
        expect(allowed(from, afterCardRefusal('CA00000AA', refusal))).toMatchObject({ to: 'refused', patch: { login: { serial: 'CA00000AA', refusal } } });
      }
    }
  });

  it('R-LOG-9: a cancellation is logged with the way the citizen was using', () => {
    expect(cancelMethod('l3-otp', identity)).toBe('card');
    expect(cancelMethod('app', identity)).toBe('app');
    expect(cancelMethod('otp', identity)).toBe('sms');
    expect(cancelMethod('consent', { ...identity, proven: { level: 3, method: 'card', authTime: NOW } })).toBe('card');
  });

  it("R-LOG-4, R-LOG-5: the level 3 code names the login's object and a secret, and nothing else parses as one", () => {
    const objectId = 'a'.repeat(64);
    const secret = 'B'.repeat(43);
    const content = l3CodeContent(objectId, secret);
    expect(content).toBe(`${L3_CODE_PREFIX}.${objectId}.${secret}`);
    expect(parseL3Code(content)).toEqual({ loginObjectId: objectId, secret });
    expect(l3DeepLink(content)).toBe(`cieid://autenticazione?codice=${encodeURIComponent(content)}`);
    for (const bad of [
      `CIEID-QR1.${objectId}.${secret}`,
      `${L3_CODE_PREFIX}.${objectId.slice(1)}.${secret}`,
      `${L3_CODE_PREFIX}.${objectId}.${secret}x`,
      `${content}\n`,
      42,
      null,
      'x'.repeat(10_000),
    ]) {
      expect(parseL3Code(bad)).toBeNull();
    }
  });

  it("a card approval's id names its login and its challenge, and nothing else parses as one", () => {
    const objectId = 'f'.repeat(64);
    const challenge = '_'.repeat(43);
    expect(parseCardApprovalId(cardApprovalId(objectId, challenge))).toEqual({ loginObjectId: objectId, challenge });
    for (const bad of [`${objectId}.${challenge}.x`, `${objectId}${challenge}`, 'A'.repeat(108), undefined, '']) expect(parseCardApprovalId(bad)).toBeNull();
  });
});
