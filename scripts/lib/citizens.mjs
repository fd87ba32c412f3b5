import cf from 'codice-fiscale-js';

const { CodiceFiscale } = cf;

/**
 * Citizens for the development tools (seed, bench, end-to-end tests): a codice fiscale that is valid
 * and agrees with the birth date, as the registry demands.
 */

/** The date `years` ago, `days` before today (so the age is exactly `years`). */
export function birthDateForAge(years, days = 40, now = new Date()) {
  const d = new Date(Date.UTC(now.getUTCFullYear() - years, now.getUTCMonth(), now.getUTCDate() - days));
  return d.toISOString().slice(0, 10);
}

export function citizen({ givenName, familyName, gender = 'M', birthDate, phone, email }) {
  const [year, month, day] = birthDate.split('-').map(Number);
  const fiscalCode = CodiceFiscale.compute({
    name: givenName,
    surname: familyName,
    gender,
    day,
    month,
    year,
    birthplace: 'Roma',
    birthplaceProvincia: 'RM',
  });
  return { fiscalCode, givenName, familyName, birthDate, phone, ...(email ? { email } : {}) };
}

const LETTERS = 'BCDFGHLMNPRSTVZ';
const pick = (n) =>
  Array.from({ length: n }, () => LETTERS[Math.floor(Math.random() * LETTERS.length)])
    .join('')
    .toLowerCase();

/** A phone of their own: one number belongs to one identity (R-CARD-5). */
export const randomPhone = () => `+393${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;

/**
 * An adult with random consonant names and a random birthday between 20 and 70 years ago: enough
 * distinct codici fiscali that a bench's hundreds of citizens never repeat one (a repeat would make
 * the registry supersede the earlier card).
 */
export function randomCitizen() {
  return citizen({
    givenName: `Ma${pick(3)}o`,
    familyName: `Ro${pick(4)}i`,
    birthDate: birthDateForAge(20 + Math.floor(Math.random() * 50), Math.floor(Math.random() * 360)),
    phone: randomPhone(),
  });
}
