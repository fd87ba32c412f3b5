import * as lib from 'codice-fiscale-js';
import type CodiceFiscaleClass from 'codice-fiscale-js';

/**
 * codice-fiscale-js's bundle exports `{ CodiceFiscale }` while its typings declare a default export;
 * this one line reconciles the two so the rest of the code imports a correctly typed class.
 */
export const CodiceFiscale = ((lib as Record<string, unknown>).CodiceFiscale ?? (lib as Record<string, unknown>).default) as typeof CodiceFiscaleClass;
