import type { Env } from '../env';
import { HttpError, forbidden } from '../core/errors';
import { ACTIVATION_FLOW_TYPE, actionAllowedFrom, isActivationStep, type ActivationAction, type ActivationStep } from '../core/activation-steps';
import type { L2Mode } from '../core/card';
import { isValidPositions } from '../core/puk-challenge';
import { clearCookie, readCookie, setCookie } from '../platform/cookies';
import { CSRF_FIELD, csrfTokenMatches, isForeignOrigin } from '../platform/csrf';
import { readForm, redirect } from '../platform/http';
import { type FlowStub, flowObject } from '../platform/objects';
import type { FlowState } from '../../durable-objects/flow-session';

/** The flow cookie holds only the flow id; everything else stays in the FlowSession. */
export const FLOW_COOKIE = 'cie_act';
/** Double-submit token for step 1.1, before any flow exists to hold one. */
export const PRE_FLOW_CSRF_COOKIE = 'cie_act_csrf';
/** Longer than any honest flow; the flow's own idle expiry is what ends it. */
export const COOKIE_MAX_AGE_SECONDS = 2 * 3600;

const FLOW_ID_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** What the activation keeps between steps. Only hashes of secrets, never a password or a code. */
export interface ActivationData {
  fiscalCode: string;
  serial: string;
  phone: string;
  /** The address the Comune recorded on the card, offered as the default at step 2.2. */
  cardEmail: string | null;
  pukPositions: [number, number] | null;
  /** The address being verified at step 2.2. */
  email: string | null;
  verifiedEmail: string | null;
  passwordHash: string | null;
  mode: L2Mode | null;
}

export interface LoadedFlow {
  id: string;
  step: ActivationStep;
  csrf: string;
  data: ActivationData;
  stub: FlowStub;
}

export const flowGone = (message = 'La procedura di attivazione è scaduta o non è più valida.') => new HttpError(410, 'flow_gone', message);

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
  const stub = flowObject(env, id);
  // RPC typing cannot express `unknown` in the flow's data; the shape is ours, checked below.
  const state = (await stub.read()) as unknown as FlowState | null;
  if (!state || state.type !== ACTIVATION_FLOW_TYPE || !isActivationStep(state.step)) return null;
  const data = state.data as unknown as ActivationData;
  if (data.pukPositions !== null && !isValidPositions(data.pukPositions)) data.pukPositions = null;
  return { id, step: state.step, csrf: state.csrf, data, stub };
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
  flow: LoadedFlow;
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
  return { flow, form };
}

/** Appends cookies to a response built elsewhere (page(), redirect()), which take one header each. */
export function withCookies(response: Response, ...cookies: string[]): Response {
  for (const cookie of cookies) response.headers.append('Set-Cookie', cookie);
  return response;
}

/** Moves the flow on and answers with the redirect to the next page; a lost race lands there too. */
export async function advanceAndShow(flow: LoadedFlow, to: ActivationStep, patch: Partial<ActivationData>): Promise<Response> {
  await flow.stub.advance(flow.step, to, patch as Record<string, unknown>);
  return redirect('/attivazione');
}
