import { expectEqual, expectIncludes, expectJson, expectMatch, expectStatus, expectTrue, fail } from '../core/assert.ts';
import { defineCheck, type Check, type CheckContext } from '../core/check.ts';
import { VirtualApp, appCall, expectApiError, qrContent, type Approval } from '../actors/app.ts';
import type { Browser } from '../actors/browser.ts';
import { Citizen } from '../actors/citizen.ts';
import type { Page } from '../actors/html-page.ts';
import { openLogin, signIn, typeSmsCode } from '../actors/login.ts';
import { BUTTON, LABEL, TEXT } from '../actors/login-pages.ts';
import { randomLabel } from '../actors/random.ts';
import { ACR, RelyingParty, type AuthorizeRequest } from '../actors/relying-party.ts';

/**
 * R-LOG-2 (App branch), R-LOG-3, R-ACT-6, R-ACC-3: "Entra con CIE" at level 2 authorised by the App
 * CieID — a push the App approves or denies with its key, the page's QR code scanned by the App, the
 * fallbacks of the waiting page, and the identity's mode choosing the second factor.
 *
 * The waiting pages move on by themselves in a browser (a WebSocket, else polling, then a reload);
 * the virtual browser runs no script, so it reloads the page as that script would.
 * Not here: the QR code's 120 s expiry (a check would wait two minutes; the workerd tests run the alarm).
 */
const suite = 'login-app';

const WAIT = {
  heading: 'Controlla adesso il tuo cellulare',
  sent: "Ti abbiamo inviato una notifica sull'App CieID per autorizzare il tuo accesso.",
  resend: 'invia una nuova notifica',
  toQr: 'Vai al QR code',
  sms: 'Autorizza tramite SMS',
  denied: "Hai negato l'autorizzazione dall'App CieID",
} as const;

interface Party {
  ctx: CheckContext;
  rp: RelyingParty;
  clientName: string;
  citizen: Citizen;
  app: VirtualApp;
}

/** Its own RP, and a citizen in App mode with a certified phone. */
async function party(ctx: CheckContext): Promise<Party> {
  const clientName = `Comune di Prova ${randomLabel(6)}`;
  const [rp, citizen] = await Promise.all([RelyingParty.create(ctx, { clientName }), Citizen.withCredentials(ctx, { mode: 'app' })]);
  return { ctx, rp, clientName, citizen, app: await VirtualApp.certify(citizen) };
}

interface Waiting {
  browser: Browser;
  auth: AuthorizeRequest;
  page: Page;
}

/** A level 2 login up to "Controlla adesso il tuo cellulare", no SMS sent. */
async function waitForPhone(p: Party): Promise<Waiting> {
  const { browser, page, auth } = await openLogin(p.rp);
  const sent = await p.citizen.phone.count();
  const waiting = await signIn(browser, page, p.citizen.fiscalCode, p.citizen.password);
  expectEqual(waiting.status, 200, 'the status of the page after the password');
  expectIncludes(waiting.text, WAIT.heading, 'the page after the password (App mode, a certified device)');
  expectEqual(await p.citizen.phone.count(), sent, 'the SMS sent for a login authorised by the App');
  return { browser, auth, page: waiting };
}

/**
 * Where the waiting page's script (/login-wait.js) goes when the flow's step changes: the login
 * named by `<div id="attesa" data-flow="…">`, e.g. after a re-rendered page at a form's action.
 */
function reload(w: { browser: Browser; page: Page }): Promise<Page> {
  const flow = /<div[^>]*\bid="attesa"[^>]*>/.exec(w.page.html)?.[0].match(/data-flow="([^"]+)"/)?.[1];
  if (!flow) fail(`no <div id="attesa" data-flow> on the waiting page ${w.page.describe()}`);
  return w.browser.open(`/login/${encodeURIComponent(flow)}`);
}

/** Consent for this RP, "Prosegui", the code at the RP, the tokens at level 2. */
async function consentToCode(p: Party, browser: Browser, consent: Page, auth: AuthorizeRequest): Promise<void> {
  expectIncludes(consent.text, `${TEXT.consentTo} ${p.clientName}`, `the page after the App's approval (${consent.describe()})`);
  const callback = p.rp.callback(await browser.submit(consent, BUTTON.proceed));
  const code = callback.params.get('code');
  if (!code) fail(`"Prosegui" on consent did not give the RP a code: ${callback.target}?${callback.params}`);
  expectEqual(callback.params.get('state'), auth.state, 'the state');
  const tokens = await p.rp.tokens(code, auth.verifier);
  expectEqual((await p.rp.idTokenClaims(tokens.id_token ?? '')).acr, ACR[2], "the ID token's acr");
}

function expectStillWaiting(page: Page, what: string): void {
  expectIncludes(page.text, WAIT.heading, what);
}

/** The level 2 page's QR code scanned by the App: the approval it gets. */
async function scanned(app: VirtualApp, content: string): Promise<Approval> {
  const res = await app.scan(content);
  expectStatus(res, 201);
  return expectJson<Approval>(res);
}

async function switchMode(ctx: CheckContext, citizen: Citizen, mode: 'app' | 'sms'): Promise<void> {
  const sent = await citizen.phone.count();
  const started = await appCall(ctx, 'POST', '/account/modalita', { json: { username: citizen.fiscalCode, password: citizen.password, mode } });
  expectStatus(started, 201);
  const flowId = String(expectJson(started).flowId);
  const done = await appCall(ctx, 'POST', `/account/modalita/${flowId}`, { json: { otp: await citizen.phone.latestCode(sent) } });
  expectStatus(done, 200);
  expectEqual(expectJson(done).mode, mode, 'the mode after the switch');
}

export const loginAppChecks: Check[] = [
  defineCheck({
    id: 'R-LOG-2.app',
    suite,
    covers: ['R-LOG-2', 'R-ACT-6'],
    title: 'push: "Controlla adesso il tuo cellulare", the App sees RP, level and attributes, approves with its key → consent → code at the RP',
    async run(ctx) {
      const p = await party(ctx);
      const w = await waitForPhone(p);
      expectIncludes(w.page.text, WAIT.sent, 'the waiting page');
      for (const button of [WAIT.resend, WAIT.toQr, WAIT.sms, BUTTON.cancel]) expectTrue(w.page.hasButton(button), `no "${button}" on the waiting page`);
      const approval = await p.app.pendingFor(p.clientName);
      expectEqual(approval.kind, 'push', "the approval's kind");
      expectEqual(approval.level, 2, "the approval's level");
      for (const name of ['Nome', 'Cognome'])
        expectTrue(approval.attributes.includes(name), `the approval does not show "${name}": ${approval.attributes.join(', ')}`);
      const res = await p.app.approve(approval);
      expectStatus(res, 200);
      expectEqual(expectJson(res).outcome, 'approved', "the App's outcome");
      expectEqual(await p.app.approvals(), [], 'the approvals pending after the approval');
      await consentToCode(p, w.browser, await reload(w), w.auth);
    },
  }),
  defineCheck({
    id: 'R-LOG-2.app-deny',
    suite,
    covers: ['R-LOG-2'],
    title: 'push denied in the App: the page says so (403) and "Torna al servizio" gives the RP error=access_denied',
    async run(ctx) {
      const p = await party(ctx);
      const w = await waitForPhone(p);
      const res = await p.app.deny(await p.app.pendingFor(p.clientName));
      expectStatus(res, 200);
      expectEqual(expectJson(res).outcome, 'denied', "the App's outcome");
      const refused = await reload(w);
      expectEqual(refused.status, 403, 'the status of the page after the denial');
      expectIncludes(refused.text, WAIT.denied, 'the page after the denial');
      const callback = p.rp.callback(await w.browser.submit(refused, BUTTON.backToService));
      expectEqual(callback.target, p.rp.redirectUri, 'where "Torna al servizio" sends the citizen');
      expectEqual(callback.params.get('error'), 'access_denied', 'the error');
      expectEqual(callback.params.get('state'), w.auth.state, 'the state');
      expectEqual(callback.params.get('code'), null, 'the code');
    },
  }),
  defineCheck({
    id: 'R-LOG-2.app-sms',
    suite,
    covers: ['R-LOG-2'],
    title: '"Autorizza tramite SMS": one SMS, the code page; the push no longer works (403); the SMS code leads to consent → code',
    async run(ctx) {
      const p = await party(ctx);
      const w = await waitForPhone(p);
      const approval = await p.app.pendingFor(p.clientName);
      const sent = await p.citizen.phone.count();
      const otp = await w.browser.submit(w.page, WAIT.sms);
      expectTrue(otp.hasField(LABEL.otp), `expected the SMS code page after "${WAIT.sms}", got ${otp.describe()}`);
      expectEqual(await p.citizen.phone.count(), sent + 1, 'the SMS sent after "Autorizza tramite SMS"');
      expectApiError(await p.app.approve(approval), 403, 'approval_refused');
      await consentToCode(p, w.browser, await typeSmsCode(w.browser, otp, p.citizen, sent), w.auth);
    },
  }),
  defineCheck({
    id: 'R-LOG-2.app-resend',
    suite,
    covers: ['R-LOG-2'],
    title: '"invia una nuova notifica": a new push; the old one is gone (410), the new one is approved',
    async run(ctx) {
      const p = await party(ctx);
      const w = await waitForPhone(p);
      const first = await p.app.pendingFor(p.clientName);
      const again = await w.browser.submit(w.page, WAIT.resend);
      expectEqual(again.status, 200, 'the status after "invia una nuova notifica"');
      expectIncludes(again.text, 'Ti abbiamo inviato una nuova notifica', 'the page after "invia una nuova notifica"');
      const second = await p.app.pendingFor(p.clientName);
      expectTrue(second.id !== first.id, 'the new notification is the old one');
      expectApiError(await p.app.approve(first), 410, 'approval_gone');
      expectStatus(await p.app.approve(second), 200);
      await consentToCode(p, w.browser, await reload({ browser: w.browser, page: again }), w.auth);
    },
  }),
  defineCheck({
    id: 'R-LOG-2.app-qr-link',
    suite,
    covers: ['R-LOG-2', 'R-LOG-3'],
    title: '"Vai al QR code" goes back to the level 2 page with a QR code and its "Validità codice"',
    async run(ctx) {
      const p = await party(ctx);
      const w = await waitForPhone(p);
      const page = await w.browser.submit(w.page, WAIT.toQr);
      expectIncludes(page.text, TEXT.app, 'the page after "Vai al QR code"');
      expectIncludes(page.text, TEXT.qrValidity, 'the page after "Vai al QR code"');
      expectMatch(qrContent(page), /^CIEID-QR1\./, "the QR code's content");
    },
  }),
  defineCheck({
    id: 'R-LOG-2.app-replay',
    suite,
    covers: ['R-LOG-2'],
    title: 'an approval is single use: the same assertion again is refused (410), and on a newer login too (403)',
    async run(ctx) {
      const p = await party(ctx);
      const w = await waitForPhone(p);
      const approval = await p.app.pendingFor(p.clientName);
      const assertion = await p.app.authenticator.assert(approval.challenge);
      expectStatus(await p.app.call('POST', `/app/approvals/${approval.id}`, { decision: 'approve', assertion }), 200);
      expectApiError(await p.app.call('POST', `/app/approvals/${approval.id}`, { decision: 'approve', assertion }), 410, 'approval_gone');
      const w2 = await waitForPhone(p);
      const next = await p.app.pendingFor(p.clientName);
      expectApiError(await p.app.call('POST', `/app/approvals/${next.id}`, { decision: 'approve', assertion }), 403, 'approval_refused');
      expectStillWaiting(await reload(w2), 'the second login after the replayed assertion');
      await consentToCode(p, w.browser, await reload(w), w.auth);
    },
  }),
  defineCheck({
    id: 'R-LOG-2.app-other-flow',
    suite,
    covers: ['R-LOG-2'],
    title: "an assertion over another login's challenge is refused (403) and that login keeps waiting",
    async run(ctx) {
      const p = await party(ctx);
      const a = await waitForPhone(p);
      const forA = await p.app.pendingFor(p.clientName);
      const b = await waitForPhone(p);
      const forB = (await p.app.approvals()).find((x) => x.id !== forA.id);
      if (!forB) fail('no second approval for the second login');
      expectApiError(await p.app.approve(forA, { challenge: forB.challenge }), 403, 'approval_refused');
      expectStillWaiting(await reload(a), "the login after an assertion over another login's challenge");
      expectStillWaiting(await reload(b), 'the other login');
    },
  }),
  defineCheck({
    id: 'R-LOG-2.app-counter',
    suite,
    covers: ['R-LOG-2'],
    title: 'a signature counter that goes backwards (a cloned key) is refused: 403, the login keeps waiting',
    async run(ctx) {
      const p = await party(ctx);
      p.app.authenticator.counter = 10;
      const first = await waitForPhone(p);
      const older = await p.app.pendingFor(p.clientName);
      const second = await waitForPhone(p);
      const newer = (await p.app.approvals()).find((x) => x.id !== older.id);
      if (!newer) fail('no second approval for the second login');
      expectStatus(await p.app.approve(newer), 200); // counter 11
      expectApiError(await p.app.approve(older, { counter: 5 }), 403, 'approval_refused');
      expectApiError(await p.app.approve(older, { counter: 11 }), 403, 'approval_refused');
      expectStillWaiting(await reload(first), 'the login approved with an old counter');
      await consentToCode(p, second.browser, await reload(second), second.auth);
    },
  }),
  defineCheck({
    id: 'R-LOG-2.app-uv',
    suite,
    covers: ['R-LOG-2', 'R-APP-2'],
    title: 'an assertion without user verification (no App code, no biometrics) is refused: 403',
    async run(ctx) {
      const p = await party(ctx);
      const w = await waitForPhone(p);
      expectApiError(await p.app.approve(await p.app.pendingFor(p.clientName), { userVerified: false }), 403, 'approval_refused');
      expectStillWaiting(await reload(w), 'the login after an unverified assertion');
    },
  }),
  defineCheck({
    id: 'R-LOG-3',
    suite,
    covers: ['R-LOG-3'],
    title: "QR: the App scans the level 2 page's code, confirms with its key, the page moves on to consent → code at the RP, no password typed",
    async run(ctx) {
      const p = await party(ctx);
      const { browser, page, auth } = await openLogin(p.rp);
      expectIncludes(page.text, TEXT.qrValidity, 'the level 2 page');
      const approval = await scanned(p.app, qrContent(page));
      expectEqual(approval.kind, 'qr', "the approval's kind");
      expectEqual(approval.rpName, p.clientName, "the approval's RP name");
      expectEqual(approval.level, 2, "the approval's level");
      expectEqual(
        (await p.app.approvals()).map((a) => a.id),
        [approval.id],
        'the approvals pending on the App',
      );
      const res = await p.app.approve(approval);
      expectStatus(res, 200);
      expectEqual(expectJson(res).outcome, 'approved', "the App's outcome");
      await consentToCode(p, browser, await reload({ browser, page }), auth);
    },
  }),
  defineCheck({
    id: 'R-LOG-3.replay',
    suite,
    covers: ['R-LOG-3'],
    title: "a QR code is single use: a second scan, by the same device or another citizen's, is refused (410 qr_refused)",
    async run(ctx) {
      const [p, stranger] = await Promise.all([party(ctx), Citizen.withCredentials(ctx, { mode: 'app' })]);
      const other = await VirtualApp.certify(stranger);
      const { page } = await openLogin(p.rp);
      const content = qrContent(page);
      await scanned(p.app, content);
      expectApiError(await p.app.scan(content), 410, 'qr_refused');
      expectApiError(await other.scan(content), 410, 'qr_refused');
      expectEqual(await other.approvals(), [], "the approvals on the other citizen's App");
    },
  }),
  defineCheck({
    id: 'R-LOG-3.device',
    suite,
    covers: ['R-LOG-3'],
    title: 'a QR approval is for the scanning device only: another device of the same citizen cannot see or approve it (410)',
    async run(ctx) {
      const p = await party(ctx);
      const tablet = await VirtualApp.certify(p.citizen, { name: 'Tablet' });
      const { browser, page, auth } = await openLogin(p.rp);
      const approval = await scanned(p.app, qrContent(page));
      expectEqual(await tablet.approvals(), [], 'the approvals on the other device');
      expectApiError(await tablet.approve(approval), 410, 'approval_gone');
      const still = await reload({ browser, page });
      expectTrue(still.hasField(LABEL.password), `the login moved on after another device's approval: ${still.describe()}`);
      expectStatus(await p.app.approve(approval), 200);
      await consentToCode(p, browser, await reload({ browser, page }), auth);
    },
  }),
  defineCheck({
    id: 'R-LOG-3.renewed',
    suite,
    covers: ['R-LOG-3'],
    title: '"Genera un nuovo codice" issues a new QR code and retires the old one (410)',
    async run(ctx) {
      const p = await party(ctx);
      const { browser, page } = await openLogin(p.rp);
      const old = qrContent(page);
      const fresh = qrContent(await browser.submit(page, 'Genera un nuovo codice'));
      expectTrue(fresh !== old, 'the renewed page shows the same QR code');
      expectApiError(await p.app.scan(old), 410, 'qr_refused');
      await scanned(p.app, fresh);
    },
  }),
  defineCheck({
    id: 'R-LOG-3.bad',
    suite,
    covers: ['R-LOG-3'],
    title: 'content that is not a CieID code is a 400; a scan without a device session is a 401',
    async run(ctx) {
      const p = await party(ctx);
      expectApiError(await p.app.scan('https://example.org/'), 400, 'invalid_request');
      const { page } = await openLogin(p.rp);
      expectApiError(await appCall(ctx, 'POST', '/app/qr', { json: { content: qrContent(page) } }), 401, 'unauthorized');
    },
  }),
  defineCheck({
    id: 'R-ACC-3.mode',
    suite,
    covers: ['R-ACT-6', 'R-ACC-3'],
    title: 'the mode decides the factor: SMS mode with a certified device → SMS code; switched to App → push; back to SMS → SMS code',
    async run(ctx) {
      const clientName = `Comune di Prova ${randomLabel(6)}`;
      const [rp, citizen] = await Promise.all([RelyingParty.create(ctx, { clientName }), Citizen.withCredentials(ctx, { mode: 'sms' })]);
      const p: Party = { ctx, rp, clientName, citizen, app: await VirtualApp.certify(citizen) };
      const factor = async () => {
        const { browser, page } = await openLogin(rp);
        return signIn(browser, page, citizen.fiscalCode, citizen.password);
      };
      expectTrue((await factor()).hasField(LABEL.otp), 'an SMS-mode identity with a certified device did not get the SMS code page');
      await switchMode(ctx, citizen, 'app');
      await waitForPhone(p);
      await switchMode(ctx, citizen, 'sms');
      expectTrue((await factor()).hasField(LABEL.otp), 'after switching back to SMS, no SMS code page');
    },
  }),
];
