import { describe, expect, it } from 'vitest';
import { Browser, issueCard, type Page } from '../support/activation-client';
import { USERNAME_LABEL, env, holder, openLogin, signIn, type OpenLogin } from '../support/login-client';
import { cardObject } from '../../functions/platform/objects';
import { unknownUsernameThrottle } from '../../functions/platform/username-throttle';
import { PBKDF2_ITERATIONS } from '../../functions/platform/password-hash';
import { fromBase64Url } from '../../functions/platform/encoding';
import { DUMMY_HASH } from '../../functions/platform/password-check';
import { LOCK_AFTER_FAILURES, NO_FAILURES, afterFailure, decideAttempt } from '../../functions/core/password-throttle';
import { newCitizen } from '../support/citizens';

const WRONG = 'Credenziali non valide: controlla il nome utente e la password e riprova.';

/** The moments at which `n` failures, made as fast as the schedule allows, end at about `end`. */
function failureTimes(n: number, start: number): number[] {
  let state = NO_FAILURES;
  let now = start;
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const d = decideAttempt(state, now);
    if (!d.allowed) now = d.retryAt;
    state = afterFailure(state, now);
    times.push(now);
  }
  return times;
}

/** Records `n` failures in the past (spaced as the schedule allows), so the next attempt is allowed now. */
async function pastFailures(record: (at: number) => Promise<unknown>, n: number) {
  for (const at of failureTimes(n, Date.now() - 2 * 3600_000)) await record(at);
}

const unknownName = () => newCitizen().fiscalCode;

/** The page with what the citizen typed taken out, to compare the answers for two usernames. */
/** The page as an observer compares it: the username blanked, and the QR code (new on every rendering, R-LOG-3) too. */
const withoutUsername = (page: Page, username: string) =>
  page.html
    .split(username)
    .join('«username»')
    .replace(/<div id="qr"[\s\S]*?<\/svg><\/div>/, '«qr»');

async function attempt(login: OpenLogin, username: string, password: string): Promise<Page> {
  return signIn(login, username, password);
}

describe('login: wrong passwords slow down, then lock (R-LOG-8)', () => {
  it('R-LOG-8: a wrong password and an unknown username get the same answer', async () => {
    const h = await holder();
    const login = await openLogin({ acr: 2 });
    const stranger = unknownName();
    const known = await attempt(login, h.citizen.fiscalCode, 'Sbagliata!99');
    const unknown = await attempt(login, stranger, 'Sbagliata!99');
    expect(known.status).toBe(400);
    expect(unknown.status).toBe(400);
    expect(known.alert).toBe(WRONG);
    expect(unknown.alert).toBe(WRONG);
    expect(withoutUsername(unknown, stranger)).toBe(withoutUsername(known, h.citizen.fiscalCode));
    expect(unknown.field(USERNAME_LABEL).value).toBe(stranger);
    expect(unknown.field('Password').value).toBe('');
  });

  it('R-LOG-8: a card without credentials answers like a wrong password, and counts the attempt', async () => {
    const card = await issueCard();
    const login = await openLogin({ acr: 2 });
    const page = await attempt(login, card.citizen.fiscalCode, 'Qualsiasi!1');
    expect(page.status).toBe(400);
    expect(page.alert).toBe(WRONG);
    expect((await cardObject(env, card.serial).passwordFailures()).failures).toBe(1);
  });

  it('R-LOG-8: an unknown username still costs a full PBKDF2 verification', () => {
    const [scheme, iterations, salt, hash] = DUMMY_HASH.split('$');
    expect(scheme).toBe('pbkdf2-sha256');
    expect(Number(iterations)).toBe(PBKDF2_ITERATIONS);
    expect(fromBase64Url(salt!).byteLength).toBe(16);
    expect(fromBase64Url(hash!).byteLength).toBe(32);
  });

  it('R-LOG-8: three quick failures are free, the fourth must wait — the same for an unknown username', async () => {
    const h = await holder();
    const stranger = unknownName();
    for (const username of [h.citizen.fiscalCode, stranger]) {
      const login = await openLogin({ acr: 2 });
      for (let i = 0; i < 3; i++) expect((await attempt(login, username, `Sbagliata!${i}`)).status).toBe(400);
      const slowed = await attempt(login, username, 'Sbagliata!3');
      expect(slowed.status).toBe(429);
      expect(slowed.alert).toMatch(/^Troppi tentativi\. Riprova tra [12] second[io]\.$/);
      expect(Number(slowed.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
    }
    // Refused by the slow-down even with the right password, and not counted.
    const login = await openLogin({ acr: 2 });
    const right = await attempt(login, h.citizen.fiscalCode, h.password);
    expect(right.status).toBe(429);
    expect((await cardObject(env, h.serial).passwordFailures()).failures).toBe(3);
  });

  it('R-LOG-8: the pause doubles with each further failure', async () => {
    const h = await holder();
    const card = cardObject(env, h.serial);
    await pastFailures((at) => card.recordPasswordFailure(at), 4);
    const login = await openLogin({ acr: 2 });
    expect((await attempt(login, h.serial, 'Sbagliata!5')).status).toBe(400);
    const slowed = await attempt(login, h.serial, 'Sbagliata!6');
    expect(slowed.status).toBe(429);
    expect(slowed.alert).toMatch(/^Troppi tentativi\. Riprova tra [78] secondi\.$/);
    expect((await card.passwordFailures()).failures).toBe(5);
  });

  it('R-LOG-8: the tenth failure locks the identity for 30 minutes, whichever username is used', async () => {
    const h = await holder();
    const card = cardObject(env, h.serial);
    await pastFailures((at) => card.recordPasswordFailure(at), LOCK_AFTER_FAILURES - 1);
    const login = await openLogin({ acr: 2 });
    const tenth = await attempt(login, h.citizen.fiscalCode, 'Sbagliata!10');
    expect(tenth.status).toBe(429);
    expect(tenth.alert).toBe('Troppi tentativi. Riprova tra 30 minuti.');
    for (const username of [h.citizen.fiscalCode, h.serial, h.serial.toLowerCase()]) {
      const locked = await attempt(login, username, h.password);
      expect(locked.status).toBe(429);
      expect(locked.alert).toBe('Troppi tentativi. Riprova tra 30 minuti.');
    }
    const state = await card.passwordFailures();
    expect(state.failures).toBe(LOCK_AFTER_FAILURES);
    expect(state.lockedUntil).toBeGreaterThan(Date.now() + 29 * 60_000);
  });

  it('R-LOG-8: an unknown username locks the same way, so the lock reveals nothing', async () => {
    const stranger = unknownName();
    const throttle = await unknownUsernameThrottle(env, env.DATA_KEY!, stranger);
    await pastFailures((at) => throttle.recordFailure(at), LOCK_AFTER_FAILURES - 1);
    const login = await openLogin({ acr: 2 });
    const tenth = await attempt(login, stranger.toLowerCase(), 'Sbagliata!10');
    expect(tenth.status).toBe(429);
    expect(tenth.alert).toBe('Troppi tentativi. Riprova tra 30 minuti.');
    expect((await attempt(login, stranger, 'Qualsiasi!1')).alert).toBe('Troppi tentativi. Riprova tra 30 minuti.');
  });

  it('R-LOG-8: a right password resets the counter', async () => {
    const h = await holder();
    const login = await openLogin({ acr: 1 });
    await attempt(login, h.serial, 'Sbagliata!1');
    await attempt(login, h.serial, 'Sbagliata!2');
    expect((await cardObject(env, h.serial).passwordFailures()).failures).toBe(2);
    const ok = await attempt(login, h.serial, h.password);
    expect(ok.text).toContain('I seguenti dati stanno per essere inviati a');
    expect((await cardObject(env, h.serial).passwordFailures()).failures).toBe(0);
  });

  it('R-LOG-8: 50 concurrent wrong passwords on one identity record one failure past nine, and the lock holds', async () => {
    const h = await holder();
    const card = cardObject(env, h.serial);
    await pastFailures((at) => card.recordPasswordFailure(at), LOCK_AFTER_FAILURES - 1);
    const login = await openLogin({ acr: 2 });
    const csrf = login.page.csrf;
    const pages = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        login.browser.post(`/login/${login.flowId}/credenziali`, new URLSearchParams({ csrf, username: h.citizen.fiscalCode, password: `Sbagliata!${i}` })),
      ),
    );
    expect(pages.every((p) => p.status === 429)).toBe(true);
    expect((await card.passwordFailures()).failures).toBe(LOCK_AFTER_FAILURES);
    const right = await attempt(login, h.citizen.fiscalCode, h.password);
    expect(right.status).toBe(429);
    expect(right.alert).toBe('Troppi tentativi. Riprova tra 30 minuti.');
  });

  it('R-LOG-8: 50 concurrent wrong passwords from scratch count no more failures than the schedule allows', async () => {
    const h = await holder();
    const login = await openLogin({ acr: 2 }, new Browser());
    const csrf = login.page.csrf;
    const started = Date.now();
    const pages = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        login.browser.post(`/login/${login.flowId}/credenziali`, new URLSearchParams({ csrf, username: h.serial, password: `Sbagliata!${i}` })),
      ),
    );
    const elapsed = Date.now() - started;
    const counted = pages.filter((p) => p.status === 400).length;
    const failures = (await cardObject(env, h.serial).passwordFailures()).failures;
    const allowed = failureTimes(LOCK_AFTER_FAILURES, 0).filter((t) => t <= elapsed).length;
    expect(failures).toBe(counted);
    expect(failures).toBeGreaterThanOrEqual(3);
    expect(failures).toBeLessThanOrEqual(allowed);
    expect(pages.filter((p) => p.status === 429).length).toBe(50 - counted);
  });
});
