import { describe, expect, it } from 'vitest';
import { cardObject } from '../../functions/platform/objects';
import { hashPassword } from '../../functions/platform/password-hash';
import { latestCode } from '../support/activation-client';
import { inArea, introspect, OFFLINE, refreshAnswer, userinfoStatus } from '../support/area-revocation';
import { OTP_LABEL, USERNAME_LABEL, env, holder, openLogin, rpRedirect, signIn } from '../support/login-client';
import { tokensFor } from '../support/oidc-login';
import { OTP, askNewPassword, nextCode, outbox } from '../support/recovery-client';
import { TestRp } from '../support/rp';

/**
 * What a change of the level 1/2 credentials (a new password, a revocation, a new activation) does to
 * the logins already past their password and to the sessions already open (R-ACC-2, R-ACC-4), and an
 * area session on a card that is no longer in service (R-CARD-3).
 */

const NEW_PASSWORD = 'Girasole#2025y';

async function recoverPassword(h: { citizen: { fiscalCode: string; phone: string } }): Promise<string | null> {
  const before = (await outbox(h.citizen.phone)).length;
  const { browser, page } = await askNewPassword(h.citizen.fiscalCode);
  const pw = await browser.submit(page, 'Continua', { [OTP]: await nextCode(h.citizen.phone, before) });
  const done = await browser.submit(pw, 'Salva la nuova password', { 'Nuova password': NEW_PASSWORD, 'Conferma nuova password': NEW_PASSWORD });
  return done.heading;
}

describe('a login past the old password does not end in a grant (R-ACC-2, R-ACC-4)', () => {
  it('R-ACC-2: a level 1 login waiting at consent when the holder recovers the password gets access_denied, not a code', async () => {
    const h = await holder();
    const login = await openLogin({ acr: 1, clientName: 'Comune di Cecina' });
    const consent = await signIn(login, h.citizen.fiscalCode, h.password);
    expect(consent.text).toContain('I seguenti dati stanno per essere inviati a: Comune di Cecina');
    expect(await recoverPassword(h)).toBe('Password aggiornata');
    const after = rpRedirect(await login.browser.submit(consent, 'Prosegui'));
    expect(after.get('code')).toBeNull();
    expect(after.get('error')).toBe('access_denied');
  });

  it('R-ACC-2: a level 2 login whose password was typed before the change and its SMS code after gets no code either', async () => {
    const h = await holder();
    const login = await openLogin({ acr: 2, clientName: 'Comune di Cecina' });
    const otp = await login.browser.submit(login.page, 'Procedi', { [USERNAME_LABEL]: h.citizen.fiscalCode, Password: h.password });
    const code = await latestCode(h.citizen.phone);
    await cardObject(env, h.serial).setPassword(await hashPassword(env.PEPPER!, NEW_PASSWORD));
    const consent = await login.browser.submit(otp, 'Prosegui', { [OTP_LABEL]: code });
    expect(rpRedirect(await login.browser.submit(consent, 'Prosegui')).get('error')).toBe('access_denied');
  });

  it('R-ACC-4: a login at consent while the holder revokes and then activates again gets no code', async () => {
    const h = await holder();
    const login = await openLogin({ acr: 1, clientName: 'Comune di Cecina' });
    const consent = await signIn(login, h.citizen.fiscalCode, h.password);
    const card = cardObject(env, h.serial);
    expect(await card.revokeCredentials()).not.toBe(false);
    expect((await card.activate({ passwordHash: await hashPassword(env.PEPPER!, NEW_PASSWORD), mode: 'sms', verifiedEmail: null })).ok).toBe(true);
    expect(rpRedirect(await login.browser.submit(consent, 'Prosegui')).get('error')).toBe('access_denied');
  });

  it('R-ACC-2: a login whose password is typed after the change ends in a code', async () => {
    const h = await holder();
    await cardObject(env, h.serial).setPassword(await hashPassword(env.PEPPER!, NEW_PASSWORD));
    const login = await openLogin({ acr: 1, clientName: 'Comune di Cecina' });
    const consent = await signIn(login, h.citizen.fiscalCode, NEW_PASSWORD);
    expect(rpRedirect(await login.browser.submit(consent, 'Prosegui')).get('code')).toBeTruthy();
  });
});

describe('an area session stands on its login’s auth time and on a card in service (R-ACC-4, R-CARD-3)', () => {
  it('R-ACC-4: a session opened after every session was ended, by a login authenticated before, is refused', async () => {
    const h = await holder();
    const authenticated = Date.now() - 2000;
    await cardObject(env, h.serial).endAreaSessions(Date.now() - 1000);
    const browser = await inArea(h, authenticated);
    const res = await browser.fetch('/area-personale/gestione');
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/area-personale');
  });

  it('R-CARD-3: a card blocked while its area session is open ends the session; the email cannot be changed', async () => {
    const h = await holder();
    const browser = await inArea(h);
    expect((await browser.open('/area-personale/gestione')).status).toBe(200);
    await cardObject(env, h.serial).block('stolen');
    const res = await browser.fetch('/area-personale/gestione');
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/area-personale');
    expect((await (await inArea(h)).fetch('/area-personale/email')).status).toBe(303);
    expect(await cardObject(env, h.serial).setVerifiedEmail(`bloccata-${h.serial.toLowerCase()}@example.it`)).toBe(false);
  });

  it('R-CARD-7: a superseded card ends its area session', async () => {
    const h = await holder();
    const browser = await inArea(h);
    await cardObject(env, h.serial).supersede();
    expect((await browser.fetch('/area-personale/gestione')).status).toBe(303);
  });
});

describe('refresh and userinfo check the card again (R-ACC-4, C-37)', () => {
  it('R-ACC-4: credentials revoked without any ending of sessions: the refresh is refused and userinfo answers 401', async () => {
    const h = await holder();
    const rp = await TestRp.create({ clientName: 'Comune di Volterra' });
    const { tokens } = await tokensFor(rp, { card: h, overrides: OFFLINE });
    expect(await cardObject(env, h.serial).revokeCredentials()).not.toBe(false);
    expect(await userinfoStatus(tokens.access_token)).toBe(401);
    expect(await refreshAnswer(rp, tokens.refresh_token!)).toMatchObject({ status: 400, error: 'invalid_grant' });
  });

  it('R-ACC-2: a password changed after the grant (its list missed it): the refresh is refused', async () => {
    const h = await holder();
    const rp = await TestRp.create({ clientName: 'Comune di Volterra' });
    const { tokens } = await tokensFor(rp, { card: h, overrides: OFFLINE });
    await cardObject(env, h.serial).setPassword(await hashPassword(env.PEPPER!, NEW_PASSWORD));
    expect(await refreshAnswer(rp, tokens.refresh_token!)).toMatchObject({ status: 400, error: 'invalid_grant' });
  });

  it('R-ACC-4: a refresh of a grant the Card no longer lists lists it again, so that revocations reach its new tokens', async () => {
    const h = await holder();
    const rp = await TestRp.create({ clientName: 'Comune di Volterra' });
    const { tokens } = await tokensFor(rp, { card: h, overrides: OFFLINE });
    const card = cardObject(env, h.serial);
    // Another grant written 31 days on prunes this one's row, as a lost extension would have let it lapse.
    const later = Date.now() + 31 * 24 * 3600_000;
    await card.admitGrant(
      { fiscalCode: h.citizen.fiscalCode, level: 2, credentialsCheckedAt: later },
      { grantId: 'f'.repeat(64), clientId: rp.clientId, listedUntil: later + 3600_000 },
      later,
    );
    expect((await card.liveGrants()).map((g) => g.grantId)).toEqual(['f'.repeat(64)]);
    const refreshed = await refreshAnswer(rp, tokens.refresh_token!);
    expect(refreshed.status).toBe(200);
    expect(await card.liveGrants()).toHaveLength(2);
    expect(await introspect(rp, refreshed.refresh_token!)).toBe(true);
  });
});

describe('Modifica Password ends the other sessions (R-ACC-2)', () => {
  it('R-ACC-2: the other area session and every RP’s refresh token end; the session that changed it stands and says so', async () => {
    const h = await holder();
    const rp = await TestRp.create({ clientName: 'Comune di Piombino' });
    const { tokens } = await tokensFor(rp, { card: h, overrides: OFFLINE });
    const other = await inArea(h, Date.now() - 1000);
    const self = await inArea(h, Date.now() - 1000);
    expect((await other.open('/area-personale/gestione')).status).toBe(200);
    const form = await self.open('/area-personale/password');
    const changed = await self.submit(form, 'Modifica Password', {
      'Password attuale': h.password,
      'Nuova password': NEW_PASSWORD,
      'Conferma nuova password': NEW_PASSWORD,
    });
    const done = changed.status === 303 ? await self.open(changed.headers.get('Location')!) : changed;
    expect(done.status).toBe(200);
    expect(done.text).toContain('abbiamo chiuso le altre sessioni');
    expect((await self.open('/area-personale/gestione')).status).toBe(200);
    const gone = await other.fetch('/area-personale/gestione');
    expect(gone.status).toBe(303);
    expect(await refreshAnswer(rp, tokens.refresh_token!)).toMatchObject({ status: 400, error: 'invalid_grant' });
    expect(await introspect(rp, tokens.access_token)).toBe(false);
  });
});
