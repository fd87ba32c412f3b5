import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createExecutionContext, env as testEnv, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../functions/index';
import type { Env } from '../../functions/env';
import { L3_CODE_PREFIX, L3_QR_TTL_MS } from '../../functions/core/login-flow';
import { REFUSAL_MESSAGES } from '../../functions/core/login-messages';
import { fingerprintOf, certificateFromTransport, testClientCertHeader, TEST_CLIENT_CERT_HEADER } from '../../functions/login/reader';
import { cardObject } from '../../functions/platform/objects';
import { hashPassword } from '../../functions/platform/password-hash';
import { flowSql } from '../support/activation-state';
import { Browser, type Page, unescapeHtml } from '../support/activation-client';
import { VirtualApp, api, expectStatus } from '../support/app-client';
import { newCitizen } from '../support/citizens';
import { PASSWORD, accessLog, env, openLogin, rpRedirect, type Holder, type OpenLogin } from '../support/login-client';
import { qrContent } from '../support/qr';
import { ACR, verifyOp } from '../support/rp';
import { VirtualCard } from '../support/virtual-card';
import { ORIGIN, registry } from '../support/worker';

/**
 * Level 3 logins end to end through the Worker (R-LVL-3, R-LOG-4, R-LOG-5, R-LOG-6; docs/level3.md): a
 * citizen whose card the registry issued with its certificate, the chip as a program (the virtual
 * card), the App CieID as the tests drive it, and the pages in a small browser.
 */

interface CardHolder extends Holder {
  chip: VirtualCard;
  /** The certificate as the registry issued it (PEM). */
  certificate: string;
}

async function cardHolder(options: { age?: number } = {}): Promise<CardHolder> {
  const citizen = newCitizen(options);
  const res = await registry('/cards', citizen);
  expect(res.status, await res.clone().text()).toBe(201);
  const issued = (await res.json()) as { serial: string; pin: string; puk: string; certificate: string; cardKey: JsonWebKey };
  const done = await cardObject(env, issued.serial).activate({ passwordHash: await hashPassword(env.PEPPER!, PASSWORD), mode: 'sms', verifiedEmail: null });
  if (!done.ok) throw new Error(`card ${issued.serial} refused credentials`);
  const chip = await VirtualCard.load({ cardKey: issued.cardKey, certificate: issued.certificate, pin: issued.pin, puk: issued.puk });
  return { citizen, serial: issued.serial, pin: issued.pin, puk: issued.puk, password: PASSWORD, chip, certificate: issued.certificate };
}

/** A card holder with a certified App (the App CieID on their phone). */
async function withApp(options: { age?: number } = {}): Promise<{ h: CardHolder; app: VirtualApp }> {
  const h = await cardHolder(options);
  return { h, app: await VirtualApp.certify(h) };
}

interface CardApproval {
  id: string;
  kind: string;
  challenge: string;
  rpName: string;
  level: number;
  attributes: string[];
  expiresAt: string;
}

const present = (app: VirtualApp, content: string) => app.post('/app/l3', { content });

async function approvalFor(app: VirtualApp, content: string): Promise<CardApproval> {
  return (await expectStatus(await present(app, content), 201)) as unknown as CardApproval;
}

async function presentation(h: CardHolder, challenge: string) {
  const p = await h.chip.presentation(h.pin, challenge);
  if (!('signature' in p)) throw new Error(`the chip refused: ${JSON.stringify(p)}`);
  return p;
}

async function sign(app: VirtualApp, h: CardHolder, approval: CardApproval, challenge = approval.challenge): Promise<Response> {
  return app.post(`/app/l3/${approval.id}`, await presentation(h, challenge));
}

const status = async (login: OpenLogin) => ((await (await login.browser.fetch(`/login/${login.flowId}/stato`)).json()) as { step: string }).step;
const current = (login: OpenLogin) => login.browser.open(`/login/${login.flowId}`);

/** The deep link's code on the phone page ("Apri l'applicazione CieID"). */
function deepLinkCode(page: Page): string {
  const href = /<a [^>]*id="apri-app" href="([^"]+)"/.exec(page.html)?.[1];
  if (!href) throw new Error(`no "Apri l'applicazione CieID" on the page: ${page.text.slice(0, 300)}`);
  const url = new URL(unescapeHtml(href));
  expect(url.protocol).toBe('cieid:');
  return url.searchParams.get('codice')!;
}

/** A level 3 request at the phone page. */
async function phonePage(options: { acr?: 2 | 3; clientName?: string } = {}): Promise<{ login: OpenLogin; page: Page }> {
  const login = await openLogin({ acr: options.acr ?? 3, clientName: options.clientName ?? 'Comune di Livello Tre' });
  let page = login.page;
  if ((options.acr ?? 3) === 2) page = await login.browser.submit(page, 'Entra con lettura carta');
  page = await login.browser.submit(page, 'Prosegui con smartphone');
  expect(page.text).toContain("Apri l'applicazione CieID");
  return { login, page };
}

/** A login at FASE 1 on the PC: the serial typed, the QR code shown. */
async function pcQr(serial: string, options: { acr?: 2 | 3; clientName?: string } = {}): Promise<{ login: OpenLogin; page: Page }> {
  const { login, page } = await phonePage(options);
  const qr = await login.browser.submit(page, 'Procedi', { 'Numero di serie': serial });
  expect(qr.text).toContain('FASE 1 – Scansiona il codice QR');
  return { login, page: qr };
}

/** The App's side of FASE 1: scan, sign; the answer carries the code the App shows. */
async function scanAndSign(app: VirtualApp, h: CardHolder, page: Page): Promise<string> {
  const approval = await approvalFor(app, qrContent(page));
  const answer = await expectStatus(await sign(app, h, approval), 200);
  expect(answer).toMatchObject({ outcome: 'approved', otp: expect.stringMatching(/^\d{4}$/) });
  return String(answer.otp);
}

async function idTokenOf(login: OpenLogin, consent: Page) {
  const code = rpRedirect(await login.browser.submit(consent, "Autorizza l'invio dei dati")).get('code')!;
  const res = await login.rp.exchange(code, login.verifier);
  expect(res.status).toBe(200);
  const { id_token } = (await res.json()) as { id_token: string };
  return (await verifyOp(id_token, { audience: login.rp.clientId })).payload;
}

/** A form post of a login page with the worker's environment changed, as a deployment with other vars would run it. */
async function postWith(login: OpenLogin, page: Page, action: string, overrides: Partial<Env>, init: { headers?: Record<string, string>; cf?: unknown } = {}) {
  const ctx = createExecutionContext();
  const request = new Request(`${ORIGIN}/login/${login.flowId}/${action}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN, Cookie: login.browser.cookieHeader(), ...init.headers },
    body: new URLSearchParams({ csrf: page.csrf }).toString(),
    ...(init.cf ? { cf: init.cf } : {}),
  } as RequestInit);
  const res = await worker.fetch(request, { ...(testEnv as unknown as Env), ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

describe('level 3: the choice of the way (R-LVL-3, R-LOG-1)', () => {
  it('R-LVL-3: a level 3 request starts at "Seleziona la modalità di autenticazione", with no level 2 page to go back to', async () => {
    const login = await openLogin({ acr: 3, clientName: 'Servizio Elevato', state: 'stato-livello-3-abcdefghijklmnopqrstuvwxyz' });
    expect(login.page.status).toBe(200);
    expect(login.page.heading).toBe("RICHIESTA D'ACCESSO CIE LIVELLO 3");
    expect(login.page.text).toContain('LIVELLO 3 | ELEVATO');
    expect(login.page.text).toContain('Seleziona la modalità di autenticazione');
    expect(login.page.hasButton('Prosegui con smartphone')).toBe(true);
    expect(login.page.hasButton('Prosegui con computer')).toBe(true);
    expect(login.page.hasButton('Torna a Livello 2')).toBe(false);
    expect(login.page.text).not.toContain('Entra con le tue credenziali CIE');
    expect(await status(login)).toBe('l3');
    // Nobody is known yet: Annulla is an access_denied for the service, and nothing to log.
    const params = rpRedirect(await login.browser.submit(login.page, 'Annulla'));
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('state')).toBe('stato-livello-3-abcdefghijklmnopqrstuvwxyz');
  });

  it('R-LOG-1: "Entra con lettura carta" on the level 2 page leads there, and "Torna a Livello 2" back to a fresh QR code', async () => {
    const login = await openLogin({ acr: 2 });
    expect(login.page.text).not.toContain('Non ancora disponibile');
    const choice = await login.browser.submit(login.page, 'Entra con lettura carta');
    expect(choice.postStatus).toBe(303);
    expect(choice.heading).toBe("RICHIESTA D'ACCESSO CIE LIVELLO 2");
    expect(choice.text).toContain('Seleziona la modalità di autenticazione');
    const back = await login.browser.submit(choice, 'Torna a Livello 2');
    expect(back.text).toContain('Entra con le tue credenziali CIE');
    expect(qrContent(back)).not.toBe(qrContent(login.page));
  });

  it('R-LVL-1: a level 1 flow is not taken to level 3 by a forged post', async () => {
    const login = await openLogin({ acr: 1 });
    const res = await login.browser.post(`/login/${login.flowId}/l3`, new URLSearchParams({ csrf: login.page.csrf }));
    expect(res.text).toContain('Entra con le tue credenziali CIE');
    expect(await status(login)).toBe('credentials');
  });
});

describe('level 3 on the phone itself (R-LOG-4)', () => {
  it('R-LOG-4: "Apri l\'applicazione CieID" → the App signs with the card → "Autorizza l\'invio dei dati" → the RP gets acr SpidL3', async () => {
    const { h, app } = await withApp();
    const { login, page } = await phonePage({ clientName: 'Comune di Matera' });
    const content = deepLinkCode(page);
    expect(content.startsWith(`${L3_CODE_PREFIX}.`)).toBe(true);
    expect(page.html).toContain('<script src="/login-wait.js" defer></script>');
    const approval = await approvalFor(app, content);
    expect(approval).toMatchObject({ kind: 'card', rpName: 'Comune di Matera', level: 3 });
    expect(approval.attributes).toEqual(expect.arrayContaining(['Nome', 'Cognome']));
    expect(approval.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // A card approval is no push: nothing for /app/approvals' WebAuthn decision to settle.
    expect(await app.approvals()).toEqual([]);
    // R-L3-1: after registration the App asks only for the last 4 digits of the PIN.
    expect(await expectStatus(await sign(app, h, approval), 200)).toEqual({ outcome: 'approved' });
    expect(await status(login)).toBe('consent');
    const consent = await current(login);
    expect(consent.text).toContain('I seguenti dati stanno per essere inviati a: Comune di Matera');
    expect(consent.text).toContain(`Stai accedendo come ${h.citizen.givenName} ${h.citizen.familyName}`);
    const claims = await idTokenOf(login, consent);
    expect(claims.acr).toBe(ACR[3]);
    expect((await accessLog(h.serial))[0]).toMatchObject({ method: 'card', outcome: 'granted', level: 3, rpName: 'Comune di Matera' });
  });

  it('R-LVL-4: a level 2 request logged in with the card gets SpidL3, which satisfies it', async () => {
    const { h, app } = await withApp();
    const { login, page } = await phonePage({ acr: 2 });
    await expectStatus(await sign(app, h, await approvalFor(app, deepLinkCode(page))), 200);
    expect((await idTokenOf(login, await current(login))).acr).toBe(ACR[3]);
  });

  it('R-LOG-4: the deep link is single use — a replayed handle is refused and logged', async () => {
    const { h, app } = await withApp();
    const { page } = await phonePage();
    const content = deepLinkCode(page);
    await approvalFor(app, content);
    const again = await present(app, content);
    expect(again.status).toBe(410);
    expect(await again.json()).toMatchObject({ error: 'code_refused' });
    expect((await accessLog(h.serial))[0]).toMatchObject({ method: 'card', outcome: 'app_refused', reason: 'code_used' });
  });

  it('R-LOG-4: a replayed signature is refused once the login has moved on', async () => {
    const { h, app } = await withApp();
    const { login, page } = await phonePage();
    const approval = await approvalFor(app, deepLinkCode(page));
    const signed = await presentation(h, approval.challenge);
    await expectStatus(await app.post(`/app/l3/${approval.id}`, signed), 200);
    const replay = await app.post(`/app/l3/${approval.id}`, signed);
    expect(replay.status).toBe(410);
    expect(await status(login)).toBe('consent');
  });

  it('R-LOG-4: 100 parallel submissions of one signature → exactly one login', async () => {
    const { h, app } = await withApp();
    const { login, page } = await phonePage();
    const approval = await approvalFor(app, deepLinkCode(page));
    const signed = await presentation(h, approval.challenge);
    const answers = await Promise.all(Array.from({ length: 100 }, () => app.post(`/app/l3/${approval.id}`, signed)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.every((s) => s === 200 || s === 410)).toBe(true);
    await Promise.all(answers.map((r) => r.body?.cancel()));
    const consent = await current(login);
    expect(rpRedirect(await login.browser.submit(consent, "Autorizza l'invio dei dati")).get('code')).toBeTruthy();
  });

  it('R-L3-1: a device that holds its card for level 3 signs with that card only; one that holds none, with any card', async () => {
    const { h: mine, app } = await withApp();
    const other = await cardHolder();
    // Before "Registra la tua carta" the phone reads whatever card is held to it, as a reader would.
    const first = await phonePage();
    await expectStatus(await sign(app, other, await approvalFor(app, deepLinkCode(first.page))), 200);
    const view = (await cardObject(env, mine.serial).view()) as unknown as { certificateFingerprint: string };
    expect(await cardObject(env, mine.serial).registerL3Device(app.deviceId, view.certificateFingerprint)).toBe(true);
    const second = await phonePage();
    const approval = await approvalFor(app, deepLinkCode(second.page));
    const refused = await sign(app, other, approval);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: 'card_refused', error_description: expect.stringContaining('registrata') });
    expect((await accessLog(other.serial))[0]).toMatchObject({ method: 'card', outcome: 'card_refused', reason: 'card_not_registered' });
    expect(await status(second.login)).toBe('l3-phone');
    await expectStatus(await sign(app, mine, approval), 200);
  });

  it("R-LOG-4: a signature over another flow's challenge, or another RP's, is refused and logged; the login stays", async () => {
    const { h, app } = await withApp();
    const first = await phonePage({ clientName: 'Comune di Uno' });
    const other = await phonePage({ clientName: 'Comune di Due' });
    const mine = await approvalFor(app, deepLinkCode(first.page));
    const theirs = await approvalFor(app, deepLinkCode(other.page));
    const res = await sign(app, h, mine, theirs.challenge);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: 'card_refused' });
    expect((await accessLog(h.serial))[0]).toMatchObject({ method: 'card', outcome: 'card_refused', reason: 'signature_invalid', rpName: 'Comune di Uno' });
    // Nor does naming the other login's challenge in this approval's id help: the flow took only its own.
    const forged = await app.post(`/app/l3/${mine.id.split('.')[0]}.${theirs.challenge}`, await presentation(h, theirs.challenge));
    expect(forged.status).toBe(410);
    expect(await status(other.login)).toBe('l3-phone');
    expect(await status(first.login)).toBe('l3-phone');
    // The rightful signature still works.
    await expectStatus(await sign(app, h, mine), 200);
  });

  it("R-CARD-4: a minor's card is refused at level 3; the page says why and the service gets access_denied", async () => {
    const { h, app } = await withApp({ age: 16 });
    const { login, page } = await phonePage();
    const res = await sign(app, h, await approvalFor(app, deepLinkCode(page)));
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: 'card_refused', error_description: REFUSAL_MESSAGES.level3_minor });
    expect((await accessLog(h.serial))[0]).toMatchObject({ method: 'card', outcome: 'card_refused', reason: 'level3_minor' });
    const refused = await current(login);
    expect(refused.status).toBe(403);
    expect(refused.text).toContain(REFUSAL_MESSAGES.level3_minor);
    expect(rpRedirect(await login.browser.submit(refused, 'Torna al servizio')).get('error')).toBe('access_denied');
  });

  it('R-CARD-3: a blocked card is refused, logged, and the login ends on the refusal page', async () => {
    const { h, app } = await withApp();
    const { login, page } = await phonePage();
    const approval = await approvalFor(app, deepLinkCode(page));
    expect((await registry(`/cards/${h.serial}/block`, { reason: 'stolen' })).status).toBe(200);
    const res = await sign(app, h, approval);
    expect(res.status).toBe(403);
    expect((await accessLog(h.serial))[0]).toMatchObject({ method: 'card', outcome: 'card_refused', reason: 'blocked' });
    expect(await status(login)).toBe('refused');
    expect((await current(login)).text).toContain('La tua carta è bloccata');
  });

  it('content that is not a level 3 code is a 400; a level 2 QR code is not one; no session is a 401; a malformed presentation is a 4xx', async () => {
    const { h, app } = await withApp();
    const level2 = await openLogin({ acr: 2 });
    for (const content of ['https://example.org', qrContent(level2.page), 'x'.repeat(10_000), 42])
      expect((await present(app, content as string)).status).toBe(400);
    expect((await api('/app/l3', { content: deepLinkCode((await phonePage()).page) })).status).toBe(401);
    const { page } = await phonePage();
    const approval = await approvalFor(app, deepLinkCode(page));
    for (const body of [
      {},
      { certificate: 1, signature: 'x' },
      { certificate: 'x'.repeat(20_000), signature: 'y' },
      { certificate: h.certificate, signature: '!'.repeat(5000) },
    ]) {
      const res = await app.post(`/app/l3/${approval.id}`, body);
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    // R-L3-3: the chip blocked the PIN — the App is told how to unblock it, and the login waits.
    for (let i = 0; i < 3; i++) await h.chip.presentation('00000000', approval.challenge);
    expect(await h.chip.presentation(h.pin, approval.challenge)).toEqual({ refused: 'pin_blocked' });
    const blocked = await app.post(`/app/l3/${approval.id}`, { pinBlocked: true });
    expect(blocked.status).toBe(423);
    expect(await blocked.json()).toMatchObject({ error: 'pin_blocked', error_description: expect.stringContaining('Gestione carta → Sblocco carta') });
    h.chip.unblock(h.puk, h.pin);
    expect((await app.post(`/app/l3/${'0'.repeat(64)}.${'A'.repeat(43)}`, await presentation(h, approval.challenge))).status).toBe(410);
    expect((await app.post('/app/l3/nonsense', await presentation(h, approval.challenge))).status).toBe(410);
  });
});

describe('level 3 on a PC with the phone (R-LOG-5)', () => {
  it('R-LOG-5: "Numero di serie" → FASE 1, the QR code valid 300 s → the App scans and signs → FASE 2, its code typed → consent → SpidL3', async () => {
    const { h, app } = await withApp();
    const { login, page } = await pcQr(h.serial.toLowerCase(), { clientName: 'Comune di Ostuni' });
    expect(page.text).toContain(`Numero di serie della carta: ${h.serial}`);
    expect(page.text).toContain('FASE 2 – Inserisci il codice OTP');
    expect(page.text).toContain(`sarà valido ancora per 5'00"`);
    expect(page.text).toContain('5 minuti e 0 secondi');
    const content = qrContent(page);
    expect(content.startsWith(`${L3_CODE_PREFIX}.`)).toBe(true);
    const [qrRow] = await flowSql(login.flowId, 'SELECT expires_at FROM qr');
    expect(Number(qrRow!.expires_at) - Date.now()).toBeGreaterThan(L3_QR_TTL_MS - 10_000);
    expect(Number(qrRow!.expires_at) - Date.now()).toBeLessThanOrEqual(L3_QR_TTL_MS);
    const otp = await scanAndSign(app, h, page);
    expect(await status(login)).toBe('l3-otp');
    const fase2 = await current(login);
    expect(fase2.text).toContain("Codice QR letto dall'App CieID");
    const consent = await login.browser.submit(fase2, 'Procedi', { 'Codice OTP': otp });
    expect(consent.text).toContain('I seguenti dati stanno per essere inviati a: Comune di Ostuni');
    expect((await idTokenOf(login, consent)).acr).toBe(ACR[3]);
    expect((await accessLog(h.serial))[0]).toMatchObject({ method: 'card', outcome: 'granted', level: 3 });
  });

  it('R-LOG-5: without a script, the code typed on the FASE 1 page as it was first shown goes through', async () => {
    const { h, app } = await withApp();
    const { login, page } = await pcQr(h.serial);
    const otp = await scanAndSign(app, h, page);
    const consent = await login.browser.submit(page, 'Procedi', { 'Codice OTP': otp });
    expect(consent.text).toContain('I seguenti dati stanno per essere inviati a:');
  });

  it('R-LOG-5: a malformed serial stays on the page with the field in error; a serial that names no card is found out only at the signature', async () => {
    const { app, h } = await withApp();
    const { login, page } = await phonePage();
    const refused = await login.browser.submit(page, 'Procedi', { 'Numero di serie': 'CA-123' });
    expect(refused.status).toBe(400);
    expect(refused.alert).toContain('due lettere, cinque cifre e due lettere');
    expect(refused.html).toMatch(/id="serial"[^>]*aria-invalid="true" aria-describedby="errore serial-hint"/);
    expect(await status(login)).toBe('l3-phone');
    const other = await pcQr('ZZ99999ZZ');
    const res = await sign(app, h, await approvalFor(app, qrContent(other.page)));
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: 'card_refused' });
    expect((await accessLog(h.serial))[0]).toMatchObject({ method: 'card', outcome: 'card_refused', reason: 'card_not_typed' });
    expect(await status(other.login)).toBe('l3-qr');
  });

  it('R-LOG-5: the QR code is single use, and dead after its 300 s (before and after the alarm)', async () => {
    const { h, app } = await withApp();
    const { login, page } = await pcQr(h.serial);
    const content = qrContent(page);
    await approvalFor(app, content);
    expect((await present(app, content)).status).toBe(410);
    expect((await accessLog(h.serial))[0]).toMatchObject({ outcome: 'app_refused', reason: 'code_used' });

    const late = await pcQr(h.serial);
    await flowSql(late.login.flowId, 'UPDATE qr SET expires_at = ?', Date.now() - 1);
    expect((await present(app, qrContent(late.page))).status).toBe(410);
    expect((await accessLog(h.serial))[0]).toMatchObject({ outcome: 'app_refused', reason: 'code_expired' });
    expect(await status(login)).toBe('l3-qr');
  });

  it("R-LOG-5: when the try's time is up the page says so and the only way on is to start again", async () => {
    const { h } = await withApp();
    const { login } = await pcQr(h.serial);
    await flowSql(login.flowId, "UPDATE flow SET data = json_set(data, '$.l3.deadline', ?)", Date.now() - 1);
    const up = await current(login);
    expect(up.text).toContain('Il tempo a disposizione è scaduto');
    expect(up.html).not.toContain('id="qr"');
    const again = await login.browser.submit(up, 'Ricomincia');
    expect(again.text).toContain('Inserisci di nuovo il numero di serie');
    expect(again.field('Numero di serie').value).toBe(h.serial);
    expect(await status(login)).toBe('l3-serial');
  });

  it('R-LOG-5: a wrong code → start again, logged; the next try works', async () => {
    const { h, app } = await withApp();
    const { login, page } = await pcQr(h.serial);
    const otp = await scanAndSign(app, h, page);
    const wrong = otp === '0000' ? '1111' : '0000';
    const again = await login.browser.submit(await current(login), 'Procedi', { 'Codice OTP': wrong });
    expect(again.text).toContain('Il codice OTP non è corretto');
    expect(await status(login)).toBe('l3-serial');
    expect((await accessLog(h.serial))[0]).toMatchObject({ method: 'card', outcome: 'wrong_otp' });
    const qr = await login.browser.submit(again, 'Procedi', { 'Numero di serie': h.serial });
    // The flow's code waits 30 s before another (R-OTP-3): the App is told to wait, then tries again.
    const approval = await approvalFor(app, qrContent(qr));
    const signed = await presentation(h, approval.challenge);
    const wait = await app.post(`/app/l3/${approval.id}`, signed);
    expect(wait.status).toBe(429);
    expect(Number(wait.headers.get('Retry-After'))).toBeGreaterThan(0);
    await flowSql(login.flowId, 'UPDATE otp SET sent_at = ?', Date.now() - 31_000);
    const answer = await expectStatus(await app.post(`/app/l3/${approval.id}`, signed), 200);
    const consent = await login.browser.submit(await current(login), 'Procedi', { 'Codice OTP': String(answer.otp) });
    expect(consent.text).toContain('I seguenti dati stanno per essere inviati a:');
  });

  it("R-LOG-5: a code typed after the try's 300 s → start again, logged as late, even if right", async () => {
    const { h, app } = await withApp();
    const { login, page } = await pcQr(h.serial);
    const otp = await scanAndSign(app, h, page);
    const fase2 = await current(login);
    await flowSql(login.flowId, "UPDATE flow SET data = json_set(data, '$.l3.deadline', ?)", Date.now() - 1);
    const again = await login.browser.submit(fase2, 'Procedi', { 'Codice OTP': otp });
    expect(again.text).toContain('Il tempo a disposizione è scaduto');
    expect(await status(login)).toBe('l3-serial');
    expect((await accessLog(h.serial))[0]).toMatchObject({ method: 'card', outcome: 'wrong_otp', reason: 'expired' });
  });

  it('R-LOG-5: the code typed on a PC other than the one that showed the QR code is refused (410), and the login goes on', async () => {
    const { h, app } = await withApp();
    const { login, page } = await pcQr(h.serial);
    const otp = await scanAndSign(app, h, page);
    const fase2 = await current(login);
    const stranger = new Browser();
    const res = await stranger.post(`/login/${login.flowId}/l3/otp`, new URLSearchParams({ csrf: fase2.csrf, otp }));
    expect(res.status).toBe(410);
    const other = await openLogin({ acr: 3 });
    expect((await other.browser.post(`/login/${login.flowId}/l3/otp`, new URLSearchParams({ csrf: fase2.csrf, otp }))).status).toBe(410);
    expect(await status(login)).toBe('l3-otp');
    expect((await login.browser.submit(fase2, 'Procedi', { 'Codice OTP': otp })).text).toContain('I seguenti dati stanno per essere inviati a:');
  });

  it('R-LOG-5: 100 parallel submissions of one signature → one code, one login', async () => {
    const { h, app } = await withApp();
    const { login, page } = await pcQr(h.serial);
    const approval = await approvalFor(app, qrContent(page));
    const signed = await presentation(h, approval.challenge);
    const answers = await Promise.all(Array.from({ length: 100 }, () => app.post(`/app/l3/${approval.id}`, signed)));
    const ok = answers.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    expect(answers.every((r) => [200, 410, 429].includes(r.status))).toBe(true);
    const { otp } = (await ok[0]!.json()) as { otp: string };
    await Promise.all(answers.filter((r) => r !== ok[0]).map((r) => r.body?.cancel()));
    expect((await login.browser.submit(await current(login), 'Procedi', { 'Codice OTP': otp })).text).toContain('I seguenti dati stanno per essere inviati a:');
  });
});

/** The header the development proxy sends for a reader, as functions/login/reader.ts documents it. */
const readerHeader = (pem: string) => ({ [TEST_CLIENT_CERT_HEADER]: testClientCertHeader(pem) });

async function readerPage(clientName = 'Comune con lettore'): Promise<{ login: OpenLogin; page: Page }> {
  const login = await openLogin({ acr: 3, clientName });
  const page = await login.browser.submit(login.page, 'Prosegui con computer');
  expect(page.text).toContain('Appoggia la carta sul lettore');
  return { login, page };
}

describe('level 3 with a smart-card reader (R-LOG-6)', () => {
  it('R-LOG-6: the certificate of the TLS client authentication (the development header) → consent → SpidL3', async () => {
    const h = await cardHolder();
    const { login, page } = await readerPage();
    const consent = await login.browser.submit(page, 'Prosegui', {}, { headers: readerHeader(h.certificate) });
    expect(consent.text).toContain('I seguenti dati stanno per essere inviati a: Comune con lettore');
    expect(consent.text).toContain(`Stai accedendo come ${h.citizen.givenName} ${h.citizen.familyName}`);
    expect((await idTokenOf(login, consent)).acr).toBe(ACR[3]);
    expect((await accessLog(h.serial))[0]).toMatchObject({ method: 'card', outcome: 'granted', level: 3 });
  });

  it('R-LOG-6: the header is ignored in production configuration, even with TEST_HOOKS set: no card is read', async () => {
    const h = await cardHolder();
    const { login, page } = await readerPage();
    const res = await postWith(login, page, 'lettore', { ENVIRONMENT: 'production', TEST_HOOKS: '1' }, { headers: readerHeader(h.certificate) });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Nessuna carta letta');
    expect(await status(login)).toBe('l3-reader');
    // And without TEST_HOOKS outside production too.
    const off = await postWith(login, page, 'lettore', { TEST_HOOKS: '' }, { headers: readerHeader(h.certificate) });
    expect(off.status).toBe(403);
  });

  it("R-LOG-6: in production the certificate comes from Cloudflare's mTLS: verified, not revoked, and the leaf the handshake verified", async () => {
    const h = await cardHolder();
    const der = certificateFromTransport(h.certificate)!;
    // RFC 9440: the DER in standard base64 between colons — the PEM's body.
    const rfc9440 = `:${h.certificate.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '')}:`;
    const tls = { certPresented: '1', certVerified: 'SUCCESS', certRevoked: '0', certFingerprintSHA256: await fingerprintOf(der), certRFC9440: rfc9440 };
    const production = { ENVIRONMENT: 'production', TEST_HOOKS: '' } as Partial<Env>;
    for (const refused of [
      { ...tls, certVerified: 'FAILED:self signed certificate' },
      { ...tls, certRevoked: '1' },
      { ...tls, certFingerprintSHA256: 'ab'.repeat(32) },
      { ...tls, certPresented: '0' },
    ]) {
      const { login, page } = await readerPage();
      const res = await postWith(login, page, 'lettore', production, { cf: { tlsClientAuth: refused } });
      expect(res.status, JSON.stringify(refused).slice(0, 80)).toBe(403);
      expect(await status(login)).toBe('l3-reader');
    }
    const { login, page } = await readerPage();
    const res = await postWith(login, page, 'lettore', production, { cf: { tlsClientAuth: tls } });
    expect(res.status).toBe(303);
    expect(await status(login)).toBe('consent');
  });

  it("R-CARD-3, R-CARD-4: a blocked card or a minor's through the reader → the refusal page, logged", async () => {
    for (const [age, block, reason] of [
      [40, true, 'blocked'],
      [16, false, 'level3_minor'],
    ] as const) {
      const h = await cardHolder({ age });
      if (block) await registry(`/cards/${h.serial}/block`, { reason: 'lost' });
      const { login, page } = await readerPage();
      const refused = await login.browser.submit(page, 'Prosegui', {}, { headers: readerHeader(h.certificate) });
      expect(refused.status).toBe(403);
      expect(refused.text).toContain('Accesso non consentito');
      expect(refused.text).toContain(REFUSAL_MESSAGES[reason]);
      expect((await accessLog(h.serial))[0]).toMatchObject({ method: 'card', outcome: 'card_refused', reason });
    }
  });

  it('R-LOG-6: a self-signed certificate naming a real card, one of another CA, or an expired one, is refused on the reader page', async () => {
    const h = await cardHolder();
    const genuine = new x509.X509Certificate(h.certificate);
    const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
    const keys = (await crypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
    const ours = new x509.X509Certificate(testEnv.CARD_CA_CERT!);
    const make = (issuer: x509.Name | string, notAfter = genuine.notAfter) =>
      x509.X509CertificateGenerator.create({
        serialNumber: genuine.serialNumber,
        subject: genuine.subjectName,
        issuer,
        notBefore: genuine.notBefore,
        notAfter,
        publicKey: keys.publicKey,
        signingKey: keys.privateKey,
        signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      });
    const { login, page } = await readerPage();
    // Signed by a key of nobody's, under our CA's name, under the card's own name, and an expired one.
    for (const forged of [await make(ours.subjectName), await make(genuine.subjectName), await make(ours.subjectName, new Date(Date.now() - 86_400_000))]) {
      const res = await login.browser.submit(page, 'Prosegui', {}, { headers: readerHeader(forged.toString('pem')) });
      expect(res.status).toBe(403);
      expect(res.alert).toMatch(/non è stata riconosciuta|è scaduto/);
    }
    expect(await status(login)).toBe('l3-reader');
    expect(await accessLog(h.serial)).toEqual([]);
  });

  it('R-LOG-6: a certificate that is no card of ours, or no certificate at all, keeps the reader page with the reason', async () => {
    const { login, page } = await readerPage();
    const selfMade = encodeURIComponent('-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUAA==\n-----END CERTIFICATE-----\n');
    for (const value of ['not a certificate', '-----BEGIN CERTIFICATE----- AAAA -----END CERTIFICATE-----', selfMade, 'x'.repeat(40_000)]) {
      const res = await login.browser.submit(page, 'Prosegui', {}, { headers: { [TEST_CLIENT_CERT_HEADER]: value } });
      expect(res.status).toBe(403);
      expect(res.alert).toBeTruthy();
    }
    const noHeader = await login.browser.submit(page, 'Prosegui');
    expect(noHeader.status).toBe(403);
    expect(noHeader.alert).toContain('Nessuna carta letta');
    expect(await status(login)).toBe('l3-reader');
    // "Cambia modalità" goes back to the choice.
    const choice = await login.browser.submit(noHeader, 'Cambia modalità');
    expect(choice.text).toContain('Seleziona la modalità di autenticazione');
  });
});
