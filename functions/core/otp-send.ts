import { secondsToItalianMidnight } from './civil-date';
import type { OtpPurpose } from './otp';

/**
 * R-OTP-1, R-OTP-2, R-OTP-3: what every code the service sends says and decides, for each thing a code is for.
 * The sending itself (flow, daily cap, notifier) is platform/otp.ts; the pages and JSON answers
 * around it stay with their feature.
 */
export type OtpSubject =
  | { for: 'activation'; channel: 'sms' | 'email' }
  /** The relying party's name, as the citizen knows the service they are logging in to. */
  | { for: 'login'; serviceName: string }
  | { for: 'device-certification' }
  | { for: 'mode-change' }
  /** R-ACC-2: forgotten password, a code to the phone and then one to the verified email. */
  | { for: 'password-recovery'; channel: 'sms' | 'email' }
  /** R-PUK-2: forgotten PUK, a code to the phone to ask for it and another to view it. */
  | { for: 'puk-recovery' }
  /** The personal area's new email address, confirmed by a code sent to it. */
  | { for: 'email-change' };

export type OtpChannel = 'sms' | 'email';

export function otpChannel(subject: OtpSubject): OtpChannel {
  if (subject.for === 'email-change') return 'email';
  return subject.for === 'activation' || subject.for === 'password-recovery' ? subject.channel : 'sms';
}

/**
 * The purpose a code is bound to. The App's flows (device certification, mode change) share one:
 * the hash also binds the flow id, so a code is good for its one flow whatever its type.
 */
export function otpPurpose(subject: OtpSubject): OtpPurpose {
  switch (subject.for) {
    case 'activation':
      return subject.channel === 'sms' ? 'activation-sms' : 'activation-email';
    case 'login':
      return 'login-sms';
    case 'device-certification':
    case 'mode-change':
      return 'app-sms';
    case 'password-recovery':
      return subject.channel === 'sms' ? 'recovery-sms' : 'recovery-email';
    case 'puk-recovery':
      return 'puk-sms';
    case 'email-change':
      return 'account-email';
  }
}

/**
 * What is hashed (keyed, purpose `otp`) to keep a code at rest: purpose, flow id and code, so a code
 * read in one flow or for one purpose matches nothing elsewhere. One layout for every flow. Until
 * issue 11 activation put the flow id first: an activation code sent before that change was deployed
 * does not match after it (one wrong code; the citizen asks for a new one, and a code lives 5
 * minutes). Changing this again does the same to every code in flight (docs/state.md).
 */
export function otpHashInput(purpose: OtpPurpose, flowId: string, code: string): string {
  return `${purpose}:${flowId}:${code}`;
}

/** An SMS is 160 characters: a long service name is cut short. */
export const SMS_SERVICE_NAME_MAX = 60;

const DO_NOT_SHARE = 'Non comunicarlo a nessuno.';

/** The message that carries the code, in the words of the thing it is for. */
export function otpMessage(subject: OtpSubject, code: string): string {
  switch (subject.for) {
    case 'activation': {
      const body = `il tuo codice di verifica per l'attivazione delle credenziali CIE è ${code}. Vale 5 minuti. ${DO_NOT_SHARE}`;
      return subject.channel === 'sms' ? `CieID: ${body}` : `Gentile utente, ${body}\n\nSe non hai richiesto tu l'attivazione, ignora questo messaggio.`;
    }
    case 'login':
      return `CieID: il codice per accedere a ${subject.serviceName.slice(0, SMS_SERVICE_NAME_MAX)} è ${code}. Scade tra 5 minuti. ${DO_NOT_SHARE}`;
    case 'device-certification':
      return `CieID: il codice per certificare il tuo dispositivo è ${code}. Scade tra 5 minuti. ${DO_NOT_SHARE}`;
    case 'mode-change':
      return `CieID: il codice per cambiare la modalità di autorizzazione degli accessi è ${code}. Scade tra 5 minuti. ${DO_NOT_SHARE}`;
    case 'password-recovery': {
      const body = `il codice per impostare una nuova password delle credenziali CIE è ${code}. Scade tra 5 minuti. ${DO_NOT_SHARE}`;
      return subject.channel === 'sms'
        ? `CieID: ${body}`
        : `Gentile utente, ${body}\n\nSe non hai chiesto tu di recuperare la password, ignora questo messaggio.`;
    }
    case 'puk-recovery':
      return `CieID: il codice per il recupero del PUK della tua Carta è ${code}. Scade tra 5 minuti. ${DO_NOT_SHARE}`;
    case 'email-change':
      return `Gentile utente, il codice per verificare questo indirizzo email per le tue credenziali CIE è ${code}. Scade tra 5 minuti. ${DO_NOT_SHARE}\n\nSe non hai chiesto tu di aggiungere questo indirizzo, ignora questo messaggio.`;
  }
}

/**
 * Why no code went out: the last one is under 30 s old (`wait`, the flow's seconds to wait), or the
 * identity's daily cap of sends is reached (`cap`).
 */
export type OtpSendRefusal = { reason: 'wait'; waitSeconds: number } | { reason: 'cap' };

/** R-OTP-3: the Retry-After of a refused send — the flow's wait, or until the cap resets at midnight in Italy. */
export function otpRetryAfter(refusal: OtpSendRefusal, now: number): number {
  return refusal.reason === 'wait' ? refusal.waitSeconds : secondsToItalianMidnight(now);
}

/** The sentence a refused send is told with; the activation pages have their own wording. */
export function otpRefusalMessage(subject: OtpSubject, refusal: OtpSendRefusal): string {
  const activation = subject.for === 'activation';
  if (refusal.reason === 'wait') {
    return activation
      ? `Hai appena richiesto un codice: attendi ${refusal.waitSeconds} secondi prima di chiederne uno nuovo.`
      : `Attendi ${refusal.waitSeconds} secondi prima di chiedere un nuovo codice.`;
  }
  return activation
    ? 'Hai raggiunto il numero massimo di codici che possiamo inviarti oggi per questa carta. Riprova domani.'
    : 'Hai raggiunto il numero massimo di codici inviabili oggi. Riprova domani.';
}
