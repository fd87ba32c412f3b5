import { describe, expect, it } from 'vitest';
import { WRONG_CURRENT_PASSWORD } from '../../functions/core/area-revocation';
import { GRANTS_PER_IDENTITY_MAX } from '../../functions/core/identity-grants';
import { WRONG_CREDENTIALS } from '../../functions/core/login-messages';
import { noticeText } from '../../functions/core/notices';
import { directoryFor } from '../../functions/platform/directory';
import { cardObject } from '../../functions/platform/objects';
import { hashPassword } from '../../functions/platform/password-hash';
import { Browser, GOOD_PASSWORD, latestCode, walkTo } from '../support/activation-client';
import { OTP_LABEL, PASSWORD, USERNAME_LABEL, accessLog, env, holder, openLogin, rpRedirect, signIn } from '../support/login-client';
import { tokensFor } from '../support/oidc-login';
import { TestRp } from '../support/rp';
import {
  CURRENT_PASSWORD,
  OFFLINE,
  REVOKE_BUTTON,
  inArea,
  introspect,
  noticeTo,
  refreshAnswer,
  revokeInArea,
  userinfoStatus,
} from '../support/area-revocation';

/**
 * "Revoca livello 1 e livello 2" (R-ACC-4, issue 13 §2) through the Worker: the personal area's pages,
 * then what every relying party holding a token of the identity sees, and what the next login sees.
 */

describe('Revoca livello 1 e livello 2: every token of the identity ends (R-ACC-4)', () => {
  it('R-ACC-4: tokens of two RPs — introspection false, refresh invalid_grant, userinfo refused — and the area session is over', async () => {
    const h = await holder();
    const [inps, comune] = await Promise.all([TestRp.create({ clientName: 'INPS' }), TestRp.create({ clientName: 'Comune di Prato' })]);
    const a = (await tokensFor(inps, { card: h, overrides: OFFLINE })).tokens;
    const b = (await tokensFor(comune, { card: h, overrides: OFFLINE })).tokens;
    // Before: both live (and a refresh of one keeps it listed on the Card).
    const refreshed = await refreshAnswer(comune, b.refresh_token!);
    expect(refreshed.status).toBe(200);
    expect(await introspect(inps, a.access_token)).toBe(true);

    const browser = await inArea(h);
    const confirm = await browser.open('/area-personale/revoca');
    expect(confirm.heading).toBe(REVOKE_BUTTON);
    expect(confirm.text).toContain('gli accessi di livello 1 e 2 non funzioneranno più');
    expect(confirm.text).toContain('verrai disconnesso da tutti i servizi');
    expect(confirm.text).toContain('dovrai fare una nuova attivazione');
    const done = await browser.submit(confirm, REVOKE_BUTTON, { [CURRENT_PASSWORD]: h.password });
    expect(done.status).toBe(200);
    expect(done.heading).toBe('Credenziali revocate');
    expect(done.text).toContain('Sei stato disconnesso da tutti i servizi e dall’area personale');

    for (const [rp, t] of [
      [inps, a],
      [comune, { access_token: refreshed.access_token!, refresh_token: refreshed.refresh_token! }],
    ] as const) {
      expect(await introspect(rp, t.access_token)).toBe(false);
      expect(await introspect(rp, t.refresh_token!)).toBe(false);
      expect(await userinfoStatus(t.access_token)).toBe(401);
      expect(await refreshAnswer(rp, t.refresh_token!)).toMatchObject({ status: 400, error: 'invalid_grant' });
    }
    // The area session ended with the rest: its cookie is cleared.
    expect(browser.cookies.size).toBe(0);
    const view = await cardObject(env, h.serial).view();
    expect(view?.credentials).toBeNull();
    expect(view?.credentialsRevokedAt).toEqual(expect.any(Number));
    expect(await noticeTo(h.citizen.phone, 'sono state revocate')).toBe(noticeText({ kind: 'credentials_revoked' }));
  });

  it('R-ACC-4: the session that revoked, kept by its browser, no longer opens the area', async () => {
    const h = await holder();
    const browser = await inArea(h);
    const cookie = browser.cookieHeader();
    expect((await revokeInArea(browser, h.password)).heading).toBe('Credenziali revocate');
    const res = await browser.fetch('/area-personale/revoca', { headers: { Cookie: cookie } });
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/area-personale');
  });

  it('R-ACC-4, R-LOG-8: a wrong current password revokes nothing, says so, and counts as a failed password', async () => {
    const h = await holder();
    const rp = await TestRp.create({ clientName: 'Agenzia delle Entrate' });
    const { tokens } = await tokensFor(rp, { card: h, overrides: OFFLINE });
    const browser = await inArea(h);
    const refused = await revokeInArea(browser, 'Sbagliata!123');
    expect(refused.status).toBe(400);
    expect(refused.text).toContain(WRONG_CURRENT_PASSWORD);
    expect(refused.heading).toBe(REVOKE_BUTTON);
    const empty = await browser.submit(refused, REVOKE_BUTTON, {});
    expect(empty.status).toBe(400);
    expect((await cardObject(env, h.serial).passwordFailures()).failures).toBe(1);
    expect((await cardObject(env, h.serial).view())?.credentials).not.toBeNull();
    expect(await introspect(rp, tokens.refresh_token!)).toBe(true);
  });

  it('R-LOG-8: the current password is throttled like a login: after the free failures, "Troppi tentativi" (429)', async () => {
    const h = await holder();
    const browser = await inArea(h);
    let last = await revokeInArea(browser, 'Sbagliata!123');
    for (let i = 0; i < 4 && last.status !== 429; i++) last = await browser.submit(last, REVOKE_BUTTON, { [CURRENT_PASSWORD]: 'Sbagliata!123' });
    expect(last.status).toBe(429);
    expect(last.text).toContain('Troppi tentativi');
    // Even the right password waits now: the counter is the identity's, shared with the login.
    const right = await browser.submit(last, REVOKE_BUTTON, { [CURRENT_PASSWORD]: h.password });
    expect(right.status).toBe(429);
    expect((await cardObject(env, h.serial).view())?.credentials).not.toBeNull();
  });

  it("R-ACC-4: without the session's CSRF token, or from another site, nothing is revoked (403)", async () => {
    const h = await holder();
    const browser = await inArea(h);
    const confirm = await browser.open('/area-personale/revoca');
    const forged = await browser.submit(confirm, REVOKE_BUTTON, { [CURRENT_PASSWORD]: h.password }, { raw: { csrf: 'x'.repeat(43) } });
    expect(forged.status).toBe(403);
    const foreign = await browser.submit(confirm, REVOKE_BUTTON, { [CURRENT_PASSWORD]: h.password }, { headers: { Origin: 'https://attacker.example' } });
    expect(foreign.status).toBe(403);
    const huge = await browser.submit(confirm, REVOKE_BUTTON, { [CURRENT_PASSWORD]: 'x'.repeat(200_000) });
    expect(huge.status).toBeGreaterThanOrEqual(400);
    expect(huge.status).toBeLessThan(500);
    expect((await cardObject(env, h.serial).view())?.credentials).not.toBeNull();
  });

  it('R-ACC-4: without an area session there is no confirmation page and no revocation', async () => {
    const res = await new Browser().fetch('/area-personale/revoca');
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/area-personale');
  });
});

describe('after the revocation: logins, usernames, a new activation (R-ACC-4, R-ACT-9, R-LOG-9)', () => {
  it('R-ACC-4, R-LOG-9: the login is refused as any wrong password (no page says the credentials are revoked), and the access log says why', async () => {
    const h = await holder();
    await revokeInArea(await inArea(h), h.password);
    const login = await openLogin({ clientName: 'Comune di Siena' });
    const refused = await signIn(login, h.citizen.fiscalCode, h.password);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain(WRONG_CREDENTIALS);
    expect((await accessLog(h.serial))[0]).toMatchObject({ rpName: 'Comune di Siena', outcome: 'wrong_password', reason: 'credentials_revoked' });
  });

  it('R-ACC-4: the verified email is no username any more; codice fiscale and serial still name the card', async () => {
    const h = await holder();
    const email = `revoca-${h.serial.toLowerCase()}@example.it`;
    const directory = directoryFor(env);
    expect(await directory.claimEmail(email, h.citizen.fiscalCode)).toBe(true);
    await cardObject(env, h.serial).activate({ passwordHash: await hashPassword(env.PEPPER!, PASSWORD), mode: 'sms', verifiedEmail: email });
    expect(await directory.resolveUsername(email)).toBe(h.serial);
    expect((await revokeInArea(await inArea(h), h.password)).heading).toBe('Credenziali revocate');
    expect(await directory.resolveUsername(email)).toBeNull();
    expect(await directory.resolveUsername(h.citizen.fiscalCode)).toBe(h.serial);
    expect(await directory.resolveUsername(h.serial)).toBe(h.serial);
    // With the email gone, the notice goes to the phone.
    expect(await noticeTo(h.citizen.phone, 'sono state revocate')).not.toBeNull();
  });

  it('R-ACT-9: a new activation through its pages restores the credentials (the email username too) and clears the mark; the login works again', async () => {
    const h = await holder();
    await revokeInArea(await inArea(h), h.password);
    expect((await cardObject(env, h.serial).view())?.credentialsRevokedAt).toEqual(expect.any(Number));
    const email = `riattiva-${h.serial.toLowerCase()}@example.it`;
    const { page } = await walkTo(h, 'riepilogo', { email, password: GOOD_PASSWORD });
    expect(page.heading).toBe('Credenziali attivate');
    const view = await cardObject(env, h.serial).view();
    expect(view?.credentialsRevokedAt).toBeNull();
    expect(view?.credentials?.verifiedEmail).toBe(email);
    const login = await openLogin({ clientName: 'Comune di Lucca' });
    const otp = await signIn(login, email, GOOD_PASSWORD);
    const consent = await login.browser.submit(otp, 'Prosegui', { [OTP_LABEL]: await latestCode(h.citizen.phone) });
    expect(rpRedirect(await login.browser.submit(consent, 'Prosegui')).get('code')).toBeTruthy();
  });

  it('R-ACC-4: a login whose password was typed before the revocation gets no code after it (access_denied)', async () => {
    const h = await holder();
    const login = await openLogin({ clientName: 'Comune di Pisa' });
    const otp = await login.browser.submit(login.page, 'Procedi', { [USERNAME_LABEL]: h.citizen.fiscalCode, Password: h.password });
    const consent = await login.browser.submit(otp, 'Prosegui', { [OTP_LABEL]: await latestCode(h.citizen.phone) });
    expect(consent.text).toContain('I seguenti dati stanno per essere inviati a: Comune di Pisa');
    await revokeInArea(await inArea(h), h.password);
    expect(rpRedirect(await login.browser.submit(consent, 'Prosegui')).get('error')).toBe('access_denied');
  });

  it("R-ACC-4: a revocation that stopped after the Card's call ends the sessions when posted again, with no password left to ask", async () => {
    const h = await holder();
    const rp = await TestRp.create({ clientName: 'Comune di Arezzo' });
    const { tokens } = await tokensFor(rp, { card: h, overrides: OFFLINE });
    // The first try: the credentials went, then (say) the directory was unreachable and the rest did not happen.
    expect(await cardObject(env, h.serial).revokeCredentials()).toEqual({ verifiedEmail: null });
    expect(await introspect(rp, tokens.refresh_token!)).toBe(true);
    const browser = await inArea(h);
    const page = await browser.open('/area-personale/revoca');
    expect(page.text).toContain('non sono attive');
    const again = await browser.post('/area-personale/revoca', new URLSearchParams({ csrf: /name="csrf" value="([^"]+)"/.exec(page.html)![1]! }));
    expect(again.status).toBe(200);
    expect(again.heading).toBe('Credenziali revocate');
    expect(await introspect(rp, tokens.refresh_token!)).toBe(false);
  });

  it('R-ACC-4: nothing left to revoke → the page says so and offers the activation', async () => {
    const h = await holder();
    const browser = await inArea(h);
    await revokeInArea(browser, h.password);
    const page = await (await inArea(h)).open('/area-personale/revoca');
    expect(page.status).toBe(200);
    expect(page.text).toContain('non sono attive');
    expect(page.hasButton(REVOKE_BUTTON)).toBe(false);
  });
});

describe('the list of grants stays bounded without losing one (R-ACC-4)', () => {
  it(`R-ACC-4: the grant pushed out of the Card's list (${GRANTS_PER_IDENTITY_MAX} at most) is revoked at once, not forgotten`, async () => {
    const h = await holder();
    const rp = await TestRp.create({ clientName: 'Comune di Bologna' });
    const first = (await tokensFor(rp, { card: h })).tokens;
    const card = cardObject(env, h.serial);
    const later = Date.now() + 24 * 3600_000;
    const hex = () => Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, '0')).join('');
    // Other RPs' grants, each RP within its own bound: only the identity's bound is at play here.
    for (let i = 1; i < GRANTS_PER_IDENTITY_MAX; i++) {
      await card.admitGrant(
        { fiscalCode: h.citizen.fiscalCode, level: 2, credentialsCheckedAt: Date.now() },
        { grantId: hex(), clientId: `https://altro-${i}.example.it`, listedUntil: later },
        Date.now(),
      );
    }
    expect(await introspect(rp, first.access_token)).toBe(true);
    const second = (await tokensFor(rp, { card: h })).tokens;
    expect(await introspect(rp, first.access_token)).toBe(false);
    expect(await introspect(rp, second.access_token)).toBe(true);
    expect(await card.liveGrants()).toHaveLength(GRANTS_PER_IDENTITY_MAX);
  });
});

describe('a refresh is told to the holder (issue 13 §7, CIE profile)', () => {
  it('the notice names the RP that renewed its access; the grant stays listed on the Card for the new refresh token', async () => {
    const h = await holder();
    const rp = await TestRp.create({ clientName: 'Regione Toscana – Fascicolo' });
    const { tokens } = await tokensFor(rp, { card: h, overrides: OFFLINE });
    const before = await cardObject(env, h.serial).liveGrants();
    expect(before).toHaveLength(1);
    expect((await refreshAnswer(rp, tokens.refresh_token!)).status).toBe(200);
    expect(await noticeTo(h.citizen.phone, 'Regione Toscana – Fascicolo ha rinnovato')).toBe(
      noticeText({ kind: 'refresh_token_used', rpName: 'Regione Toscana – Fascicolo' }),
    );
    const after = await cardObject(env, h.serial).liveGrants();
    expect(after[0]!.listedUntil).toBeGreaterThanOrEqual(before[0]!.listedUntil);
  });
});
