import { newIdentity } from '../citizen.ts';
import { assertTestHooks } from '../outbox.ts';
import { attempt } from '../steps.ts';

/**
 * Citizens activating credentials on fresh cards: the registry issues the card inside the
 * iteration (tagged `registry`, so the activation's own endpoints are measured apart), then the
 * /attivazione pages from 1.1 to the summary (lib/citizen.ts). Every iteration is a new identity,
 * spending one SMS of its own daily allowance.
 *
 * API:
 * - `prepareActivation()`: setup(): fails at once where there is no test outbox (no SMS codes).
 * - `activateOne()`: one iteration.
 */
export function prepareActivation(): void {
  assertTestHooks();
}

export function activateOne(): void {
  attempt(newIdentity());
}
