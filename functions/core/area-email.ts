import type { CitizenData, CitizenFlowKind } from './citizen-flows';
import { defineFlow } from './flows';

/**
 * The personal area's email (issue 13 §2, R-ACT-7): an address added or changed is verified by a code
 * sent to it. One step, the code; a right code moves the `email:` username and deletes the flow.
 */
export type EmailChangeStep = 'otp';

export interface EmailChangeData extends CitizenData {
  /** The address the code went to, normalised (core/contacts): the code confirms this one and no other. */
  email: string;
}

export const EMAIL_CHANGE_FLOW: CitizenFlowKind<EmailChangeStep, EmailChangeData> = {
  ...defineFlow<EmailChangeStep, EmailChangeData>({
    type: 'area-email',
    goneMessage: 'La verifica dell’indirizzo email è scaduta o è già conclusa: ricomincia.',
    // As the other citizen flows: long enough to open a mailbox, short enough for a shared computer.
    idleMs: 10 * 60_000,
    starts: ['otp'],
    moves: { otp: [] },
    writes: { otp: [] },
  }),
  otp: { for: 'email-change' },
};

/** Why an address cannot be the new one; null when it can be (uniqueness is the directory's, at the end). */
export type EmailRefusal = 'invalid' | 'same';

export function emailRefusal(normalised: string | null, current: string | null): EmailRefusal | null {
  if (!normalised) return 'invalid';
  return normalised === current ? 'same' : null;
}

export const EMAIL_MESSAGES = {
  invalid: 'Inserisci un indirizzo email valido.',
  same: 'È già l’indirizzo email delle tue credenziali.',
  /** Another identity's username: refused without saying whose, nor more than that. */
  taken: 'Questo indirizzo email non può essere usato: scegline un altro.',
} as const;
