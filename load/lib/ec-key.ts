import encoding from 'k6/encoding';

/**
 * P-256 keys exported as JWK the way RFC 7518 §6.2.1.2 and §6.2.2.1 want them: x, y and d each the
 * full 32 bytes. k6's WebCrypto writes them as big integers without their leading zero bytes (about
 * one key in 140 has a 31-byte coordinate); the registry rightly refuses such a key, and a COSE key
 * built from it would carry a short coordinate too.
 */
const P256_BYTES = 32;

function fullLength(member: string | undefined): string | undefined {
  if (member === undefined) return undefined;
  const bytes = new Uint8Array(encoding.b64decode(member, 'rawurl'));
  if (bytes.length >= P256_BYTES) return member;
  const padded = new Uint8Array(P256_BYTES);
  padded.set(bytes, P256_BYTES - bytes.length);
  return encoding.b64encode(padded.buffer, 'rawurl');
}

/** `crypto.subtle.exportKey('jwk', key)` for a P-256 key, with full-length members. */
export async function exportP256Jwk(key: CryptoKey): Promise<JsonWebKey> {
  const jwk = (await crypto.subtle.exportKey('jwk', key)) as JsonWebKey;
  const out: JsonWebKey = { ...jwk, x: fullLength(jwk.x), y: fullLength(jwk.y) };
  if (jwk.d !== undefined) out.d = fullLength(jwk.d);
  return out;
}
