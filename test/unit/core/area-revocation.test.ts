import { describe, expect, it } from 'vitest';
import { WRONG_CURRENT_PASSWORD, parseLevel3Action, reauthRefusal } from '../../../functions/core/area-revocation';

describe("R-ACC-4: the area's level 3 form and the current password", () => {
  it('R-ACC-4: only "sospendi" and "riattiva" are actions; anything else is none', () => {
    expect(parseLevel3Action('sospendi')).toBe('sospendi');
    expect(parseLevel3Action('riattiva')).toBe('riattiva');
    for (const other of ['', 'SOSPENDI', 'revoca', undefined, null, 1, ['sospendi'], 'constructor']) expect(parseLevel3Action(other)).toBeNull();
  });

  it('R-LOG-8: a wrong password is a 400 in plain words; too many tries a 429 saying when to try again', () => {
    expect(reauthRefusal({ outcome: 'wrong' }, 0)).toEqual({ message: WRONG_CURRENT_PASSWORD, status: 400 });
    expect(reauthRefusal({ outcome: 'throttled', retryAt: 90_000 }, 0)).toEqual({ message: 'Troppi tentativi. Riprova tra 2 minuti.', status: 429 });
    expect(reauthRefusal({ outcome: 'throttled', retryAt: 5_000 }, 0).message).toBe('Troppi tentativi. Riprova tra 5 secondi.');
  });
});
