import { describe, expect, it } from 'vitest';
import { PBKDF2_ITERATIONS, hashPassword, verifyPassword } from '../../../functions/platform/password-hash';
import { toBase64Url } from '../../../functions/platform/encoding';

const pepper = () => toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
const PASSWORD = 'Corretto1!cav';

describe('platform/password-hash: PBKDF2 with salt and pepper (R-ACT-5, DESIGN)', () => {
  it('DESIGN: PBKDF2_ITERATIONS is at most 100,000 (deployed Workers refuse more; local workerd does not)', () => {
    expect(PBKDF2_ITERATIONS).toBeLessThanOrEqual(100_000);
    expect(PBKDF2_ITERATIONS).toBeGreaterThanOrEqual(10_000);
  });

  it('DESIGN: the stored hash records at most 100,000 iterations', async () => {
    const stored = await hashPassword(pepper(), PASSWORD);
    const [scheme, iterations, salt, hash] = stored.split('$');
    expect(scheme).toBe('pbkdf2-sha256');
    expect(Number(iterations)).toBe(PBKDF2_ITERATIONS);
    expect(Number(iterations)).toBeLessThanOrEqual(100_000);
    expect(salt).toMatch(/^[A-Za-z0-9_-]{22}$/); // 16 bytes
    expect(hash).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits
    expect(stored).not.toContain(PASSWORD);
  });

  it('R-ACT-5: the right password verifies', async () => {
    const p = pepper();
    expect(await verifyPassword(p, PASSWORD, await hashPassword(p, PASSWORD))).toBe(true);
  });

  it('R-ACT-5: a wrong password does not verify', async () => {
    const p = pepper();
    const stored = await hashPassword(p, PASSWORD);
    expect(await verifyPassword(p, 'Corretto1!caw', stored)).toBe(false);
    expect(await verifyPassword(p, 'corretto1!cav', stored)).toBe(false);
    expect(await verifyPassword(p, '', stored)).toBe(false);
  });

  it('DESIGN: the right password with another pepper does not verify', async () => {
    const stored = await hashPassword(pepper(), PASSWORD);
    expect(await verifyPassword(pepper(), PASSWORD, stored)).toBe(false);
  });

  it('DESIGN: each hash has its own salt', async () => {
    const p = pepper();
    expect(await hashPassword(p, PASSWORD)).not.toBe(await hashPassword(p, PASSWORD));
  });

  it('R-ACT-5: the composed and the decomposed spelling of a password are the same password', async () => {
    const p = pepper();
    const stored = await hashPassword(p, 'Perché1!abc');
    expect(await verifyPassword(p, 'Perche\u03011!abc', stored)).toBe(true);
  });

  it('DESIGN: a stored hash claiming more than 100,000 iterations is refused without being computed', async () => {
    const p = pepper();
    const [, , salt, hash] = (await hashPassword(p, PASSWORD)).split('$');
    for (const iterations of [100_001, 1_000_000, 9_999_999]) {
      expect(await verifyPassword(p, PASSWORD, `pbkdf2-sha256$${iterations}$${salt}$${hash}`)).toBe(false);
    }
  });

  it('DESIGN: a stored hash with fewer iterations than it claims does not verify', async () => {
    const p = pepper();
    const [, , salt, hash] = (await hashPassword(p, PASSWORD)).split('$');
    expect(await verifyPassword(p, PASSWORD, `pbkdf2-sha256$99999$${salt}$${hash}`)).toBe(false);
  });

  it('DESIGN: malformed stored hashes are a refusal, never an exception', async () => {
    const p = pepper();
    const [, , salt, hash] = (await hashPassword(p, PASSWORD)).split('$') as [string, string, string, string];
    for (const stored of [
      '',
      'plain-text',
      `pbkdf2-sha256$0$${salt}$${hash}`,
      `pbkdf2-sha256$-5$${salt}$${hash}`,
      `pbkdf2-sha256$1e5$${salt}$${hash}`,
      `pbkdf2-sha256$100000.0$${salt}$${hash}`,
      `pbkdf2-sha256$$${salt}$${hash}`,
      `pbkdf2-sha256$100000$!!!!$${hash}`,
      `pbkdf2-sha256$100000$A$${hash}`,
      `pbkdf2-sha256$100000$${salt}$`,
      `pbkdf2-sha256$100000$${salt}$${hash}$extra`,
      `pbkdf2-sha512$100000$${salt}$${hash}`,
      `argon2id$100000$${salt}$${hash}`,
    ]) {
      await expect(verifyPassword(p, PASSWORD, stored), stored).resolves.toBe(false);
    }
  });
});
