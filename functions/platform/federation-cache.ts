import type { Env } from '../env';
import { type ClientResolution, RESOLUTION_DEADLINE_MS, TOO_MANY_RESOLUTIONS, federationEnabled, resolutionsFull, resolveFederatedClient } from './federation';
import { checkEntityId } from '../core/federation-statement';
import { isProduction } from '../env';

/**
 * Relying parties resolved by federation, kept per isolate: a resolved client until the lowest `exp`
 * of its chain (and at most FEDERATED_CLIENT_MAX_AGE_MS), a failed resolution for
 * FAILED_RESOLUTION_MAX_AGE_MS, so that a flood of requests naming a bad entity id costs each isolate
 * one resolution per 30 s, not one per request. Concurrent requests for one id share one resolution.
 * At most FEDERATED_CLIENTS_KEPT ids are kept (the least recently used dropped first).
 */
export const FEDERATED_CLIENT_MAX_AGE_MS = 24 * 3600 * 1000;
export const FAILED_RESOLUTION_MAX_AGE_MS = 30_000;
export const FEDERATED_CLIENTS_KEPT = 1_024;
/**
 * The bound on resolutions at once is platform/federation's; /oidc/resolve may hold only its own
 * share of it, so client reads keep the rest. Past it a new entity id is refused for now and not remembered.
 */
export { MAX_RESOLUTIONS_IN_FLIGHT } from './federation';

// The placeholder must outlive the resolution it stands for, or a slow id would start a second one.
if (FAILED_RESOLUTION_MAX_AGE_MS <= RESOLUTION_DEADLINE_MS) throw new Error('federation-cache: the placeholder must outlive a resolution');

interface Entry {
  value: Promise<ClientResolution>;
  until: number;
  madeAt: number;
}

const kept = new Map<string, Entry>();

function keep(clientId: string, entry: Entry): void {
  kept.delete(clientId);
  kept.set(clientId, entry);
  if (kept.size > FEDERATED_CLIENTS_KEPT) kept.delete(kept.keys().next().value as string);
}

/**
 * The client `clientId` names by federation; null when federation is off or `clientId` is not an
 * entity id (then it is simply unknown). Answers from the cache while the entry is current.
 */
export function federatedClient(env: Env, clientId: string, now = Date.now()): Promise<ClientResolution> | null {
  if (!federationEnabled(env) || checkEntityId(clientId, !isProduction(env))) return null;
  const entry = kept.get(clientId);
  // A clock that went back counts as stale too.
  if (entry && now < entry.until && now >= entry.madeAt) {
    keep(clientId, entry);
    return entry.value;
  }
  if (resolutionsFull()) return Promise.resolve({ ok: false, failure: TOO_MANY_RESOLUTIONS });
  const value = resolveFederatedClient(env, clientId, now).catch((err): ClientResolution => {
    console.error('federation: resolution failed unexpectedly', err instanceof Error ? err.message : String(err));
    return { ok: false, failure: { kind: 'unreachable', reason: 'the trust chain could not be resolved' } };
  });
  const placeholder: Entry = { value, until: now + FAILED_RESOLUTION_MAX_AGE_MS, madeAt: now };
  keep(clientId, placeholder);
  void value.then((resolution) => {
    if (kept.get(clientId) !== placeholder) return;
    const until = resolution.ok ? Math.min(resolution.exp * 1000, now + FEDERATED_CLIENT_MAX_AGE_MS) : now + FAILED_RESOLUTION_MAX_AGE_MS;
    keep(clientId, { value, until, madeAt: now });
  });
  return value;
}

/** Tests of the cache's expiry, and an operator's forced re-resolution, start from nothing. */
export function forgetFederatedClients(): void {
  kept.clear();
}
