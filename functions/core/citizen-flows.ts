import type { L2Mode } from './card';
import { type FlowKind, defineFlow } from './flows';
import type { OtpSubject } from './otp-send';

/**
 * The flows a citizen starts over JSON with username, password and an SMS code (app/citizen-flow.ts):
 * device certification (R-APP-1) and the level 2 mode switch (R-ACC-3). Each starts at `otp`, where
 * the code is checked, holding who proved themselves.
 */
export interface CitizenData {
  serial: string;
  fiscalCode: string;
  maskedPhone: string;
}

/** A citizen flow's kind: its table, and what its SMS code is for, in the code's words (core/otp-send). */
export interface CitizenFlowKind<Step extends string, Data extends CitizenData> extends FlowKind<Step | 'otp', Data> {
  readonly otp: Extract<OtpSubject, { for: 'device-certification' | 'mode-change' | 'email-change' }>;
}

/** Ten minutes: enough to read an SMS and go through the App's screens, short enough for a phone left behind. */
const CITIZEN_FLOW_IDLE_MS = 10 * 60_000;

// ——— Device certification (R-APP-1, R-APP-2, R-APP-3): a random id the App keeps for the few minutes it takes. ———

/**
 * otp (the SMS code) → codice (the App code's policy check, R-APP-2) → registrazione (WebAuthn
 * options, asked again as often as the App likes) → verifica (while one registration's response is
 * checked: its challenge is taken, so two posts cannot both use it; back to registrazione when it
 * fails) → dispositivo (name and notifications, R-APP-3) → certificato, when the device is added
 * to the card and the flow is deleted.
 */
export type CertificationStep = 'otp' | 'codice' | 'registrazione' | 'verifica' | 'dispositivo' | 'certificato';

export interface CertificationData extends CitizenData {
  /** The registration challenge last handed out; single use. */
  challenge?: string | null;
  credential?: { id: string; publicKey: string; counter: number };
}

export const CERTIFICATION_FLOW: CitizenFlowKind<CertificationStep, CertificationData> = {
  ...defineFlow<CertificationStep, CertificationData>({
    type: 'app-certification',
    goneMessage: "La certificazione del dispositivo è scaduta o è già conclusa: ricomincia dall'inizio.",
    idleMs: CITIZEN_FLOW_IDLE_MS,
    starts: ['otp'],
    moves: {
      otp: ['codice'],
      codice: ['registrazione'],
      registrazione: ['registrazione', 'verifica'],
      verifica: ['registrazione', 'dispositivo'],
      dispositivo: ['certificato'],
      certificato: [],
    },
    writes: {
      otp: [],
      codice: [],
      // New options hand out a new challenge; a response takes it (null) on its way to verifica.
      registrazione: ['challenge'],
      verifica: ['credential'],
      dispositivo: [],
      certificato: [],
    },
  }),
  otp: { for: 'device-certification' },
};

// ——— The level 2 mode switch (R-ACC-3): one step, the code; a right code switches the mode and deletes the flow. ———

export type ModeChangeStep = 'otp';

export interface ModeChangeData extends CitizenData {
  /** The mode asked for when the flow started: the code confirms that choice, and no other. */
  mode: L2Mode;
}

export const MODE_CHANGE_FLOW: CitizenFlowKind<ModeChangeStep, ModeChangeData> = {
  ...defineFlow<ModeChangeStep, ModeChangeData>({
    type: 'account-mode',
    goneMessage: 'La richiesta di modifica è scaduta o è già conclusa: ricomincia.',
    idleMs: CITIZEN_FLOW_IDLE_MS,
    starts: ['otp'],
    moves: { otp: [] },
    writes: { otp: [] },
  }),
  otp: { for: 'mode-change' },
};
