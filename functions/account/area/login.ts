import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { HttpError } from '../../core/errors';
import { AREA_ID_TOKEN_CLAIMS, areaIdentityOf } from '../../core/area-session';
import { errorJson, redirect } from '../../platform/http';
import type { WorkerRouter } from '../../platform/surface';
import { requireSecrets } from '../../platform/secrets';
import { issuerOf } from '../../oidc/issuer';
import { rpKeys } from '../../relying-party/keys';
import { type PendingCookie, endPendingCookie, pendingCookie, readPending } from '../../relying-party/pending';
import { type CallProvider, type Client, ProviderError, answerAtRedirect, authorizationRequest, discover } from '../../relying-party/protocol';
import { ensureOwnClient } from '../../relying-party/registration';
import { AREA_PATHS } from './layout';
import { AREA_COOKIE, areaPost, areaSessionCookie, endAreaSession, endAreaSessionCookie, openAreaSession, readAreaSession } from './session';
import { readCookie } from '../../platform/cookies';
import { flowStubOf, endFlow } from '../../platform/flows';
import { homePage, landingPage, loginFailedPage } from './views/landing';

/**
 * The way into the personal area (issue 13 §1): the service is its own relying party. "Accedi" runs
 * the login every RP gets — /oidc/authorize at SpidL2, the login pages, the consent — and the answer
 * is checked as any RP checks it (relying-party/protocol); the session's identity is the ID token's.
 */

export const AREA_CLIENT_NAME = 'CieID – Area personale';

/** Its pending login's cookie, sealed under its own context: the demo's never opens here. */
const AREA_PENDING: PendingCookie = { name: 'cie_area_login', context: 'area-rp-login' };

/** The area's client at the issuer: client_id `<issuer>/area-personale`. */
async function areaClient(env: Env, issuer: string): Promise<Client & { clientName: string }> {
  const keys = await rpKeys(env.AREA_RP_KEYS, 'L’area personale non è disponibile: il servizio non è configurato (AREA_RP_KEYS).');
  return { clientId: `${issuer}${AREA_PATHS.home}`, redirectUri: `${issuer}${AREA_PATHS.callback}`, clientName: AREA_CLIENT_NAME, keys };
}

/**
 * The OP's JSON endpoints as this Worker serves them, reached in process through the router the
 * area is mounted on: a refusal there is the JSON error any RP would read.
 */
function inProcess(router: WorkerRouter, env: Env, ctx: ExecutionContext): CallProvider {
  return async (request) => {
    try {
      return ((await router.fetch(request, env, ctx)) as Response | undefined) ?? errorJson(new HttpError(404, 'not_found', 'not found'));
    } catch (err) {
      if (err instanceof HttpError) return errorJson(err);
      throw err;
    }
  };
}

type Handler = (request: IRequest, env: Env, ctx: ExecutionContext) => Promise<Response>;

/** GET /area-personale: Home with a session, the landing page ("Accedi") without. */
export const home: Handler = async (request, env) => {
  const found = await readAreaSession(request, env);
  if (found) return homePage(found.session, `${found.card.givenName} ${found.card.familyName}`);
  // The area's keys are checked here too: without them "Accedi" could only fail.
  await rpKeys(env.AREA_RP_KEYS, 'L’area personale non è disponibile: il servizio non è configurato (AREA_RP_KEYS).');
  return landingPage(new URL(request.url).searchParams.has('uscita') ? 'uscita' : null);
};

/** GET /area-personale/accedi: registers the area's client if needed, remembers the login's secrets, off to /oidc/authorize. */
export const login =
  (router: WorkerRouter): Handler =>
  async (request, env, ctx) => {
    const issuer = issuerOf(env, request);
    const client = await areaClient(env, issuer);
    await ensureOwnClient(env, client);
    const provider = await discover(inProcess(router, env, ctx), issuer);
    const { pending, location } = await authorizationRequest(provider, client, { level: 2, scope: ['openid'], claims: AREA_ID_TOKEN_CLAIMS });
    return redirect(location, 303, { 'Set-Cookie': await pendingCookie(AREA_PENDING, new URL(request.url), requireSecrets(env).dataKey, pending) });
  };

const withCookies = (res: Response, ...cookies: string[]) => {
  for (const c of cookies) res.headers.append('Set-Cookie', c);
  return res;
};

/** A session this browser held before a new login: it goes, whoever it belonged to. */
async function endPrevious(request: Request, env: Env): Promise<void> {
  const id = readCookie(request, AREA_COOKIE);
  const stub = id ? flowStubOf(env, id) : null;
  if (stub) await endFlow({ stub });
}

/** GET /area-personale/callback: the OP's answer; a verified level 2 login opens the session. */
export const callback =
  (router: WorkerRouter): Handler =>
  async (request, env, ctx) => {
    const url = new URL(request.url);
    const params = url.searchParams;
    const pending = await readPending(AREA_PENDING, request, requireSecrets(env).dataKey);
    // One answer per login: whatever happens next, the secrets of this one are spent.
    const spent = endPendingCookie(AREA_PENDING, url);
    if (!pending) return withCookies(loginFailedPage('La richiesta di accesso è scaduta o non è partita da questo browser: premi di nuovo “Accedi”.'), spent);
    if (params.get('state') !== pending.state) {
      return withCookies(loginFailedPage('La risposta non corrisponde alla richiesta inviata da questo browser.'), spent);
    }
    const issuer = issuerOf(env, request);
    let identity: ReturnType<typeof areaIdentityOf>;
    try {
      const answer = await answerAtRedirect(inProcess(router, env, ctx), issuer, await areaClient(env, issuer), pending, params);
      if (answer.kind === 'refused') {
        const message =
          answer.error === 'access_denied' ? 'L’accesso è stato annullato oppure questa carta non può accedere.' : 'CieID non ha concluso l’accesso: riprova.';
        return withCookies(loginFailedPage(message), spent);
      }
      identity = areaIdentityOf(answer.login.idToken);
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      // A code forged, replayed or expired: the citizen's browser brought it, so a 4xx, never a 5xx.
      console.warn('area login refused', err.message);
      return withCookies(loginFailedPage('La risposta di CieID non è valida: l’accesso non è stato completato.'), spent);
    }
    if (!identity) return withCookies(loginFailedPage('La risposta di CieID non contiene i dati della carta: l’accesso non è stato completato.'), spent);
    await endPrevious(request, env);
    const session = await openAreaSession(env, identity);
    if (!session) throw new HttpError(503, 'temporarily_unavailable', 'Servizio temporaneamente non disponibile');
    return withCookies(redirect(AREA_PATHS.home), spent, areaSessionCookie(request, session));
  };

/** POST /area-personale/esci: the session ends at once; back to the landing page. */
export const logout: Handler = async (request, env) => {
  // A session already gone has nothing to end: the citizen is simply out.
  if (await readAreaSession(request, env)) {
    const { session } = await areaPost(request, env);
    await endAreaSession(env, session);
  }
  return withCookies(redirect(`${AREA_PATHS.home}?uscita`), endAreaSessionCookie(request));
};
