import { env } from 'cloudflare:test';
import { completeLogin, readLoginFlow } from '../../functions/oidc/handoff';
import type { LoginOutcome } from '../../functions/core/login-request';
import { issueCard, type IssuedCard } from './activation-client';
import { ISSUER, type TestRp, rpAnswer, startLogin, type Started } from './rp';

/** The flow as a browser with this login cookie (or none) reads it — the login pages' read — or null. */
export const readFlowAs = (flowId: string, cookie?: string) =>
  readLoginFlow(env, flowId, new Request(`${ISSUER}/login/${flowId}`, cookie === undefined ? {} : { headers: { Cookie: `cie_login=${cookie}` } }));

/**
 * Brings a login that /oidc/authorize just opened to the consent step, as the login pages would after
 * a password and a code: only there may a login end in a grant (core/login-flow.ts, grantsFrom).
 */
export async function toConsent(flowId: string): Promise<void> {
  const stub = env.FLOW.get(env.FLOW.idFromName(flowId));
  // A level 3 request opens at the choice of the way (core/login-flow.ts firstLoginStep).
  const moved = (await stub.advance('credentials', 'consent', {})) ?? (await stub.advance('l3', 'consent', {}));
  if (!moved) throw new Error(`flow ${flowId} is at neither credentials nor l3`);
}

/** What a login page does at the end: read the flow (at consent) as the browser that opened it, complete it as read. */
export async function completeAs(login: { flowId: string; cookie: string }, outcome: LoginOutcome, now?: number): Promise<Response> {
  await toConsent(login.flowId);
  const read = await readFlowAs(login.flowId, login.cookie);
  if (!read) throw new Error(`flow ${login.flowId} is not open`);
  return completeLogin(env, read, outcome, now);
}

/**
 * A whole login as the OP sees it: the authorize request, then completeLogin as the login pages call
 * it when the citizen has authenticated and consented (docs/login-handoff.md), then the RP's view.
 */
export interface LoggedIn extends Started {
  card: IssuedCard;
  answer: URLSearchParams & { target: string };
  code: string;
}

export async function loginThrough(
  rp: TestRp,
  options: { overrides?: Record<string, unknown>; card?: IssuedCard; level?: 1 | 2 | 3; method?: 'GET' | 'POST' } = {},
): Promise<LoggedIn> {
  const card = options.card ?? (await issueCard());
  const started = await startLogin(rp, options.overrides, options.method);
  const outcome: LoginOutcome = {
    serial: card.serial,
    fiscalCode: card.citizen.fiscalCode,
    level: options.level ?? 2,
    method: (options.level ?? 2) === 1 ? 'password' : 'sms',
    authTime: Date.now(),
  };
  const answer = await rpAnswer(await completeAs(started, outcome));
  const code = answer.get('code');
  if (!code) throw new Error(`no code: ${answer.toString()}`);
  return { ...started, card, answer, code };
}

/** A login and the code exchange: the token response's JSON. */
export async function tokensFor(rp: TestRp, options: Parameters<typeof loginThrough>[1] = {}) {
  const login = await loginThrough(rp, options);
  const res = await rp.exchange(login.code, login.auth.verifier);
  if (res.status !== 200) throw new Error(`token exchange refused: ${res.status} ${await res.text()}`);
  const tokens = (await res.json()) as { access_token: string; id_token?: string; refresh_token?: string; token_type: string; expires_in: number };
  return { login, tokens };
}
