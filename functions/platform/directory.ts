import type { Env } from '../env';
import { isSerial } from '../core/serial';
import { HttpError } from '../core/errors';
import type { RegisteredClient } from '../core/oidc-client';
import type { AttemptDecision } from '../core/password-throttle';
import type { FailureRecord } from '../../durable-objects/password-throttle-table';
import type { RevokedCertificate } from '../core/card-auth';
import type { UnknownDailyCounter } from '../../durable-objects/unknown-daily-counts-table';
import { UpstashDirectory, upstashConfigOf } from './directory-upstash';

/** The card CA's revocation list (docs/level3.md): its lines, the version they are at, and the last CRL signed. */
export interface RevocationList {
  /** Grows by one with every certificate added: a CRL signed at an older version is out of date. */
  version: number;
  /** The certificates still within their validity. */
  entries: RevokedCertificate[];
  crl: StoredCrl | null;
}

/** A signed CRL (DER, base64url), and the list version and time it was signed at. */
export interface StoredCrl {
  version: number;
  builtAt: number;
  der: string;
}

/**
 * The directory: who is who across cards. Usernames (codice fiscale, serial, verified email) resolve
 * to the holder's current card; a phone number belongs to one identity (R-CARD-5); a serial is drawn
 * once. Two adapters: Durable Object shards (embedded, the default) and Upstash Redis
 * (platform/directory-upstash), chosen by `directoryFor`; test/integration/directory-contract holds both to
 * the same tests.
 *
 * Keys (docs/state.md): `cf:<CF>` → current serial · `serial:<S>` → CF · `phone:<E164>` → CF ·
 * `email:<address>` → CF · `client:<client_id>` → registered RP (JSON) · with a lifetime:
 * `nonce:["<client_id>","<nonce>"]`, `jti:["<client_id>","<jti>"]` (single use until they expire) · R-LOG-8
 * failure counters `unknown-login:<keyed hash>` for usernames that name nobody (platform/username-throttle),
 * and beside them the daily counts of a decoy recovery for that name (`otp-check`, `puk-start`) ·
 * the card CA's revocation list and its last signed CRL, in the shard of `crl` (its own tables, one place).
 */
export interface Directory {
  /** Reserves a freshly drawn serial for a holder; false if the serial was taken. */
  reserveSerial(serial: string, fiscalCode: string): Promise<boolean>;
  /** Binds the phone to the identity; false if another identity holds it. */
  claimPhone(phone: string, fiscalCode: string): Promise<boolean>;
  releasePhone(phone: string, fiscalCode: string): Promise<void>;
  /** Makes `serial` the holder's current card; returns the card it replaces, if any (R-CARD-7). */
  setCurrentCard(fiscalCode: string, serial: string): Promise<string | null>;
  currentCard(fiscalCode: string): Promise<string | null>;
  /** Binds a verified email as a username; false if another identity holds it. */
  claimEmail(email: string, fiscalCode: string): Promise<boolean>;
  releaseEmail(email: string, fiscalCode: string): Promise<void>;
  /** The current card's serial for a username, or null (unknown, or an old superseded serial). */
  resolveUsername(username: string): Promise<string | null>;
  /** Records a relying party; false if one with this client_id is already registered. */
  registerClient(client: RegisteredClient): Promise<boolean>;
  client(clientId: string): Promise<RegisteredClient | null>;
  /** Forgets a relying party; false if there was none. */
  removeClient(clientId: string): Promise<boolean>;
  /** C-17: true the first time a client uses this nonce, false on a replay before `expiresAt`. */
  useNonce(clientId: string, nonce: string, expiresAt: number): Promise<boolean>;
  /** C-27: the same for the `jti` of a client assertion. */
  useAssertionId(clientId: string, jti: string, expiresAt: number): Promise<boolean>;
  /** R-LOG-8 for a username that names nobody: may a password be tried now under `key`. */
  unknownUsernameGate(key: string, now: number): Promise<AttemptDecision>;
  /** R-LOG-8: one more failure under `key`; expired counters of other keys may be dropped meanwhile. */
  unknownUsernameFailure(key: string, now: number): Promise<FailureRecord>;
  /**
   * R-OTP-2, R-PUK-2 for a name nobody holds (a decoy recovery): one more today under the throttle's
   * `key`, unless `cap` is reached — true when counted. The same caps a Card keeps for an identity.
   */
  unknownDailyCount(key: string, counter: UnknownDailyCounter, cap: number, now: number): Promise<boolean>;
  /** Gives back one counted on `countedAt`'s day (a check that compared nothing); never below zero. */
  unknownDailyGiveBack(key: string, counter: UnknownDailyCounter, countedAt: number): Promise<void>;
  /**
   * R-CARD-3, R-CARD-7, R-PUK-3: puts a card's certificate on the revocation list; a card already on
   * it keeps its first line (the earliest revocation). Lines past their certificate's notAfter go.
   */
  revokeCertificate(entry: RevokedCertificate, now: number): Promise<void>;
  revocationList(now: number): Promise<RevocationList>;
  /** Keeps a signed CRL unless one signed at a later list version (or later at the same one) is kept already. */
  storeCrl(crl: StoredCrl): Promise<void>;
}

export const DIRECTORY_SHARDS = 16;

/** FNV-1a: a stable, even spread of keys over shards. */
export function shardOf(key: string, shards = DIRECTORY_SHARDS): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % shards;
}

/**
 * R-LOG-8: a username (codice fiscale, serial or verified email) → the current card's serial, through
 * one adapter's `read` of a key. A serial or an email takes two reads whether it names someone or not
 * (the second, for nobody, of a key no fiscal code can have), so the lookup's time does not say which.
 */
export async function resolveUsernameThrough(username: string, read: (key: string) => Promise<string | null>): Promise<string | null> {
  const u = username.trim();
  if (!u || u.length > 254) return null;
  const upper = u.toUpperCase();
  const currentCard = (fiscalCode: string) => read(`cf:${fiscalCode}`);
  if (isSerial(upper)) {
    const cf = await read(`serial:${upper}`);
    const current = await currentCard(cf ?? `-${upper}`);
    return cf && current === upper ? upper : null;
  }
  if (u.includes('@')) {
    const key = `email:${u.toLowerCase()}`;
    const cf = await read(key);
    const current = await currentCard(cf ?? `-${key}`);
    return cf ? current : null;
  }
  return currentCard(upper);
}

/**
 * `namespace` prefixes the shards' names (`<namespace>shard-<n>`): tests use a fresh one to start from
 * an empty directory; production uses none.
 */
export class DurableObjectDirectory implements Directory {
  private readonly ns: string;

  constructor(
    private readonly env: Env,
    options: { namespace?: string } = {},
  ) {
    this.ns = options.namespace ?? '';
  }

  private shard(key: string) {
    return this.env.DIRECTORY.get(this.env.DIRECTORY.idFromName(`${this.ns}shard-${shardOf(key)}`));
  }

  async reserveSerial(serial: string, fiscalCode: string) {
    const key = `serial:${serial}`;
    return this.shard(key).insertNew(key, fiscalCode);
  }

  async claimPhone(phone: string, fiscalCode: string) {
    const key = `phone:${phone}`;
    return (await this.shard(key).claim(key, fiscalCode)) === fiscalCode;
  }

  async releasePhone(phone: string, fiscalCode: string) {
    const key = `phone:${phone}`;
    await this.shard(key).release(key, fiscalCode);
  }

  async setCurrentCard(fiscalCode: string, serial: string) {
    const key = `cf:${fiscalCode}`;
    return this.shard(key).put(key, serial);
  }

  async currentCard(fiscalCode: string) {
    const key = `cf:${fiscalCode}`;
    return this.shard(key).get(key);
  }

  async claimEmail(email: string, fiscalCode: string) {
    const key = `email:${email}`;
    return (await this.shard(key).claim(key, fiscalCode)) === fiscalCode;
  }

  async releaseEmail(email: string, fiscalCode: string) {
    const key = `email:${email}`;
    await this.shard(key).release(key, fiscalCode);
  }

  async resolveUsername(username: string) {
    return resolveUsernameThrough(username, (key) => this.shard(key).get(key));
  }

  async registerClient(client: RegisteredClient) {
    const key = `client:${client.client_id}`;
    return this.shard(key).insertNew(key, JSON.stringify(client));
  }

  async client(clientId: string) {
    const key = `client:${clientId}`;
    const value = await this.shard(key).get(key);
    return value ? (JSON.parse(value) as RegisteredClient) : null;
  }

  async removeClient(clientId: string) {
    const key = `client:${clientId}`;
    return this.shard(key).remove(key);
  }

  private useOnce(key: string, expiresAt: number) {
    return this.shard(key).insertNewUntil(key, '1', expiresAt);
  }

  async useNonce(clientId: string, nonce: string, expiresAt: number) {
    return this.useOnce(`nonce:${JSON.stringify([clientId, nonce])}`, expiresAt);
  }

  async useAssertionId(clientId: string, jti: string, expiresAt: number) {
    return this.useOnce(`jti:${JSON.stringify([clientId, jti])}`, expiresAt);
  }

  async unknownUsernameGate(key: string, now: number) {
    return this.shard(key).unknownUsernameGate(key, now);
  }

  async unknownUsernameFailure(key: string, now: number) {
    return this.shard(key).unknownUsernameFailure(key, now);
  }

  async unknownDailyCount(key: string, counter: UnknownDailyCounter, cap: number, now: number) {
    return this.shard(key).unknownDailyCount(key, counter, cap, now);
  }

  async unknownDailyGiveBack(key: string, counter: UnknownDailyCounter, countedAt: number) {
    await this.shard(key).unknownDailyGiveBack(key, counter, countedAt);
  }

  /** Revocations are rare and the CRL lists them all: one shard holds the whole list. */
  private crlShard() {
    return this.shard('crl');
  }

  async revokeCertificate(entry: RevokedCertificate, now: number) {
    await this.crlShard().revokeCertificate(entry, now);
  }

  async revocationList(now: number) {
    return this.crlShard().revocationList(now);
  }

  async storeCrl(crl: StoredCrl) {
    await this.crlShard().storeCrl(crl);
  }
}

/** The adapters `DIRECTORY_ADAPTER` may name; unset means the first. */
export const DIRECTORY_ADAPTERS = ['durable-objects', 'upstash'] as const;

/**
 * A directory the deployment cannot use: 503, and the reason in the log. Never a quiet fall-back to the
 * shards — a typo would split the directory in two, each half accepting the other's phones and serials.
 */
export function directoryMisconfigured(reason: string): HttpError {
  console.error(`directory misconfigured: ${reason}`);
  return new HttpError(503, 'temporarily_unavailable', 'Servizio temporaneamente non disponibile');
}

export function directoryFor(env: Env): Directory {
  const adapter = env.DIRECTORY_ADAPTER?.trim() || 'durable-objects';
  if (adapter === 'durable-objects') return new DurableObjectDirectory(env);
  if (adapter === 'upstash') return new UpstashDirectory(upstashConfigOf(env));
  throw directoryMisconfigured(`DIRECTORY_ADAPTER=${JSON.stringify(adapter)} is none of ${DIRECTORY_ADAPTERS.join(', ')}`);
}
