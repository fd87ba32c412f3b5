import { describe, expect, it } from 'vitest';
import { CodiceFiscale } from '../../../functions/core/codice-fiscale-lib';
import { birthDateParts, fiscalCodeMatchesBirthDate, isValidFiscalCode, normalizeFiscalCode } from '../../../functions/core/fiscal-code';

/** The first 15 characters completed with their correct check character. */
const withCheck = (first15: string) => first15 + CodiceFiscale.getCheckCode(first15);

// Mario Rossi, male, born 15 June 1985 in Roma (H501); Maria Rossi, female, same day and place.
const MARIO = 'RSSMRA85H15H501D';
const MARIA = 'RSSMRA85H55H501H';

describe('codice fiscale (R-CARD-1)', () => {
  it('R-CARD-1: a well-formed code with its check character is valid', () => {
    expect(isValidFiscalCode(MARIO)).toBe(true);
    expect(isValidFiscalCode(MARIA)).toBe(true);
  });

  it('R-CARD-1: every wrong check character is refused', () => {
    for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') {
      if (c === 'D') continue;
      expect(isValidFiscalCode(MARIO.slice(0, 15) + c), c).toBe(false);
    }
  });

  it('R-CARD-1: a code of the wrong length or shape is refused', () => {
    expect(isValidFiscalCode(MARIO.slice(0, 15))).toBe(false);
    expect(isValidFiscalCode(`${MARIO}X`)).toBe(false);
    expect(isValidFiscalCode('')).toBe(false);
    expect(isValidFiscalCode('1SSMRA85H15H501D')).toBe(false);
    expect(isValidFiscalCode(withCheck('RSSMRA85Z15H501'))).toBe(false); // Z is no month letter
  });

  it('R-CARD-1: omocodia variants (digits replaced by letters) are valid and decode the same date', () => {
    const variants = CodiceFiscale.getOmocodie(MARIO);
    expect(variants.length).toBe(127);
    for (const v of variants) {
      expect(isValidFiscalCode(v), v).toBe(true);
      expect(birthDateParts(v), v).toEqual({ day: 15, month: 6, yy: 85, sex: 'M' });
    }
    expect(isValidFiscalCode('RSSMRAURH15H501M')).toBe(true);
    expect(isValidFiscalCode('RSSMRAURH15H501A')).toBe(false);
  });

  it('R-CARD-1: lower case and spaces are normalised before validation', () => {
    expect(normalizeFiscalCode(' rssmra 85h15 h501d ')).toBe(MARIO);
    expect(normalizeFiscalCode('RSSMRA85H15H501D\t\n')).toBe(MARIO);
    expect(isValidFiscalCode(normalizeFiscalCode('rssmra85h15h501d'))).toBe(true);
  });

  it('R-CARD-1: the lower-case form itself is not accepted unnormalised', () => {
    expect(isValidFiscalCode('rssmra85h15h501d')).toBe(false);
  });

  it('R-CARD-1: a day that cannot exist is refused even with a correct check character', () => {
    expect(isValidFiscalCode(withCheck('RSSMRA85H00H501'))).toBe(false); // day 00
    expect(isValidFiscalCode(withCheck('RSSMRA85H32H501'))).toBe(false); // 32..40 belong to nobody
    expect(isValidFiscalCode(withCheck('RSSMRA85H40H501'))).toBe(false);
    expect(isValidFiscalCode(withCheck('RSSMRA85H72H501'))).toBe(false); // a woman's day 32
    expect(isValidFiscalCode(withCheck('RSSMRA85B31H501'))).toBe(false); // 31 February
    expect(isValidFiscalCode(withCheck('RSSMRA85D31H501'))).toBe(false); // 31 April
    expect(isValidFiscalCode(withCheck('RSSMRA01B29H501'))).toBe(false); // 29 Feb: neither 1901 nor 2001
  });

  it('R-CARD-1: 29 February is possible when either century makes the year a leap year', () => {
    expect(isValidFiscalCode(withCheck('RSSMRA00B29H501'))).toBe(true); // 2000 was a leap year
    expect(isValidFiscalCode(withCheck('RSSMRA84B29H501'))).toBe(true);
    expect(isValidFiscalCode(withCheck('RSSMRA84B69H501'))).toBe(true); // a woman's 29 February
  });

  it('R-CARD-1: a birthplace code missing from the comuni table does not make the code invalid', () => {
    const code = withCheck('RSSMRA85H15Z999');
    expect(isValidFiscalCode(code)).toBe(true);
    expect(fiscalCodeMatchesBirthDate(code, '1985-06-15')).toBe(true);
  });

  it('R-CARD-1: the birth date decodes with the sex (women carry day + 40)', () => {
    expect(birthDateParts(MARIO)).toEqual({ day: 15, month: 6, yy: 85, sex: 'M' });
    expect(birthDateParts(MARIA)).toEqual({ day: 15, month: 6, yy: 85, sex: 'F' });
    expect(birthDateParts(`${MARIO.slice(0, 15)}A`)).toBeNull();
  });

  it('R-CARD-1: the code is consistent with its birth date and with no other', () => {
    expect(fiscalCodeMatchesBirthDate(MARIO, '1985-06-15')).toBe(true);
    expect(fiscalCodeMatchesBirthDate(MARIA, '1985-06-15')).toBe(true);
    expect(fiscalCodeMatchesBirthDate(MARIO, '1985-06-16')).toBe(false);
    expect(fiscalCodeMatchesBirthDate(MARIO, '1985-07-15')).toBe(false);
    expect(fiscalCodeMatchesBirthDate(MARIO, '1986-06-15')).toBe(false);
    expect(fiscalCodeMatchesBirthDate(MARIA, '1985-06-55')).toBe(false);
    expect(fiscalCodeMatchesBirthDate(MARIO, '15/06/1985')).toBe(false);
  });

  it('R-CARD-1: the century is not encoded, so 1920 and 2020 both match the same code', () => {
    const code = 'RSSMRA20A01H501G';
    expect(fiscalCodeMatchesBirthDate(code, '1920-01-01')).toBe(true);
    expect(fiscalCodeMatchesBirthDate(code, '2020-01-01')).toBe(true);
    expect(fiscalCodeMatchesBirthDate(code, '2021-01-01')).toBe(false);
  });

  it('R-CARD-1: no date matches an invalid code, even one that looks like it', () => {
    expect(fiscalCodeMatchesBirthDate(withCheck('RSSMRA85H00H501'), '1985-05-31')).toBe(false);
    expect(fiscalCodeMatchesBirthDate(withCheck('RSSMRA85B31H501'), '1985-03-03')).toBe(false);
  });
});

describe('codice-fiscale-js shim (R-CARD-1)', () => {
  it('R-CARD-1: the library class is reachable whatever the bundle exports, and computes what we validate', () => {
    expect(typeof CodiceFiscale.check).toBe('function');
    const code = CodiceFiscale.compute({
      name: 'Maria',
      surname: 'Rossi',
      gender: 'F',
      day: 15,
      month: 6,
      year: 1985,
      birthplace: 'Roma',
      birthplaceProvincia: 'RM',
    });
    expect(code).toBe(MARIA);
    expect(isValidFiscalCode(code)).toBe(true);
  });
});
