import { createHmac, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * Our password hash (functions/platform/password-hash.ts) with Node's crypto, for the oidc-provider
 * the side-by-side benchmark compares us with: HMAC-SHA256 with the pepper, then PBKDF2-SHA256 over
 * a 16-byte salt, 100,000 iterations, 32 bytes. Node's async pbkdf2 runs in libuv's thread pool,
 * so the event loop keeps serving while a hash is computed, as workerd does with WebCrypto.
 * Run directly (`node node-password-hash.mjs 20`), it prints the median CPU milliseconds of that
 * many verifications: the hash's cost on the core it runs on.
 */
export const PBKDF2_ITERATIONS = 100_000;
const stretch = promisify(pbkdf2);

const peppered = (pepper, password) => createHmac('sha256', Buffer.from(pepper, 'base64url')).update(password.normalize('NFC')).digest();

export async function hashPassword(pepper, password) {
  const salt = randomBytes(16);
  const hash = await stretch(peppered(pepper, password), salt, PBKDF2_ITERATIONS, 32, 'sha256');
  return { salt, hash };
}

/** Always one full PBKDF2, also for an unknown user (`stored` null), so timing says nothing. */
export async function verifyPassword(pepper, password, stored) {
  const salt = stored?.salt ?? Buffer.alloc(16);
  const candidate = await stretch(peppered(pepper, password), salt, PBKDF2_ITERATIONS, 32, 'sha256');
  return timingSafeEqual(candidate, stored?.hash ?? Buffer.alloc(32)) && stored !== null;
}

/**
 * Median CPU milliseconds (user + system, every thread of this process) of `samples` sequential
 * verifications: CPU time, not wall time, since it is subtracted from CPU per flow, and a busy
 * machine stretches the wall time of a hash but not its CPU time.
 */
export async function medianVerifyMs(samples = 20) {
  const pepper = randomBytes(32).toString('base64url');
  const stored = await hashPassword(pepper, 'Girasole#2024x');
  const times = [];
  for (let i = 0; i < samples; i++) {
    const start = process.cpuUsage();
    await verifyPassword(pepper, 'Girasole#2024x', stored);
    const { user, system } = process.cpuUsage(start);
    times.push((user + system) / 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(samples / 2)];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log((await medianVerifyMs(Number(process.argv[2] ?? 20))).toFixed(2));
}
