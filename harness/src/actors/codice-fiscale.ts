import * as lib from 'codice-fiscale-js';

/** What the citizen needs of codice-fiscale-js. */
export interface CodiceFiscaleStatic {
  compute(person: {
    name: string;
    surname: string;
    gender: 'M' | 'F';
    day: number;
    month: number;
    year: number;
    birthplace: string;
    birthplaceProvincia: string;
  }): string;
  check(code: string): boolean;
}

/**
 * The bundle exports `{ CodiceFiscale }` at runtime while its typings declare a default export
 * (which resolves differently under each moduleResolution): typed here once, by what is used.
 */
export const CodiceFiscale = ((lib as Record<string, unknown>).CodiceFiscale ?? (lib as Record<string, unknown>).default) as CodiceFiscaleStatic;
