import { describe, expect, it } from 'vitest';
import {
  ACTIVATION_ACTIONS,
  ACTIVATION_FLOW,
  ACTIVATION_FLOW_STEPS,
  ACTIVATION_IDLE_MS,
  ACTIVATION_STEPS,
  type ActivationAction,
  type ActivationData,
  type ActivationFlowStep,
  actionAllowedFrom,
  checkedActionMove,
} from '../../../functions/core/activation-steps';
import { FlowTableError, checkedMove, defineFlow, isStepOf } from '../../../functions/core/flows';

const kind = ACTIVATION_FLOW;
const steps = ACTIVATION_FLOW_STEPS;
const actions = Object.keys(ACTIVATION_ACTIONS) as ActivationAction[];
type Row = { from: readonly ActivationFlowStep[]; to: readonly ActivationFlowStep[]; writes: readonly (keyof ActivationData)[] };
const row = (action: ActivationAction): Row => ACTIVATION_ACTIONS[action];
const patchOf = (keys: readonly string[]) => Object.fromEntries(keys.map((key) => [key, null])) as Partial<ActivationData>;

function reachable(): Set<ActivationFlowStep> {
  const seen = new Set<ActivationFlowStep>(kind.starts);
  const queue = [...kind.starts];
  for (let step = queue.shift(); step !== undefined; step = queue.shift()) {
    for (const to of kind.moves[step]) {
      if (!seen.has(to)) {
        seen.add(to);
        queue.push(to);
      }
    }
  }
  return seen;
}

/**
 * Every move a handler of functions/activation/steps/ makes today, with what it writes. Kept by hand
 * on purpose: a handler that starts moving somewhere new must be added here and to the table.
 */
const HANDLER_MOVES: [ActivationAction, ActivationFlowStep, ActivationFlowStep, (keyof ActivationData)[]][] = [
  ['puk', 'puk', 'puk', ['pukPositions']], // no positions drawn yet, or a wrong answer (R-PUK-3)
  ['puk', 'puk', 'cellulare', ['pukPositions']], // R-ACT-2
  ['cellulare', 'cellulare', 'otp-sms', []], // R-ACT-3
  ['otp-sms', 'otp-sms', 'email', []],
  ['email', 'email', 'otp-email', ['email']], // R-ACT-4
  ['invia-email', 'otp-email', 'email', []], // nothing to resend to: the move the old table did not say
  ['cambia-email', 'otp-email', 'email', []],
  ['non-adesso', 'email', 'password', ['email', 'verifiedEmail']],
  ['non-adesso', 'otp-email', 'password', ['email', 'verifiedEmail']],
  ['otp-email', 'otp-email', 'password', ['verifiedEmail']],
  ['password', 'password', 'configura', ['passwordHash']], // R-ACT-5
  ['configura', 'configura', 'configura', ['verifiedEmail', 'mode']], // the email taken meanwhile (R-ACT-4)
  ['configura', 'configura', 'riepilogo', ['mode', 'passwordHash']], // R-ACT-6, R-ACT-8
];

describe('core/activation-steps: the activation flow table (R-ACT-1, R-ACT-2, R-ACT-3, R-ACT-4, R-ACT-5, R-ACT-6, R-ACT-8)', () => {
  it('is a valid kind of flow: type activation, 15 minutes idle (R-ACT-8), the gone message in Italian', () => {
    expect(() => defineFlow(kind)).not.toThrow();
    expect(kind.type).toBe('activation');
    expect(kind.idleMs).toBe(ACTIVATION_IDLE_MS);
    expect(ACTIVATION_IDLE_MS).toBe(15 * 60_000);
    expect(kind.goneMessage).toBe('La procedura di attivazione è scaduta o non è più valida.');
    expect(kind.grantsFrom).toBeUndefined();
  });

  it('has every page but step 1.1 as a step: the flow begins only once the card has passed it (R-ACT-1)', () => {
    expect(ACTIVATION_STEPS[0]).toBe('dati');
    expect([...steps]).toEqual(ACTIVATION_STEPS.slice(1));
    expect(Object.keys(kind.moves).sort()).toEqual([...steps].sort());
    expect(Object.keys(kind.writes).sort()).toEqual([...steps].sort());
    expect(isStepOf(kind, 'dati')).toBe(false);
  });

  it('starts at the PUK challenge (or, by card, past it: activation-steps.card.test.ts), and every step is reachable from there', () => {
    expect(kind.starts).toEqual(['puk', 'cellulare']);
    expect([...reachable()].sort()).toEqual([...steps].sort());
  });

  it('ends at the summary: no move leaves it', () => {
    expect(kind.moves.riepilogo).toEqual([]);
    expect(kind.writes.riepilogo).toEqual([]);
  });

  it('every listed move is allowed, with every key its step may write', () => {
    for (const from of steps) {
      for (const to of kind.moves[from]) {
        expect(checkedMove(kind, from, to)).toEqual({ from, to, patch: {} });
        const patch = patchOf(kind.writes[from]);
        expect(checkedMove(kind, from, to, patch).patch).toEqual(patch);
      }
    }
  });

  it('a move the table does not list throws FlowTableError', () => {
    for (const from of steps) {
      for (const to of steps.filter((step) => !kind.moves[from].includes(step))) {
        expect(() => checkedMove(kind, from, to)).toThrow(FlowTableError);
      }
    }
    // The checks a skip would jump over (R-ACT-2, R-ACT-3, R-ACT-5).
    expect(() => checkedMove(kind, 'puk', 'configura')).toThrow(FlowTableError);
    expect(() => checkedMove(kind, 'cellulare', 'email')).toThrow(FlowTableError);
    expect(() => checkedMove(kind, 'otp-email', 'configura')).toThrow(FlowTableError);
  });

  it('a move writing what its step may not write throws FlowTableError; who the card is never changes', () => {
    expect(() => checkedMove(kind, 'password', 'configura', { mode: 'sms' })).toThrow(FlowTableError);
    for (const from of steps) {
      for (const key of ['fiscalCode', 'serial', 'phone', 'cardEmail'] as const) {
        expect(kind.writes[from]).not.toContain(key);
        for (const to of kind.moves[from]) expect(() => checkedMove(kind, from, to, { [key]: 'x' })).toThrow(FlowTableError);
      }
    }
  });

  it('every move a handler makes is in the table, for its action and for the kind', () => {
    for (const [action, from, to, writes] of HANDLER_MOVES) {
      expect(actionAllowedFrom(action, from), `${action} from ${from}`).toBe(true);
      expect(checkedActionMove(action, from, to, patchOf(writes))).toEqual({ from, to, patch: patchOf(writes) });
    }
  });

  it('the table lists no move a handler does not make', () => {
    const made = new Set(HANDLER_MOVES.map(([, from, to]) => `${from} → ${to}`));
    const listed = steps.flatMap((from) => kind.moves[from].map((to) => `${from} → ${to}`));
    expect(listed.sort()).toEqual([...made].sort());
  });

  it('the kind is the actions read by step: a step moves and writes exactly what its actions do', () => {
    for (const step of steps) {
      const posted = actions.filter((action) => row(action).from.includes(step));
      expect([...kind.moves[step]].sort(), step).toEqual([...new Set(posted.flatMap((action) => row(action).to))].sort());
      expect([...kind.writes[step]].sort(), step).toEqual([...new Set(posted.flatMap((action) => row(action).writes))].sort());
    }
  });

  it('an action is refused from a step it is not posted from, and allowed from those it is', () => {
    for (const action of actions) {
      for (const step of ACTIVATION_STEPS)
        expect(actionAllowedFrom(action, step), `${action} from ${step}`).toBe(row(action).from.includes(step as ActivationFlowStep));
    }
    expect(actionAllowedFrom('puk', 'dati')).toBe(false);
    expect(actionAllowedFrom('configura', 'riepilogo')).toBe(false);
  });

  it("an action's move is narrower than its step's: another action's target or write throws FlowTableError", () => {
    // From otp-email the kind allows password (otp-email, non-adesso), but cambia-email only goes back.
    expect(checkedMove(kind, 'otp-email', 'password')).toBeTruthy();
    expect(() => checkedActionMove('cambia-email', 'otp-email', 'password')).toThrow(FlowTableError);
    // A resend keeps the step: only the code changes (R-OTP-3).
    expect(row('invia-sms').to).toEqual([]);
    expect(() => checkedActionMove('invia-sms', 'otp-sms', 'email')).toThrow(FlowTableError);
    // The kind lets a move out of otp-email write verifiedEmail; cambia-email may not.
    expect(() => checkedActionMove('cambia-email', 'otp-email', 'email', { verifiedEmail: 'a@example.it' })).toThrow(FlowTableError);
    expect(() => checkedActionMove('password', 'configura', 'riepilogo')).toThrow(FlowTableError);
  });
});
