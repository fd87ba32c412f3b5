import type { Env } from '../env';
import { HttpError, forbidden } from '../core/errors';
import type { Level, LoginMethod, Refusal } from '../core/login-levels';
import { CSRF_FIELD, csrfTokenMatches, isForeignOrigin } from '../platform/csrf';
import { readForm, redirect } from '../platform/http';
import type { flowObject } from '../platform/objects';
import type { LoginRequest } from '../core/login-request';
import { type OpenLoginFlow, readLoginFlow } from '../oidc/handoff';
import { FLOW_ID_SHAPE } from '../core/flow-id';

/**
 * The citizen's side of a login flow: which step it is at and what has been proven so far, kept in
 * the FlowSession's data under `login` (docs/login-handoff.md), next to the OIDC request.
 */
export type LoginStep = 'credentials' | 'otp' | 'app' | 'consent' | 'refused';
const STEPS: ReadonlySet<string> = new Set<LoginStep>(['credentials', 'otp', 'app', 'consent', 'refused']);

export interface LoginState {
  serial: string;
  fiscalCode: string;
  /** Set once the requested level has been proven (password, then the second factor if any). */
  proven?: { level: Level; method: LoginMethod; authTime: number };
  /** Why the login cannot go on: the card (R-CARD-3, R-CARD-4), or the citizen said no in the App (R-LOG-2). */
  refusal?: Refusal | 'app_denied';
  /** The number the SMS codes go to, as the OTP page shows it. */
  maskedPhone?: string;
  /** The holder's name as consent shows it, from the card read when the login learnt who it is. */
  holderName?: string;
}

/** The name a login shows its holder by (a card's names never change, so it is kept in the flow). */
export const holderNameOf = (card: { givenName: string; familyName: string }): string => `${card.givenName} ${card.familyName}`;

export type FlowStub = ReturnType<typeof flowObject>;

export interface LoginFlow {
  id: string;
  request: LoginRequest;
  step: LoginStep;
  csrf: string;
  login: LoginState | null;
  stub: FlowStub;
  /** The flow as read for this request, for completeLogin (it need not read it again). */
  handoff: OpenLoginFlow;
}

/** Flow ids are 32 random bytes in base64url; anything else names no flow, and no object is touched. */

export const flowGone = () =>
  new HttpError(
    410,
    'flow_gone',
    "La richiesta di accesso è scaduta, è già stata usata o è stata aperta in un altro browser. Torna al sito del servizio e ripeti l'accesso.",
  );

export { requireSecrets } from '../platform/secrets';

/**
 * The flow named in the path, if it is a live login flow opened by this browser; 410 otherwise. One
 * read of the FlowSession gives both the OIDC request and the pages' own state.
 */
export async function loadLoginFlow(env: Env, request: Request, flowId: string): Promise<LoginFlow> {
  if (!FLOW_ID_SHAPE.test(flowId)) throw flowGone();
  const handoff = await readLoginFlow(env, flowId, request);
  if (!handoff || !STEPS.has(handoff.state.step)) throw flowGone();
  const { state, stub } = handoff;
  const login = (state.data.login ?? null) as LoginState | null;
  return { id: flowId, request: handoff.request, step: state.step as LoginStep, csrf: state.csrf, login, stub, handoff };
}

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
