import { check } from 'k6';
import type { Options } from 'k6/options';
import { exportP256Jwk } from '../lib/ec-key.ts';

/**
 * A self-check of lib/ec-key.ts inside k6's own WebCrypto (the runtime whose export it corrects):
 * enough keys that a short coordinate turns up many times over (about one key in 140 has one), every
 * exported member 43 base64url characters, and each exported private key still signs what its
 * public key verifies. Run by test/e2e/load-keys.test.ts; fails through the threshold.
 */
export const options: Options = {
  iterations: 1,
  vus: 1,
  thresholds: { checks: ['rate==1'] },
};

const KEYS = Number(__ENV.KEYS ?? 2000);
const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const FULL = /^[A-Za-z0-9_-]{43}$/;

export default async function (): Promise<void> {
  let shortBefore = 0;
  let fullAfter = 0;
  let roundTrips = 0;
  for (let i = 0; i < KEYS; i++) {
    const pair = (await crypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
    const raw = (await crypto.subtle.exportKey('jwk', pair.privateKey)) as JsonWebKey;
    const jwk = await exportP256Jwk(pair.privateKey);
    const wasShort = ![raw.x, raw.y, raw.d].every((m) => FULL.test(m ?? ''));
    if (wasShort) shortBefore++;
    if ([jwk.x, jwk.y, jwk.d].every((m) => FULL.test(m ?? ''))) fullAfter++;
    if (wasShort) {
      // The padded key is the same key: what it signs, the generated public key verifies.
      const signer = await crypto.subtle.importKey('jwk', jwk, EC, false, ['sign']);
      const data = new Uint8Array([i & 0xff, 1, 2, 3]);
      const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, signer, data);
      if (await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, pair.publicKey, signature, data)) roundTrips++;
    }
  }
  console.log(JSON.stringify({ keys: KEYS, shortBefore, fullAfter, roundTrips }));
  check(null, {
    'k6 exported some short members (the case is exercised)': () => shortBefore > 0,
    'every member is 32 bytes after export': () => fullAfter === KEYS,
    'every padded key signs what its public key verifies': () => roundTrips === shortBefore,
  });
}
