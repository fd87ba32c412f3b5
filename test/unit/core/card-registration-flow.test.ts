import { describe, expect, it } from 'vitest';
import {
  CARD_REGISTERED,
  CARD_REGISTRATION_FLOW,
  type CardUseRefusal,
  PIN_BLOCKED_MESSAGE,
  cardUseRefusalMessage,
  pinBlockedError,
  reportsPinBlocked,
} from '../../../functions/core/card-registration-flow';
import { CARD_ACTIVATION_FLOW } from '../../../functions/core/activation-steps';
import { CERTIFICATION_FLOW } from '../../../functions/core/citizen-flows';
import { type FlowKind, FlowTableError, checkedMove, defineFlow } from '../../../functions/core/flows';
import { REFUSAL_MESSAGES } from '../../../functions/core/login-messages';

type AnyKind = FlowKind<string, Record<string, unknown>>;
const kind = CARD_REGISTRATION_FLOW as unknown as AnyKind;
const steps = Object.keys(kind.moves);

function reachable(from: readonly string[]): Set<string> {
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

describe('core/card-registration-flow: the app-card-registration table (R-L3-1, R-L3-2)', () => {
  it('is a valid table: every target and start is a step of its own, every step says what it may write', () => {
    expect(() => defineFlow(kind)).not.toThrow();
    expect(Object.keys(kind.writes).sort()).toEqual([...steps].sort());
    expect(kind.type).toBe('app-card-registration');
    expect(kind.idleMs).toBe(10 * 60_000);
    expect(kind.grantsFrom).toBeUndefined();
    expect(kind.goneMessage).toBe("La registrazione della carta è scaduta o è già conclusa: ricomincia dall'inizio.");
  });

  it('starts at carta, and every step is reachable from there', () => {
    expect(kind.starts).toEqual(['carta']);
    expect([...reachable(kind.starts)].sort()).toEqual([...steps].sort());
  });

  it('R-L3-1: one move, carta → verifica, which takes the challenge; nothing moves out of verifica, nothing goes back', () => {
    expect(checkedMove(kind, 'carta', 'verifica')).toEqual({ from: 'carta', to: 'verifica', patch: {} });
    expect(kind.moves.verifica).toEqual([]);
    for (const [from, to] of [
      ['carta', 'carta'],
      ['verifica', 'carta'],
      ['verifica', 'verifica'],
    ] as const)
      expect(() => checkedMove(kind, from, to)).toThrow(FlowTableError);
  });

  it('no move writes anything: the challenge, the device and the WebAuthn challenge are fixed when the flow starts', () => {
    for (const from of steps) {
      expect(kind.writes[from]).toEqual([]);
      for (const to of kind.moves[from]!) {
        for (const key of ['challenge', 'device', 'webauthnChallenge']) expect(() => checkedMove(kind, from, to, { [key]: null })).toThrow(FlowTableError);
      }
    }
  });

  it('its type is none of the App’s other flows’: a flow read as another kind is gone', () => {
    expect(new Set([CARD_REGISTRATION_FLOW.type, CARD_ACTIVATION_FLOW.type, CERTIFICATION_FLOW.type]).size).toBe(3);
  });
});

describe('core/card-registration-flow: the words the App shows (R-L3-1, R-L3-3)', () => {
  it('R-L3-1: a registered card is "Carta registrata correttamente"', () => {
    expect(CARD_REGISTERED).toBe('Carta registrata correttamente');
  });

  it('R-L3-3, R-PUK-1: a blocked PIN is 423 with the path to "Sblocco carta"', () => {
    const err = pinBlockedError();
    expect(err.status).toBe(423);
    expect(err.code).toBe('pin_blocked');
    expect(err.message).toBe(PIN_BLOCKED_MESSAGE);
    expect(PIN_BLOCKED_MESSAGE).toBe("Il PIN è bloccato: sbloccalo con il PUK dall'App CieID, Gestione carta → Sblocco carta");
  });

  it('R-L3-3: only pinBlocked exactly true reports a blocked PIN', () => {
    expect(reportsPinBlocked({ pinBlocked: true })).toBe(true);
    for (const value of [false, 'true', 1, null, {}, [true]]) expect(reportsPinBlocked({ pinBlocked: value })).toBe(false);
    expect(reportsPinBlocked({})).toBe(false);
  });

  it("R-CARD-3, R-CARD-4, R-CARD-7, R-PUK-3: the card's own refusals keep the login's words; every other reason has its own Italian sentence", () => {
    for (const [reason, message] of Object.entries(REFUSAL_MESSAGES)) expect(cardUseRefusalMessage(reason as CardUseRefusal)).toBe(message);
    const others: CardUseRefusal[] = [
      'certificate_malformed',
      'certificate_untrusted',
      'certificate_expired',
      'card_unknown',
      'level3_suspended',
      'signature_invalid',
      'card_other_identity',
      'card_not_registered',
    ];
    for (const reason of others) {
      const message = cardUseRefusalMessage(reason);
      expect(message, reason).toMatch(/^[A-ZÈL].+[.]$/);
      expect(Object.values(REFUSAL_MESSAGES)).not.toContain(message);
    }
    // Which check failed on the certificate is not said: a forger learns nothing from the answer.
    expect(cardUseRefusalMessage('certificate_untrusted')).toBe(cardUseRefusalMessage('certificate_malformed'));
    expect(cardUseRefusalMessage('card_unknown')).toBe(cardUseRefusalMessage('certificate_malformed'));
  });
});
