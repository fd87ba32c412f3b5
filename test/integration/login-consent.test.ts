import { describe, expect, it } from 'vitest';
import type { Page } from '../support/activation-client';
import { OTP_LABEL, holder, openLogin, rpRedirect, signIn, type LoginOptions, type OpenLogin } from '../support/login-client';
import { latestCode } from '../support/activation-client';

/** The consent page of a level 1 login. */
async function consentFor(options: LoginOptions): Promise<{ login: OpenLogin; page: Page }> {
  const h = await holder();
  const login = await openLogin({ acr: 1, ...options });
  const page = await signIn(login, h.citizen.fiscalCode, h.password);
  return { login, page };
}

const listed = (page: Page) => [...page.html.matchAll(/<li>([^<]*)<\/li>/g)].map((m) => m[1]);

describe('login consent (R-LOG-7)', () => {
  it('R-LOG-7: names the service and the profile attributes in Italian', async () => {
    const { page } = await consentFor({ clientName: 'Comune di Fondi', scope: ['openid', 'profile'] });
    expect(page.status).toBe(200);
    expect(page.text).toContain('Richiesta di accesso CIE Livello 1');
    expect(page.text).toContain('I seguenti dati stanno per essere inviati a: Comune di Fondi');
    expect(listed(page)).toEqual(['Nome', 'Cognome', 'Data di nascita', 'Codice fiscale']);
    expect(page.hasButton('Prosegui')).toBe(true);
    expect(page.hasButton('Annulla')).toBe(true);
  });

  it('R-LOG-7: says whose identity is being used, with the codice fiscale masked', async () => {
    const h = await holder();
    const login = await openLogin({ acr: 1, scope: ['openid', 'profile'] });
    const page = await signIn(login, h.citizen.fiscalCode, h.password);
    const cf = h.citizen.fiscalCode;
    expect(page.text).toContain(`Stai accedendo come ${h.citizen.givenName} ${h.citizen.familyName}`);
    expect(page.text).toContain(`${cf.slice(0, 6)}*******${cf.slice(13)}`);
    expect(page.text).not.toContain(cf);
  });

  it('R-LOG-7: email and phone number are named when asked for', async () => {
    const { page } = await consentFor({
      scope: ['openid', 'profile', 'email'],
      claims: { id_token: ['email_verified'], userinfo: ['phone_number'] },
    });
    expect(listed(page)).toEqual(['Nome', 'Cognome', 'Data di nascita', 'Codice fiscale', 'Email', 'Numero di cellulare']);
  });

  it('R-LOG-7: a request for no attribute says that only an identifier is sent', async () => {
    const { page } = await consentFor({ scope: ['openid'] });
    expect(listed(page)).toEqual([]);
    expect(page.text).toContain('Nessun dato personale: solo un codice identificativo riservato a questo servizio.');
  });

  it('R-LOG-7: the service name on the consent page is escaped', async () => {
    const { page } = await consentFor({ clientName: '<script>alert(1)</script> Comune' });
    expect(page.html).not.toContain('<script>alert(1)</script>');
    expect(page.text).toContain('I seguenti dati stanno per essere inviati a: <script>alert(1)</script> Comune');
  });

  it('R-LOG-7: Annulla returns the citizen to the service with access_denied and the state', async () => {
    const { login, page } = await consentFor({ state: 'stato-annulla-0123456789abcdefghijklmnop' });
    const back = await login.browser.submit(page, 'Annulla');
    const params = rpRedirect(back);
    expect(params.origin + params.path).toBe(login.request.redirectUri);
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('state')).toBe('stato-annulla-0123456789abcdefghijklmnop');
    expect(params.get('code')).toBeNull();
    expect((await login.browser.open(`/login/${login.flowId}`)).status).toBe(410);
  });

  it('R-LOG-7: Prosegui sends the citizen back with a code, once', async () => {
    const { login, page } = await consentFor({});
    const done = await login.browser.submit(page, 'Prosegui');
    const params = rpRedirect(done);
    expect(params.get('code')).toBeTruthy();
    expect(params.get('error')).toBeNull();
    expect(params.get('state')).toBe(login.request.state);
    const again = await login.browser.submit(page, 'Prosegui');
    expect(again.status).toBe(410);
  });

  it('R-LOG-7: Annulla on the SMS code page also returns access_denied', async () => {
    const h = await holder();
    const login = await openLogin({ acr: 2 });
    const otpPage = await signIn(login, h.citizen.fiscalCode, h.password);
    await latestCode(h.citizen.phone);
    expect(otpPage.field(OTP_LABEL)).toBeTruthy();
    const params = rpRedirect(await login.browser.submit(otpPage, 'Annulla'));
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('state')).toBe(login.request.state);
  });

  it('R-LOG-7: Annulla on the credentials page returns access_denied', async () => {
    const login = await openLogin({ acr: 2 });
    const params = rpRedirect(await login.browser.submit(login.page, 'Annulla'));
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('state')).toBe(login.request.state);
  });
});
