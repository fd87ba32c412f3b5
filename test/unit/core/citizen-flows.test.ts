import { describe, expect, it } from 'vitest';
import {
  CERTIFICATION_FLOW,
  type CertificationData,
  type CertificationStep,
  MODE_CHANGE_FLOW,
  type ModeChangeData,
  type ModeChangeStep,
} from '../../../functions/core/citizen-flows';
import { type FlowKind, FlowTableError, checkedMove, defineFlow } from '../../../functions/core/flows';

type AnyKind = FlowKind<string, Record<string, unknown>>;
const KINDS = [CERTIFICATION_FLOW, MODE_CHANGE_FLOW] as unknown as AnyKind[];

const stepsOf = (kind: AnyKind) => Object.keys(kind.moves);

function reachable(kind: AnyKind): Set<string> {
  const seen = new Set<string>(kind.starts);
  const queue = [...kind.starts];
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

describe.each(KINDS.map((kind) => [kind.type, kind] as const))('core/citizen-flows: the %s table', (_type, kind) => {
  it('is a valid table: every target and start is a step of its own, every step says what it may write', () => {
    expect(() => defineFlow(kind)).not.toThrow();
    expect(Object.keys(kind.writes).sort()).toEqual(stepsOf(kind).sort());
  });

  it('starts at otp, where the SMS code is checked, and every step is reachable from there', () => {
    expect(kind.starts).toEqual(['otp']);
    expect([...reachable(kind)].sort()).toEqual(stepsOf(kind).sort());
  });

  it('every listed move is allowed, with every key its step may write', () => {
    for (const from of stepsOf(kind)) {
      for (const to of kind.moves[from]!) {
        expect(checkedMove(kind, from, to)).toEqual({ from, to, patch: {} });
        const patch = Object.fromEntries(kind.writes[from]!.map((key) => [key, null]));
        expect(checkedMove(kind, from, to, patch).patch).toEqual(patch);
      }
    }
  });

  it('a move the table does not list throws FlowTableError', () => {
    for (const from of stepsOf(kind)) {
      for (const to of stepsOf(kind).filter((step) => !kind.moves[from]!.includes(step))) {
        expect(() => checkedMove(kind, from, to)).toThrow(FlowTableError);
      }
    }
  });

  it('a move writing what its step may not write throws FlowTableError; the citizen it holds never changes', () => {
    for (const from of stepsOf(kind)) {
      for (const to of kind.moves[from]!) {
        for (const key of ['serial', 'fiscalCode', 'maskedPhone', 'mode', 'step']) {
          expect(() => checkedMove(kind, from, to, { [key]: 'x' })).toThrow(FlowTableError);
        }
      }
    }
  });

  it('never ends in a grant to a relying party, and lives ten minutes idle', () => {
    expect(kind.grantsFrom).toBeUndefined();
    expect(kind.idleMs).toBe(10 * 60_000);
  });
});

describe('core/citizen-flows: device certification (R-APP-1, R-APP-2, R-APP-3)', () => {
  const move = (from: CertificationStep, to: CertificationStep, patch: Partial<CertificationData> = {}) => checkedMove(CERTIFICATION_FLOW, from, to, patch);

  it('R-APP-1: its type, its SMS code and its gone message stay those of flows already in progress', () => {
    expect(CERTIFICATION_FLOW.type).toBe('app-certification');
    expect(CERTIFICATION_FLOW.otp).toEqual({ for: 'device-certification' });
    expect(CERTIFICATION_FLOW.goneMessage).toBe("La certificazione del dispositivo è scaduta o è già conclusa: ricomincia dall'inizio.");
  });

  it('R-APP-1, R-APP-2, R-APP-3: the path the handlers take — code, App code, options (again), a failed check, a good one, the device', () => {
    expect(() => [
      move('otp', 'codice'),
      move('codice', 'registrazione'),
      move('registrazione', 'registrazione', { challenge: 'c1' }),
      move('registrazione', 'registrazione', { challenge: 'c2' }),
      move('registrazione', 'verifica', { challenge: null }),
      move('verifica', 'registrazione'),
      move('registrazione', 'verifica', { challenge: null }),
      move('verifica', 'dispositivo', { credential: { id: 'id', publicKey: 'key', counter: 0 } }),
      move('dispositivo', 'certificato'),
    ]).not.toThrow();
  });

  it('R-APP-1: no step is skipped — the App code, the registration and the device all wait for the SMS code', () => {
    for (const to of ['registrazione', 'verifica', 'dispositivo', 'certificato'] as const) expect(() => move('otp', to)).toThrow(FlowTableError);
    expect(() => move('codice', 'dispositivo')).toThrow(FlowTableError);
    expect(() => move('registrazione', 'dispositivo')).toThrow(FlowTableError);
  });

  it('R-APP-3: only the check of a registration stores a credential, and only the options hand out a challenge', () => {
    expect(() => move('registrazione', 'verifica', { credential: { id: 'id', publicKey: 'key', counter: 0 } })).toThrow(FlowTableError);
    expect(() => move('verifica', 'registrazione', { challenge: 'c' })).toThrow(FlowTableError);
    expect(() => move('dispositivo', 'certificato', { credential: { id: 'id', publicKey: 'key', counter: 0 } })).toThrow(FlowTableError);
  });

  it('R-APP-3: certificato is the end — nothing moves out of it; every other step can still get there', () => {
    expect(CERTIFICATION_FLOW.moves.certificato).toEqual([]);
    for (const from of Object.keys(CERTIFICATION_FLOW.moves) as CertificationStep[]) {
      const kind = { ...CERTIFICATION_FLOW, starts: [from] } as unknown as AnyKind;
      expect(reachable(kind).has('certificato')).toBe(true);
    }
  });
});

describe('core/citizen-flows: the level 2 mode switch (R-ACC-3)', () => {
  it('R-ACC-3: its type, its SMS code and its gone message stay those of flows already in progress', () => {
    expect(MODE_CHANGE_FLOW.type).toBe('account-mode');
    expect(MODE_CHANGE_FLOW.otp).toEqual({ for: 'mode-change' });
    expect(MODE_CHANGE_FLOW.goneMessage).toBe('La richiesta di modifica è scaduta o è già conclusa: ricomincia.');
  });

  it('R-ACC-3: one step and no move — a right code switches the mode and ends the flow, the mode asked for cannot be changed on the way', () => {
    expect(Object.keys(MODE_CHANGE_FLOW.moves)).toEqual(['otp']);
    expect(() => checkedMove(MODE_CHANGE_FLOW, 'otp', 'otp')).toThrow(FlowTableError);
    expect(() => checkedMove<ModeChangeStep, ModeChangeData>(MODE_CHANGE_FLOW, 'otp', 'otp', { mode: 'sms' })).toThrow(FlowTableError);
  });

  it('its type is not the certification’s: a flow read as the other kind is gone', () => {
    expect(MODE_CHANGE_FLOW.type).not.toBe(CERTIFICATION_FLOW.type);
  });
});
