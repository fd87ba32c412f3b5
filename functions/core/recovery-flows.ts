import { defineFlow } from './flows';
import type { OtpSubject } from './otp-send';

/**
 * The recoveries' flows (issue 13 §5, §6): a forgotten password (R-ACC-2) and a forgotten PUK
 * (R-PUK-2). Each starts with a code sent to a contact on record. A username or a pair nobody holds
 * (or a card that may not recover: blocked, superseded, without credentials) starts a flow too, a
 * decoy whose code was never sent and can never match: every answer up to the code is the same
 * whether the citizen exists or not. `serial` is null in a decoy.
 */
export interface RecoveryData {
  serial: string | null;
  /** A decoy's daily caps (null in a real flow, whose caps are its card's): see DecoyCaps. */
  decoyCaps: DecoyCaps | null;
}

/**
 * Where a decoy counts what a real flow counts on its card (R-OTP-2's daily checks, the App's PUK
 * requests), so that being capped says nothing about who exists: the card the name resolves to when
 * there is one (a card that may not recover, a serial that is not the codice fiscale's card), else
 * the unknown-name counters under the name's throttle key (`unknown-login:<keyed hash>`). Keyed by
 * the identity, never by the pair: whether a serial is a codice fiscale's cannot show in a cap either.
 */
export type DecoyCaps = { serial: string } | { key: string };

/** Ten minutes, as the other citizen flows: long enough to read an SMS and an email, short for a phone left behind. */
const RECOVERY_IDLE_MS = 10 * 60_000;

// ——— Password recovery (R-ACC-2): sms → email (only with a verified address) → password → fatto, where the flow ends. ———

/** `fatto`: the new password is being saved; the move there is taken by one post only, so a password is set once. */
export type PasswordRecoveryStep = 'sms' | 'email' | 'password' | 'fatto';

export interface PasswordRecoveryData extends RecoveryData {
  /** The verified email the second code goes to (R-ACC-2 "and an email OTP too"); null without one. */
  email: string | null;
  /**
   * The relying party's login this recovery was opened from (its flow id, checked against
   * FLOW_ID_SHAPE), so the last page can lead back to it while it is still open; null otherwise.
   */
  loginFlowId: string | null;
}

export const PASSWORD_RECOVERY_FLOW = defineFlow<PasswordRecoveryStep, PasswordRecoveryData>({
  type: 'password-recovery',
  goneMessage: 'La richiesta di una nuova password è scaduta o è già conclusa: ricomincia.',
  idleMs: RECOVERY_IDLE_MS,
  starts: ['sms'],
  moves: { sms: ['email', 'password'], email: ['password'], password: ['fatto'], fatto: [] },
  writes: { sms: [], email: [], password: [], fatto: [] },
});

export const recoverySubject = (step: 'sms' | 'email'): OtpSubject => ({ for: 'password-recovery', channel: step });

/** After the SMS code: the email's code when there is a verified address, else the new password. */
export const stepAfterSms = (data: Pick<PasswordRecoveryData, 'email'>): PasswordRecoveryStep => (data.email ? 'email' : 'password');

// ——— PUK recovery (R-PUK-2): the request (one code, then the 48 hours start) and the view of a released PUK (a fresh code). ———

export type PukRecoveryStep = 'otp';

export const PUK_SUBJECT: OtpSubject = { for: 'puk-recovery' };

export const PUK_RECOVERY_FLOW = defineFlow<PukRecoveryStep, RecoveryData>({
  type: 'puk-recovery',
  goneMessage: 'La richiesta di recupero del PUK è scaduta o è già conclusa: ricomincia.',
  idleMs: RECOVERY_IDLE_MS,
  starts: ['otp'],
  moves: { otp: [] },
  writes: { otp: [] },
});

export interface PukViewData {
  serial: string;
  /** The hash of the link's secret (core/puk-recovery): the code opens the PUK of this link only. */
  linkHash: string;
}

export const PUK_VIEW_FLOW = defineFlow<PukRecoveryStep, PukViewData>({
  type: 'puk-view',
  goneMessage: 'La verifica per vedere il PUK è scaduta o è già conclusa: apri di nuovo il link che ti abbiamo inviato.',
  idleMs: RECOVERY_IDLE_MS,
  starts: ['otp'],
  moves: { otp: [] },
  writes: { otp: [] },
});
