import { expectEqual, expectIncludes, expectMatch, expectTrue, fail } from '../core/assert.ts';
import { defineCheck, type Check, type CheckContext } from '../core/check.ts';
import { Browser } from '../actors/browser.ts';
import { Citizen, newCardRequest } from '../actors/citizen.ts';
import type { Page } from '../actors/html-page.ts';
import { login, loginWithTokens, openLogin, signIn, typeSmsCode } from '../actors/login.ts';
import { BUTTON, LABEL, TEXT } from '../actors/login-pages.ts';
import { otherCode } from '../actors/outbox.ts';
import { RelyingParty } from '../actors/relying-party.ts';
import { Registry } from '../actors/registry.ts';
import { randomLabel } from '../actors/random.ts';

/**
 * Password recovery (R-ACC-2) and PUK recovery (R-PUK-2) through the pages (docs/recovery.md), the
 * virtual citizen's phone reading the codes. The PUK's release 48 hours after the request cannot be
 * run against a deployment — nothing outside it moves its clock — so these checks stop at the request
 * and its repetition; the release, its link and the one view are covered by the workerd tests
 * (test/integration/puk-recovery.test.ts), which run the Card's alarm.
 */
const suite = 'recovery';

const NEW_PASSWORD = 'Ciliegio#2025k';
const PAGE = {
  form: 'Hai dimenticato la password?',
  smsCode: 'Inserisci il codice ricevuto via SMS',
  newPassword: 'Scegli la nuova password',
  done: 'Password aggiornata',
  puk: 'Recupera PUK',
  pukRequested: 'Richiesta registrata',
  pukAgain: 'Hai già richiesto il PUK',
} as const;
const BACK_TO_LOGIN = "Torna all'accesso";

function expectHeading(page: Page, heading: string, what: string): Page {
  if (page.heading !== heading) fail(`${what}: expected the page "${heading}", got ${page.describe()}`);
  return page;
}

/** The username form, the username, the SMS code: the new password's page. */
async function throughCodes(browser: Browser, form: Page, citizen: Citizen, username: string): Promise<Page> {
  expectHeading(form, PAGE.form, 'the recovery form');
  const sent = await citizen.phone.count();
  const codePage = expectHeading(await browser.submit(form, 'Continua', { [LABEL.username]: username }), PAGE.smsCode, 'after the username');
  const code = await citizen.phone.latestCode(sent);
  const wrong = await browser.submit(codePage, 'Continua', { [LABEL.otp]: otherCode(code) });
  expectEqual(wrong.status, 400, 'the status of a wrong code');
  return expectHeading(await browser.submit(wrong, 'Continua', { [LABEL.otp]: code }), PAGE.newPassword, 'after the right code');
}

async function setNewPassword(browser: Browser, page: Page, citizen: Citizen): Promise<Page> {
  const done = await browser.submit(page, 'Salva la nuova password', { 'Nuova password': NEW_PASSWORD, 'Conferma nuova password': NEW_PASSWORD });
  expectHeading(done, PAGE.done, 'after the new password');
  citizen.password = NEW_PASSWORD;
  return done;
}

/** What an outside prober compares between two answers. */
const seen = (page: Page) => JSON.stringify({ status: page.status, hops: page.hops, heading: page.heading, text: page.text });

async function pukRequest(ctx: CheckContext, fiscalCode: string, serial: string): Promise<{ browser: Browser; page: Page }> {
  const browser = new Browser(ctx);
  const form = expectHeading(await browser.open('/recupero-puk'), PAGE.puk, 'GET /recupero-puk');
  return { browser, page: await browser.submit(form, 'Continua', { 'Codice Fiscale': fiscalCode, 'Numero di serie': serial }) };
}

export const recoveryChecks: Check[] = [
  defineCheck({
    id: 'R-ACC-2.from-login',
    suite,
    covers: ['R-ACC-2', 'R-ACT-5', 'R-LOG-1'],
    title: `from the login's "${TEXT.forgotPassword}": username, SMS code, new password, "${BACK_TO_LOGIN}" to the same login, which completes with the new password; the old one is refused`,
    async run(ctx) {
      const [rp, citizen] = await Promise.all([RelyingParty.create(ctx, { clientName: `Comune di Prova ${randomLabel(6)}` }), Citizen.withCredentials(ctx)]);
      const oldPassword = citizen.password;
      const started = await openLogin(rp);
      const { browser } = started;
      const form = await browser.open(started.page.link(TEXT.forgotPassword));
      const pwPage = await throughCodes(browser, form, citizen, citizen.fiscalCode);
      const weak = await browser.submit(pwPage, 'Salva la nuova password', { 'Nuova password': 'corta', 'Conferma nuova password': 'corta' });
      expectEqual(weak.status, 400, 'the status of a password against R-ACT-5');
      const done = await setNewPassword(browser, weak, citizen);
      const back = await browser.open(done.link(BACK_TO_LOGIN));
      expectTrue(back.hasField(LABEL.password), `"${BACK_TO_LOGIN}" led to ${back.describe()}, not to the login's credentials`);
      const sent = await citizen.phone.count();
      const otpPage = await signIn(browser, back, citizen.fiscalCode, citizen.password);
      expectTrue(otpPage.hasField(LABEL.otp), `the new password at the login led to ${otpPage.describe()}`);
      const consent = await typeSmsCode(browser, otpPage, citizen, sent);
      expectIncludes(consent.text, TEXT.consentTo, 'the page after the SMS code (consent)');
      const callback = rp.callback(await browser.submit(consent, BUTTON.proceed));
      expectTrue(callback.params.get('code'), `the RP got no code after the recovery: ${callback.target}?${callback.params}`);
      // The old password, at a new login of the same RP.
      const again = await openLogin(rp);
      const refused = await signIn(again.browser, again.page, citizen.fiscalCode, oldPassword);
      expectEqual(refused.status, 400, 'the status of the old password after the recovery');
    },
  }),
  defineCheck({
    id: 'R-ACC-2.sessions',
    suite,
    covers: ['R-ACC-2', 'C-37'],
    title: "after a recovery, an RP's refresh token of the identity is refused",
    async run(ctx) {
      const [rp, citizen] = await Promise.all([RelyingParty.create(ctx), Citizen.withCredentials(ctx)]);
      const { tokens } = await loginWithTokens(rp, citizen, { overrides: { scope: 'openid profile offline_access', prompt: 'consent login' } });
      if (!tokens.refresh_token) fail('the token response had no refresh token for offline_access');
      const browser = new Browser(ctx);
      await setNewPassword(browser, await throughCodes(browser, await browser.open('/recupero-password'), citizen, citizen.serial), citizen);
      const res = await rp.refresh(tokens.refresh_token);
      expectEqual(res.status, 400, 'the status of the refresh grant after the recovery');
      expectMatch(res.text, /invalid_grant/, 'the refresh refusal');
      // And the new password logs in.
      await login(rp, citizen);
    },
  }),
  defineCheck({
    id: 'R-ACC-2.unknown',
    suite,
    covers: ['R-ACC-2', 'R-LOG-8'],
    title: 'an unknown username, a blocked card and a real one get the same page after the username (status, redirects, words)',
    async run(ctx) {
      const [citizen, blocked] = await Promise.all([Citizen.withCredentials(ctx), Citizen.withCredentials(ctx)]);
      await new Registry(ctx).block(blocked.serial, 'lost');
      const ask = async (username: string) => {
        const browser = new Browser(ctx);
        return browser.submit(await browser.open('/recupero-password'), 'Continua', { [LABEL.username]: username });
      };
      const real = await ask(citizen.fiscalCode);
      expectHeading(real, PAGE.smsCode, 'a real username');
      for (const [what, username] of [
        ['an unknown codice fiscale', newCardRequest().fiscalCode],
        ['an unknown serial', 'ZZ12345ZZ'],
        ['an unknown email', `nessuno.${randomLabel(10)}@example.it`],
        ['a blocked card', blocked.serial],
      ] as const) {
        const page = await ask(username);
        expectEqual(seen(page), seen(real), `the page after ${what}`);
      }
    },
  }),
  defineCheck({
    id: 'R-PUK-2.request',
    suite,
    covers: ['R-PUK-2'],
    title:
      'Recupera PUK: codice fiscale + serial, SMS code, "Richiesta registrata … potrai vederlo dal …"; asked again, it restarts nothing and says when (the 48-hour release is covered by the workerd tests)',
    async run(ctx) {
      const citizen = await Citizen.issue(ctx);
      const request = async () => {
        const sent = await citizen.phone.count();
        const { browser, page } = await pukRequest(ctx, citizen.fiscalCode, citizen.serial);
        expectHeading(page, PAGE.smsCode, 'after codice fiscale and serial');
        return browser.submit(page, 'Continua', { [LABEL.otp]: await citizen.phone.latestCode(sent) });
      };
      const first = expectHeading(await request(), PAGE.pukRequested, 'after the code');
      const when = /potrai vederlo dal \d{2}\/\d{2}\/\d{4}, \d{2}:\d{2}/.exec(first.text)?.[0];
      if (!when) fail(`no "potrai vederlo dal <data>, <ora>" on ${first.describe()}`);
      const again = expectHeading(await request(), PAGE.pukAgain, 'a second request within 48 hours');
      expectIncludes(again.text, when, 'the second answer (the same release)');
    },
  }),
  defineCheck({
    id: 'R-PUK-2.no-oracle',
    suite,
    covers: ['R-PUK-2', 'R-CARD-3'],
    title: 'a blocked card gets the same answer as a pair nobody holds, and its phone receives nothing',
    async run(ctx) {
      const [real, blocked] = await Promise.all([Citizen.issue(ctx), Citizen.issue(ctx)]);
      await new Registry(ctx).block(blocked.serial, 'stolen');
      const realPage = (await pukRequest(ctx, real.fiscalCode, real.serial)).page;
      const blockedPage = (await pukRequest(ctx, blocked.fiscalCode, blocked.serial)).page;
      const nobody = (await pukRequest(ctx, newCardRequest().fiscalCode, 'CA12345ZZ')).page;
      expectEqual(seen(blockedPage), seen(realPage), 'the page for a blocked card');
      expectEqual(seen(nobody), seen(realPage), 'the page for a pair nobody holds');
      await new Promise((r) => setTimeout(r, 300));
      expectEqual(await blocked.phone.count(), 0, "messages to the blocked card's phone");
    },
  }),
];
