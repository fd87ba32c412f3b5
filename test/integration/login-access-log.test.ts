import { describe, expect, it } from 'vitest';
import { latestCode } from '../support/activation-client';
import { cardSql } from '../support/activation-state';
import { OTP_LABEL, accessLog, env, holder, openLogin, rpRedirect, signIn } from '../support/login-client';
import { cardObject } from '../../functions/platform/objects';
import { LOCK_AFTER_FAILURES } from '../../functions/core/password-throttle';
import { hashPassword } from '../../functions/platform/password-hash';

const RP = { clientName: 'INPS' };

describe('login access log (R-LOG-9)', () => {
  it('R-LOG-9: a granted level 2 login is logged with time, service, level, method and outcome', async () => {
    const h = await holder();
    const before = Date.now();
    const login = await openLogin({ acr: 2, ...RP });
    const otp = await signIn(login, h.citizen.fiscalCode, h.password);
    const consent = await login.browser.submit(otp, 'Prosegui', { [OTP_LABEL]: await latestCode(h.citizen.phone) });
    rpRedirect(await login.browser.submit(consent, 'Prosegui'));
    const log = await accessLog(h.serial);
    expect(log).toHaveLength(1);
    expect(log[0]).toEqual({ at: expect.any(Number), rp: login.request.clientId, rpName: 'INPS', level: 2, method: 'sms', outcome: 'granted' });
    expect(log[0]!.at).toBeGreaterThanOrEqual(before);
  });

  it('R-LOG-9, R-ACC-2: a login the Card refuses at consent (the password changed meanwhile) is logged as refused, not granted', async () => {
    const h = await holder();
    const login = await openLogin({ acr: 1, ...RP });
    const consent = await signIn(login, h.citizen.fiscalCode, h.password);
    await cardObject(env, h.serial).setPassword(await hashPassword(env.PEPPER!, 'Girasole#2025y'));
    expect(rpRedirect(await login.browser.submit(consent, 'Prosegui')).get('error')).toBe('access_denied');
    const log = await accessLog(h.serial);
    expect(log.map((e) => [e.outcome, e.reason, e.method, e.level, e.rp])).toEqual([
      ['card_refused', 'credentials_changed', 'password', 1, login.request.clientId],
    ]);
  });

  it('R-LOG-9: wrong password, wrong code and cancellation are each logged', async () => {
    const h = await holder();
    const login = await openLogin({ acr: 2, ...RP });
    let page = await signIn(login, h.serial, 'Sbagliata!1');
    page = await signIn(login, h.serial, h.password, page);
    const code = await latestCode(h.citizen.phone);
    page = await login.browser.submit(page, 'Prosegui', { [OTP_LABEL]: String((Number(code) + 1) % 10_000).padStart(4, '0') });
    expect(page.status).toBe(400);
    rpRedirect(await login.browser.submit(page, 'Annulla'));
    const outcomes = (await accessLog(h.serial)).map((e) => [e.outcome, e.method, e.level, e.rp]).reverse();
    expect(outcomes).toEqual([
      ['wrong_password', 'password', 2, login.request.clientId],
      ['wrong_otp', 'sms', 2, login.request.clientId],
      ['cancelled', 'sms', 2, login.request.clientId],
    ]);
  });

  it('R-LOG-9: a level 1 login and a cancelled consent are logged with the password method', async () => {
    const h = await holder();
    for (const button of ['Prosegui', 'Annulla']) {
      const login = await openLogin({ acr: 1, ...RP });
      const consent = await signIn(login, h.citizen.fiscalCode, h.password);
      rpRedirect(await login.browser.submit(consent, button));
    }
    const log = (await accessLog(h.serial)).reverse();
    expect(log.map((e) => [e.outcome, e.method, e.level])).toEqual([
      ['granted', 'password', 1],
      ['cancelled', 'password', 1],
    ]);
  });

  it('R-LOG-9: attempts refused by the lock, exhausted codes and refused cards are logged', async () => {
    const h = await holder();
    const card = cardObject(env, h.serial);

    const otpLogin = await openLogin({ acr: 2, ...RP });
    let page = await signIn(otpLogin, h.citizen.fiscalCode, h.password);
    const wrong = String((Number(await latestCode(h.citizen.phone)) + 1) % 10_000).padStart(4, '0');
    for (let i = 0; i < 5; i++) page = await otpLogin.browser.submit(page, 'Prosegui', { [OTP_LABEL]: wrong });
    expect(page.status).toBe(410);

    await cardSql(h.serial, `UPDATE card SET status = 'blocked'`);
    const refused = await openLogin({ acr: 1, ...RP });
    expect((await signIn(refused, h.citizen.fiscalCode, h.password)).status).toBe(403);

    const t0 = Date.now() - 3600_000;
    for (let i = 0; i < LOCK_AFTER_FAILURES; i++) await card.recordPasswordFailure(t0 + i * 300_000);
    const locked = await openLogin({ acr: 1, ...RP });
    expect((await signIn(locked, h.citizen.fiscalCode, h.password)).status).toBe(429);

    const outcomes = (await accessLog(h.serial)).map((e) => e.outcome).reverse();
    expect(outcomes).toEqual(['wrong_otp', 'wrong_otp', 'wrong_otp', 'wrong_otp', 'otp_attempts_exhausted', 'card_refused', 'throttled']);
  });
});
