import { CodiceFiscale } from './codice-fiscale-lib';

/**
 * R-CARD-1: the holder is identified by the codice fiscale. The check character is validated by
 * codice-fiscale-js rather than by a hand-written table of our own. The birth date is decoded here:
 * the library's decoder lets impossible days roll over into real dates (day 00 → the last day of the
 * previous month, 31 February → 3 March) and refuses codes whose comune is missing from its table,
 * neither of which may decide whether a code is valid.
 */
const SHAPE = /^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$/;
/** Omocodia: at these positions a digit may be replaced by the letter at its index here. */
const OMOCODIA_LETTERS = 'LMNPQRSTUV';
const NUMERIC_POSITIONS = new Set([6, 7, 9, 10, 12, 13, 14]);
const MONTH_LETTERS = 'ABCDEHLMPRST';
/** Women's codes carry the day of birth plus 40. */
const FEMALE_DAY_OFFSET = 40;

export interface BirthParts {
  day: number;
  month: number;
  /** The last two digits of the year: the century is not in the code. */
  yy: number;
  sex: 'M' | 'F';
}

export function normalizeFiscalCode(input: string): string {
  return input.replace(/\s+/g, '').toUpperCase();
}

function decodeBirth(code: string): BirthParts | null {
  const plain = [...code].map((c, i) => (NUMERIC_POSITIONS.has(i) && OMOCODIA_LETTERS.includes(c) ? String(OMOCODIA_LETTERS.indexOf(c)) : c)).join('');
  const yy = Number(plain.slice(6, 8));
  const month = MONTH_LETTERS.indexOf(plain[8]!) + 1;
  let day = Number(plain.slice(9, 11));
  const sex = day > FEMALE_DAY_OFFSET ? 'F' : 'M';
  if (sex === 'F') day -= FEMALE_DAY_OFFSET;
  if (month < 1 || day < 1 || day > 31) return null;
  // Without the century, a day is possible if it exists in either candidate year (29 Feb 00 → 2000).
  const exists = [1900 + yy, 2000 + yy].some((y) => new Date(Date.UTC(y, month - 1, day)).getUTCDate() === day);
  return exists ? { day, month, yy, sex } : null;
}

export function isValidFiscalCode(code: string): boolean {
  if (!SHAPE.test(code) || !decodeBirth(code)) return false;
  try {
    return CodiceFiscale.check(code);
  } catch {
    return false;
  }
}

/** Day, month, the last two digits of the year and the sex encoded in a valid code; null otherwise. */
export function birthDateParts(code: string): BirthParts | null {
  return isValidFiscalCode(code) ? decodeBirth(code) : null;
}

/** True when the code encodes the given ISO birth date (YYYY-MM-DD), in whichever century. */
export function fiscalCodeMatchesBirthDate(code: string, isoDate: string): boolean {
  const parts = birthDateParts(code);
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!parts || !m) return false;
  return parts.day === Number(m[3]) && parts.month === Number(m[2]) && parts.yy === Number(m[1]) % 100;
}

/** Enough of a codice fiscale for its holder to recognise it, not enough to copy it. */
export function maskFiscalCode(code: string): string {
  return code.length === 16 ? `${code.slice(0, 6)}*******${code.slice(13)}` : '****************';
}
