import type { Env } from '../env';
import { HttpError, forbidden } from '../core/errors';
import type { FlowKind } from '../core/flows';
import { FLOW_ID_SHAPE } from '../core/flow-id';
import { clearCookie, readCookie, setCookie } from '../platform/cookies';
import { CSRF_FIELD, csrfTokenMatches, isForeignOrigin, newCsrfToken } from '../platform/csrf';
import { type Flow, endFlow, flowGone, flowStubOf, readFlow } from '../platform/flows';
import { readForm } from '../platform/http';

/**
 * The recoveries' pages keep their flow's id in a cookie (as activation does), never in a URL: a
 * recovery's address, once its code was right, would otherwise be enough to set someone's password.
 * One cookie per kind, so a password recovery and a PUK recovery in one browser do not meet.
 */
export const FLOW_COOKIES = { 'password-recovery': 'cie_rec', 'puk-recovery': 'cie_puk', 'puk-view': 'cie_pukv' } as const;
export type RecoveryKindName = keyof typeof FLOW_COOKIES;

/** Double-submit token for the first form of each recovery, before a flow exists to hold one. */
export const PRE_FLOW_CSRF_COOKIE = 'cie_rec_csrf';
/** Longer than any honest recovery; the flow's own idle expiry is what ends it. */
const COOKIE_MAX_AGE_SECONDS = 2 * 3600;

/** A new flow's id was drawn twice, or an object is unavailable: try again. */
export const unavailable = () => new HttpError(503, 'temporarily_unavailable', 'Servizio temporaneamente non disponibile');

export const BAD_CSRF = 'La pagina non è più valida: ricomincia la procedura.';

type Named = { readonly type: string };

const cookieOf = (kind: Named): string => FLOW_COOKIES[kind.type as RecoveryKindName];

export function refuseForeignOrigin(request: Request): void {
  if (isForeignOrigin(request)) throw forbidden('Richiesta rifiutata: proviene da un sito diverso da questo.');
}

/** Appends cookies to a response built elsewhere (page(), redirect()), which take one header each. */
export function withCookies(response: Response, ...cookies: string[]): Response {
  for (const cookie of cookies) response.headers.append('Set-Cookie', cookie);
  return response;
}

/** The first form's token: the browser's double-submit cookie if it has a well-formed one, else a new one to set. */
export function preFlowCsrf(request: Request): { token: string; cookie: string | null } {
  const existing = readCookie(request, PRE_FLOW_CSRF_COOKIE);
  if (existing && FLOW_ID_SHAPE.test(existing)) return { token: existing, cookie: null };
  const token = newCsrfToken();
  return { token, cookie: setCookie(new URL(request.url), PRE_FLOW_CSRF_COOKIE, token, COOKIE_MAX_AGE_SECONDS) };
}

/** A first form's post: same origin, a bounded form body, the double-submit token. */
export async function preFlowPost(request: Request): Promise<{ form: Map<string, string>; csrf: string }> {
  refuseForeignOrigin(request);
  const form = await readForm(request);
  const token = readCookie(request, PRE_FLOW_CSRF_COOKIE);
  if (!(await csrfTokenMatches(token, form.get(CSRF_FIELD)))) throw forbidden(BAD_CSRF);
  return { form, csrf: token! };
}

/** The flow of `kind` the browser's cookie names, or null (no cookie, a malformed one, a flow gone). */
export async function cookieFlow<Step extends string, Data extends object>(
  request: Request,
  env: Env,
  kind: FlowKind<Step, Data>,
): Promise<Flow<Step, Data> | null> {
  const id = readCookie(request, cookieOf(kind));
  if (!id || !FLOW_ID_SHAPE.test(id)) return null;
  return readFlow(env, kind, id);
}

/** Every post inside a flow: same origin, a bounded form body, a live flow of `kind`, its CSRF token. */
export async function flowPost<Step extends string, Data extends object>(
  request: Request,
  env: Env,
  kind: FlowKind<Step, Data>,
): Promise<{ flow: Flow<Step, Data>; form: Map<string, string> }> {
  refuseForeignOrigin(request);
  const form = await readForm(request);
  const flow = await cookieFlow(request, env, kind);
  if (!flow) throw flowGone(kind);
  if (!(await csrfTokenMatches(flow.csrf, form.get(CSRF_FIELD)))) throw forbidden(BAD_CSRF);
  return { flow, form };
}

export const flowCookie = (request: Request, kind: Named, flowId: string): string =>
  setCookie(new URL(request.url), cookieOf(kind), flowId, COOKIE_MAX_AGE_SECONDS);

export const clearFlowCookie = (request: Request, kind: Named): string => clearCookie(new URL(request.url), cookieOf(kind));

/** A flow this browser had of `kind` is abandoned for a new one, not left open. */
export async function endPreviousFlow(request: Request, env: Env, kind: Named): Promise<void> {
  const id = readCookie(request, cookieOf(kind));
  const stub = id ? flowStubOf(env, id) : null;
  if (stub) await endFlow({ stub });
}
