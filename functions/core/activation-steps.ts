import type { L2Mode } from './card';
import { type FlowKind, type FlowMove, FlowTableError, checkedMove, defineFlow } from './flows';

/**
 * R-ACT-1, R-ACT-2, R-ACT-3, R-ACT-4, R-ACT-5, R-ACT-6, R-ACT-7, R-ACT-8, R-ACT-9: the activation of
 * level 1/2 credentials as one flow. The step names are the `step` column of the flow (and the names
 * used in docs/activation-pages.md); each POST action may move the flow only from the steps listed
 * here, so a stale tab or a forged post cannot skip a check.
 */

/** R-ACT-8: a flow left idle this long is gone (the FlowSession alarm deletes it). */
export const ACTIVATION_IDLE_MS = 15 * 60_000;

/** Every page of the activation in the stepper's order, step 1.1 included. */
export const ACTIVATION_STEPS = ['dati', 'puk', 'cellulare', 'otp-sms', 'email', 'otp-email', 'password', 'configura', 'riepilogo'] as const;
export type ActivationStep = (typeof ACTIVATION_STEPS)[number];

/**
 * The steps a flow can be at. Step 1.1 is not one: the flow begins only once the card has passed it
 * (R-ACT-1), so a flow found at 'dati' would be one we never wrote, and is read as gone.
 */
export type ActivationFlowStep = Exclude<ActivationStep, 'dati'>;
export const ACTIVATION_FLOW_STEPS: readonly ActivationFlowStep[] = ACTIVATION_STEPS.filter((step): step is ActivationFlowStep => step !== 'dati');

/** What the activation keeps between steps. Only hashes of secrets, never a password or a code. */
export interface ActivationData {
  fiscalCode: string;
  serial: string;
  phone: string;
  /** The address the Comune recorded on the card, offered as the default at step 2.2. */
  cardEmail: string | null;
  pukPositions: [number, number] | null;
  /** The address being verified at step 2.2. */
  email: string | null;
  verifiedEmail: string | null;
  passwordHash: string | null;
  mode: L2Mode | null;
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

/** One POST action: the steps it may be posted from, the steps it may move the flow to, the data it may write. */
interface ActionRow {
  readonly from: readonly ActivationFlowStep[];
  readonly to: readonly ActivationFlowStep[];
  readonly writes: readonly (keyof ActivationData & string)[];
}

/**
 * The one table of the activation: every action that needs a flow (step 1.1 creates it, so `dati`
 * is not among them). The flow kind below is this table read by step, so a move no action lists
 * is refused by the advancer too. An action that only sends a code again lists no move.
 */
export const ACTIVATION_ACTIONS = {
  // A wrong answer stays at step 1.2 with freshly drawn positions (R-PUK-3); the right one goes on.
  puk: { from: ['puk'], to: ['puk', 'cellulare'], writes: ['pukPositions'] },
  cellulare: { from: ['cellulare'], to: ['otp-sms'], writes: [] },
  'invia-sms': { from: ['otp-sms'], to: [], writes: [] },
  'otp-sms': { from: ['otp-sms'], to: ['email'], writes: [] },
  email: { from: ['email'], to: ['otp-email'], writes: ['email'] },
  // With no address to send to, there is nothing to resend: back to the address form.
  'invia-email': { from: ['otp-email'], to: ['email'], writes: [] },
  'cambia-email': { from: ['otp-email'], to: ['email'], writes: [] },
  'non-adesso': { from: ['email', 'otp-email'], to: ['password'], writes: ['email', 'verifiedEmail'] },
  'otp-email': { from: ['otp-email'], to: ['password'], writes: ['verifiedEmail'] },
  password: { from: ['password'], to: ['configura'], writes: ['passwordHash'] },
  // R-ACT-4: an email claimed by another identity meanwhile is dropped and step 3 asked again.
  configura: { from: ['configura'], to: ['configura', 'riepilogo'], writes: ['verifiedEmail', 'mode', 'passwordHash'] },
} as const satisfies Record<string, ActionRow>;
export type ActivationAction = keyof typeof ACTIVATION_ACTIONS;

const actionRows = (): [ActivationAction, ActionRow][] => Object.entries(ACTIVATION_ACTIONS) as [ActivationAction, ActionRow][];

/** For every flow step, the union over the actions posted from it of `pick` (the kind's view of the table). */
function byStep<T extends string>(pick: (row: ActionRow) => readonly T[]): { [S in ActivationFlowStep]: T[] } {
  const table = Object.fromEntries(ACTIVATION_FLOW_STEPS.map((step) => [step, [] as T[]])) as { [S in ActivationFlowStep]: T[] };
  for (const [, row] of actionRows()) {
    for (const from of row.from) for (const value of pick(row)) if (!table[from].includes(value)) table[from].push(value);
  }
  return table;
}

/** R-ACT-1's alternative: the card's signature proves more than two PUK digits do, so step 1.2 is skipped. */
export const ACTIVATION_BY_CARD_STARTS_AT = 'cellulare' satisfies ActivationFlowStep;

export const ACTIVATION_FLOW: FlowKind<ActivationFlowStep, ActivationData> = defineFlow<ActivationFlowStep, ActivationData>({
  type: 'activation',
  goneMessage: 'La procedura di attivazione è scaduta o non è più valida.',
  idleMs: ACTIVATION_IDLE_MS,
  // R-ACT-1: the flow begins once the card has passed step 1.1, at the PUK challenge; or, activated
  // by a signature of a card registered in the App ("Entra con CIE"), past it, at step 2.1.
  starts: ['puk', ACTIVATION_BY_CARD_STARTS_AT],
  moves: byStep((row) => row.to),
  writes: byStep((row) => row.writes),
});

export function actionAllowedFrom(action: ActivationAction, step: string): boolean {
  return (ACTIVATION_ACTIONS[action].from as readonly string[]).includes(step);
}

/**
 * The move `action` makes from `from`, checked against the action's own row (narrower than the
 * kind's, which joins every action posted from a step) and then against the kind: FlowTableError
 * for a move or a write the action does not list.
 */
export function checkedActionMove(action: ActivationAction, from: ActivationFlowStep, to: ActivationFlowStep, patch: Partial<ActivationData> = {}): FlowMove {
  const row: ActionRow = ACTIVATION_ACTIONS[action];
  if (!row.from.includes(from) || !row.to.includes(to)) throw new FlowTableError(`activation: ${action} does not move ${from} → ${to}`);
  const extra = Object.keys(patch).filter((key) => !(row.writes as readonly string[]).includes(key));
  if (extra.length) throw new FlowTableError(`activation: ${action} may not write ${extra.join(', ')}`);
  return checkedMove(ACTIVATION_FLOW, from, to, patch);
}

/** R-ACT-6: the words step 3 and the summary use for each level 2 mode. */
export const L2_MODE_LABELS: Record<L2Mode, string> = {
  app: 'App CieID',
  sms: 'Codice temporaneo OTP via SMS',
};

/** The card an activation begins with, as step 1.1 (or a card's signature) found it. */
export interface ActivationCard {
  fiscalCode: string;
  serial: string;
  phone: string;
  email: string | null;
}

/** What a new activation holds: who the card is, and nothing yet of what the citizen will choose. */
export function activationDataOf(card: ActivationCard, pukPositions: [number, number] | null): ActivationData {
  return {
    fiscalCode: card.fiscalCode,
    serial: card.serial,
    phone: card.phone,
    cardEmail: card.email,
    pukPositions,
    email: null,
    verifiedEmail: null,
    passwordHash: null,
    mode: null,
  };
}

// ——— Activation by card (R-ACT-1's alternative "Entra con CIE"): the App's side. ———

/**
 * The App asks for a challenge (sfida) and posts the card's presentation over it; the move to verifica
 * takes the challenge, once. A card this device holds (R-L3-1) then starts an activation at step 2.1
 * and the flow waits (link) for the browser to open it: the flow id is the single-use handle of
 * /attivazione/carta/<handle>, spent by the move to aperto, after which the flow is deleted.
 */
export type CardActivationStep = 'sfida' | 'verifica' | 'link' | 'aperto';

export interface CardActivationData {
  /** What the card signs; single use, through the move to verifica. */
  challenge: string;
  /** The device session that asked (its card's object id and device id): only it may present the card. */
  cardId: string;
  deviceId: string;
  /** The activation started for the browser; null until the card is verified. */
  activationFlowId: string | null;
}

/** Long enough to read the card and open the browser; the activation itself has its own 15 minutes. */
const CARD_ACTIVATION_IDLE_MS = 5 * 60_000;

export const CARD_ACTIVATION_FLOW: FlowKind<CardActivationStep, CardActivationData> = defineFlow<CardActivationStep, CardActivationData>({
  type: 'app-card-activation',
  goneMessage: "La richiesta di attivazione con la carta è scaduta o è già stata usata: ricomincia dall'App CieID.",
  idleMs: CARD_ACTIVATION_IDLE_MS,
  starts: ['sfida'],
  moves: { sfida: ['verifica'], verifica: ['link'], link: ['aperto'], aperto: [] },
  writes: { sfida: [], verifica: ['activationFlowId'], link: [], aperto: [] },
});
