import type { Env } from '../env';
import { forbidden } from '../core/errors';
import {
  ACTIVATION_FLOW,
  type ActivationAction,
  type ActivationData,
  type ActivationFlowStep,
  actionAllowedFrom,
  checkedActionMove,
} from '../core/activation-steps';
import { FLOW_ID_SHAPE } from '../core/flow-id';
import { isValidPositions } from '../core/puk-challenge';
import { clearCookie, readCookie, setCookie } from '../platform/cookies';
import { CSRF_FIELD, csrfTokenMatches, isForeignOrigin } from '../platform/csrf';
import { type Flow, flowGone as goneOf, moveFlow, readFlow } from '../platform/flows';
import { readForm, redirect } from '../platform/http';

/** The flow cookie holds only the flow id; everything else stays in the FlowSession. */
export const FLOW_COOKIE = 'cie_act';
/** Double-submit token for step 1.1, before any flow exists to hold one. */
export const PRE_FLOW_CSRF_COOKIE = 'cie_act_csrf';
/** Longer than any honest flow; the flow's own idle expiry is what ends it. */
export const COOKIE_MAX_AGE_SECONDS = 2 * 3600;

export type LoadedFlow = Flow<ActivationFlowStep, ActivationData>;

/** The flow as a post of `action` found it: it may move only as that action's row says. */
export interface PostedFlow extends LoadedFlow {
  action: ActivationAction;
}

/** 410 in the activation's words (ACTIVATION_FLOW.goneMessage). */
export const flowGone = () => goneOf(ACTIVATION_FLOW);

export { requireSecrets } from '../platform/secrets';

/** The flow id from the cookie, or null when there is no cookie; a malformed one is a gone flow. */
export function flowIdFrom(request: Request): string | null {
  const value = readCookie(request, FLOW_COOKIE);
  if (value === null || value === '') return null;
  if (!FLOW_ID_SHAPE.test(value)) throw flowGone();
  return value;
}

/** For cleaning up: the flow id if the cookie holds a well-formed one, else null. */
export function existingFlowId(request: Request): string | null {
  try {
    return flowIdFrom(request);
  } catch {
    return null;
  }
}

export async function loadFlow(env: Env, id: string): Promise<LoadedFlow | null> {
  const flow = await readFlow(env, ACTIVATION_FLOW, id);
  // Stored positions that are not a valid challenge count as none: never shown, and a post draws new ones.
  if (flow && flow.data.pukPositions !== null && !isValidPositions(flow.data.pukPositions)) flow.data.pukPositions = null;
  return flow;
}

export function flowCookie(request: Request, flowId: string): string {
  return setCookie(new URL(request.url), FLOW_COOKIE, flowId, COOKIE_MAX_AGE_SECONDS);
}

export function clearFlowCookie(request: Request): string {
  return clearCookie(new URL(request.url), FLOW_COOKIE);
}

export function refuseForeignOrigin(request: Request): void {
  if (isForeignOrigin(request)) throw forbidden('Richiesta rifiutata: proviene da un sito diverso da questo.');
}

export const BAD_CSRF = "La pagina non è più valida: torna alla procedura di attivazione e ripeti l'operazione.";

export interface FlowPost {
  flow: PostedFlow;
  form: Map<string, string>;
}

/**
 * Every post inside a flow: same origin, a form body within limits, a live flow, its CSRF token, and
 * an action the flow's current step allows. A post from a step the flow has left (back button,
 * second tab) is sent to the current step rather than refused.
 */
export async function flowPost(request: Request, env: Env, action: ActivationAction): Promise<FlowPost | Response> {
  refuseForeignOrigin(request);
  const form = await readForm(request);
  const id = flowIdFrom(request);
  if (id === null) throw flowGone();
  const flow = await loadFlow(env, id);
  if (!flow) throw flowGone();
  if (!(await csrfTokenMatches(flow.csrf, form.get(CSRF_FIELD)))) throw forbidden(BAD_CSRF);
  if (!actionAllowedFrom(action, flow.step)) return redirect('/attivazione');
  return { flow: { ...flow, action }, form };
}

/** Appends cookies to a response built elsewhere (page(), redirect()), which take one header each. */
export function withCookies(response: Response, ...cookies: string[]): Response {
  for (const cookie of cookies) response.headers.append('Set-Cookie', cookie);
  return response;
}

/**
 * Moves the flow on as its action's row allows (FlowTableError otherwise); null when another request
 * moved it first.
 */
export function moveByAction(flow: PostedFlow, to: ActivationFlowStep, patch: Partial<ActivationData> = {}): Promise<PostedFlow | null> {
  checkedActionMove(flow.action, flow.step, to, patch);
  return moveFlow(flow, to, patch);
}

/** Moves the flow on and answers with the redirect to the next page; a lost race lands there too. */
export async function advanceAndShow(flow: PostedFlow, to: ActivationFlowStep, patch: Partial<ActivationData> = {}): Promise<Response> {
  await moveByAction(flow, to, patch);
  return redirect('/attivazione');
}
