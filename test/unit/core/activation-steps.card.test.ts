import { describe, expect, it } from 'vitest';
import {
  ACTIVATION_BY_CARD_STARTS_AT,
  ACTIVATION_FLOW,
  CARD_ACTIVATION_FLOW,
  type CardActivationStep,
  activationDataOf,
} from '../../../functions/core/activation-steps';
import { type FlowKind, FlowTableError, checkedMove, defineFlow } from '../../../functions/core/flows';

type AnyKind = FlowKind<string, Record<string, unknown>>;

function reachable(kind: AnyKind, from: readonly string[]): Set<string> {
  const seen = new Set<string>(from);
  const queue = [...from];
  for (let step = queue.shift(); step !== undefined; step = queue.shift()) {
    for (const to of kind.moves[step] ?? []) {
      if (!seen.has(to)) {
        seen.add(to);
        queue.push(to);
      }
    }
  }
  return seen;
}

describe('core/activation-steps: activation by card, the activation side (R-ACT-1 "Entra con CIE")', () => {
  const activation = ACTIVATION_FLOW as unknown as AnyKind;

  it('R-ACT-1: an activation by card starts at step 2.1 — step 1.2 (the PUK digits) is skipped', () => {
    expect(ACTIVATION_BY_CARD_STARTS_AT).toBe('cellulare');
    expect(ACTIVATION_FLOW.starts).toEqual(['puk', 'cellulare']);
  });

  it('R-ACT-1, R-ACT-2: from step 2.1 the PUK challenge is never reached, and the summary always is', () => {
    const fromCard = reachable(activation, [ACTIVATION_BY_CARD_STARTS_AT]);
    expect(fromCard.has('puk')).toBe(false);
    expect(fromCard.has('riepilogo')).toBe(true);
    expect(() => checkedMove(ACTIVATION_FLOW, 'cellulare', 'puk')).toThrow(FlowTableError);
  });

  it('R-ACT-1: a new activation holds who the card is and nothing chosen yet; by card, no PUK positions', () => {
    const card = { fiscalCode: 'RSSMRA80A01H501U', serial: 'CA00000AA', phone: '+393331234567', email: 'mario@example.it' };
    expect(activationDataOf(card, null)).toEqual({
      fiscalCode: card.fiscalCode,
      serial: card.serial,
      phone: card.phone,
      cardEmail: card.email,
      pukPositions: null,
      email: null,
      verifiedEmail: null,
      passwordHash: null,
      mode: null,
    });
    expect(activationDataOf(card, [2, 3]).pukPositions).toEqual([2, 3]);
  });
});

describe('core/activation-steps: activation by card, the App side (the app-card-activation table)', () => {
  const kind = CARD_ACTIVATION_FLOW as unknown as AnyKind;
  const steps = Object.keys(kind.moves);
  const move = (from: CardActivationStep, to: CardActivationStep, patch = {}) => checkedMove(CARD_ACTIVATION_FLOW, from, to, patch);

  it('is a valid table: every step says where it goes and what it writes; it is no other kind', () => {
    expect(() => defineFlow(kind)).not.toThrow();
    expect(Object.keys(kind.writes).sort()).toEqual([...steps].sort());
    expect(kind.type).toBe('app-card-activation');
    expect(kind.type).not.toBe(ACTIVATION_FLOW.type);
    expect(kind.grantsFrom).toBeUndefined();
    expect(kind.idleMs).toBe(5 * 60_000);
  });

  it('starts at sfida, and every step is reachable from there', () => {
    expect(kind.starts).toEqual(['sfida']);
    expect([...reachable(kind, kind.starts)].sort()).toEqual([...steps].sort());
  });

  it('R-ACT-1: the path the handlers take — the challenge taken, the activation linked, the handle spent', () => {
    expect(() => [move('sfida', 'verifica'), move('verifica', 'link', { activationFlowId: 'x'.repeat(43) }), move('link', 'aperto')]).not.toThrow();
    expect(kind.moves.aperto).toEqual([]);
  });

  it('a move the table does not list throws FlowTableError: no step repeats, none is skipped, none goes back', () => {
    for (const from of steps) {
      for (const to of steps.filter((step) => !kind.moves[from]!.includes(step))) expect(() => checkedMove(kind, from, to)).toThrow(FlowTableError);
    }
  });

  it('only the verified card links an activation; who asked and what was signed never change', () => {
    expect(() => move('sfida', 'verifica', { activationFlowId: 'x' })).toThrow(FlowTableError);
    expect(() => move('link', 'aperto', { activationFlowId: 'y' })).toThrow(FlowTableError);
    for (const from of steps) {
      for (const to of kind.moves[from]!) {
        for (const key of ['challenge', 'cardId', 'deviceId']) expect(() => checkedMove(kind, from, to, { [key]: 'x' })).toThrow(FlowTableError);
      }
    }
  });
});
