import { describe, expect, it } from 'vitest';
import { CodiceFiscale } from '../../../../functions/core/codice-fiscale-lib';
import { checkCharacter, fiscalCode } from '../../../../load/lib/fiscal-code';

/**
 * The k6 scripts compute their made-up citizens' codici fiscali themselves (k6 cannot load the
 * 300 KB codice-fiscale-js bundle into every VU); this pins that code to the library the registry
 * validates with (R-CARD-1), so a load run never fails setup on a wrong code.
 */
const GIVEN = ['Mario', 'Giulia', 'Anna', 'Francesco', 'Ugo', 'Ida', 'Maximilian', 'Bo', 'Andrea', 'Chiara'];
const FAMILY = ['Rossi', 'Bianchi', 'Fo', 'Aiello', 'Esposito', 'Oe', 'Xu', "Dell'Acqua", 'De Luca', 'Strzelczyk'];

describe('load/lib/fiscal-code (k6) agrees with codice-fiscale-js', () => {
  it('R-CARD-1: the same 16 characters for 400 people born in Roma, both sexes, days 1–28, 1930–2020', () => {
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 400; i++) {
      const sex = i % 2 === 0 ? 'M' : 'F';
      const [year, month, day] = [1930 + next(91), 1 + next(12), 1 + next(28)];
      const person = { givenName: GIVEN[next(GIVEN.length)]!, familyName: FAMILY[next(FAMILY.length)]!, sex } as const;
      const birthDate = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
      const expected = CodiceFiscale.compute({
        name: person.givenName,
        surname: person.familyName,
        gender: sex,
        day,
        month,
        year,
        birthplace: 'Roma',
        birthplaceProvincia: 'RM',
      });
      expect(fiscalCode({ ...person, birthDate }), `${person.givenName} ${person.familyName} ${sex} ${birthDate}`).toBe(expected);
    }
  });

  it('the check character matches the library for codes of every shape', () => {
    for (const first15 of ['RSSMRA80A01H501', 'BNCGLI92M55F205', 'XXXXXX00A01A000', 'ZZZZZZ99T71Z999']) {
      expect(checkCharacter(first15)).toBe(CodiceFiscale.getCheckCode(first15));
    }
  });
});
