import type { Env } from '../env';
import type { Level, LoginMethod } from '../core/login-levels';
import { readCookie } from '../platform/cookies';
import { constantTimeEqual, randomId } from '../platform/crypto';
import { toBase64Url, utf8 } from '../platform/encoding';
import { withSecurityHeaders } from '../platform/http';
import { flowObject } from '../platform/objects';
import type { FlowState } from '../../durable-objects/flow-session';

/**
 * The OpenID Provider as the login pages see it: the three functions of docs/login-handoff.md.
 * functions/oidc/handoff.ts is being written alongside; until it lands this file stands in for it with
 * the same signatures (binding check, code/error redirects), so that the pages and their tests are
 * written against the interface. When handoff.ts exists, this file only re-exports it.
 */
export interface LoginRequest {
  clientId: string;
  clientName: string;
  redirectUri: string;
  responseMode: 'query' | 'form_post';
  state: string;
  nonce: string;
  acr: Level;
  scope: string[];
  claims: { id_token: string[]; userinfo: string[] };
  codeChallenge: string;
  prompt: string[];
}

export interface LoginOutcome {
  serial: string;
  fiscalCode: string;
  level: Level;
  method: LoginMethod;
  /** Epoch milliseconds of the authentication. */
  authTime: number;
}

export const LOGIN_FLOW_TYPE = 'login';
export const LOGIN_COOKIE = 'cie_login';

/** Stand-in for the binding hash the authorize endpoint stores in the flow. */
export async function browserBindingOf(cookieValue: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(`cie_login:${cookieValue}`))));
}

export async function readLoginRequest(env: Env, flowId: string, request: Request): Promise<LoginRequest | null> {
  const state = (await flowObject(env, flowId).read()) as unknown as FlowState | null;
  if (!state || state.type !== LOGIN_FLOW_TYPE) return null;
  const cookie = readCookie(request, LOGIN_COOKIE);
  const stored = state.data.browserBinding;
  if (!cookie || typeof stored !== 'string') return null;
  if (!(await constantTimeEqual(await browserBindingOf(cookie), stored))) return null;
  return state.data as unknown as LoginRequest;
}

async function finish(env: Env, flowId: string, params: Record<string, string>): Promise<Response> {
  const stub = flowObject(env, flowId);
  const state = (await stub.read()) as unknown as FlowState | null;
  if (!state) return new Response('Richiesta scaduta', { status: 410, headers: withSecurityHeaders() });
  await stub.advance(state.step, 'done', {});
  const request = state.data as unknown as LoginRequest;
  const url = new URL(request.redirectUri);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  url.searchParams.set('state', request.state);
  return new Response(null, { status: 302, headers: withSecurityHeaders({ Location: url.toString() }) });
}

export async function completeLogin(env: Env, flowId: string, outcome: LoginOutcome): Promise<Response> {
  void outcome;
  return finish(env, flowId, { code: randomId() });
}

export async function denyLogin(
  env: Env,
  flowId: string,
  error: 'access_denied' | 'login_required',
  description: string,
): Promise<Response> {
  return finish(env, flowId, { error, error_description: description });
}
