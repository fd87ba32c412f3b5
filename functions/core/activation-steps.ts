import type { L2Mode } from './card';

/**
 * R-ACT-1, R-ACT-2, R-ACT-3, R-ACT-4, R-ACT-5, R-ACT-6, R-ACT-7, R-ACT-8, R-ACT-9: the activation of level 1/2 credentials as one flow. The step names are the `step`
 * column of the flow (and the names used in docs/activation-pages.md); each POST action may move the
 * flow only from the steps listed here, so a stale tab or a forged post cannot skip a check.
 */
export const ACTIVATION_FLOW_TYPE = 'activation';

/** R-ACT-8: a flow left idle this long is gone (the FlowSession alarm deletes it). */
export const ACTIVATION_IDLE_MS = 15 * 60_000;

export const ACTIVATION_STEPS = ['dati', 'puk', 'cellulare', 'otp-sms', 'email', 'otp-email', 'password', 'configura', 'riepilogo'] as const;
export type ActivationStep = (typeof ACTIVATION_STEPS)[number];

export function isActivationStep(value: string): value is ActivationStep {
  return (ACTIVATION_STEPS as readonly string[]).includes(value);
}

/** The visible stepper: 1 I TUOI DATI · 2 CONTATTI E PASSWORD · 3 CONFIGURA · 4 RIEPILOGO. */
export const ACTIVATION_STAGES = ['I TUOI DATI', 'CONTATTI E PASSWORD', 'CONFIGURA', 'RIEPILOGO'] as const;

const STAGE_OF: Record<ActivationStep, 1 | 2 | 3 | 4> = {
  dati: 1,
  puk: 1,
  cellulare: 2,
  'otp-sms': 2,
  email: 2,
  'otp-email': 2,
  password: 2,
  configura: 3,
  riepilogo: 4,
};

export function stageOf(step: ActivationStep): 1 | 2 | 3 | 4 {
  return STAGE_OF[step];
}

/** Actions that need a flow (step 1.1 creates it, so `dati` is not among them). */
export const ACTIVATION_TRANSITIONS = {
  puk: { from: ['puk'], to: 'cellulare' },
  cellulare: { from: ['cellulare'], to: 'otp-sms' },
  'invia-sms': { from: ['otp-sms'], to: 'otp-sms' },
  'otp-sms': { from: ['otp-sms'], to: 'email' },
  email: { from: ['email'], to: 'otp-email' },
  'invia-email': { from: ['otp-email'], to: 'otp-email' },
  'cambia-email': { from: ['otp-email'], to: 'email' },
  'non-adesso': { from: ['email', 'otp-email'], to: 'password' },
  'otp-email': { from: ['otp-email'], to: 'password' },
  password: { from: ['password'], to: 'configura' },
  configura: { from: ['configura'], to: 'riepilogo' },
} as const satisfies Record<string, { from: readonly ActivationStep[]; to: ActivationStep }>;
export type ActivationAction = keyof typeof ACTIVATION_TRANSITIONS;

export function actionAllowedFrom(action: ActivationAction, step: string): boolean {
  return (ACTIVATION_TRANSITIONS[action].from as readonly string[]).includes(step);
}

/** R-ACT-6: the words step 3 and the summary use for each level 2 mode. */
export const L2_MODE_LABELS: Record<L2Mode, string> = {
  app: 'App CieID',
  sms: 'Codice temporaneo OTP via SMS',
};
