import { env as workerEnv } from 'cloudflare:workers';
import type { Env } from '../../functions/env';
import { randomId } from '../../functions/platform/crypto';
import { cardObject, flowObject } from '../../functions/platform/objects';
import { hashPassword } from '../../functions/platform/password-hash';
import { type LoginRequest, browserBindingOf } from '../../functions/login/oidc-port';
import { Browser, type IssuedCard, type Page, issueCard } from './activation-client';

/**
 * Logins for the tests: a citizen whose credentials are set on the card directly (no activation
 * pages), and a login flow opened the way /oidc/authorize opens one (docs/login-handoff.md) in a
 * browser bound to it.
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
  clientName?: string;
  clientId?: string;
  scope?: string[];
  claims?: { id_token: string[]; userinfo: string[] };
  redirectUri?: string;
  state?: string;
}

export interface OpenLogin {
  browser: Browser;
  flowId: string;
  request: LoginRequest;
  page: Page;
}

export async function openLogin(options: LoginOptions = {}, browser = new Browser()): Promise<OpenLogin> {
  const request: LoginRequest = {
    clientId: options.clientId ?? 'https://rp.example.it',
    clientName: options.clientName ?? 'Comune di Prova',
    redirectUri: options.redirectUri ?? 'https://rp.example.it/callback',
    responseMode: 'query',
    state: options.state ?? randomId(24),
    nonce: randomId(24),
    acr: options.acr ?? 2,
    scope: options.scope ?? ['openid', 'profile'],
    claims: options.claims ?? { id_token: [], userinfo: [] },
    codeChallenge: randomId(32),
    prompt: ['consent', 'login'],
  };
  const flowId = randomId();
  const cookie = randomId();
  browser.cookies.set('cie_login', cookie);
  const started = await flowObject(env, flowId).start(
    'login',
    'credentials',
    { ...request, browserBinding: await browserBindingOf(cookie) },
    randomId(),
    10 * 60_000,
  );
  if (!started) throw new Error('flow id collision');
  const page = await browser.open(`/login/${flowId}`);
  return { browser, flowId, request, page };
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
