import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { HttpError, forbidden } from '../../core/errors';
import { AREA_SESSION_FLOW, type AreaSessionData, areaSessionStands } from '../../core/area-session';
import { clearCookie, readCookie, setCookie } from '../../platform/cookies';
import { CSRF_FIELD, csrfTokenMatches, isForeignOrigin } from '../../platform/csrf';
import { type Flow, endFlow, flowStubOf, moveFlow, readFlow, startFlow } from '../../platform/flows';
import { readForm } from '../../platform/http';
import { cardObject } from '../../platform/objects';
import { sha256Base64Url } from '../../platform/recovery-links';

/**
 * The personal area's session (docs/account.md): a `__Host-` cookie holding the id of an
 * `area-session` flow (core/area-session), opened by the area's own CieID login. Every area request
 * reads the flow and the Card it names; the session stands only while the Card is in service, is that
 * identity and has not ended every session since its login authenticated (Card.endAreaSessions).
 */
export interface AreaSession {
  /** The flow id (the cookie's value). */
  id: string;
  serial: string;
  fiscalCode: string;
  /** The token every area form posts (platform/csrf). */
  csrf: string;
  /** When the login that opened it authenticated (its ID token's `auth_time`, Unix ms). */
  authTime: number;
}

/** The landing page, and where an area request without a session is sent. */
export const AREA_HOME = '/area-personale';

export const AREA_COOKIE = 'cie_area';
/** Longer than any honest session: the flow's idle expiry is what ends it. */
const AREA_COOKIE_MAX_AGE_SECONDS = 12 * 3600;

/** A refresh of the idle clock costs a write: one a minute at most is enough for a 15-minute idle. */
const REFRESH_AFTER_MS = 60_000;

/** The Card as an area page reads it (Card.areaState). */
export type AreaCard = NonNullable<Awaited<ReturnType<ReturnType<typeof cardObject>['areaState']>>>;

type AreaFlow = Flow<'open', AreaSessionData>;

const sessionOf = (flow: AreaFlow): AreaSession => ({
  id: flow.id,
  serial: flow.data.serial,
  fiscalCode: flow.data.fiscalCode,
  csrf: flow.csrf,
  authTime: flow.data.authTime,
});

/**
 * How an end of every session names the one it keeps (Card.endAreaSessions): a hash of the session's
 * id, since the id is the cookie's value and the Card keeps nothing that would work as one.
 */
export const areaSessionHash = (session: Pick<AreaSession, 'id'>): Promise<string> => sha256Base64Url(`area-session:${session.id}`);

/** Opens a session for the identity a login proved; null only if the random id was taken. */
export async function openAreaSession(env: Env, identity: AreaSessionData, now = Date.now()): Promise<AreaSession | null> {
  const flow = await startFlow(env, AREA_SESSION_FLOW, 'open', identity, now);
  return flow ? sessionOf(flow) : null;
}

export const areaSessionCookie = (request: Request, session: AreaSession): string =>
  setCookie(new URL(request.url), AREA_COOKIE, session.id, AREA_COOKIE_MAX_AGE_SECONDS);

export const endAreaSessionCookie = (request: Request): string => clearCookie(new URL(request.url), AREA_COOKIE);

/**
 * The session this browser holds and the Card as it stands, or null: no cookie, no such flow (gone,
 * expired, of another kind), or a Card that no longer stands behind it — then the flow is ended too.
 */
export async function readAreaSession(request: Request, env: Env, now = Date.now()): Promise<{ session: AreaSession; card: AreaCard } | null> {
  const id = readCookie(request, AREA_COOKIE);
  if (!id) return null;
  const flow = await readFlow(env, AREA_SESSION_FLOW, id);
  if (!flow) return null;
  const session = sessionOf(flow);
  const stale = flow.expiresAt - now < AREA_SESSION_FLOW.idleMs - REFRESH_AFTER_MS;
  const [card] = await Promise.all([cardObject(env, session.serial).areaState(now), stale ? moveFlow(flow, 'open') : null]);
  if (!card || !areaSessionStands({ ...session, keptAs: await areaSessionHash(session) }, card)) {
    await endFlow(flow);
    return null;
  }
  return { session, card: card as AreaCard };
}

/** The answer to an area request without a session: the landing page for a page, a 401 page for a post. */
function sessionRequired(request: Request): HttpError {
  const clear = endAreaSessionCookie(request);
  if (request.method === 'GET' || request.method === 'HEAD') {
    return new HttpError(303, 'login_required', 'Accedi all’area personale', [], { Location: AREA_HOME, 'Set-Cookie': clear });
  }
  return new HttpError(401, 'login_required', AREA_SESSION_FLOW.goneMessage, [], { 'Set-Cookie': clear });
}

/** The session with the Card, or the landing redirect (GET) / 401 page (anything else). */
export async function requireAreaSessionAndCard(request: Request, env: Env): Promise<{ session: AreaSession; card: AreaCard }> {
  const found = await readAreaSession(request, env);
  if (!found) throw sessionRequired(request);
  return found;
}

/** For every area route but the landing, the login and its callback (docs/account.md). */
export async function requireAreaSession(request: Request, env: Env): Promise<AreaSession> {
  return (await requireAreaSessionAndCard(request, env)).session;
}

export const BAD_AREA_CSRF = 'La pagina non è più valida: torna all’area personale e ripeti l’operazione.';

/** Every area form posts the session's token; one from another page or site is refused (403). */
export async function checkAreaCsrf(session: AreaSession, form: Map<string, string>): Promise<void> {
  if (!(await csrfTokenMatches(session.csrf, form.get(CSRF_FIELD)))) throw forbidden(BAD_AREA_CSRF);
}

export interface AreaPost {
  session: AreaSession;
  card: AreaCard;
  form: Map<string, string>;
}

/** Every area form post: same origin, a form body within limits, a session, its CSRF token. */
export async function areaPost(request: IRequest | Request, env: Env): Promise<AreaPost> {
  if (isForeignOrigin(request)) throw forbidden('Richiesta rifiutata: proviene da un sito diverso da questo.');
  const form = await readForm(request);
  const { session, card } = await requireAreaSessionAndCard(request, env);
  await checkAreaCsrf(session, form);
  return { session, card, form };
}

/** "Esci": the flow goes at once, and the cookie with it. */
export async function endAreaSession(env: Env, session: AreaSession): Promise<void> {
  const stub = flowStubOf(env, session.id);
  if (stub) await endFlow({ stub });
}
