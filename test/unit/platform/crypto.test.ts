import { afterEach, describe, expect, it, vi } from 'vitest';
import { constantTimeEqual, decryptSecret, encryptSecret, keyedHash, randomDigits, randomId, randomInt } from '../../../functions/platform/crypto';
import { toBase64Url } from '../../../functions/platform/encoding';

const freshSecret = () => toBase64Url(crypto.getRandomValues(new Uint8Array(32)));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('platform/crypto: secrets compared in constant time (DESIGN, R-OTP-1)', () => {
  it('R-OTP-1: equal secrets compare equal', async () => {
    expect(await constantTimeEqual('1234', '1234')).toBe(true);
    expect(await constantTimeEqual('', '')).toBe(true);
    expect(await constantTimeEqual('città€😀', 'città€😀')).toBe(true);
  });

  it('R-OTP-1: different secrets, including prefixes and case variants, compare unequal', async () => {
    expect(await constantTimeEqual('1234', '1235')).toBe(false);
    expect(await constantTimeEqual('1234', '12345')).toBe(false);
    expect(await constantTimeEqual('12345', '1234')).toBe(false);
    expect(await constantTimeEqual('', '0')).toBe(false);
    expect(await constantTimeEqual('token', 'TOKEN')).toBe(false);
  });
});

describe('platform/crypto: randomInt (R-ACT-2, R-OTP-1, R-CARD-1)', () => {
  it('R-OTP-1: bad bounds are refused', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 32 + 1]) {
      expect(() => randomInt(bad), String(bad)).toThrow(RangeError);
    }
  });

  it('R-OTP-1: draws stay within [0, n) for small and huge bounds', () => {
    for (let i = 0; i < 200; i++) expect(randomInt(1)).toBe(0);
    for (const n of [2, 3, 7, 10, 26, 1000, 2 ** 31 + 1, 2 ** 32]) {
      for (let i = 0; i < 200; i++) {
        const v = randomInt(n);
        expect(Number.isInteger(v) && v >= 0 && v < n, `${v} for ${n}`).toBe(true);
      }
    }
  });

  it('R-OTP-1: words at or above the largest multiple of n are rejected and redrawn, so no digit is favoured', () => {
    const limit = Math.floor(2 ** 32 / 10) * 10; // 4294967290
    const words = [2 ** 32 - 1, limit, limit - 1];
    const spy = vi.spyOn(crypto, 'getRandomValues').mockImplementation(<T extends ArrayBufferView | null>(array: T): T => {
      (array as unknown as Uint32Array)[0] = words.shift()!;
      return array;
    });
    expect(randomInt(10)).toBe((limit - 1) % 10);
    expect(spy).toHaveBeenCalledTimes(3);
  });

  it('R-OTP-1: a word just under the limit is used at once', () => {
    const spy = vi.spyOn(crypto, 'getRandomValues').mockImplementation(<T extends ArrayBufferView | null>(array: T): T => {
      (array as unknown as Uint32Array)[0] = 0;
      return array;
    });
    expect(randomInt(7)).toBe(0);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('R-OTP-1: every value of a small bound comes up about equally often', () => {
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[randomInt(3)]! += 1;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(1_000);
  });

  it('R-CARD-6: PIN and PUK digits are 8 decimal digits', () => {
    for (let i = 0; i < 100; i++) expect(randomDigits(8)).toMatch(/^[0-9]{8}$/);
    expect(randomDigits(0)).toBe('');
  });

  it('R-ACT-8: flow ids are 32 random bytes in base64url and never repeat', () => {
    const ids = new Set(Array.from({ length: 500 }, () => randomId()));
    expect(ids.size).toBe(500);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomId(16)).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});

describe('platform/crypto: keyed hashes and sealed secrets (R-OTP-1, R-CARD-6)', () => {
  it('R-OTP-1: a keyed hash is stable for one key and purpose, and differs across keys and purposes', async () => {
    const k = freshSecret();
    const h = await keyedHash(k, 'otp', 'flow:1234');
    expect(h).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await keyedHash(k, 'otp', 'flow:1234')).toBe(h);
    expect(await keyedHash(k, 'otp', 'flow:1235')).not.toBe(h);
    expect(await keyedHash(k, 'registry-token', 'flow:1234')).not.toBe(h);
    expect(await keyedHash(freshSecret(), 'otp', 'flow:1234')).not.toBe(h);
  });

  it('R-CARD-6: a sealed PIN opens with the same key and context', async () => {
    const k = freshSecret();
    const sealed = await encryptSecret(k, '12345678', 'pin:CA00000AA');
    expect(sealed).not.toContain('12345678');
    expect(sealed).toMatch(/^[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(await decryptSecret(k, sealed, 'pin:CA00000AA')).toBe('12345678');
  });

  it('R-CARD-6: sealing twice gives two different ciphertexts (fresh IV)', async () => {
    const k = freshSecret();
    const a = await encryptSecret(k, '12345678', 'pin:CA00000AA');
    const b = await encryptSecret(k, '12345678', 'pin:CA00000AA');
    expect(a).not.toBe(b);
  });

  it('R-CARD-6: a ciphertext moved to another record (another context) does not open', async () => {
    const k = freshSecret();
    const sealed = await encryptSecret(k, '12345678', 'pin:CA00000AA');
    await expect(decryptSecret(k, sealed, 'pin:CA00000AB')).rejects.toThrow();
    await expect(decryptSecret(k, sealed, 'puk:CA00000AA')).rejects.toThrow();
  });

  it('R-CARD-6: another key, a tampered or a malformed ciphertext does not open', async () => {
    const k = freshSecret();
    const sealed = await encryptSecret(k, '12345678', 'pin:CA00000AA');
    await expect(decryptSecret(freshSecret(), sealed, 'pin:CA00000AA')).rejects.toThrow();
    const [iv, ct] = sealed.split('.') as [string, string];
    const flipped = `${iv}.${ct.slice(0, -2)}${ct.at(-2) === 'A' ? 'B' : 'A'}${ct.at(-1)}`;
    await expect(decryptSecret(k, flipped, 'pin:CA00000AA')).rejects.toThrow();
    await expect(decryptSecret(k, 'no-dot', 'pin:CA00000AA')).rejects.toThrow();
    await expect(decryptSecret(k, `.${ct}`, 'pin:CA00000AA')).rejects.toThrow();
  });

  it('DESIGN purpose-bound subkeys: an HMAC key and the AES key of one purpose do not shadow each other', async () => {
    const k = freshSecret();
    // Deriving the HMAC subkey first used to cache it where the AES subkey was looked up.
    const h = await keyedHash(k, 'secrets-at-rest', 'x');
    const sealed = await encryptSecret(k, '87654321', 'puk:CA00000AA');
    expect(await decryptSecret(k, sealed, 'puk:CA00000AA')).toBe('87654321');
    expect(await keyedHash(k, 'secrets-at-rest', 'x')).toBe(h);
    // And the other way round, with a key never seen before.
    const k2 = freshSecret();
    const sealed2 = await encryptSecret(k2, '87654321', 'puk:CA00000AA');
    expect(await keyedHash(k2, 'secrets-at-rest', 'x')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await decryptSecret(k2, sealed2, 'puk:CA00000AA')).toBe('87654321');
  });
});
