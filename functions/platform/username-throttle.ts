import type { Env } from '../env';
import type { AttemptDecision } from '../core/password-throttle';
import type { FailureRecord } from '../../durable-objects/password-throttle-table';
import type { UnknownDailyCounter } from '../../durable-objects/unknown-daily-counts-table';
import { normalizeUsername } from '../core/login-username';
import { keyedHash } from './crypto';
import { directoryFor } from './directory';

/**
 * R-LOG-8 counters for usernames the directory does not know, kept in the directory shards next to
 * the usernames that do exist. The key is a keyed hash of the normalised username: what people type in
 * the username box (sometimes their password) is not kept in clear. The counters go through the
 * Directory port like every other directory key, so another adapter (Redis) keeps them under the
 * same keys (`unknown-login:<hash>`).
 */
export interface UnknownUsernameThrottle {
  /** `unknown-login:<hash>`: also the key of the name's daily counts (unknownNameCounts). */
  key: string;
  gate(now: number): Promise<AttemptDecision>;
  recordFailure(now: number): Promise<FailureRecord>;
}

/** The directory key of a name nobody holds: a codice fiscale typed at the PUK's form and as a username give the same. */
export async function unknownUsernameKey(dataKey: string, username: string): Promise<string> {
  return `unknown-login:${await keyedHash(dataKey, 'username-throttle', normalizeUsername(username))}`;
}

export async function unknownUsernameThrottle(env: Env, dataKey: string, username: string): Promise<UnknownUsernameThrottle> {
  const key = await unknownUsernameKey(dataKey, username);
  const directory = directoryFor(env);
  return {
    key,
    gate: (now) => directory.unknownUsernameGate(key, now),
    recordFailure: (now) => directory.unknownUsernameFailure(key, now),
  };
}

/**
 * The daily counts a Card keeps for its identity (codes checked, the App's PUK requests), for a name
 * nobody holds: what a decoy recovery counts, so it is capped when a real one would be.
 */
export interface UnknownNameCounts {
  count(counter: UnknownDailyCounter, cap: number, now: number): Promise<boolean>;
  giveBack(counter: UnknownDailyCounter, countedAt: number): Promise<void>;
}

export function unknownNameCounts(env: Env, key: string): UnknownNameCounts {
  const directory = directoryFor(env);
  return {
    count: (counter, cap, now) => directory.unknownDailyCount(key, counter, cap, now),
    giveBack: (counter, countedAt) => directory.unknownDailyGiveBack(key, counter, countedAt),
  };
}
