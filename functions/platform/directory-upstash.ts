import { Redis } from '@upstash/redis/cloudflare';
import { type Env, isProduction } from '../env';
import type { RevocationReason, RevokedCertificate } from '../core/card-auth';
import type { RegisteredClient } from '../core/oidc-client';
import {
  type AttemptDecision,
  type ThrottleState,
  FORGET_AFTER_MS,
  LOCK_MS,
  NO_FAILURES,
  afterFailure,
  decideAttempt,
  isLocked,
} from '../core/password-throttle';
import type { FailureRecord } from '../../durable-objects/password-throttle-table';
import type { UnknownDailyCounter } from '../../durable-objects/unknown-daily-counts-table';
import { capDay } from '../core/otp';
import { type Directory, type RevocationList, type StoredCrl, directoryMisconfigured, resolveUsernameThrough } from './directory';

/** Where the Upstash database answers (UPSTASH_REDIS_REST_URL) and its token (UPSTASH_REDIS_REST_TOKEN). */
export interface UpstashConfig {
  url: string;
  token: string;
}

/** The Upstash settings of `env`, or 503: a deployment that asks for Upstash and cannot reach it serves nothing. */
export function upstashConfigOf(env: Env): UpstashConfig {
  const url = env.UPSTASH_REDIS_REST_URL?.trim();
  const token = env.UPSTASH_REDIS_REST_TOKEN?.trim();
  if (!url || !token) throw directoryMisconfigured('DIRECTORY_ADAPTER=upstash needs UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN');
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw directoryMisconfigured('UPSTASH_REDIS_REST_URL is not a URL');
  }
  // The token is a bearer credential for the whole directory: in production it never travels in clear.
  if (protocol !== 'https:' && (isProduction(env) || protocol !== 'http:')) {
    throw directoryMisconfigured('UPSTASH_REDIS_REST_URL must be https (http only outside production, for the local bridge)');
  }
  return { url, token };
}

/**
 * A Lua script sent by its SHA-1 (EVALSHA), and in full only when the server does not know it yet
 * (NOSCRIPT): one round trip each, the source once per server. The digest is taken on first use, because
 * a Worker may not do crypto at module load.
 */
class LuaScript {
  private sha: Promise<string> | null = null;
  constructor(readonly source: string) {}

  digest(): Promise<string> {
    this.sha ??= crypto.subtle
      .digest('SHA-1', new TextEncoder().encode(this.source))
      .then((d) => [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, '0')).join(''));
    return this.sha;
  }
}

/** Removes the key only while it still holds `ARGV[1]` (a phone or email released by its holder). */
const RELEASE = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);

/**
 * R-LOG-8's counter, compare-and-set: writes ARGV[2] (for ARGV[3] ms) only if the key still holds what
 * the caller decided on (ARGV[1], '' for absent); otherwise answers what it holds now, to decide again.
 */
const THROTTLE_CAS = new LuaScript(`
local current = redis.call('GET', KEYS[1]) or ''
if current ~= ARGV[1] then return {0, current} end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return {1, ARGV[2]}`);

/**
 * A decoy recovery's daily count (Directory.unknownDailyCount): one more under KEYS[1] unless it holds
 * ARGV[1] already; the key names its day, and lives ARGV[2] ms (past the day's end) after its last count.
 */
const DAILY_COUNT = new LuaScript(`
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[1]) then return 0 end
redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`);

/** One given back under KEYS[1] (the day's key), never below zero. */
const DAILY_GIVE_BACK = new LuaScript(`
if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then redis.call('DECR', KEYS[1]) end
return 0`);

/** A day's count outlives any Italian day it can name. */
const DAILY_COUNT_TTL_MS = 26 * 3600_000;

/**
 * R-CARD-3, R-CARD-7, R-PUK-3: one more line, lines past their notAfter dropped, and the version moved
 * in the same script, so a CRL signed from the list before is known to be out of date. A serial
 * already listed keeps its first line. KEYS: lines (hash serial → line), expiry (zset by notAfter), state.
 */
const REVOKE = new LuaScript(`
local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[1])
for _, serial in ipairs(gone) do redis.call('HDEL', KEYS[1], serial) end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[1])
if redis.call('HSETNX', KEYS[1], ARGV[2], ARGV[3]) == 1 then
  redis.call('ZADD', KEYS[2], ARGV[4], ARGV[2])
  redis.call('HINCRBY', KEYS[3], 'version', 1)
end
return 1`);

/** The list at ARGV[1] and the state it is at, read in one script so the version matches the lines. */
const REVOCATION_LIST = new LuaScript(`
local live = redis.call('ZRANGEBYSCORE', KEYS[2], ARGV[1], '+inf', 'WITHSCORES')
local state = redis.call('HMGET', KEYS[3], 'version', 'crl_version', 'built_at', 'der')
local out = {state[1] or '0', state[2] or '', state[3] or '', state[4] or ''}
for i = 1, #live, 2 do
  out[#out + 1] = live[i]
  out[#out + 1] = live[i + 1]
  out[#out + 1] = redis.call('HGET', KEYS[1], live[i]) or ''
end
return out`);

/**
 * R-CARD-7: the holder's current card, answering the card it replaces — also when the client retries a
 * call whose first try had landed (a plain SET GET would then answer the new serial itself, and the
 * old card would never be superseded). The replaced serial is kept beside it for that retry.
 */
const SET_CURRENT_CARD = new LuaScript(`
local current = redis.call('GET', KEYS[1])
if current == ARGV[1] then
  local replaced = redis.call('GET', KEYS[2])
  if replaced == '' then return false end
  return replaced
end
redis.call('SET', KEYS[2], current or '')
redis.call('SET', KEYS[1], ARGV[1])
return current`);

/** Two requests may sign at once: the CRL of the later list, or the later of two at one version, stays. */
const STORE_CRL = new LuaScript(`
local current = redis.call('HMGET', KEYS[1], 'der', 'crl_version', 'built_at')
local version, builtAt = tonumber(ARGV[1]), tonumber(ARGV[2])
if not current[1] or tonumber(current[2]) < version or (tonumber(current[2]) == version and tonumber(current[3]) < builtAt) then
  redis.call('HSET', KEYS[1], 'crl_version', ARGV[1], 'built_at', ARGV[2], 'der', ARGV[3])
  return 1
end
return 0`);

/** A failure counter lives until the schedule would have forgotten it anyway (core/password-throttle). */
const THROTTLE_TTL_MS = FORGET_AFTER_MS + LOCK_MS;
/**
 * Concurrent failures on one key each re-read and decide again: the schedule refuses all but a few
 * of any burst (after FREE_FAILURES, each failure needs a pause), so a few rounds always settle it.
 */
const THROTTLE_ROUNDS = 8;

/**
 * A stored counter as the schedule reads it. Anything unreadable counts as no failures and is
 * overwritten by the next one (the compare-and-set compares the raw text), so a bad value heals itself.
 */
function throttleStateOf(raw: string | null): ThrottleState {
  if (!raw) return NO_FAILURES;
  try {
    const v = JSON.parse(raw) as Partial<ThrottleState>;
    const ok = [v.failures, v.lastFailureAt, v.lockedUntil].every((n) => Number.isSafeInteger(n) && (n as number) >= 0);
    return ok ? { failures: v.failures!, lastFailureAt: v.lastFailureAt!, lockedUntil: v.lockedUntil! } : NO_FAILURES;
  } catch {
    return NO_FAILURES;
  }
}

/**
 * The directory on Upstash Redis (issue 15): the same keys as the shards (docs/state.md) — `cf:<CF>`,
 * `serial:<S>`, `phone:<E164>`, `email:<address>`, `client:<client_id>`, `nonce:[…]`, `jti:[…]`,
 * `unknown-login:<keyed hash>` (JSON counter, expiring FORGET_AFTER_MS + LOCK_MS after its last
 * failure) and `unknown-login:<keyed hash>:<counter>:<day>` (a decoy recovery's daily count) — plus
 * the revocation list as `crl:lines` (hash serial → `{"revokedAt","reason"}`),
 * `crl:expiry` (sorted set serial by notAfter) and `crl:state` (hash: version, crl_version, built_at, der).
 *
 * Atomic where the interface promises it: uniqueness by `SET NX` (serial, client) and `SET NX GET`
 * (phone, email: the holder back in the same command), single-use ids by `SET NX PX`, and a Lua script
 * for the current card (safe to retry: SET_CURRENT_CARD) and wherever a change depends on what is stored (a release by its
 * holder, the R-LOG-8 counter) or touches more than one key (the revocation list).
 *
 * Auto-pipelining is on: calls made together (e.g. under Promise.all) go out as one /pipeline request.
 * One client per instance, never shared across requests: a batch started by one request must not be
 * awaited by another (workerd cancels a request's I/O when it ends). Values are read raw
 * (automaticDeserialization off): a serial or fiscal code must never be turned into a number.
 * `namespace` prefixes every key (tests use a fresh one to start from an empty directory).
 */
export class UpstashDirectory implements Directory {
  private readonly redis: Redis;
  private readonly ns: string;

  constructor(config: UpstashConfig, options: { namespace?: string } = {}) {
    this.redis = new Redis({
      url: config.url,
      token: config.token,
      enableAutoPipelining: true,
      automaticDeserialization: false,
      enableTelemetry: false,
      // A retried SET NX that had already succeeded reads as "taken": callers draw again (a serial)
      // or refuse (a replayed nonce); few retries, so an outage answers quickly instead.
      retry: { retries: 2, backoff: (n) => 50 * 2 ** n },
    });
    this.ns = options.namespace ?? '';
  }

  private key(key: string) {
    return this.ns + key;
  }

  private get(key: string) {
    return this.redis.get<string>(this.key(key));
  }

  private async run<T>(script: LuaScript, keys: string[], args: (string | number)[]): Promise<T> {
    const sha = await script.digest();
    const prefixed = keys.map((k) => this.key(k));
    try {
      return await this.redis.evalsha<(string | number)[], T>(sha, prefixed, args);
    } catch (err) {
      if (!(err instanceof Error) || !/NOSCRIPT/i.test(err.message)) throw err;
      return this.redis.eval<(string | number)[], T>(script.source, prefixed, args);
    }
  }

  /** SET NX: true when this call created the key. */
  private async insertNew(key: string, value: string) {
    return (await this.redis.set(this.key(key), value, { nx: true })) === 'OK';
  }

  /** SET NX GET: binds key to value unless bound; true when it is (now) bound to value. */
  private async claim(key: string, value: string) {
    const holder = await this.redis.set<string>(this.key(key), value, { nx: true, get: true });
    return holder === null || holder === value;
  }

  private async release(key: string, value: string) {
    await this.run<number>(RELEASE, [key], [value]);
  }

  reserveSerial(serial: string, fiscalCode: string) {
    return this.insertNew(`serial:${serial}`, fiscalCode);
  }

  claimPhone(phone: string, fiscalCode: string) {
    return this.claim(`phone:${phone}`, fiscalCode);
  }

  releasePhone(phone: string, fiscalCode: string) {
    return this.release(`phone:${phone}`, fiscalCode);
  }

  async setCurrentCard(fiscalCode: string, serial: string) {
    return (await this.run<string | null>(SET_CURRENT_CARD, [`cf:${fiscalCode}`, `cf-replaced:${fiscalCode}`], [serial])) ?? null;
  }

  currentCard(fiscalCode: string) {
    return this.get(`cf:${fiscalCode}`);
  }

  claimEmail(email: string, fiscalCode: string) {
    return this.claim(`email:${email}`, fiscalCode);
  }

  releaseEmail(email: string, fiscalCode: string) {
    return this.release(`email:${email}`, fiscalCode);
  }

  resolveUsername(username: string) {
    return resolveUsernameThrough(username, (key) => this.get(key));
  }

  registerClient(client: RegisteredClient) {
    return this.insertNew(`client:${client.client_id}`, JSON.stringify(client));
  }

  async client(clientId: string) {
    const value = await this.get(`client:${clientId}`);
    return value ? (JSON.parse(value) as RegisteredClient) : null;
  }

  async removeClient(clientId: string) {
    return (await this.redis.del(this.key(`client:${clientId}`))) === 1;
  }

  /** SET NX PX: taken once until it expires; Redis forgets it by itself then. */
  private async useOnce(key: string, expiresAt: number) {
    const ttl = Math.max(1, Math.ceil(expiresAt - Date.now()));
    return (await this.redis.set(this.key(key), '1', { nx: true, px: ttl })) === 'OK';
  }

  useNonce(clientId: string, nonce: string, expiresAt: number) {
    return this.useOnce(`nonce:${JSON.stringify([clientId, nonce])}`, expiresAt);
  }

  useAssertionId(clientId: string, jti: string, expiresAt: number) {
    return this.useOnce(`jti:${JSON.stringify([clientId, jti])}`, expiresAt);
  }

  async unknownUsernameGate(key: string, now: number): Promise<AttemptDecision> {
    return decideAttempt(throttleStateOf(await this.get(key)), now);
  }

  /** The shard's conditional write, as a compare-and-set: concurrent failures cannot count past the schedule. */
  async unknownUsernameFailure(key: string, now: number): Promise<FailureRecord> {
    let raw = await this.get(key);
    for (let round = 0; round < THROTTLE_ROUNDS; round++) {
      const seen = throttleStateOf(raw);
      const decision = decideAttempt(seen, now);
      if (!decision.allowed) return { recorded: false, retryAt: decision.retryAt };
      const next = afterFailure(seen, now);
      const [written, current] = await this.run<[number, string]>(THROTTLE_CAS, [key], [raw ?? '', JSON.stringify(next), THROTTLE_TTL_MS]);
      if (written === 1) return { recorded: true, locked: isLocked(next, now), state: next };
      raw = current || null;
    }
    return { recorded: false, retryAt: now };
  }

  /** `<unknown-login key>:<counter>:<Italian day>`: a new day starts from nothing, as a Card's caps do. */
  private dailyKey(key: string, counter: UnknownDailyCounter, at: number) {
    return `${key}:${counter}:${capDay(at)}`;
  }

  async unknownDailyCount(key: string, counter: UnknownDailyCounter, cap: number, now: number): Promise<boolean> {
    return (await this.run<number>(DAILY_COUNT, [this.dailyKey(key, counter, now)], [cap, DAILY_COUNT_TTL_MS])) === 1;
  }

  async unknownDailyGiveBack(key: string, counter: UnknownDailyCounter, countedAt: number): Promise<void> {
    await this.run<number>(DAILY_GIVE_BACK, [this.dailyKey(key, counter, countedAt)], []);
  }

  async revokeCertificate(entry: RevokedCertificate, now: number) {
    const line = JSON.stringify({ revokedAt: entry.revokedAt, reason: entry.reason });
    await this.run<number>(REVOKE, ['crl:lines', 'crl:expiry', 'crl:state'], [now, entry.serial, line, entry.notAfter]);
  }

  async revocationList(now: number): Promise<RevocationList> {
    const out = await this.run<string[]>(REVOCATION_LIST, ['crl:lines', 'crl:expiry', 'crl:state'], [now]);
    const [version = '0', crlVersion = '', builtAt = '', der = ''] = out.slice(0, 4).map(String);
    const entries: RevokedCertificate[] = [];
    for (let i = 4; i + 2 < out.length; i += 3) {
      const line = JSON.parse(String(out[i + 2])) as { revokedAt: number; reason: RevocationReason };
      entries.push({ serial: String(out[i]), revokedAt: line.revokedAt, reason: line.reason, notAfter: Number(out[i + 1]) });
    }
    entries.sort((a, b) => (a.serial < b.serial ? -1 : a.serial > b.serial ? 1 : 0));
    const crl: StoredCrl | null = der ? { version: Number(crlVersion), builtAt: Number(builtAt), der } : null;
    return { version: Number(version), entries, crl };
  }

  async storeCrl(crl: StoredCrl) {
    await this.run<number>(STORE_CRL, ['crl:state'], [crl.version, crl.builtAt, crl.der]);
  }
}
