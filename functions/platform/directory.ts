import type { Env } from '../env';
import { isSerial } from '../core/serial';

/**
 * The directory: who is who across cards. Usernames (codice fiscale, serial, verified email) resolve
 * to the holder's current card; a phone number belongs to one identity (R-CARD-5); a serial is drawn
 * once. Two adapters are planned: Durable Object shards (embedded, the default) and Upstash Redis.
 *
 * Keys (docs/state.md): `cf:<CF>` → current serial · `serial:<S>` → CF · `phone:<E164>` → CF ·
 * `email:<address>` → CF.
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
    if (isSerial(upper)) {
      const key = `serial:${upper}`;
      const cf = await this.shard(key).get(key);
      if (!cf) return null;
      return (await this.currentCard(cf)) === upper ? upper : null;
    }
    if (u.includes('@')) {
      const key = `email:${u.toLowerCase()}`;
      const cf = await this.shard(key).get(key);
      return cf ? this.currentCard(cf) : null;
    }
    return this.currentCard(upper);
  }
}

export function directoryFor(env: Env): Directory {
  return new DurableObjectDirectory(env);
}
