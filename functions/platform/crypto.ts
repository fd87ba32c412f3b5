import { BoundedCache } from '../core/bounded-cache';
import { fromBase64Url, toBase64Url, utf8 } from './encoding';

/** An unguessable identifier: 32 random bytes, base64url (flow ids, CSRF tokens, registry ids). */
export function randomId(bytes = 32): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** A uniformly drawn integer in [0, n) — rejection sampling, so no digit is likelier than another. */
export function randomInt(n: number): number {
  if (!Number.isInteger(n) || n <= 0 || n > 2 ** 32) throw new RangeError('randomInt: bad bound');
  const limit = Math.floor(2 ** 32 / n) * n;
  const buf = new Uint32Array(1);
  for (;;) {
    crypto.getRandomValues(buf);
    if (buf[0]! < limit) return buf[0]! % n;
  }
}

export function randomDigits(count: number): string {
  let s = '';
  for (let i = 0; i < count; i++) s += String(randomInt(10));
  return s;
}

/**
 * Compares two secrets in constant time. Both sides are hashed first so that unequal lengths do not
 * leak through an early exit either.
 */
export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const [ha, hb] = await Promise.all([crypto.subtle.digest('SHA-256', utf8(a)), crypto.subtle.digest('SHA-256', utf8(b))]);
  return crypto.subtle.timingSafeEqual(ha, hb) && a.length === b.length;
}

/** Purpose-bound subkeys, so one leaked use cannot be replayed as another. */
export type KeyPurpose = 'otp' | 'secrets-at-rest' | 'registry-token' | 'username-throttle' | 'pairwise-subject';

/**
 * Derived subkeys, once per isolate: keyed by algorithm, purpose and the secret's value, so a rotated
 * DATA_KEY derives afresh. A handful of purposes × (current, previous secret) fit well within 32.
 */
const hkdfCache = new BoundedCache<string, Promise<CryptoKey>>(32);

function baseKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', fromBase64Url(secret), 'HKDF', false, ['deriveKey']);
}

type DerivedAlgorithm = Parameters<SubtleCrypto['deriveKey']>[2];

async function derive(secret: string, purpose: KeyPurpose, algorithm: DerivedAlgorithm, usages: string[]) {
  const base = await baseKey(secret);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info: utf8(`cieid-edge/${purpose}`) },
    base,
    algorithm,
    false,
    usages,
  );
}

/** The algorithm is part of the id: one purpose may have both an HMAC and an AES subkey. */
function cached(secret: string, purpose: KeyPurpose, algorithm: 'HMAC' | 'AES-GCM', make: () => Promise<CryptoKey>): Promise<CryptoKey> {
  return hkdfCache.get(`${algorithm}:${purpose}:${secret}`, make);
}

export function hmacKey(secret: string, purpose: KeyPurpose): Promise<CryptoKey> {
  return cached(secret, purpose, 'HMAC', () => derive(secret, purpose, { name: 'HMAC', hash: 'SHA-256', length: 256 }, ['sign']));
}

/** Keyed hash (HMAC-SHA256, base64url) — how OTPs and other short secrets are kept at rest. */
export async function keyedHash(secret: string, purpose: KeyPurpose, data: string): Promise<string> {
  const key = await hmacKey(secret, purpose);
  return toBase64Url(new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8(data))));
}

function aesKey(secret: string): Promise<CryptoKey> {
  return cached(secret, 'secrets-at-rest', 'AES-GCM', () => derive(secret, 'secrets-at-rest', { name: 'AES-GCM', length: 256 }, ['encrypt', 'decrypt']));
}

/** AES-256-GCM; `context` is bound as associated data so a ciphertext moved to another record fails. */
export async function encryptSecret(secret: string, plaintext: string, context: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: utf8(context) }, await aesKey(secret), utf8(plaintext));
  return `${toBase64Url(iv)}.${toBase64Url(new Uint8Array(ct))}`;
}

export async function decryptSecret(secret: string, sealed: string, context: string): Promise<string> {
  const [iv, ct] = sealed.split('.');
  if (!iv || !ct) throw new Error('sealed secret is malformed');
  const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64Url(iv), additionalData: utf8(context) }, await aesKey(secret), fromBase64Url(ct));
  return new TextDecoder().decode(pt);
}
