import { throttleMessage } from './password-throttle';

/**
 * The personal area's "Revoca livello 1 e livello 2" and "Sospendi / Riattiva livello 3" (R-ACC-4), as
 * rules: the actions a level 3 form may post, and what a refused password is told.
 */

export const LEVEL3_ACTIONS = ['sospendi', 'riattiva'] as const;
export type Level3Action = (typeof LEVEL3_ACTIONS)[number];

export function parseLevel3Action(value: unknown): Level3Action | null {
  return (LEVEL3_ACTIONS as readonly unknown[]).includes(value) ? (value as Level3Action) : null;
}

export const WRONG_CURRENT_PASSWORD = 'La password attuale non è corretta. Controlla di averla scritta bene e riprova.';

/** A refused re-authentication (R-LOG-8): wrong, or too many tries — then when to try again, as the login says it. */
export function reauthRefusal(refusal: { outcome: 'wrong' } | { outcome: 'throttled'; retryAt: number }, now: number): { message: string; status: 400 | 429 } {
  return refusal.outcome === 'wrong' ? { message: WRONG_CURRENT_PASSWORD, status: 400 } : { message: throttleMessage(refusal.retryAt, now), status: 429 };
}
