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

export function birthDateForAge(years: number, now = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear() - years, now.getUTCMonth(), now.getUTCDate()));
  d.setUTCDate(d.getUTCDate() - 10); // a few days past the birthday: the age is exactly `years`
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
