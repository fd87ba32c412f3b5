import { expectEqual, expectIncludes, expectMatch, expectTrue, fail } from '../core/assert.ts';
import { defineCheck, type Check, type CheckContext } from '../core/check.ts';
import { HEADING as ACTIVATION_HEADING } from '../actors/activation-pages.ts';
import { otherCode } from '../actors/outbox.ts';
import { Citizen, newCardRequest, uniqueEmail } from '../actors/citizen.ts';
import type { Page } from '../actors/html-page.ts';
import { login, loginWithTokens, openLogin, signIn } from '../actors/login.ts';
import { BUTTON, LABEL, LEVEL_HEADING, LEVEL_NAME, PROFILE_ATTRIBUTES, TEXT } from '../actors/login-pages.ts';
import { ACR, RelyingParty, type RpOptions } from '../actors/relying-party.ts';
import { randomLabel } from '../actors/random.ts';

/**
 * R-LOG-1, R-LOG-2, R-LOG-7, R-LOG-8, R-LVL-1, R-LVL-2, R-LVL-4: "Entra con CIE" through its pages, SMS branch. R-LOG-9 (the access
 * log) is not here: no HTTP interface shows a holder's access log yet.
 */
const suite = 'login';
const LEVEL_1 = { acr_values: ACR[1] };
const OTP_ATTEMPTS = 5;

/** An RP with a name of its own (to find it on the pages) and a citizen with credentials. */
async function parties(ctx: CheckContext, options: RpOptions = {}) {
  const clientName = options.clientName ?? `Comune di Prova ${randomLabel(6)}`;
  const [rp, citizen] = await Promise.all([RelyingParty.create(ctx, { ...options, clientName }), Citizen.withCredentials(ctx)]);
  return { rp, citizen, clientName };
}

function expectPageStatus(page: Page, status: number, what: string): void {
  if (page.status !== status) fail(`${what}: expected ${status}, got ${page.describe()}`);
}

export const loginChecks: Check[] = [
  defineCheck({
    id: 'R-LOG-1',
    suite,
    covers: ['R-LOG-1', 'R-ACT-9'],
    title: 'the level 2 page names the service and the level, offers credentials, App QR, card reading and the two links, which lead to activation',
    async run(ctx) {
      const clientName = `INPS ${randomLabel(6)}`;
      const rp = await RelyingParty.create(ctx, { clientName });
      const { browser, page } = await openLogin(rp);
      expectEqual(page.status, 200, 'the status of the login page');
      expectEqual(page.heading, LEVEL_HEADING(2), 'the heading');
      expectIncludes(page.title, clientName, 'the page title');
      expectIncludes(page.text, clientName, "the page (the service's name)");
      expectIncludes(page.text, `LIVELLO 2 | ${LEVEL_NAME[2]}`, 'the page (the level)');
      for (const text of [TEXT.credentials, TEXT.app, TEXT.qrValidity, TEXT.cardReading]) expectIncludes(page.text, text, 'the level 2 page');
      expectEqual(page.field(LABEL.password).type, 'password', `the type of "${LABEL.password}"`);
      page.field(LABEL.username);
      for (const button of [BUTTON.signIn, BUTTON.cancel]) expectTrue(page.hasButton(button), `no "${button}" on the login page`);
      // A new password is a new activation (R-ACT-9): the link must lead there, not to a dead end.
      const recovery = await browser.open(page.link(TEXT.forgotPassword));
      expectEqual(recovery.status, 200, `the status of the page behind "${TEXT.forgotPassword}"`);
      const newPassword = await browser.open(recovery.link(TEXT.setNewPassword));
      expectEqual(newPassword.heading, ACTIVATION_HEADING.dati, `the page behind "${TEXT.setNewPassword}"`);
      expectEqual((await browser.open(page.link(TEXT.activateNow))).heading, ACTIVATION_HEADING.dati, `the page behind "${TEXT.activateNow}"`);
    },
  }),
  defineCheck({
    id: 'R-LOG-1.escaped',
    suite,
    covers: ['R-LOG-1'],
    title: "the service's name is shown as text, never as markup",
    async run(ctx) {
      const clientName = `<script>alert(${randomLabel(4)})</script> Comune`;
      const rp = await RelyingParty.create(ctx, { clientName });
      const { page } = await openLogin(rp);
      expectTrue(!page.html.includes(clientName), "the service's name reaches the page as raw HTML");
      expectIncludes(page.text, clientName, "the page text (the service's name, escaped)");
    },
  }),
  defineCheck({
    id: 'R-LVL-1',
    suite,
    covers: ['R-LVL-1'],
    title: 'level 1: the password alone leads to consent, no SMS is sent, the ID token says SpidL1',
    async run(ctx) {
      const { rp, citizen } = await parties(ctx);
      const { browser, page } = await openLogin(rp, { overrides: LEVEL_1 });
      expectEqual(page.heading, LEVEL_HEADING(1), 'the heading');
      expectIncludes(page.text, `LIVELLO 1 | ${LEVEL_NAME[1]}`, 'the page (the level)');
      expectTrue(!page.text.includes(TEXT.qrValidity), 'a level 1 page offers the App QR code');
      const consent = await signIn(browser, page, citizen.fiscalCode, citizen.password);
      expectIncludes(consent.text, TEXT.consentTo, `the page after the password (${consent.describe()})`);
      expectEqual(await citizen.phone.count(), 1, 'the SMS sent (only the one of the activation)');
      const { tokens } = await loginWithTokens(rp, citizen, { overrides: LEVEL_1 });
      expectEqual((await rp.idTokenClaims(tokens.id_token ?? '')).acr, ACR[1], "the ID token's acr");
    },
  }),
  defineCheck({
    id: 'R-LVL-2',
    suite,
    covers: ['R-LVL-2', 'R-LOG-2'],
    title: 'level 2: the password, then the 4-digit SMS code to the masked number, then consent; acr SpidL2',
    async run(ctx) {
      const { rp, citizen } = await parties(ctx);
      const { browser, page, auth } = await openLogin(rp);
      const sent = await citizen.phone.count();
      const otp = await signIn(browser, page, citizen.serial, citizen.password);
      expectEqual(otp.heading, LEVEL_HEADING(2), 'the heading of the code page');
      const phone = citizen.phone.number;
      expectIncludes(otp.text, 'Inserisci il codice di verifica a 4 cifre ricevuto via SMS al numero +39', 'the code page');
      expectIncludes(otp.text, phone.slice(-3), "the code page (the number's last digits)");
      expectTrue(!otp.text.includes(phone.slice(3)), 'the code page shows the whole number');
      for (const button of [BUTTON.proceed, BUTTON.resend]) expectTrue(otp.hasButton(button), `no "${button}" on the code page`);
      const code = expectMatch(await citizen.phone.latestCode(sent), /^\d{4}$/, 'the SMS code');
      const consent = await browser.submit(otp, BUTTON.proceed, { [LABEL.otp]: code });
      expectIncludes(consent.text, TEXT.consentTo, `the page after the code (${consent.describe()})`);
      const callback = rp.callback(await browser.submit(consent, BUTTON.proceed));
      const tokens = await rp.tokens(callback.params.get('code') ?? '', auth.verifier);
      expectEqual((await rp.idTokenClaims(tokens.id_token ?? '')).acr, ACR[2], "the ID token's acr");
    },
  }),
  defineCheck({
    id: 'R-LVL-4',
    suite,
    covers: ['R-LVL-4', 'R-LVL-2'],
    title: 'a level 2 request is never satisfied by the password alone: no consent and no code without the SMS code',
    async run(ctx) {
      const { rp, citizen } = await parties(ctx);
      const { browser, page } = await openLogin(rp);
      const otp = await signIn(browser, page, citizen.fiscalCode, citizen.password);
      otp.field(LABEL.otp);
      const skipped = await browser.submit(otp, BUTTON.proceed, { [LABEL.otp]: '' });
      expectPageStatus(skipped, 400, 'pressing "Prosegui" without a code');
      expectTrue(!skipped.location, `pressing "Prosegui" without a code redirected to ${skipped.location}`);
      const again = await browser.open(otp.url);
      expectTrue(again.hasField(LABEL.otp) && !again.text.includes(TEXT.consentTo), `the flow moved past the code without it: ${again.describe()}`);
    },
  }),
  defineCheck({
    id: 'R-LVL-4.higher',
    suite,
    covers: ['R-LVL-4', 'C-14'],
    title: 'acr_values "SpidL2 SpidL1": the login proves level 2 and the ID token\'s acr satisfies both',
    async run(ctx) {
      const { rp, citizen } = await parties(ctx);
      const { tokens } = await loginWithTokens(rp, citizen, { overrides: { acr_values: `${ACR[2]} ${ACR[1]}` } });
      expectEqual((await rp.idTokenClaims(tokens.id_token ?? '')).acr, ACR[2], "the ID token's acr");
    },
  }),
  defineCheck({
    id: 'R-LOG-2.wrong-code',
    suite,
    covers: ['R-LOG-2', 'R-OTP-2'],
    title: 'wrong SMS codes are counted; the fifth closes the login (410)',
    async run(ctx) {
      const { rp, citizen } = await parties(ctx);
      const { browser, page } = await openLogin(rp);
      const sent = await citizen.phone.count();
      let current = await signIn(browser, page, citizen.fiscalCode, citizen.password);
      const wrong = otherCode(await citizen.phone.latestCode(sent));
      for (let left = OTP_ATTEMPTS - 1; left >= 1; left--) {
        current = await browser.submit(current, BUTTON.proceed, { [LABEL.otp]: wrong });
        expectPageStatus(current, 400, `wrong code with ${left} attempt(s) left`);
        expectIncludes(current.alert ?? '', `Tentativi rimasti: ${left}`, 'the alert');
      }
      const closed = await browser.submit(current, BUTTON.proceed, { [LABEL.otp]: wrong });
      expectPageStatus(closed, 410, 'the fifth wrong code');
    },
  }),
  defineCheck({
    id: 'R-LOG-2.resend',
    suite,
    covers: ['R-LOG-2', 'R-OTP-3'],
    title: '"Invia di nuovo" within 30 s: 429 with Retry-After and no new SMS; the code still works',
    async run(ctx) {
      const { rp, citizen } = await parties(ctx);
      const { browser, page } = await openLogin(rp);
      const sent = await citizen.phone.count();
      const otp = await signIn(browser, page, citizen.fiscalCode, citizen.password);
      const code = await citizen.phone.latestCode(sent);
      const soon = await browser.submit(otp, BUTTON.resend);
      expectPageStatus(soon, 429, '"Invia di nuovo" within 30 s');
      expectMatch(soon.headers.get('Retry-After'), /^[1-9]\d*$/, 'Retry-After');
      expectEqual(await citizen.phone.count(), sent + 1, 'the SMS sent for this login');
      const consent = await browser.submit(soon, BUTTON.proceed, { [LABEL.otp]: code });
      expectIncludes(consent.text, TEXT.consentTo, `the page after the first code (${consent.describe()})`);
    },
  }),
  defineCheck({
    id: 'R-LOG-7',
    suite,
    covers: ['R-LOG-7'],
    title: 'consent: "I seguenti dati stanno per essere inviati a: <ente>" with Nome, Cognome, Data di nascita, Codice fiscale',
    async run(ctx) {
      const { rp, citizen, clientName } = await parties(ctx);
      const { browser, page } = await openLogin(rp, { overrides: { ...LEVEL_1, scope: 'openid profile' } });
      const consent = await signIn(browser, page, citizen.fiscalCode, citizen.password);
      expectIncludes(consent.text, `${TEXT.consentTo} ${clientName}`, 'the consent page');
      expectEqual(consent.listItems(), [...PROFILE_ATTRIBUTES], 'the attributes listed for scope profile');
      for (const button of [BUTTON.proceed, BUTTON.cancel]) expectTrue(consent.hasButton(button), `no "${button}" on the consent page`);
    },
  }),
  defineCheck({
    id: 'R-LOG-7.none',
    suite,
    covers: ['R-LOG-7'],
    title: 'consent for scope openid alone says only an identifier is sent, and lists nothing',
    async run(ctx) {
      const { rp, citizen } = await parties(ctx);
      const { browser, page } = await openLogin(rp, { overrides: { ...LEVEL_1, scope: 'openid' }, params: { scope: 'openid' } });
      const consent = await signIn(browser, page, citizen.fiscalCode, citizen.password);
      expectIncludes(consent.text, TEXT.noData, 'the consent page');
      expectEqual(consent.listItems(), [], 'the attributes listed for scope openid');
    },
  }),
  defineCheck({
    id: 'R-LOG-7.cancel',
    suite,
    covers: ['R-LOG-7'],
    title: '"Annulla" on consent returns the citizen to the service with access_denied and the state, and ends the login',
    async run(ctx) {
      const { rp, citizen } = await parties(ctx);
      const { browser, page, auth } = await openLogin(rp, { overrides: LEVEL_1 });
      const consent = await signIn(browser, page, citizen.fiscalCode, citizen.password);
      const callback = rp.callback(await browser.submit(consent, BUTTON.cancel));
      expectEqual(callback.target, rp.redirectUri, 'where "Annulla" sends the citizen');
      expectEqual(callback.params.get('error'), 'access_denied', 'the error');
      expectEqual(callback.params.get('state'), auth.state, 'the state');
      expectEqual(callback.params.get('code'), null, 'the code');
      const after = await browser.submit(consent, BUTTON.proceed);
      expectTrue(!after.location?.searchParams.get('code'), 'the cancelled login still gave a code');
    },
  }),
  defineCheck({
    id: 'R-LOG-8',
    suite,
    covers: ['R-LOG-8'],
    title: 'a wrong password and an unknown username get the same 400 page',
    async run(ctx) {
      const { rp, citizen } = await parties(ctx);
      const { browser, page } = await openLogin(rp);
      const stranger = newCardRequest().fiscalCode;
      const known = await signIn(browser, page, citizen.fiscalCode, 'Sbagliata!99');
      const unknown = await signIn(browser, page, stranger, 'Sbagliata!99');
      expectPageStatus(known, 400, 'a wrong password');
      expectPageStatus(unknown, 400, 'an unknown username');
      expectIncludes(known.alert ?? '', TEXT.wrongCredentials, 'the alert for a wrong password');
      // What a person (or a script) can read, the typed username aside; one-time values such as a
      // fresh QR code differ between any two renderings and tell nothing.
      const seen = (p: Page, username: string) =>
        JSON.stringify({ status: p.status, text: p.text, alerts: p.alerts, fields: p.forms.flatMap((f) => f.fields.filter((x) => x.type !== 'hidden')) })
          .split(username)
          .join('«username»');
      expectEqual(seen(unknown, stranger), seen(known, citizen.fiscalCode), "the answer for an unknown username (compared with a wrong password's)");
      expectEqual(unknown.field(LABEL.password).value, '', 'the password sent back');
    },
  }),
  defineCheck({
    id: 'R-LOG-8.slowdown',
    suite,
    covers: ['R-LOG-8'],
    title: 'after three wrong passwords the fourth attempt must wait (429, Retry-After), known username or not, right password or not',
    async run(ctx) {
      const { rp, citizen } = await parties(ctx);
      const stranger = newCardRequest().fiscalCode;
      for (const username of [citizen.fiscalCode, stranger]) {
        const { browser, page } = await openLogin(rp);
        let current = page;
        for (let i = 1; i <= 3; i++) {
          current = await signIn(browser, current, username, `Sbagliata!${i}`);
          expectPageStatus(current, 400, `wrong password number ${i} for ${username === stranger ? 'an unknown' : 'a known'} username`);
        }
        const slowed = await signIn(browser, current, username, username === stranger ? 'Sbagliata!4' : citizen.password);
        expectPageStatus(slowed, 429, `the fourth attempt for ${username === stranger ? 'an unknown username' : 'a known username, right password'}`);
        expectIncludes(slowed.alert ?? '', TEXT.throttled, 'the alert');
        expectMatch(slowed.headers.get('Retry-After'), /^[1-9]\d*$/, 'Retry-After');
      }
    },
  }),
  defineCheck({
    id: 'R-ACT-7.usernames',
    suite,
    covers: ['R-ACT-7', 'R-LOG-1'],
    title: 'the serial number and the verified email log in like the codice fiscale',
    async run(ctx) {
      const email = uniqueEmail('username');
      const [rp, citizen] = await Promise.all([RelyingParty.create(ctx), Citizen.issue(ctx)]);
      await citizen.activate({ email });
      for (const username of [citizen.serial, email.toUpperCase()]) {
        const done = await login(rp, citizen, { overrides: LEVEL_1, username });
        expectTrue(done.code, `no code for a login with username ${username}`);
      }
    },
  }),
];
