import { describe, expect, it } from 'vitest';
import { EMAIL_MAX, maskEmail, maskPhone, normalizeEmail, normalizePhone } from '../../../functions/core/contacts';

describe('contacts: mobile numbers (R-ACT-3, R-CARD-5)', () => {
  it('R-ACT-3: an Italian mobile number without prefix gets +39', () => {
    expect(normalizePhone('3331234567')).toBe('+393331234567');
    expect(normalizePhone('333 123 4567')).toBe('+393331234567');
    expect(normalizePhone('333-123.45(67)')).toBe('+393331234567');
    expect(normalizePhone('333123456')).toBe('+39333123456'); // 9-digit mobiles still exist
  });

  it('R-ACT-3: +39 and 0039 prefixes give the same E.164 number', () => {
    expect(normalizePhone('+393331234567')).toBe('+393331234567');
    expect(normalizePhone('+39 333 1234567')).toBe('+393331234567');
    expect(normalizePhone('0039 333 1234567')).toBe('+393331234567');
    expect(normalizePhone('00393331234567')).toBe('+393331234567');
  });

  it('R-CARD-5: one number has one form, so uniqueness cannot be dodged by spelling it differently', () => {
    const spellings = ['3331234567', '+393331234567', '0039 333 123 4567', ' +39 (333) 123-4567 '];
    expect(new Set(spellings.map(normalizePhone))).toEqual(new Set(['+393331234567']));
  });

  it('R-ACT-3: foreign mobile numbers are kept in E.164', () => {
    expect(normalizePhone('+44 7700 900123')).toBe('+447700900123');
    expect(normalizePhone('0041791234567')).toBe('+41791234567');
  });

  it('R-ACT-3: an Italian landline cannot receive the SMS and is refused', () => {
    expect(normalizePhone('+39 06 1234567')).toBeNull();
    expect(normalizePhone('0039 02 12345678')).toBeNull();
    expect(normalizePhone('06 1234567')).toBeNull();
  });

  it('R-ACT-3: bad input is refused', () => {
    for (const bad of [
      '',
      '+',
      'abc',
      '333123456a',
      '+39333',
      '33312345',
      '+3933312345678', // 11 digits after 39
      '+0123456789',
      '+1234567890123456', // 16 digits: longer than E.164 allows
      '++393331234567',
      '3331234567\u0000',
      '39 3331234567',
      '+39 333 1234567 ext 2',
    ]) {
      expect(normalizePhone(bad), JSON.stringify(bad)).toBeNull();
    }
  });

  it('R-ACT-3: the masked number keeps the prefix and the last three digits only', () => {
    expect(maskPhone('+393331234567')).toBe('+39*******567');
    expect(maskPhone('+39333123456')).toBe('+39******456');
    expect(maskPhone('+447700900123')).toBe('+44*******123');
    expect(maskPhone('+393331234567')).not.toContain('3331234');
  });
});

describe('contacts: email (R-ACT-4, R-ACT-7)', () => {
  it('R-ACT-4: addresses are trimmed and lower-cased', () => {
    expect(normalizeEmail('  Mario.Rossi@Example.IT ')).toBe('mario.rossi@example.it');
    expect(normalizeEmail('m+tag@sub.example.co.uk')).toBe('m+tag@sub.example.co.uk');
    expect(normalizeEmail('a@b-c.it')).toBe('a@b-c.it');
  });

  it('R-ACT-4: malformed addresses are refused', () => {
    for (const bad of [
      '',
      'mario',
      '@example.it',
      'mario@',
      'mario@example',
      'mario@@example.it',
      'ma rio@example.it',
      'mario@exa mple.it',
      'mario@-example.it',
      'mario@example-.it',
      'mario@example..it',
      '<mario>@example.it',
      'mario@example.it>',
      'a"b@example.it',
      'mario@exam_ple.it',
      'ma\u0000rio@example.it',
      'ma\u0007rio@example.it',
      'ma\\rio@example.it',
    ]) {
      expect(normalizeEmail(bad), JSON.stringify(bad)).toBeNull();
    }
  });

  it('R-ACT-4: an address longer than 254 characters, or a local part over 64, is refused', () => {
    const local = 'm'.repeat(64);
    const domainOf = (lastLabel: number) => `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(lastLabel)}.it`;
    const longest = `${local}@${domainOf(58)}`;
    expect(longest.length).toBe(EMAIL_MAX);
    expect(normalizeEmail(longest)).toBe(longest);
    expect(normalizeEmail(`${local}@${domainOf(59)}`)).toBeNull();
    expect(normalizeEmail(`${local}@example.it`)).toBe(`${local}@example.it`);
    expect(normalizeEmail(`${local}m@example.it`)).toBeNull();
  });

  it('R-ACT-4: the masked address hides most of the part before the @', () => {
    expect(maskEmail('mario.rossi@example.it')).toBe('ma*********@example.it');
    expect(maskEmail('abcd@example.it')).toBe('ab**@example.it');
    expect(maskEmail('abc@example.it')).toBe('a**@example.it');
  });

  it('R-ACT-4: a short address is not given away by its mask', () => {
    expect(maskEmail('ab@example.it')).toBe('a*@example.it');
    expect(maskEmail('a@example.it')).toBe('*@example.it');
  });
});
