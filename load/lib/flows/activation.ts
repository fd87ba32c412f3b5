import { newIdentity } from '../citizen.ts';
import { assertTestHooks } from '../outbox.ts';
import { attempt } from '../steps.ts';
import type { Budget } from '../thresholds.ts';

/**
 * Citizens activating credentials on fresh cards: the registry issues the card inside the
 * iteration (tagged `registry`, so the activation's own endpoints are measured apart), then the
 * /attivazione pages from 1.1 to the summary (lib/citizen.ts). Every iteration is a new identity,
 * spending one SMS of its own daily allowance.
 *
 * API:
 * - `prepareActivation()`: setup(): fails at once where there is no test outbox (no SMS codes).
 * - `activateOne()`: one iteration.
 * - `ACTIVATION_BUDGET`: p95 per endpoint (thresholds.ts).
 */
export function prepareActivation(): void {
  assertTestHooks();
}

export function activateOne(): void {
  attempt(newIdentity());
}

/** The password step hashes; configura stores the credentials. */
export const ACTIVATION_BUDGET: Budget = {
  activation_page: 500,
  activation_dati: 500,
  activation_puk: 500,
  activation_cellulare: 500,
  activation_otp_sms: 500,
  activation_non_adesso: 500,
  activation_password: 1000,
  activation_configura: 1000,
  registry: null,
  outbox: null,
};
