import type { Env } from '../env';
import { isSerial } from '../core/serial';
import type { RegisteredClient } from '../core/oidc-client';
import type { AttemptDecision } from '../core/password-throttle';
import type { FailureRecord } from '../../durable-objects/password-throttle-table';
import type { RevokedCertificate } from '../core/card-auth';

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
 * once. Two adapters are planned: Durable Object shards (embedded, the default) and Upstash Redis.
 *
 * Keys (docs/state.md): `cf:<CF>` → current serial · `serial:<S>` → CF · `phone:<E164>` → CF ·
 * `email:<address>` → CF · `client:<client_id>` → registered RP (JSON) · with a lifetime:
 * `nonce:["<client_id>","<nonce>"]`, `jti:["<client_id>","<jti>"]` (single use until they expire) · R-LOG-8
 * failure counters `unknown-login:<keyed hash>` for usernames that name nobody (platform/username-throttle) ·
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

export class DurableObjectDirectory implements Directory {
  constructor(private readonly env: Env) {}

  private shard(key: string) {
    return this.env.DIRECTORY.get(this.env.DIRECTORY.idFromName(`shard-${shardOf(key)}`));
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
    const u = username.trim();
    if (!u || u.length > 254) return null;
    const upper = u.toUpperCase();
    // R-LOG-8: a serial or an email takes two reads whether it names someone or not (the second, for
    // nobody, of a key no fiscal code can have), so the lookup's time does not say which.
    if (isSerial(upper)) {
      const key = `serial:${upper}`;
      const cf = await this.shard(key).get(key);
      const current = await this.currentCard(cf ?? `-${upper}`);
      return cf && current === upper ? upper : null;
    }
    if (u.includes('@')) {
      const key = `email:${u.toLowerCase()}`;
      const cf = await this.shard(key).get(key);
      const current = await this.currentCard(cf ?? `-${key}`);
      return cf ? current : null;
    }
    return this.currentCard(upper);
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

export function directoryFor(env: Env): Directory {
  return new DurableObjectDirectory(env);
}
