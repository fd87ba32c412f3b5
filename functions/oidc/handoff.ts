import type { Env } from '../env';
import type { GrantRecord } from '../core/grant';
import { satisfies } from '../core/login-levels';
import { listedUntil } from '../core/identity-grants';
import type { LoginDenial, LoginOutcome, LoginRequest } from '../core/login-request';
import { CODE_TTL_SECONDS } from '../core/oidc-lifetimes';
import { readCookie } from '../platform/cookies';
import { constantTimeEqual, randomId } from '../platform/crypto';
import { toBase64Url, utf8 } from '../platform/encoding';
import { LOGIN_FLOW, type LoginFlowData, type LoginStep, firstLoginStep } from '../core/login-flow';
import { type Flow, endFlow, flowGone, readFlow, startFlow } from '../platform/flows';
import { cardObject, grantIdOf } from '../platform/objects';
import { revokeGrants } from '../platform/identity-sessions';
import { authorizationResponse, type ResponseTarget } from './authorization-response';
import { AccessDenied, LoginRequired, authorizationErrorRedirect } from './errors';

/**
 * The interface between the OpenID Provider and the login pages (docs/login-handoff.md): the pages
 * read their flow with readLoginFlow and end the login with completeLogin or denyLogin. Nothing
 * else of functions/oidc/ is theirs to know.
 */
export type { LoginDenial, LoginOutcome, LoginRequest };

/** Base name of the cookie binding a login flow to the browser that started it (platform/cookies adds __Host-). */
export const LOGIN_COOKIE = 'cie_login';
/** Long enough for any login; the flow itself expires after 10 idle minutes. */
export const LOGIN_COOKIE_MAX_AGE_SECONDS = 3600;

/**
 * The browser binding stored in the flow: a hash of the cookie's value, so the flow's storage alone
 * cannot be turned into a working cookie. The value is 32 random bytes, so a plain hash suffices.
 */
export async function browserBindingOf(cookieValue: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(`${LOGIN_COOKIE}:${cookieValue}`))));
}

/**
 * A login flow as one request read it: the pages take the request and their own state from it, and
 * hand it back to completeLogin, so a request reads its flow once. The OIDC part of the data is
 * written only by /oidc/authorize, before the pages exist, so it cannot go stale within a request;
 * whether the flow is still open is decided again, atomically, by the FlowSession when the code is issued.
 */
export interface OpenLoginFlow extends Flow<LoginStep, LoginFlowData> {
  request: LoginRequest;
}

const REQUEST_FIELDS = [
  'clientId',
  'clientName',
  'redirectUri',
  'responseMode',
  'state',
  'nonce',
  'acr',
  'scope',
  'claims',
  'codeChallenge',
  'prompt',
] as const satisfies readonly (keyof LoginRequest)[];

/** The request as the RP made it, without what the flow keeps beside it. */
export const requestOf = (data: LoginFlowData): LoginRequest => Object.fromEntries(REQUEST_FIELDS.map((f) => [f, data[f]])) as unknown as LoginRequest;

/**
 * A login flow the pages may still act on: live and not yet ended (a flow that ended in a grant is at
 * a grant phase, which is no step of the login's kind, so it reads as gone).
 */
async function openLoginFlow(env: Env, flowId: string): Promise<OpenLoginFlow | null> {
  const flow = await readFlow(env, LOGIN_FLOW, flowId);
  return flow ? { ...flow, request: requestOf(flow.data) } : null;
}

/** /oidc/authorize's side: the login flow for this request, bound to the browser whose cookie is `cookieValue`. */
export async function openLogin(env: Env, request: LoginRequest, issuer: string, cookieValue: string, now: number): Promise<string | null> {
  const flow = await startFlow(env, LOGIN_FLOW, firstLoginStep(request.acr), { ...request, issuer, browserBinding: await browserBindingOf(cookieValue) }, now);
  return flow?.id ?? null;
}

/**
 * A live login flow opened by this browser, read once, or null: unknown, expired or ended flow, or a
 * browser without the cookie that /oidc/authorize set.
 */
export async function readLoginFlow(env: Env, flowId: string, request: Request): Promise<OpenLoginFlow | null> {
  const flow = await openLoginFlow(env, flowId);
  const cookie = readCookie(request, LOGIN_COOKIE);
  if (!flow || !cookie || typeof flow.data.browserBinding !== 'string') return null;
  if (!(await constantTimeEqual(await browserBindingOf(cookie), flow.data.browserBinding))) return null;
  return flow;
}

const targetOf = (data: LoginFlowData): ResponseTarget => ({
  redirectUri: data.redirectUri,
  responseMode: data.responseMode,
  state: data.state,
  issuer: data.issuer,
});

async function deny(stub: OpenLoginFlow['stub'], data: LoginFlowData, err: AccessDenied | LoginRequired): Promise<Response> {
  // R-ACT-8 in spirit: a login that ends without a grant keeps nothing.
  await endFlow({ stub });
  return authorizationErrorRedirect(targetOf(data), err);
}

/** The code's secret part is kept only as a hash: the flow's storage alone cannot redeem it. */
export async function codeHashOf(secret: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(secret))));
}

/**
 * The citizen has authenticated and consented: issue the authorization code (single use, 60 s) and
 * send the browser back to the RP with code, state and iss (C-5). The level and the card are checked
 * once more here (R-LVL-4, C-21), so no path through the pages can yield a code they should not.
 * `flow` is the flow as this request read it (readLoginFlow): whether it is still open is decided
 * again, atomically, when the code is issued.
 */
export async function completeLogin(env: Env, flow: OpenLoginFlow, outcome: LoginOutcome, now = Date.now()): Promise<Response> {
  const { stub, data, id: flowId } = flow;
  if (!satisfies(outcome.level, data.acr)) return deny(stub, data, new AccessDenied('authentication level lower than requested'));
  const grant: GrantRecord = {
    clientId: data.clientId,
    redirectUri: data.redirectUri,
    scope: data.scope,
    claims: data.claims,
    nonce: data.nonce,
    requestedLevel: data.acr,
    level: outcome.level,
    method: outcome.method,
    authTime: outcome.authTime,
    serial: outcome.serial,
    fiscalCode: outcome.fiscalCode,
  };
  const secret = randomId();
  const codeExpiresAt = now + CODE_TTL_SECONDS * 1000;
  const opened = await stub.openGrant(
    grant,
    await codeHashOf(secret),
    data.codeChallenge,
    codeExpiresAt,
    { type: LOGIN_FLOW.type, steps: LOGIN_FLOW.grantsFrom ?? [] },
    now,
  );
  if (!opened) throw flowGone(LOGIN_FLOW);
  // The card's last word comes after the grant exists, in the one call that also lists the grant on
  // the Card (R-ACC-4): a revocation that reads the list before this call has already removed what
  // this check needs, and one that reads it after finds the grant. Checked first, a grant opened just
  // after a revocation had read the list would escape it. A refused grant goes with its flow (deny).
  // The same holds for a new password (R-ACC-2): the Card refuses a login whose password was checked
  // at or before the change, so the recovery's endings need not find it. The same call writes the
  // login's line in the holder's access log (R-LOG-9) with the outcome it decided.
  const grantId = grantIdOf(env, flowId);
  const admitted = await cardObject(env, outcome.serial).admitGrant(
    { fiscalCode: outcome.fiscalCode, level: outcome.level, credentialsCheckedAt: outcome.credentialsCheckedAt ?? outcome.authTime },
    { grantId, clientId: data.clientId, listedUntil: listedUntil(codeExpiresAt, data.scope) },
    now,
    { rp: data.clientId, rpName: data.clientName, level: data.acr, method: outcome.method },
  );
  if (admitted.evicted.length > 0) await revokeGrants(env, admitted.evicted);
  if (admitted.refusal) return deny(stub, data, new AccessDenied(`the card cannot be used (${admitted.refusal})`));
  return authorizationResponse(targetOf(data), { code: `${grantId}.${secret}` });
}

/**
 * The login ends without a grant: back to the RP with the error and the state (C-20, C-21). The flow
 * is read again here, not taken as the request read it: deleting it must not race a code just issued.
 */
export async function denyLogin(env: Env, flowId: string, error: LoginDenial, description: string): Promise<Response> {
  const flow = await openLoginFlow(env, flowId);
  if (!flow) throw flowGone(LOGIN_FLOW);
  const { stub, data } = flow;
  return deny(stub, data, error === 'login_required' ? new LoginRequired(description) : new AccessDenied(description));
}
