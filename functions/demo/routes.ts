import type { IRequest } from 'itty-router';
import type { Env } from '../env';
import { isProduction, secretsOf } from '../env';
import { HttpError } from '../core/errors';
import { isForeignOrigin } from '../platform/csrf';
import { readForm, redirect } from '../platform/http';
import type { PagesSurface } from '../platform/surface';
import { demoKeys } from './keys';
import { ProviderError, answerAtRedirect, authorizationRequest, discover, type CallProvider, type Client } from '../relying-party/protocol';
import { endPendingCookie, pendingCookie, readPending } from '../relying-party/pending';
import { demoClient, ensureDemoClient } from './registration';
import { DEMO_PENDING, MISSING_SESSION } from './session';
import { failurePage, providerErrorPage, resultPage, startPage } from './views';

/** The Worker's own fetch, so the demo reaches the OP in process; index.ts hands it in. */
export type ProviderFetch = (request: Request, env: Env, ctx: ExecutionContext) => Promise<Response>;

type Handler = (request: IRequest, env: Env, ctx: ExecutionContext) => Promise<Response>;

/** The scopes the start page offers, by their checkbox names; `openid` is always asked. */
const OPTIONAL_SCOPES = ['profile', 'email'] as const;

/** Nothing of the demo exists in production: not its pages, not its registration. */
const developmentOnly =
  (handler: Handler): Handler =>
  async (request, env, ctx) => {
    if (isProduction(env)) throw new HttpError(404, 'not_found', 'Pagina non trovata');
    return handler(request, env, ctx);
  };

function dataKeyOf(env: Env): string {
  const secrets = secretsOf(env);
  if (!secrets) throw new HttpError(503, 'temporarily_unavailable', 'Servizio non configurato');
  return secrets.dataKey;
}

async function clientFor(env: Env, origin: string): Promise<Client> {
  return { ...demoClient(origin), keys: await demoKeys(env.DEMO_RP_KEYS) };
}

function providerCall(fetchProvider: ProviderFetch, env: Env, ctx: ExecutionContext): CallProvider {
  return (request) => fetchProvider(request, env, ctx);
}

/** POST /demo/entra: registers the demo if needed, remembers the login's secrets, off to the OP. */
const start =
  (fetchProvider: ProviderFetch): Handler =>
  async (request, env, ctx) => {
    if (isForeignOrigin(request)) throw new HttpError(403, 'forbidden', 'La richiesta proviene da un sito diverso');
    const form = await readForm(request);
    const level = form.get('level') === '1' ? 1 : 2;
    const scope = ['openid', ...OPTIONAL_SCOPES.filter((s) => form.has(s))];
    const url = new URL(request.url);
    const client = await clientFor(env, url.origin);
    await ensureDemoClient(env, url.origin, client.keys);
    const provider = await discover(providerCall(fetchProvider, env, ctx), url.origin);
    const { pending, location } = await authorizationRequest(provider, client, { level, scope });
    return redirect(location, 303, { 'Set-Cookie': await pendingCookie(DEMO_PENDING, url, dataKeyOf(env), pending) });
  };

/** GET /demo/callback: the OP's answer, checked as a relying party must before trusting any of it. */
const callback =
  (fetchProvider: ProviderFetch): Handler =>
  async (request, env, ctx) => {
    const url = new URL(request.url);
    const params = url.searchParams;
    const session = await readPending(DEMO_PENDING, request, dataKeyOf(env));
    // One answer per login: whatever happens next, the secrets of this one are spent.
    const spent = endPendingCookie(DEMO_PENDING, url);
    const withCookie = (res: Response) => {
      res.headers.append('Set-Cookie', spent);
      return res;
    };
    if (!session) return withCookie(failurePage(MISSING_SESSION, 'nessuna sessione', 400));
    if (params.get('state') !== session.state) {
      return withCookie(failurePage('La risposta non corrisponde alla richiesta inviata da questo browser.', 'state diverso', 400));
    }
    try {
      const answer = await answerAtRedirect(providerCall(fetchProvider, env, ctx), url.origin, await clientFor(env, url.origin), session, params);
      if (answer.kind === 'refused') return withCookie(providerErrorPage(answer.error, answer.description));
      return withCookie(resultPage(answer.login.userinfo, String(answer.login.idToken.acr), answer.login.level));
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      return withCookie(failurePage('La risposta di CieID non è valida: l’accesso non è stato completato.', err.message, 502));
    }
  };

/** The development relying party: a citizen's pages, absent in production. */
export const demoSurface = (fetchProvider: ProviderFetch): PagesSurface => ({
  name: 'demo',
  basePaths: ['/demo'],
  answers: 'pages',
  mount: (router) => {
    router
      .get(
        '/demo',
        developmentOnly(async () => startPage()),
      )
      .post('/demo/entra', developmentOnly(start(fetchProvider)))
      .get('/demo/callback', developmentOnly(callback(fetchProvider)));
  },
});
