import { type CardStatus, type L2Mode, isInService } from './card';

/**
 * R-ACC-1: what "Gestione CieID" says of the holder's credentials, from the card as it stands.
 * Pure: the Card's view in, the words of the guide's screen out.
 */
export type CredentialStanding = 'attive' | 'sospese' | 'revocate';

export interface ProfileFacts {
  status: CardStatus;
  credentials: { mode: L2Mode } | null;
  credentialsRevokedAt?: number | null;
  level3Suspended?: boolean;
  certificate: string | null;
}

/**
 * Level 1 and 2: revoked once the holder revoked them or the card left service for good; suspended
 * while the card is blocked (lost or stolen, until the Comune says otherwise); active otherwise.
 */
export function level12Standing(card: ProfileFacts): CredentialStanding {
  if (card.status === 'blocked') return 'sospese';
  if (card.credentialsRevokedAt != null || !card.credentials || !isInService(card.status)) return 'revocate';
  return 'attive';
}

/** Level 3 (the card itself): suspended by the holder or with the card blocked; revoked with the card out of service. */
export function level3Standing(card: ProfileFacts): CredentialStanding {
  if (card.status === 'blocked' || card.level3Suspended) return 'sospese';
  if (!isInService(card.status)) return 'revocate';
  return 'attive';
}

export const STANDING_LABEL: Record<CredentialStanding, string> = { attive: 'Attive', sospese: 'Sospese', revocate: 'Revocate' };

/** R-ACC-3: the guide's two choices — the current one checked, the other offered as a switch. */
export const MODE_LABEL: Record<L2Mode, string> = { app: "Utilizza l'App CieID", sms: "Utilizza l'invio OTP tramite SMS" };
export const MODE_SWITCH_LABEL: Record<L2Mode, string> = { app: "Passa all'App CieID", sms: "Passa all'invio OTP tramite SMS" };

export const otherMode = (mode: L2Mode): L2Mode => (mode === 'app' ? 'sms' : 'app');

/** The outcome a profile page reports after a change (`?esito=`), from a fixed list: nothing else is shown. */
export const PROFILE_OUTCOMES = {
  password: 'La password è stata modificata. Per sicurezza abbiamo chiuso le altre sessioni e gli accessi ai servizi.',
  modalita: 'La modalità di utilizzo delle credenziali è stata modificata.',
  email: 'L’indirizzo email è stato verificato e salvato.',
} as const;

export type ProfileOutcome = keyof typeof PROFILE_OUTCOMES;

export function profileOutcome(value: string | null): ProfileOutcome | null {
  return value !== null && Object.hasOwn(PROFILE_OUTCOMES, value) ? (value as ProfileOutcome) : null;
}
