import type { Refusal } from './login-levels';

/**
 * What a citizen is told when proving who they are fails, on the login pages and in the App's and
 * the account's JSON answers alike: one wording per reason, wherever the check runs.
 */

/** One message for a wrong password and an unknown username (R-LOG-8: existence is not revealed). */
export const WRONG_CREDENTIALS = 'Credenziali non valide: controlla il nome utente e la password e riprova.';

/** R-CARD-3, R-CARD-4, R-CARD-7: why this card cannot log in, in words a citizen can act on. */
export const REFUSAL_MESSAGES: Readonly<Record<Refusal, string>> = {
  blocked: 'La tua carta è bloccata perché è stata segnalata come smarrita o rubata: non può essere usata per accedere ai servizi online.',
  expired: 'La tua carta è scaduta: per accedere ai servizi online serve una carta in corso di validità.',
  puk_blocked:
    "L'identità digitale della tua carta è bloccata definitivamente (troppi PUK errati). La carta resta un documento d'identità valido; per accedere di nuovo ai servizi online serve una nuova carta.",
  superseded: 'Questa carta è stata sostituita da una carta più recente: usa le credenziali della nuova carta.',
  underage: "L'identità digitale CIE non è disponibile per i minori di 5 anni.",
  unusable: 'Questa carta non può essere usata per accedere ai servizi online. Per assistenza rivolgiti al tuo Comune.',
  level3_minor: "L'accesso con lettura della carta (livello 3) non è disponibile per i minori di 18 anni.",
};
