import type { Env } from '../env';
import { forbidden } from '../core/errors';
import { type L3PcState, LOGIN_FLOW, type LoginAdvance, type LoginState, type LoginStep, loginPatch } from '../core/login-flow';
import type { LoginRequest } from '../core/login-request';
import { CSRF_FIELD, csrfTokenMatches, isForeignOrigin } from '../platform/csrf';
import { flowGone as goneOf, moveFlow, moveOf } from '../platform/flows';
import type { FlowMove } from '../core/flows';
import { readForm, redirect } from '../platform/http';
import type { FlowStub } from '../platform/objects';
import { type OpenLoginFlow, readLoginFlow } from '../oidc/handoff';

/**
 * The login pages' view of a login flow (core/login-flow.ts holds its table and its decisions): the
 * OIDC request, the step, and the citizen's state under `login`, read once per request.
 */
export type { LoginState, LoginStep };
export { holderNameOf } from '../core/login-flow';
export type { FlowStub };

export interface LoginFlow {
  id: string;
  request: LoginRequest;
  step: LoginStep;
  csrf: string;
  login: LoginState | null;
  /** Level 3 on a PC with the phone (R-LOG-5): the serial typed and the try's deadline. */
  l3: L3PcState | null;
  stub: FlowStub;
  /** The flow as read for this request, for completeLogin (it need not read it again). */
  handoff: OpenLoginFlow;
}

export const flowGone = () => goneOf(LOGIN_FLOW);

export { requireSecrets } from '../platform/secrets';

/**
 * The flow named in the path, if it is a live login flow opened by this browser; 410 otherwise. One
 * read of the FlowSession gives both the OIDC request and the pages' own state.
 */
export async function loadLoginFlow(env: Env, request: Request, flowId: string): Promise<LoginFlow> {
  const handoff = await readLoginFlow(env, flowId, request);
  if (!handoff) throw flowGone();
  return loginFlowOf(handoff);
}

/** The pages' view of a flow as read (or as a move left it). */
const loginFlowOf = (handoff: OpenLoginFlow): LoginFlow => ({
  id: handoff.id,
  request: handoff.request,
  step: handoff.step,
  csrf: handoff.csrf,
  login: handoff.data.login ?? null,
  l3: handoff.data.l3 ?? null,
  stub: handoff.stub,
  handoff,
});

/** Applies a decision of the login machine (checked against its table); null when another request moved the flow first. */
export function advanceLogin(flow: LoginFlow, advance: LoginAdvance): Promise<OpenLoginFlow | null> {
  return moveFlow(flow.handoff, advance.to, loginPatch(advance));
}

/**
 * The flow as a move made from this request's read leaves it, without reading it again (what
 * moveFlow returns, for the moves platform/otp makes as a side effect).
 */
export const movedLogin = (flow: LoginFlow, advance: LoginAdvance): LoginFlow =>
  loginFlowOf({ ...flow.handoff, step: advance.to, data: { ...flow.handoff.data, ...loginPatch(advance) } });

/** The same move, for a call that makes it as a side effect (platform/otp's `enter` and `then`). */
export const loginMove = (flow: LoginFlow, advance: LoginAdvance): FlowMove => moveOf(flow.handoff, advance.to, loginPatch(advance));

export interface LoginPost {
  flow: LoginFlow;
  form: Map<string, string>;
}

/**
 * Every post of the login pages: from our own pages, a form within limits (413, 415), a live flow of
 * this browser (410), its CSRF token (403), and the step the form was shown at. A post from a step
 * the flow has left (back button, second tab, double click) goes back to the current page.
 */
export async function loginPost(request: Request, env: Env, flowId: string, steps: readonly LoginStep[]): Promise<LoginPost | Response> {
  if (isForeignOrigin(request)) throw forbidden('Richiesta rifiutata: proviene da un sito diverso da questo.');
  const form = await readForm(request);
  const flow = await loadLoginFlow(env, request, flowId);
  if (!(await csrfTokenMatches(flow.csrf, form.get(CSRF_FIELD)))) {
    throw forbidden("La pagina non è più valida: torna alla richiesta di accesso e ripeti l'operazione.");
  }
  if (!steps.includes(flow.step)) return redirect(loginPath(flow.id));
  return { flow, form };
}

export const loginPath = (flowId: string, action?: string) =>
  action ? `/login/${encodeURIComponent(flowId)}/${action}` : `/login/${encodeURIComponent(flowId)}`;
