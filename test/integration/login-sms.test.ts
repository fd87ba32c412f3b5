import { describe, expect, it } from 'vitest';
import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { keyedHash } from '../../functions/platform/crypto';
import { latestCode, outboxCount } from '../support/activation-client';
import { cardSql, cardStub, expectRetryAtItalianMidnight, flowSql, spendOtpChecks } from '../support/activation-state';
import { OTP_LABEL, holder, openLogin, rpRedirect, signIn } from '../support/login-client';
import { OTP_DAILY_CHECK_CAP, OTP_MAX_WRONG, capDay } from '../../functions/core/otp';
import { attributesOf, expectFocusedErrorBox, expectInvalidFields } from '../support/markup';

/** Codes checked for the identity today (R-OTP-2 across flows). */
const otpChecksToday = (serial: string) =>
  runInDurableObject(cardStub(serial), (_i, state) => Number(state.storage.sql.exec('SELECT COALESCE(SUM(count), 0) AS n FROM otp_checks').one().n));

/** A different 4-digit code. */
const other = (code: string) => String((Number(code) + 1) % 10_000).padStart(4, '0');

/**
 * The password posted twice at once (a double click, two tabs): the submit that moved the flow answers
 * with the next page itself, the other is sent to it.
 */
async function passwordTwiceAtOnce(acr: 1 | 2) {
  const h = await holder();
  const login = await openLogin({ acr });
  const body = new URLSearchParams({ csrf: login.page.csrf, username: h.citizen.fiscalCode, password: h.password });
  const pages = await Promise.all([1, 2].map(() => login.browser.post(`/login/${login.flowId}/credenziali`, body)));
  expect(pages.map((p) => p.postStatus).sort()).toEqual([200, 303]);
  return { h, pages };
}

describe('login: second factor by SMS (R-LOG-2, R-LVL-1, R-LVL-2, R-OTP-*)', () => {
  it('R-LVL-1: a level 1 request goes from the password straight to consent, no SMS sent', async () => {
    const h = await holder();
    const login = await openLogin({ acr: 1 });
    const page = await signIn(login, h.citizen.fiscalCode, h.password);
    // The password's answer is the consent page itself, not a redirect to it (issue 15).
    expect(page.postStatus).toBe(200);
    expect(page.text).toContain('I seguenti dati stanno per essere inviati a:');
    expect(await outboxCount(h.citizen.phone)).toBe(0);
  });

  it('R-LVL-2 / R-LOG-2: a level 2 request always asks for the 4-digit SMS code, then shows consent', async () => {
    const h = await holder();
    const login = await openLogin({ acr: 2, clientName: 'INPS' });
    const otpPage = await signIn(login, h.serial, h.password);
    expect(otpPage.status).toBe(200);
    expect(otpPage.heading).toBe("RICHIESTA D'ACCESSO CIE LIVELLO 2");
    expect(otpPage.text).toContain('Inserisci il codice di verifica a 4 cifre ricevuto via SMS al numero +39');
    expect(otpPage.text).toContain(h.citizen.phone.slice(-3));
    expect(otpPage.text).not.toContain(h.citizen.phone);
    expect(otpPage.field(OTP_LABEL).name).toBe('otp');
    expect(otpPage.hasButton('Prosegui')).toBe(true);
    expect(otpPage.hasButton('Invia di nuovo')).toBe(true);

    const code = await latestCode(h.citizen.phone);
    expect(code).toMatch(/^[0-9]{4}$/);
    const consent = await login.browser.submit(otpPage, 'Prosegui', { [OTP_LABEL]: code });
    expect(consent.postStatus).toBe(200);
    expect(consent.text).toContain('I seguenti dati stanno per essere inviati a: INPS');
    const done = await login.browser.submit(consent, 'Prosegui');
    const params = rpRedirect(done);
    expect(params.get('code')).toBeTruthy();
    expect(params.get('state')).toBe(login.request.state);
  });

  it('R-OTP-1: the code is kept as a keyed hash of purpose, flow id and code — the layout every flow uses', async () => {
    const h = await holder();
    const login = await openLogin({ acr: 2 });
    await signIn(login, h.citizen.fiscalCode, h.password);
    const [otp] = await flowSql(login.flowId, 'SELECT purpose, hash FROM otp');
    expect(otp!.purpose).toBe('login-sms');
    expect(otp!.hash).toBe(await keyedHash(env.DATA_KEY!, 'otp', `login-sms:${login.flowId}:${await latestCode(h.citizen.phone)}`));
  });

  it('R-LVL-2: consent cannot be reached by skipping the code', async () => {
    const h = await holder();
    const login = await openLogin({ acr: 2 });
    const otpPage = await signIn(login, h.citizen.fiscalCode, h.password);
    const csrf = otpPage.csrf;
    const skipped = await login.browser.post(`/login/${login.flowId}/consenso`, new URLSearchParams({ csrf }));
    expect(skipped.postStatus).toBe(303);
    expect(skipped.field(OTP_LABEL)).toBeTruthy();
    expect(skipped.text).not.toContain('I seguenti dati stanno per essere inviati a');
  });

  it('R-OTP-3: a double submit of the password sends one code, and both tabs land on the code page', async () => {
    const { h, pages } = await passwordTwiceAtOnce(2);
    for (const page of pages) expect(page.field(OTP_LABEL).name).toBe('otp');
    expect(await outboxCount(h.citizen.phone)).toBe(1);
  });

  it('R-OTP-3: a reload of the page a post answered with re-posts the form: it finds the flow moved on, goes to the current page, and sends nothing', async () => {
    const h = await holder();
    const login = await openLogin({ acr: 2 });
    const credentials = new URLSearchParams({ csrf: login.page.csrf, username: h.citizen.fiscalCode, password: h.password });
    const otpPage = await login.browser.post(`/login/${login.flowId}/credenziali`, credentials);
    expect([otpPage.postStatus, otpPage.field(OTP_LABEL).name]).toEqual([200, 'otp']);
    const again = await login.browser.post(`/login/${login.flowId}/credenziali`, credentials);
    expect([again.postStatus, again.status, again.field(OTP_LABEL).name]).toEqual([303, 200, 'otp']);
    expect(await outboxCount(h.citizen.phone)).toBe(1);

    const code = new URLSearchParams({ csrf: login.page.csrf, otp: await latestCode(h.citizen.phone) });
    const consent = await login.browser.post(`/login/${login.flowId}/otp`, code);
    expect(consent.postStatus).toBe(200);
    expect(consent.text).toContain('I seguenti dati stanno per essere inviati a');
    const reloaded = await login.browser.post(`/login/${login.flowId}/otp`, code);
    expect(reloaded.postStatus).toBe(303);
    expect(reloaded.text).toContain('I seguenti dati stanno per essere inviati a');
    expect(await otpChecksToday(h.serial)).toBe(1);
  });

  it('a form action opened by address (a restored tab, a reload before the page script ran) goes to the flow page, which every login page fixes in the address bar', async () => {
    const h = await holder();
    const login = await openLogin({ acr: 2 });
    const otpPage = await signIn(login, h.citizen.fiscalCode, h.password);
    expect(otpPage.html).toContain('<script src="/login-page.js" defer></script>');
    for (const action of ['credenziali', 'otp', 'l3/smartphone']) {
      const res = await login.browser.fetch(`/login/${login.flowId}/${action}`);
      expect([res.status, res.headers.get('Location')]).toEqual([303, `/login/${login.flowId}`]);
    }
    expect((await login.browser.open(`/login/${login.flowId}`)).field(OTP_LABEL).name).toBe('otp');
    expect(await outboxCount(h.citizen.phone)).toBe(1);
  });

  it('R-LVL-1: a double submit of a level 1 password: the submit that moved the flow answers with consent, the other is sent to it', async () => {
    const { pages } = await passwordTwiceAtOnce(1);
    for (const page of pages) expect(page.text).toContain('I seguenti dati stanno per essere inviati a:');
  });

  it('R-LOG-2: an identity in App mode with no certified device gets the SMS code', async () => {
    const h = await holder({ mode: 'app' });
    const login = await openLogin({ acr: 2 });
    const otpPage = await signIn(login, h.citizen.fiscalCode, h.password);
    expect(otpPage.field(OTP_LABEL).name).toBe('otp');
    expect(await outboxCount(h.citizen.phone)).toBe(1);
  });

  it('R-OTP-2: wrong codes are counted, and the fifth closes the flow', async () => {
    const h = await holder();
    const login = await openLogin({ acr: 2 });
    let page = await signIn(login, h.citizen.fiscalCode, h.password);
    const wrong = other(await latestCode(h.citizen.phone));
    for (let remaining = 4; remaining >= 1; remaining--) {
      page = await login.browser.submit(page, 'Prosegui', { [OTP_LABEL]: wrong });
      expect(page.status).toBe(400);
      expect(page.alert).toBe(`Codice errato. Tentativi rimasti: ${remaining}.`);
    }
    page = await login.browser.submit(page, 'Prosegui', { [OTP_LABEL]: wrong });
    expect(page.status).toBe(410);
    expect(page.text).toContain('troppi codici errati');
    expect((await login.browser.open(`/login/${login.flowId}`)).status).toBe(410);
  });

  it('R-OTP-1: a code that is not 4 digits is refused without counting', async () => {
    const h = await holder();
    const login = await openLogin({ acr: 2 });
    let page = await signIn(login, h.citizen.fiscalCode, h.password);
    for (const bad of ['12345', 'abcd', '', '12 3']) {
      page = await login.browser.submit(page, 'Prosegui', { [OTP_LABEL]: bad });
      expect(page.status).toBe(400);
      expect(page.alert).toBe('Il codice di verifica è di 4 cifre.');
    }
    const [otp] = await flowSql(login.flowId, 'SELECT wrong FROM otp');
    expect(otp!.wrong).toBe(0);
  });

  it('R-OTP-1: an expired code is refused', async () => {
    const h = await holder();
    const login = await openLogin({ acr: 2 });
    const page = await signIn(login, h.citizen.fiscalCode, h.password);
    const code = await latestCode(h.citizen.phone);
    await flowSql(login.flowId, 'UPDATE otp SET expires_at = ?', Date.now() - 1);
    const after = await login.browser.submit(page, 'Prosegui', { [OTP_LABEL]: code });
    expect(after.status).toBe(400);
    expect(after.alert).toContain('scaduto');
  });

  it('R-OTP-3: "Invia di nuovo" waits 30 s, then sends a new code that replaces the old one', async () => {
    const h = await holder();
    const login = await openLogin({ acr: 2 });
    const page = await signIn(login, h.citizen.fiscalCode, h.password);
    const first = await latestCode(h.citizen.phone);

    const tooSoon = await login.browser.submit(page, 'Invia di nuovo');
    expect(tooSoon.status).toBe(429);
    expect(Number(tooSoon.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(tooSoon.alert).toMatch(/^Attendi [0-9]+ secondi prima di chiedere un nuovo codice\.$/);
    expect(await outboxCount(h.citizen.phone)).toBe(1);

    await flowSql(login.flowId, 'UPDATE otp SET sent_at = ?', Date.now() - 31_000);
    const resent = await login.browser.submit(tooSoon, 'Invia di nuovo');
    expect(resent.status).toBe(200);
    expect(resent.text).toContain('Ti abbiamo inviato un nuovo codice');
    expect(await outboxCount(h.citizen.phone)).toBe(2);
    const second = await latestCode(h.citizen.phone);

    if (second !== first) {
      const old = await login.browser.submit(resent, 'Prosegui', { [OTP_LABEL]: first });
      expect(old.status).toBe(400);
    }
    const ok = await login.browser.submit(resent, 'Prosegui', { [OTP_LABEL]: second });
    expect(ok.text).toContain('I seguenti dati stanno per essere inviati a');
  });

  it('R-OTP-3: the daily cap of codes per identity holds for logins', async () => {
    const h = await holder();
    await cardSql(h.serial, 'INSERT OR REPLACE INTO sends (day, count) VALUES (?, 10)', capDay(Date.now()));
    const login = await openLogin({ acr: 2 });
    const page = await signIn(login, h.citizen.fiscalCode, h.password);
    expect(page.status).toBe(429);
    expect(page.alert).toContain('numero massimo di codici');
    // "Riprova domani": the cap resets at midnight in Italy, and Retry-After says when.
    expectRetryAtItalianMidnight(page.headers.get('Retry-After'));
    expect(await outboxCount(h.citizen.phone)).toBe(0);
  });

  it('R-OTP-2: codes checked per identity are capped per day across flows — even the right code is refused past the cap', async () => {
    const h = await holder();
    const login = await openLogin({ acr: 2 });
    const otpPage = await signIn(login, h.citizen.fiscalCode, h.password);
    await spendOtpChecks(h.serial);
    const refused = await login.browser.submit(otpPage, 'Prosegui', { [OTP_LABEL]: await latestCode(h.citizen.phone) });
    expect(refused.status).toBe(429);
    expect(refused.alert).toContain('troppi codici di verifica oggi');
    expectRetryAtItalianMidnight(refused.headers.get('Retry-After'));
    expect(refused.text).not.toContain('I seguenti dati stanno per essere inviati a');
  });

  it('R-OTP-2: below the daily cap a code is checked, and each check counts', async () => {
    const h = await holder();
    const login = await openLogin({ acr: 2 });
    const otpPage = await signIn(login, h.citizen.fiscalCode, h.password);
    await spendOtpChecks(h.serial, OTP_DAILY_CHECK_CAP - 1);
    const consent = await login.browser.submit(otpPage, 'Prosegui', { [OTP_LABEL]: await latestCode(h.citizen.phone) });
    expect(consent.text).toContain('I seguenti dati stanno per essere inviati a');
    // The cap is now reached: the next check, even in a new flow, is refused.
    const again = await openLogin({ acr: 2 });
    const next = await signIn(again, h.citizen.fiscalCode, h.password);
    const refused = await again.browser.submit(next, 'Prosegui', { [OTP_LABEL]: await latestCode(h.citizen.phone) });
    expect(refused.status).toBe(429);
    expect(refused.alert).toContain('troppi codici di verifica oggi');
  });

  it('R-OTP-2: only checks that reach an open flow count against the daily cap — floods of wrong codes on two logins leave a fresh login usable', async () => {
    const h = await holder();
    for (let round = 0; round < 2; round++) {
      const login = await openLogin({ acr: 2 });
      const page = await signIn(login, h.citizen.fiscalCode, h.password);
      const body = new URLSearchParams({ csrf: page.csrf, otp: other(await latestCode(h.citizen.phone)) });
      const flood = () => Promise.all(Array.from({ length: 50 }, () => login.browser.post(`/login/${login.flowId}/otp`, body)));
      // 50 at once on the open flow: five wrong codes close it, the others find it closed.
      const racing = await flood();
      expect(racing.filter((p) => p.status === 400)).toHaveLength(OTP_MAX_WRONG - 1);
      for (const p of racing) expect([400, 410, 429]).toContain(p.status);
      // 50 more once it is closed: all 410, none counted.
      for (const p of await flood()) expect(p.status).toBe(410);
    }
    expect(await otpChecksToday(h.serial)).toBe(2 * OTP_MAX_WRONG);
    const fresh = await openLogin({ acr: 2 });
    const otpPage = await signIn(fresh, h.citizen.fiscalCode, h.password);
    const consent = await fresh.browser.submit(otpPage, 'Prosegui', { [OTP_LABEL]: await latestCode(h.citizen.phone) });
    expect(consent.postStatus).toBe(200);
    expect(consent.text).toContain('I seguenti dati stanno per essere inviati a');
  });

  it('R-LOG-2 (WCAG 3.3.1, 4.1.3): a refused code is the focused message, tied to the code field; a re-send refused marks no field', async () => {
    const h = await holder();
    const login = await openLogin({ acr: 2 });
    const page = await signIn(login, h.citizen.fiscalCode, h.password);
    expect(page.html).not.toContain('autofocus');
    expectInvalidFields(page, []);
    const wrong = await login.browser.submit(page, 'Prosegui', { [OTP_LABEL]: other(await latestCode(h.citizen.phone)) });
    expect(wrong.status).toBe(400);
    expectFocusedErrorBox(wrong);
    expectInvalidFields(wrong, ['otp']);
    const typo = await login.browser.submit(wrong, 'Prosegui', { [OTP_LABEL]: '12' });
    expectInvalidFields(typo, ['otp']);
    const tooSoon = await login.browser.submit(typo, 'Invia di nuovo');
    expect(tooSoon.status).toBe(429);
    expectFocusedErrorBox(tooSoon);
    expectInvalidFields(tooSoon, []);
  });

  it('R-LOG-2: the SMS page says where a wrong number is changed, and that page leads back to this login', async () => {
    const h = await holder();
    const login = await openLogin({ acr: 2 });
    const page = await signIn(login, h.citizen.fiscalCode, h.password);
    expect(page.text).toContain('Non hai ricevuto il codice? Invia di nuovo Il numero di cellulare non è corretto? Scopri come modificarlo');
    const anchor = /<a\b[^>]*>Scopri come modificarlo<\/a>/.exec(page.html)?.[0] ?? '';
    const href = attributesOf(anchor).href ?? '';
    expect(href).toBe(`/cellulare-non-corretto?torna=${encodeURIComponent(`/login/${login.flowId}`)}`);
    const help = await login.browser.open(href);
    expect(help.status).toBe(200);
    expect(help.text).toContain('può aggiornarlo solo il Comune');
    expect(help.html).toContain(`<a class="btn btn-primary" href="/login/${login.flowId}">Torna all&#39;accesso</a>`);
    // Reading it changed nothing: the code page is still there.
    expect((await login.browser.open(`/login/${login.flowId}`)).field(OTP_LABEL).name).toBe('otp');
  });
});
