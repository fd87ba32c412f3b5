import { CheckFailure, type CheckContext } from '../core/check.ts';
import { Browser } from './browser.ts';
import { Citizen } from './citizen.ts';
import type { Page } from './html-page.ts';
import { BUTTON, LABEL, TEXT } from './login-pages.ts';
import { RelyingParty, type AuthorizeRequest, type Callback, type Overrides, type RpOptions, type Tokens } from './relying-party.ts';

/**
 * "Entra con CIE" as it happens: the RP sends the browser to /oidc/authorize (GET, or POST from
 * its own page), the citizen signs in on the pages, types the SMS code at level 2, and presses
 * "Prosegui" on the consent page; the OP answers the RP.
 */
export interface StartOptions {
  overrides?: Overrides;
  params?: Record<string, string | undefined>;
  method?: 'GET' | 'POST';
  browser?: Browser;
}

export interface Started {
  browser: Browser;
  auth: AuthorizeRequest;
  /** The first page the citizen sees (followed within the deployment), or the OP's answer to the RP. */
  page: Page;
}

export async function startLogin(rp: RelyingParty, options: StartOptions = {}): Promise<Started> {
  const browser = options.browser ?? new Browser(rp.ctx);
  const auth = await rp.authorizeRequest(options.overrides, options.params);
  const page =
    options.method === 'POST'
      ? await browser.post(rp.discovery.authorization_endpoint, new URLSearchParams(auth.params), { origin: rp.origin })
      : await browser.open(rp.authorizeUrl(auth.params));
  return { browser, auth, page };
}

/** The credentials page, or the check fails naming what came instead. */
export async function openLogin(rp: RelyingParty, options: StartOptions = {}): Promise<Started> {
  const started = await startLogin(rp, options);
  if (!started.page.hasField(LABEL.password)) {
    throw new CheckFailure(
      `expected the login page "${TEXT.credentials}" after /oidc/authorize, got ${started.page.describe()}${started.page.location ? ` → ${started.page.location}` : ''}`,
    );
  }
  return started;
}

export function signIn(browser: Browser, page: Page, username: string, password: string): Promise<Page> {
  return browser.submit(page, BUTTON.signIn, { [LABEL.username]: username, [LABEL.password]: password });
}

/** After the password at level 2: types the newest SMS code sent since `sentBefore`. */
export async function typeSmsCode(browser: Browser, page: Page, citizen: Citizen, sentBefore: number): Promise<Page> {
  if (!page.hasField(LABEL.otp)) throw new CheckFailure(`expected the SMS code page ("${LABEL.otp}"), got ${page.describe()}`);
  return browser.submit(page, BUTTON.proceed, { [LABEL.otp]: await citizen.phone.latestCode(sentBefore) });
}

export interface LoggedIn extends Started {
  callback: Callback;
  code: string;
  /** The consent page the citizen accepted. */
  consent: Page;
}

/**
 * A whole login: the credentials (the fiscal code unless `username`), the SMS code when the page
 * asks for one, consent; returns the RP's callback with its code.
 */
export async function login(rp: RelyingParty, citizen: Citizen, options: StartOptions & { username?: string } = {}): Promise<LoggedIn> {
  const started = await openLogin(rp, options);
  const { browser } = started;
  const sent = await citizen.phone.count();
  let page = await signIn(browser, started.page, options.username ?? citizen.fiscalCode, citizen.password);
  if (page.hasField(LABEL.otp)) page = await typeSmsCode(browser, page, citizen, sent);
  if (!page.text.includes(TEXT.consentTo)) throw new CheckFailure(`expected the consent page ("${TEXT.consentTo}"), got ${page.describe()}`);
  const consent = page;
  const answer = await browser.submit(consent, BUTTON.proceed);
  const callback = rp.callback(answer);
  const code = callback.params.get('code');
  if (!code) throw new CheckFailure(`"Prosegui" on consent did not answer the RP with a code: ${callback.target}?${callback.params}`);
  return { ...started, page: answer, callback, code, consent };
}

/** A login and the code exchange. */
export async function loginWithTokens(
  rp: RelyingParty,
  citizen: Citizen,
  options: StartOptions & { username?: string } = {},
): Promise<LoggedIn & { tokens: Tokens }> {
  const done = await login(rp, citizen, options);
  return { ...done, tokens: await rp.tokens(done.code, done.auth.verifier) };
}

/** A new RP and a new citizen with credentials, and a whole login between them. */
export async function freshLogin(
  ctx: CheckContext,
  options: StartOptions & { rp?: RpOptions } = {},
): Promise<LoggedIn & { rp: RelyingParty; citizen: Citizen }> {
  const [rp, citizen] = await Promise.all([RelyingParty.create(ctx, options.rp), Citizen.withCredentials(ctx)]);
  return { rp, citizen, ...(await login(rp, citizen, options)) };
}
