import encoding from 'k6/encoding';
import { concat, toArrayBuffer, utf8 } from '../lib/bytes.ts';
import { decodePayload } from '../lib/jwt.ts';

/**
 * Opens the userinfo JWE both targets send (ECDH-ES direct key agreement, A256GCM, RFC 7518 §4.6
 * and §5.3) and reads the JWS inside, so the load test checks whose claims came back. The RP's
 * work: k6 spends it on its own core, not the server's.
 */
const EC = { name: 'ECDH', namedCurve: 'P-256' } as const;
const bytes = (b64url: string) => new Uint8Array(encoding.b64decode(b64url, 'rawurl'));

function uint32(n: number): Uint8Array {
  return new Uint8Array([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
}
const lengthPrefixed = (data: Uint8Array) => concat(uint32(data.length), data);

/** Concat KDF with SHA-256, one round: 256 bits are all A256GCM needs. */
async function concatKdf(z: ArrayBuffer, enc: string, apu: Uint8Array, apv: Uint8Array): Promise<ArrayBuffer> {
  const info = concat(uint32(1), new Uint8Array(z), lengthPrefixed(utf8(enc)), lengthPrefixed(apu), lengthPrefixed(apv), uint32(256));
  return crypto.subtle.digest('SHA-256', toArrayBuffer(info));
}

const imported = new Map<string, CryptoKey>();

async function privateKey(kid: string, jwk: JsonWebKey): Promise<CryptoKey> {
  let key = imported.get(kid);
  if (!key) {
    const { kty, crv, x, y, d } = jwk;
    key = await crypto.subtle.importKey('jwk', { kty, crv, x, y, d }, EC, false, ['deriveBits']);
    imported.set(kid, key);
  }
  return key;
}

interface JweHeader {
  alg: string;
  enc: string;
  epk: JsonWebKey;
  apu?: string;
  apv?: string;
}

/** The payload of the JWS inside a compact JWE; throws when it is not one this RP can open. */
export async function openUserinfo<T = Record<string, unknown>>(jwe: string, key: { kid: string; privateJwk: JsonWebKey }): Promise<T> {
  const parts = jwe.split('.');
  if (parts.length !== 5) throw new Error('not a compact JWE');
  const [protectedHeader, encryptedKey, iv, ciphertext, tag] = parts as [string, string, string, string, string];
  const header = JSON.parse(encoding.b64decode(protectedHeader, 'rawurl', 's')) as JweHeader;
  if (header.alg !== 'ECDH-ES' || header.enc !== 'A256GCM' || encryptedKey !== '') throw new Error(`unexpected JWE ${header.alg} ${header.enc}`);
  const { kty, crv, x, y } = header.epk;
  const epk = await crypto.subtle.importKey('jwk', { kty, crv, x, y }, EC, false, []);
  const z = await crypto.subtle.deriveBits({ name: 'ECDH', public: epk } as EcdhKeyDeriveParams, await privateKey(key.kid, key.privateJwk), 256);
  const cek = await crypto.subtle.importKey('raw', await concatKdf(z, header.enc, bytes(header.apu ?? ''), bytes(header.apv ?? '')), 'AES-GCM', false, [
    'decrypt',
  ]);
  const plaintext = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: bytes(iv), additionalData: utf8(protectedHeader) },
    cek,
    toArrayBuffer(concat(bytes(ciphertext), bytes(tag))),
  );
  return decodePayload<T>(new TextDecoder().decode(plaintext));
}
