/**
 * Codici fiscali for made-up citizens: the registry refuses a code whose check character is wrong or
 * whose birth date differs from the card's (R-CARD-1), and k6 cannot load codice-fiscale-js.
 *
 * API:
 * - `fiscalCode({ givenName, familyName, birthDate, sex })`: the code of a person born in Roma
 *   (H501), birthDate `YYYY-MM-DD`.
 * - `checkCharacter(first15)`: the 16th character.
 */
const VOWELS = /[AEIOU]/;
const letters = (name: string) =>
  name
    .toUpperCase()
    .replace(/[^A-Z]/g, '')
    .split('');
const consonantsOf = (name: string) => letters(name).filter((c) => !VOWELS.test(c));
const vowelsOf = (name: string) => letters(name).filter((c) => VOWELS.test(c));
const three = (chars: string[]) => `${chars.join('')}XXX`.slice(0, 3);

const surnameCode = (surname: string) => three([...consonantsOf(surname), ...vowelsOf(surname)]);

/** A given name with four consonants or more skips the second one. */
function nameCode(name: string): string {
  const consonants = consonantsOf(name);
  if (consonants.length >= 4) return `${consonants[0]}${consonants[2]}${consonants[3]}`;
  return three([...consonants, ...vowelsOf(name)]);
}

const MONTHS = 'ABCDEHLMPRST';
/** Values of the characters in odd (1st, 3rd, …) positions, for 0-9 and A-Z alike. */
const ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
const charValue = (c: string) => (c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : c.charCodeAt(0) - 65);

export function checkCharacter(first15: string): string {
  let sum = 0;
  for (let i = 0; i < 15; i++) sum += i % 2 === 0 ? ODD[charValue(first15[i]!)]! : charValue(first15[i]!);
  return String.fromCharCode(65 + (sum % 26));
}

export function fiscalCode(p: { givenName: string; familyName: string; birthDate: string; sex: 'M' | 'F' }): string {
  const [year, month, day] = p.birthDate.split('-').map(Number) as [number, number, number];
  const dd = String(day + (p.sex === 'F' ? 40 : 0)).padStart(2, '0');
  const first15 = `${surnameCode(p.familyName)}${nameCode(p.givenName)}${String(year % 100).padStart(2, '0')}${MONTHS[month - 1]}${dd}H501`;
  return `${first15}${checkCharacter(first15)}`;
}
