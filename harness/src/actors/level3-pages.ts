import { expectEqual, expectIncludes, fail } from '../core/assert.ts';
import type { CheckContext } from '../core/check.ts';
import type { Browser } from './browser.ts';
import type { Page } from './html-page.ts';
import { startLogin } from './login.ts';
import { TEXT } from './login-pages.ts';
import { randomLabel } from './random.ts';
import { ACR, RelyingParty, type AuthorizeRequest } from './relying-party.ts';

/**
 * The level 3 login pages (docs/level3.md, "Flows"; R-LVL-3, R-LOG-4, R-LOG-5, R-LOG-6), found by
 * the guides' words, and a level 3 login from the RP's request to the ID token.
 */
export const L3 = {
  choice: 'Seleziona la modalità di autenticazione',
  phone: 'Prosegui con smartphone',
  computer: 'Prosegui con computer',
  backToLevel2: 'Torna a Livello 2',
  openApp: "Apri l'applicazione CieID",
  serial: 'Numero di serie',
  proceed: 'Procedi',
  phase1: 'FASE 1 – Scansiona il codice QR',
  phase2: 'FASE 2 – Inserisci il codice OTP',
  scanned: "Codice QR letto dall'App CieID",
  otp: 'Codice OTP',
  otpWrong: 'Il codice OTP non è corretto',
  reader: 'Appoggia la carta sul lettore',
  readerProceed: 'Prosegui',
  noCard: 'Nessuna carta letta',
  authorize: "Autorizza l'invio dei dati",
} as const;

/** The citizen's words for refusals of a known card (core/login-messages.ts REFUSAL_MESSAGES). */
export const L3_REFUSAL = {
  blocked: 'La tua carta è bloccata',
  minor: "L'accesso con lettura della carta (livello 3) non è disponibile per i minori di 18 anni.",
} as const;

export interface L3Login {
  rp: RelyingParty;
  clientName: string;
  browser: Browser;
  auth: AuthorizeRequest;
  /** The login object's id, from the page's address: what the waiting script reloads. */
  flowId: string;
  page: Page;
}

function flowIdOf(page: Page): string {
  const id = /^\/login\/([^/]+)/.exec(page.url.pathname)?.[1] ?? /action="\/login\/([^/"]+)\//.exec(page.html)?.[1];
  if (!id) fail(`no login id in ${page.url.pathname} nor in its forms: ${page.describe()}`);
  return id;
}

/** A level 3 request (acr SpidL3) at "Seleziona la modalità di autenticazione". */
export async function openLevel3(ctx: CheckContext, options: { rp?: RelyingParty; clientName?: string } = {}): Promise<L3Login> {
  const clientName = options.clientName ?? `Comune di Livello Tre ${randomLabel(6)}`;
  const rp = options.rp ?? (await RelyingParty.create(ctx, { clientName }));
  const { browser, auth, page } = await startLogin(rp, { overrides: { acr_values: ACR[3] } });
  if (!page.text.includes(L3.choice)) fail(`expected "${L3.choice}" for a level 3 request, got ${page.describe()}`);
  expectEqual(page.hasButton(L3.backToLevel2), false, `"${L3.backToLevel2}" on a level 3 request's page`);
  return { rp, clientName, browser, auth, flowId: flowIdOf(page), page };
}

/** "Prosegui con smartphone": the page with the deep link and the serial form. */
export async function toPhonePage(login: L3Login): Promise<Page> {
  const page = await login.browser.submit(login.page, L3.phone);
  expectIncludes(page.text, L3.openApp, `the page after "${L3.phone}"`);
  return page;
}

/** The serial typed: FASE 1 with the QR code, FASE 2's form beside it. */
export async function toQrPage(login: L3Login, phonePage: Page, serial: string): Promise<Page> {
  const page = await login.browser.submit(phonePage, L3.proceed, { [L3.serial]: serial });
  expectIncludes(page.text, L3.phase1, 'the page after the serial');
  expectIncludes(page.text, L3.phase2, 'the page after the serial');
  return page;
}

/** "Prosegui con computer": the reader page. */
export async function toReaderPage(login: L3Login): Promise<Page> {
  const page = await login.browser.submit(login.page, L3.computer);
  expectIncludes(page.text, L3.reader, `the page after "${L3.computer}"`);
  return page;
}

/** The login as its waiting script would reload it. */
export function reloadLogin(login: L3Login): Promise<Page> {
  return login.browser.open(`/login/${encodeURIComponent(login.flowId)}`);
}

/** Consent for this RP, "Autorizza l'invio dei dati", the code exchanged; returns the ID token's claims. */
export async function authorizeToIdToken(login: L3Login, consent: Page): Promise<Record<string, unknown>> {
  expectIncludes(consent.text, `${TEXT.consentTo} ${login.clientName}`, 'the consent page of a level 3 login');
  const callback = login.rp.callback(await login.browser.submit(consent, L3.authorize));
  const code = callback.params.get('code');
  if (!code) fail(`"${L3.authorize}" did not give the RP a code: ${callback.target}?${callback.params}`);
  expectEqual(callback.params.get('state'), login.auth.state, 'the state');
  const tokens = await login.rp.tokens(code, login.auth.verifier);
  if (!tokens.id_token) fail('the token response of a level 3 login has no id_token');
  return login.rp.idTokenClaims(tokens.id_token);
}
