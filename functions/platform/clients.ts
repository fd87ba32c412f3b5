import type { Env } from '../env';
import { ExpiringCache } from '../core/expiring-cache';
import type { RegisteredClient } from '../core/oidc-client';
import { directoryFor } from './directory';
import { UnresolvedClient } from './federation';
import { federatedClient } from './federation-cache';

/**
 * Relying parties' records as authorize, the token endpoint and userinfo read them: kept per isolate
 * for at most CLIENT_RECORD_MAX_AGE_MS. Without this, every login read its RP's record three times
 * from the one directory shard that holds it, and one large RP at click day (a third of 1,000
 * logins/s) would put ~1,000 reads/s on that one Durable Object (`npm run scale:model`). With it, an
 * RP costs each isolate one read per 5 s, whatever its traffic.
 *
 * The price is the bound: a relying party removed or re-keyed through the registry is refused (or
 * verified with its new keys) by every isolate within 5 s — at once by the isolate that made the
 * change. An unknown client_id is remembered as unknown for the same 5 s, so a flood of made-up ids
 * reads each id at most once per isolate per 5 s; the cache holds at most CLIENT_RECORDS_KEPT ids.
 */
export const CLIENT_RECORD_MAX_AGE_MS = 5_000;
export const CLIENT_RECORDS_KEPT = 4_096;

const records = new ExpiringCache<string, Promise<RegisteredClient | null>>(CLIENT_RECORDS_KEPT, CLIENT_RECORD_MAX_AGE_MS);

/**
 * The registry's record of `clientId`; failing that, when federation is configured and `clientId` is
 * an entity id, the client its trust chain resolves to (platform/federation-cache). A chain that does
 * not resolve throws UnresolvedClient: the caller answers the profile's error for it, never "not
 * registered".
 */
export async function registeredClient(env: Env, clientId: string, now = Date.now()): Promise<RegisteredClient | null> {
  const registered = await records.get(clientId, now, () => directoryFor(env).client(clientId));
  if (registered) return registered;
  const federated = await federatedClient(env, clientId, now);
  if (!federated) return null;
  if (!federated.ok) throw new UnresolvedClient(federated.failure);
  return federated.client;
}

/** The registry changed this client: this isolate stops answering from what it kept. */
export function forgetClient(clientId: string): void {
  records.delete(clientId);
}

/** For the scale model's measurement of uncached reads (test/integration/scale-model.test.ts) only. */
export function forgetAllClients(): void {
  records.clear();
}
