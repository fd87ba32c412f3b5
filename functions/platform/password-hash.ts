import { BoundedCache } from '../core/bounded-cache';
import { constantTimeEqual } from './crypto';
import { fromBase64Url, toBase64Url, utf8 } from './encoding';

/**
 * Deployed Workers refuse PBKDF2 above 100,000 iterations (local workerd does not), so this is both
 * our cost and our ceiling; a test asserts it.
 */
export const PBKDF2_ITERATIONS = 100_000;
const SALT_BYTES = 16;
/** Unpadded base64url; a length of 4k + 1 cannot be decoded. */
const isB64Url = (text: string) => /^[A-Za-z0-9_-]{2,128}$/.test(text) && text.length % 4 !== 1;

/** The pepper's HMAC key, imported once per isolate and value (two: the current and a previous one). */
const pepperKeys = new BoundedCache<string, Promise<CryptoKey>>(2);

export const pepperKey = (pepper: string): Promise<CryptoKey> =>
  pepperKeys.get(pepper, () => crypto.subtle.importKey('raw', fromBase64Url(pepper), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']));

/** The pepper is applied with HMAC before stretching, so a stolen database alone cannot be cracked. */
async function peppered(pepper: string, password: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign('HMAC', await pepperKey(pepper), utf8(password.normalize('NFC'))));
}

async function stretch(material: Uint8Array, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', material, 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256);
  return new Uint8Array(bits);
}

/** `pbkdf2-sha256$<iterations>$<salt>$<hash>` */
export async function hashPassword(pepper: string, password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await stretch(await peppered(pepper, password), salt, PBKDF2_ITERATIONS);
  return `pbkdf2-sha256$${PBKDF2_ITERATIONS}$${toBase64Url(salt)}$${toBase64Url(hash)}`;
}

/**
 * False for anything but a well-formed hash of ours: a stored string claiming more iterations than
 * deployed Workers allow, zero iterations or an undecodable salt is a wrong password, not an exception.
 */
export async function verifyPassword(pepper: string, password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 4) return false;
  const [scheme, iter, salt, hash] = parts as [string, string, string, string];
  if (scheme !== 'pbkdf2-sha256' || !/^[1-9][0-9]{0,6}$/.test(iter) || !isB64Url(salt) || !isB64Url(hash)) {
    return false;
  }
  const iterations = Number(iter);
  if (iterations > PBKDF2_ITERATIONS) return false;
  const candidate = await stretch(await peppered(pepper, password), fromBase64Url(salt), iterations);
  return constantTimeEqual(toBase64Url(candidate), hash);
}
