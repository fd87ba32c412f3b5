import { describe, expect, it } from 'vitest';
import { parseIdentity, parsePasswordForm } from '../../functions/core/activation-input';
import { ACCEPTED_FISCAL_CODE, ACCEPTED_SERIAL, identityFieldsInError, passwordFieldsInError } from '../../functions/activation/field-errors';

const GOOD = 'Girasole#2024x';

describe('which fields a refused activation form is about (WCAG 3.3.1)', () => {
  it('R-CARD-1: the stand-in values are ones the parser accepts, so each field is judged alone', () => {
    expect(parseIdentity(ACCEPTED_FISCAL_CODE, ACCEPTED_SERIAL).ok).toBe(true);
  });

  it('R-ACT-1: the codice fiscale, the serial, both or neither', () => {
    expect(identityFieldsInError('RSSMRA80A01H501X', 'CA12345AB')).toEqual(['fiscalCode']);
    expect(identityFieldsInError('rssmra80a01h501u', 'ca12')).toEqual(['serial']);
    expect(identityFieldsInError('', undefined)).toEqual(['fiscalCode', 'serial']);
    expect(identityFieldsInError(' rssmra 80a01h501u', 'ca12345ab')).toEqual([]);
    expect(identityFieldsInError('A'.repeat(5000), 'B'.repeat(5000))).toEqual(['fiscalCode', 'serial']);
  });

  it('R-ACT-5: the password, its confirmation and the GDPR box, each only for its own message', () => {
    expect(passwordFieldsInError(GOOD, GOOD, '1')).toEqual([]);
    expect(passwordFieldsInError('passwordpassword', 'passwordpassword', '1')).toEqual(['password']);
    expect(passwordFieldsInError(GOOD, `${GOOD}x`, '1')).toEqual(['passwordConfirm']);
    expect(passwordFieldsInError(GOOD, GOOD, undefined)).toEqual(['gdpr']);
    expect(passwordFieldsInError('', '', undefined)).toEqual(['password', 'gdpr']);
    expect(passwordFieldsInError('abc', 'abd', undefined)).toEqual(['password', 'passwordConfirm', 'gdpr']);
  });

  it('R-ACT-5: a field is marked exactly when the whole form has a message the others alone do not explain', () => {
    for (const [pw, confirm, gdpr] of [
      ['', 'x', '1'],
      [GOOD, '', undefined],
      ['x'.repeat(200), 'y', '1'],
      ['Aa1!aaaaaaa', 'Aa1!aaaaaaa', '1'],
    ] as const) {
      const marked = passwordFieldsInError(pw, confirm, gdpr);
      expect(marked.length > 0, `${pw} / ${confirm} / ${gdpr}`).toBe(!parsePasswordForm(pw, confirm, gdpr).ok);
    }
  });
});
