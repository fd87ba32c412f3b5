import { describe, expect, it } from 'vitest';
import { Browser, type Page } from '../support/activation-client';
import { PASSWORD, accessLog, env, holder, openLogin, relyingParty, signIn } from '../support/login-client';
import { OTP, USERNAME, askNewPassword, nextCode, nextMessage, outbox, settle } from '../support/recovery-client';
import { newCitizen } from '../support/citizens';
import { tokensFor } from '../support/oidc-login';
import { ORIGIN, registry } from '../support/worker';
import { checkPassword } from '../../functions/platform/password-check';
import { cardObject } from '../../functions/platform/objects';
import { directoryFor } from '../../functions/platform/directory';
import { hashPassword } from '../../functions/platform/password-hash';
import { RECENT_PASSWORD } from '../../functions/core/recovery-input';

const NEW_PASSWORD = 'Girasole#2025y';
const FLOW_COOKIE = 'cie_rec';

/** Through the codes to the new password's page. */
async function toNewPassword(username: string, phone: string, email?: string): Promise<{ browser: Browser; page: Page }> {
  const before = (await outbox(phone)).length;
  const emailBefore = email ? (await outbox(email)).length : 0;
  const { browser, page } = await askNewPassword(username);
  expect(page.heading).toBe('Inserisci il codice ricevuto via SMS');
  let next = await browser.submit(page, 'Continua', { [OTP]: await nextCode(phone, before) });
  if (email) {
    expect(next.heading).toBe('Inserisci il codice ricevuto via email');
    next = await browser.submit(next, 'Continua', { [OTP]: await nextCode(email, emailBefore) });
  }
  expect(next.heading).toBe('Scegli la nuova password');
  return { browser, page: next };
}

const setNew = (browser: Browser, page: Page, password = NEW_PASSWORD, confirm = password) =>
  browser.submit(page, 'Salva la nuova password', { 'Nuova password': password, 'Conferma nuova password': confirm });

/** What a prober compares: status, heading, the page's words (no token, no id). */
const seen = (page: Page) => ({ status: page.status, postStatus: page.postStatus, heading: page.heading, text: page.text });

describe('password recovery (R-ACC-2)', () => {
  it('R-ACC-2: username → SMS code → new password (R-ACT-5 policy); the old password stops working, the new one works, the holder is told', async () => {
    const h = await holder();
    const { browser, page } = await toNewPassword(h.citizen.fiscalCode, h.citizen.phone);
    const weak = await setNew(browser, page, 'corta');
    expect(weak.status).toBe(400);
    expect(weak.alert).toContain('La password deve avere da 10 a 20 caratteri');
    const mismatch = await setNew(browser, weak, NEW_PASSWORD, `${NEW_PASSWORD}x`);
    expect(mismatch.alert).toContain('Le due password non coincidono');
    const done = await setNew(browser, mismatch);
    expect(done.status).toBe(200);
    expect(done.heading).toBe('Password aggiornata');
    expect(done.html).toContain('<a class="btn btn-primary" href="/area-personale">Accedi</a>');
    expect(browser.cookies.has(FLOW_COOKIE)).toBe(false);
    expect((await checkPassword(env, h.citizen.fiscalCode, h.password)).outcome).toBe('wrong');
    expect((await checkPassword(env, h.citizen.fiscalCode, NEW_PASSWORD)).outcome).toBe('ok');
    const notice = await nextMessage(h.citizen.phone, 1);
    expect(notice.text).toContain('è stata impostata una nuova password con la procedura di recupero');
    expect(notice.code).toBeNull();
  });

  it('R-ACC-2: the new password may not be one of the last 5 (the current one included)', async () => {
    const h = await holder();
    const { browser, page } = await toNewPassword(h.serial, h.citizen.phone);
    const same = await setNew(browser, page, PASSWORD);
    expect(same.status).toBe(400);
    expect(same.alert).toContain(RECENT_PASSWORD);
    expect((await checkPassword(env, h.serial, PASSWORD)).outcome).toBe('ok');
  });

  it('R-ACC-2: with a verified email, a second code goes to the email after the SMS one', async () => {
    const h = await holder();
    const email = `rec.${crypto.randomUUID().slice(0, 8)}@example.it`;
    await cardObject(env, h.serial).activate({ passwordHash: await hashPassword(env.PEPPER!, PASSWORD), mode: 'sms', verifiedEmail: email });
    expect(await directoryFor(env).claimEmail(email, h.citizen.fiscalCode)).toBe(true);
    const { browser, page } = await toNewPassword(email, h.citizen.phone, email);
    expect((await setNew(browser, page)).heading).toBe('Password aggiornata');
    expect((await checkPassword(env, email, NEW_PASSWORD)).outcome).toBe('ok');
  });

  it('R-ACC-2, R-OTP-2: a wrong code says how many tries are left; the fifth closes the recovery', async () => {
    const h = await holder();
    let { browser, page } = await askNewPassword(h.citizen.fiscalCode);
    const right = await nextCode(h.citizen.phone, 0);
    const wrong = right === '0000' ? '1111' : '0000';
    for (let left = 4; left >= 1; left--) {
      page = await browser.submit(page, 'Continua', { [OTP]: wrong });
      expect([page.status, page.alert]).toEqual([400, `Il codice inserito non è corretto. Tentativi rimasti: ${left}.`]);
    }
    page = await browser.submit(page, 'Continua', { [OTP]: wrong });
    expect(page.status).toBe(410);
    expect(page.text).toContain('troppe volte');
    expect(browser.cookies.has(FLOW_COOKIE)).toBe(false);
  });

  it('R-ACC-2: "Invia di nuovo" within 30 s waits; a code typed with letters is not counted', async () => {
    const h = await holder();
    const { browser, page } = await askNewPassword(h.citizen.fiscalCode);
    const again = await browser.submit(page, 'Invia di nuovo');
    expect(again.status).toBe(429);
    expect(Number(again.headers.get('Retry-After'))).toBeGreaterThan(0);
    const typo = await browser.submit(page, 'Continua', { [OTP]: '12a4' });
    expect([typo.status, typo.alert]).toEqual([400, 'Il codice di verifica OTP è formato da 4 cifre']);
  });
});

describe('R-ACC-2: no page says whether a username exists', () => {
  it('R-ACC-2: an unknown username, a blocked card, a card without credentials: the same page, status and words as a real one — and no SMS', async () => {
    const h = await holder();
    const blocked = await holder();
    expect((await registry(`/cards/${blocked.serial}/block`, { reason: 'lost' })).status).toBe(200);
    const unactivated = newCitizen();
    const issued = await registry('/cards', unactivated);
    const fresh = (await issued.json()) as { serial: string };
    const real = seen((await askNewPassword(h.citizen.fiscalCode)).page);
    for (const username of [newCitizen().fiscalCode, 'ZZ12345ZZ', `nessuno.${crypto.randomUUID().slice(0, 6)}@example.it`, blocked.serial, fresh.serial]) {
      expect([username, seen((await askNewPassword(username)).page)]).toEqual([username, real]);
    }
    await settle();
    expect(await outbox(blocked.citizen.phone)).toEqual([]);
    expect(await outbox(unactivated.phone)).toEqual([]);
  });

  it("R-ACC-2: a decoy's code never matches: every code is wrong, and the fifth closes it like a real one", async () => {
    let { browser, page } = await askNewPassword(newCitizen().fiscalCode);
    for (let i = 0; i < 4; i++) {
      page = await browser.submit(page, 'Continua', { [OTP]: String(i).repeat(4) });
      expect(page.status).toBe(400);
      expect(page.alert).toBe(`Il codice inserito non è corretto. Tentativi rimasti: ${4 - i}.`);
    }
    page = await browser.submit(page, 'Continua', { [OTP]: '9999' });
    expect(page.status).toBe(410);
  });

  it('R-LOG-8, R-ACC-2: a username locked for the login is refused alike, known or not (and asking records no failure)', async () => {
    const h = await holder();
    const stranger = newCitizen().fiscalCode;
    for (const username of [h.citizen.fiscalCode, stranger]) {
      for (let i = 0; i < 4; i++) await checkPassword(env, username, 'Sbagliata!99');
    }
    const known = (await askNewPassword(h.citizen.fiscalCode)).page;
    const unknown = (await askNewPassword(stranger)).page;
    expect([known.status, unknown.status]).toEqual([429, 429]);
    expect(known.alert).toBe(unknown.alert);
    const other = await holder();
    for (let i = 0; i < 5; i++) expect((await askNewPassword(other.serial)).page.status).toBe(200);
    expect((await cardObject(env, other.serial).passwordFailures()).failures).toBe(0);
  });
});

describe('R-ACC-2: sessions and the login in progress', () => {
  it('R-ACC-2: every refresh token of the identity is refused after the recovery', async () => {
    const h = await holder();
    const rp = await relyingParty('Comune di Recupero');
    const { tokens } = await tokensFor(rp, { card: h, overrides: { scope: 'openid profile offline_access', prompt: 'consent login' } });
    expect(tokens.refresh_token).toBeTruthy();
    const { browser, page } = await toNewPassword(h.citizen.fiscalCode, h.citizen.phone);
    expect((await setNew(browser, page)).heading).toBe('Password aggiornata');
    expect((await rp.refresh(tokens.refresh_token!)).status).toBe(400);
  });

  it('R-ACC-2: from the login\'s "Hai dimenticato la password?", the last page leads back to that login, which then takes the new password', async () => {
    const h = await holder();
    const login = await openLogin({ acr: 2 });
    const href = /<a href="([^"]+)">Hai dimenticato la password\?<\/a>/.exec(login.page.html)?.[1];
    expect(href).toBe(`/recupero-password?login=${login.flowId}`);
    const before = (await outbox(h.citizen.phone)).length;
    const form = await login.browser.open(href!);
    expect(form.heading).toBe('Hai dimenticato la password?');
    const codePage = await login.browser.submit(form, 'Continua', { [USERNAME]: h.citizen.fiscalCode });
    const pwPage = await login.browser.submit(codePage, 'Continua', { [OTP]: await nextCode(h.citizen.phone, before) });
    const done = await setNew(login.browser, pwPage);
    expect(done.html).toContain(`<a class="btn btn-primary" href="/login/${login.flowId}">Torna all'accesso</a>`);
    const back = await login.browser.open(`/login/${login.flowId}`);
    expect(back.status).toBe(200);
    const next = await signIn(login, h.citizen.fiscalCode, NEW_PASSWORD, back);
    expect(next.status).toBe(200);
    expect(next.text).toContain('Codice di verifica OTP');
  });

  it('R-ACC-2: a login id of another shape, or of no open login, never becomes a link: the last page offers "Accedi"', async () => {
    for (const param of ['https%3A%2F%2Fevil.example', 'A'.repeat(43), '..%2F..%2Foidc']) {
      const h = await holder();
      const browser = new Browser();
      const before = (await outbox(h.citizen.phone)).length;
      const { page } = await askNewPassword(h.citizen.fiscalCode, browser, `/recupero-password?login=${param}`);
      const pw = await browser.submit(page, 'Continua', { [OTP]: await nextCode(h.citizen.phone, before) });
      const done = await setNew(browser, pw);
      expect(done.html).toContain('href="/area-personale">Accedi</a>');
      expect(done.html).not.toContain('evil');
      expect(done.html).not.toContain('/login/');
    }
  });
});

describe('R-ACC-2: hostile requests', () => {
  it('a post without the token, or from another site, is refused with 403; a huge username is a 400', async () => {
    const browser = new Browser();
    const form = await browser.open('/recupero-password');
    const forged = await browser.submit(form, 'Continua', { 'Numero CIE o Codice fiscale o Email': 'ZZ12345ZZ' }, { raw: { csrf: 'x'.repeat(43) } });
    expect(forged.status).toBe(403);
    const foreign = await browser.submit(
      form,
      'Continua',
      { 'Numero CIE o Codice fiscale o Email': 'ZZ12345ZZ' },
      { headers: { Origin: 'https://evil.example' } },
    );
    expect(foreign.status).toBe(403);
    const huge = await browser.submit(form, 'Continua', { 'Numero CIE o Codice fiscale o Email': 'A'.repeat(300) });
    expect(huge.status).toBe(400);
    const empty = await browser.submit(form, 'Continua', { 'Numero CIE o Codice fiscale o Email': '' });
    expect(empty.status).toBe(400);
  });

  it('a code or a new password posted without a recovery is told the recovery is gone (410), never a 5xx', async () => {
    const browser = new Browser();
    for (const path of ['/recupero-password/codice', '/recupero-password/invia', '/recupero-password/nuova']) {
      const page = await browser.post(path, new URLSearchParams({ csrf: 'x', otp: '1234' }));
      expect([path, page.status]).toEqual([path, 410]);
    }
    const cookie = await browser.post('/recupero-password/codice', new URLSearchParams({ otp: '1234' }), { Cookie: `${FLOW_COOKIE}=../../x` });
    expect(cookie.status).toBe(410);
    const json = await browser.post('/recupero-password/codice', '{}', { 'Content-Type': 'application/json' });
    expect(json.status).toBe(415);
    expect(ORIGIN).toBeTruthy();
    expect(await accessLog('ZZ00000ZZ')).toEqual([]);
  });
});
