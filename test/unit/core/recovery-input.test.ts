import { describe, expect, it } from 'vitest';
import { loginFlowParam, parseNewPassword } from '../../../functions/core/recovery-input';
import { PASSWORD_RECOVERY_FLOW, PUK_RECOVERY_FLOW, PUK_VIEW_FLOW, stepAfterSms } from '../../../functions/core/recovery-flows';
import { FlowTableError, checkedMove } from '../../../functions/core/flows';

describe('R-ACC-2: the new password', () => {
  it('R-ACC-2: the R-ACT-5 policy, typed twice alike', () => {
    expect(parseNewPassword('Girasole#2025y', 'Girasole#2025y')).toEqual({ ok: true, value: 'Girasole#2025y' });
    const weak = parseNewPassword('girasole', 'girasole');
    expect(weak.ok).toBe(false);
    if (!weak.ok) expect(weak.fields).toEqual(['password']);
    const mismatch = parseNewPassword('Girasole#2025y', 'Girasole#2025z');
    expect(mismatch).toEqual({ ok: false, errors: ['Le due password non coincidono'], fields: ['passwordConfirm'] });
    expect(parseNewPassword(undefined, undefined)).toEqual({ ok: false, errors: ['Scegli una password'], fields: ['password'] });
  });

  it('R-ACC-2: a huge paste is told the length rule, without judging every character', () => {
    const huge = parseNewPassword(`Aa1!${'x'.repeat(10_000)}`, '');
    expect(huge.ok).toBe(false);
    if (!huge.ok) expect(huge.errors[0]).toBe('La password deve avere da 10 a 20 caratteri');
  });
});

describe('R-ACC-2: the login a recovery leads back to', () => {
  it('R-ACC-2: only a flow id of our shape is kept, never an address', () => {
    const id = 'qZOUW-NXqPEsyj6mUOPhgKkgCheBKaoYipgF13i_GoA';
    expect(loginFlowParam(id)).toBe(id);
    for (const bad of [null, undefined, '', 'https://evil.example/', `${id}/../x`, `/${id}`, `${id}=`, id.slice(1)]) expect(loginFlowParam(bad)).toBeNull();
  });
});

describe("R-ACC-2, R-PUK-2: the recoveries' flow tables", () => {
  it('R-ACC-2: sms → email only with a verified email, else straight to the password; fatto ends it', () => {
    expect(stepAfterSms({ email: 'a@b.it' })).toBe('email');
    expect(stepAfterSms({ email: null })).toBe('password');
    expect(checkedMove(PASSWORD_RECOVERY_FLOW, 'sms', 'email').to).toBe('email');
    expect(checkedMove(PASSWORD_RECOVERY_FLOW, 'email', 'password').to).toBe('password');
    expect(checkedMove(PASSWORD_RECOVERY_FLOW, 'password', 'fatto').to).toBe('fatto');
    // No way round the codes, and nothing of the data is written by a move.
    expect(() => checkedMove(PASSWORD_RECOVERY_FLOW, 'sms', 'fatto')).toThrow(FlowTableError);
    expect(() => checkedMove(PASSWORD_RECOVERY_FLOW, 'email', 'sms')).toThrow(FlowTableError);
    expect(() => checkedMove(PASSWORD_RECOVERY_FLOW, 'sms', 'password', { serial: 'CA00000AA' })).toThrow(FlowTableError);
    expect(PASSWORD_RECOVERY_FLOW.starts).toEqual(['sms']);
  });

  it('R-PUK-2: the request and the view are one step each, and never grant anything', () => {
    for (const kind of [PUK_RECOVERY_FLOW, PUK_VIEW_FLOW]) {
      expect(kind.starts).toEqual(['otp']);
      expect(kind.moves).toEqual({ otp: [] });
      expect(kind.grantsFrom).toBeUndefined();
    }
    expect(new Set([PASSWORD_RECOVERY_FLOW.type, PUK_RECOVERY_FLOW.type, PUK_VIEW_FLOW.type]).size).toBe(3);
  });
});
