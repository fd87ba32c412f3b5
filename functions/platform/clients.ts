import type { Env } from '../env';
import { ExpiringCache } from '../core/expiring-cache';
import type { RegisteredClient } from '../core/oidc-client';
import { directoryFor } from './directory';

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

export function registeredClient(env: Env, clientId: string, now = Date.now()): Promise<RegisteredClient | null> {
  return records.get(clientId, now, () => directoryFor(env).client(clientId));
}

/** The registry changed this client: this isolate stops answering from what it kept. */
export function forgetClient(clientId: string): void {
  records.delete(clientId);
}

/** For the scale model's measurement of uncached reads (test/integration/scale-model.test.ts) only. */
export function forgetAllClients(): void {
  records.clear();
}
