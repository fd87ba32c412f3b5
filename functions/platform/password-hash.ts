import { constantTimeEqual } from './crypto';
import { fromBase64Url, toBase64Url, utf8 } from './encoding';

/**
 * Deployed Workers refuse PBKDF2 above 100,000 iterations (local workerd does not), so this is both
 * our cost and our ceiling; a test asserts it.
 */
export const PBKDF2_ITERATIONS = 100_000;
const SALT_BYTES = 16;

/** The pepper is applied with HMAC before stretching, so a stolen database alone cannot be cracked. */
async function peppered(pepper: string, password: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', fromBase64Url(pepper), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8(password.normalize('NFC'))));
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

export async function verifyPassword(pepper: string, password: string, stored: string): Promise<boolean> {
  const [scheme, iter, salt, hash] = stored.split('$');
  const iterations = Number(iter);
  if (scheme !== 'pbkdf2-sha256' || !salt || !hash || !Number.isInteger(iterations) || iterations > PBKDF2_ITERATIONS) {
    return false;
  }
  const candidate = await stretch(await peppered(pepper, password), fromBase64Url(salt), iterations);
  return constantTimeEqual(toBase64Url(candidate), hash);
}
