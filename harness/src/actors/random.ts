import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** Unguessable values an RP or a test citizen needs: state, nonce, PKCE, unique names. */
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

export const uuid = (): string => randomUUID();

/** Lower-case letters and digits only, for host names. */
export const randomLabel = (length = 10): string => Array.from(randomBytes(length), (b) => 'abcdefghijklmnopqrstuvwxyz0123456789'[b % 36]).join('');

export const s256 = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomToken(48);
  return { verifier, challenge: s256(verifier) };
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
