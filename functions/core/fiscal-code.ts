import { CodiceFiscale } from './codice-fiscale-lib';

/**
 * R-CARD-1: the holder is identified by the codice fiscale. The check character and the omocodia
 * substitutions are validated by codice-fiscale-js (maintained, with the official comuni table),
 * rather than by a hand-written table of our own.
 */
const SHAPE = /^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$/;

export function normalizeFiscalCode(input: string): string {
  return input.replace(/\s+/g, '').toUpperCase();
}

export function isValidFiscalCode(code: string): boolean {
  if (!SHAPE.test(code)) return false;
  try {
    return CodiceFiscale.check(code);
  } catch {
    return false;
  }
}

/** Day, month and the last two digits of the year encoded in the code (the century is not in it). */
export function birthDateParts(code: string): { day: number; month: number; yy: number } | null {
  if (!isValidFiscalCode(code)) return null;
  try {
    const cf = new CodiceFiscale(code);
    return { day: cf.day, month: cf.month, yy: cf.year % 100 };
  } catch {
    return null;
  }
}

/** True when the code encodes the given ISO birth date (YYYY-MM-DD). */
export function fiscalCodeMatchesBirthDate(code: string, isoDate: string): boolean {
  const parts = birthDateParts(code);
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!parts || !m) return false;
  return parts.day === Number(m[3]) && parts.month === Number(m[2]) && parts.yy === Number(m[1]) % 100;
}
