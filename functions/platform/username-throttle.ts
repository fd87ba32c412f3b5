import type { Env } from '../env';
import type { AttemptDecision } from '../core/password-throttle';
import type { FailureRecord } from '../../durable-objects/password-throttle-table';
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
  gate(now: number): Promise<AttemptDecision>;
  recordFailure(now: number): Promise<FailureRecord>;
}

export async function unknownUsernameThrottle(env: Env, dataKey: string, username: string): Promise<UnknownUsernameThrottle> {
  const key = `unknown-login:${await keyedHash(dataKey, 'username-throttle', normalizeUsername(username))}`;
  const directory = directoryFor(env);
  return {
    gate: (now) => directory.unknownUsernameGate(key, now),
    recordFailure: (now) => directory.unknownUsernameFailure(key, now),
  };
}
