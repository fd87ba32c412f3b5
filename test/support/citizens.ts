import { CodiceFiscale } from '../../functions/core/codice-fiscale-lib';

/** Test citizens: a valid codice fiscale consistent with the birth date, and a phone of their own. */
export interface CitizenData {
  fiscalCode: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  phone: string;
  email?: string;
}

const LETTERS = 'BCDFGHLMNPRSTVZ';
const pick = (n: number) => Array.from({ length: n }, () => LETTERS[Math.floor(Math.random() * LETTERS.length)]).join('');

/**
 * A birthday passed 10 to 209 days ago, so the age is exactly `years`. The day is drawn because the
 * codice fiscale encodes it: with the names below it keeps two test citizens of one age from sharing
 * a codice fiscale (about 1 in 10 million per pair instead of 1 in 50,000), which would make the
 * second card supersede the first (R-CARD-7) in the middle of someone else's test.
 */
export function birthDateForAge(years: number, now = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear() - years, now.getUTCMonth(), now.getUTCDate()));
  d.setUTCDate(d.getUTCDate() - 10 - Math.floor(Math.random() * 200));
  return d.toISOString().slice(0, 10);
}

export function randomPhone(): string {
  return `+393${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
}

export function newCitizen(options: { age?: number; email?: string } = {}): CitizenData {
  const birthDate = birthDateForAge(options.age ?? 40);
  const [year, month, day] = birthDate.split('-').map(Number) as [number, number, number];
  const givenName = `Ma${pick(3).toLowerCase()}o`;
  const familyName = `Ro${pick(4).toLowerCase()}i`;
  const fiscalCode = CodiceFiscale.compute({
    name: givenName,
    surname: familyName,
    gender: 'M',
    day,
    month,
    year,
    birthplace: 'Roma',
    birthplaceProvincia: 'RM',
  });
  return { fiscalCode, givenName, familyName, birthDate, phone: randomPhone(), ...(options.email ? { email: options.email } : {}) };
}
