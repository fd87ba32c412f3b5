import { env as workerEnv } from 'cloudflare:workers';
import type { Env } from '../../functions/env';
import type { LoginRequest } from '../../functions/core/login-request';
import { cardObject } from '../../functions/platform/objects';
import { hashPassword } from '../../functions/platform/password-hash';
import { Browser, type IssuedCard, type Page, issueCard } from './activation-client';
import { ACR, TestRp } from './rp';

/**
 * Logins for the tests: a citizen whose credentials are set on the card directly (no activation
 * pages), and a login started by a registered relying party through /oidc/authorize, in a browser
 * that keeps the binding cookie (docs/login-handoff.md).
 */
export const env = workerEnv as unknown as Env;

export const PASSWORD = 'Password!23';

export interface Holder extends IssuedCard {
  password: string;
}

export async function holder(options: { age?: number; mode?: 'app' | 'sms'; password?: string } = {}): Promise<Holder> {
  const card = await issueCard(options.age === undefined ? {} : { age: options.age });
  const password = options.password ?? PASSWORD;
  const done = await cardObject(env, card.serial).activate({
    passwordHash: await hashPassword(env.PEPPER!, password),
    mode: options.mode ?? 'sms',
    verifiedEmail: null,
  });
  if (!done.ok) throw new Error(`card ${card.serial} refused credentials: ${done.status}`);
  return { ...card, password };
}

export interface LoginOptions {
  acr?: 1 | 2 | 3;
  /** The RP's registered client_name; one RP per name and test file. */
  clientName?: string;
  scope?: string[];
  /** Claims asked for through the `claims` parameter, by name. */
  claims?: { id_token: string[]; userinfo: string[] };
  state?: string;
}

export interface OpenLogin {
  browser: Browser;
  flowId: string;
  rp: TestRp;
  /** What the RP sent, as the login pages receive it. */
  request: Pick<LoginRequest, 'clientId' | 'clientName' | 'redirectUri' | 'state' | 'nonce' | 'acr'>;
  /** The PKCE verifier, for the RP's code exchange. */
  verifier: string;
  page: Page;
}

const rps = new Map<string, Promise<TestRp>>();

export function relyingParty(clientName = 'Comune di Prova'): Promise<TestRp> {
  let rp = rps.get(clientName);
  if (!rp) {
    rp = TestRp.create({ clientName });
    rps.set(clientName, rp);
  }
  return rp;
}

const nulls = (names: string[]) => Object.fromEntries(names.map((n) => [n, null]));

/** A login as an RP starts it: a signed request to /oidc/authorize, followed to /login/<flowId>. */
export async function openLogin(options: LoginOptions = {}, browser = new Browser()): Promise<OpenLogin> {
  const clientName = options.clientName ?? 'Comune di Prova';
  const rp = await relyingParty(clientName);
  const acr = options.acr ?? 2;
  const overrides: Record<string, unknown> = { acr_values: ACR[acr] };
  if (options.scope) overrides.scope = options.scope.join(' ');
  if (options.claims) overrides.claims = { id_token: nulls(options.claims.id_token), userinfo: nulls(options.claims.userinfo) };
  if (options.state) overrides.state = options.state;
  const auth = await rp.authorizeRequest(overrides, options.scope ? { scope: options.scope.join(' ') } : {});
  const res = await browser.fetch(`/oidc/authorize?${new URLSearchParams(auth.params)}`);
  const location = res.headers.get('Location') ?? '';
  const match = /^\/login\/([A-Za-z0-9_-]+)$/.exec(location);
  if (res.status !== 303 || !match) throw new Error(`authorize refused: ${res.status} ${location} ${await res.text()}`);
  const page = await browser.open(location);
  return {
    browser,
    flowId: match[1]!,
    rp,
    request: { clientId: rp.clientId, clientName, redirectUri: rp.redirectUri, state: auth.state, nonce: auth.nonce, acr },
    verifier: auth.verifier,
    page,
  };
}

export const USERNAME_LABEL = 'Numero CIE o Codice fiscale o Email';
export const OTP_LABEL = 'Codice di verifica OTP';

export function signIn(login: OpenLogin, username: string, password: string, page = login.page): Promise<Page> {
  return login.browser.submit(page, 'Procedi', { [USERNAME_LABEL]: username, Password: password });
}

/** The redirect to the relying party that ends a login, as its query parameters. */
export function rpRedirect(page: Page): URLSearchParams & { origin: string; path: string } {
  const location = page.headers.get('Location');
  if (page.status !== 302 || !location) throw new Error(`expected a redirect to the RP, got ${page.status}: ${page.text.slice(0, 300)}`);
  const url = new URL(location);
  return Object.assign(url.searchParams, { origin: url.origin, path: url.pathname });
}

export async function accessLog(serial: string): Promise<Record<string, unknown>[]> {
  const events = (await cardObject(env, serial).events()) as unknown as { at: number; kind: string; detail: Record<string, unknown> }[];
  return events.filter((e) => e.kind === 'access').map((e) => ({ at: e.at, ...e.detail }));
}
