import { toBase64Url, utf8 } from './encoding';

/**
 * R-PUK-2: the released PUK's link carries a 32-byte random secret; the Card keeps only its SHA-256.
 * A keyed hash is not needed for a secret that random: nothing can be guessed from the digest.
 */
export async function sha256Base64Url(secret: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(secret))));
}
