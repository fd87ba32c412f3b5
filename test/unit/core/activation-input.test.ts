import { describe, expect, it } from 'vitest';
import { parseIdentity, parsePasswordForm } from '../../../functions/core/activation-input';

/** The activation forms judged, each message with the field it is about (WCAG 3.3.1: the field says so). */
const GOOD = 'Girasole#2024x';
const fieldsOf = (parsed: { ok: boolean; fields?: string[] }) => (parsed.ok ? [] : parsed.fields);

describe('which fields a refused activation form is about', () => {
  it('R-ACT-1: the codice fiscale, the serial, both or neither', () => {
    expect(fieldsOf(parseIdentity('RSSMRA80A01H501X', 'CA12345AB'))).toEqual(['fiscalCode']);
    expect(fieldsOf(parseIdentity('rssmra80a01h501u', 'ca12'))).toEqual(['serial']);
    expect(fieldsOf(parseIdentity('', undefined))).toEqual(['fiscalCode', 'serial']);
    expect(parseIdentity(' rssmra 80a01h501u', 'ca12345ab').ok).toBe(true);
    expect(fieldsOf(parseIdentity('A'.repeat(5000), 'B'.repeat(5000)))).toEqual(['fiscalCode', 'serial']);
  });

  it('R-ACT-5: the password, its confirmation and the GDPR box, each only for its own message', () => {
    expect(parsePasswordForm(GOOD, GOOD, '1').ok).toBe(true);
    expect(fieldsOf(parsePasswordForm('passwordpassword', 'passwordpassword', '1'))).toEqual(['password']);
    expect(fieldsOf(parsePasswordForm(GOOD, `${GOOD}x`, '1'))).toEqual(['passwordConfirm']);
    expect(fieldsOf(parsePasswordForm(GOOD, GOOD, undefined))).toEqual(['gdpr']);
    expect(fieldsOf(parsePasswordForm('', '', undefined))).toEqual(['password', 'gdpr']);
    expect(fieldsOf(parsePasswordForm('abc', 'abd', undefined))).toEqual(['password', 'passwordConfirm', 'gdpr']);
  });

  it('R-ACT-5: every message is kept, in order, with several about one field', () => {
    const parsed = parsePasswordForm('passwordpassword', 'other', undefined);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors.length).toBeGreaterThan(3);
    expect(parsed.errors.at(-2)).toBe('Le due password non coincidono');
    expect(parsed.fields).toEqual(['password', 'passwordConfirm', 'gdpr']);
  });
});
