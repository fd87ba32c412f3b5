import type { IRequest } from 'itty-router';
import type { Env } from '../env';
import { isProduction, secretsOf } from '../env';
import { HttpError } from '../core/errors';
import { isForeignOrigin } from '../platform/csrf';
import { readForm, redirect } from '../platform/http';
import type { PagesSurface } from '../platform/surface';
import { demoKeys } from './keys';
import { ProviderError, authorizationRequest, completeLogin, discover, type CallProvider, type Client } from './provider';
import { demoClient, ensureDemoClient } from './registration';
import { MISSING_SESSION, endSessionCookie, readSession, sessionCookie } from './session';
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
    const { session, location } = await authorizationRequest(provider, client, level, scope);
    return redirect(location, 303, { 'Set-Cookie': await sessionCookie(url, dataKeyOf(env), session) });
  };

/** GET /demo/callback: the OP's answer, checked as a relying party must before trusting any of it. */
const callback =
  (fetchProvider: ProviderFetch): Handler =>
  async (request, env, ctx) => {
    const url = new URL(request.url);
    const params = url.searchParams;
    const session = await readSession(request, dataKeyOf(env));
    // One answer per login: whatever happens next, the secrets of this one are spent.
    const spent = endSessionCookie(url);
    const withCookie = (res: Response) => {
      res.headers.append('Set-Cookie', spent);
      return res;
    };
    if (!session) return withCookie(failurePage(MISSING_SESSION, 'nessuna sessione', 400));
    if (params.get('state') !== session.state) {
      return withCookie(failurePage('La risposta non corrisponde alla richiesta inviata da questo browser.', 'state diverso', 400));
    }
    const call = providerCall(fetchProvider, env, ctx);
    try {
      const provider = await discover(call, url.origin);
      // RFC 9207: the OP announces that its answers name it, so one that does not is not from it.
      const iss = params.get('iss');
      if (iss !== provider.metadata.issuer) throw new ProviderError('authorize', `iss ${iss ?? '(assente)'} non atteso`);
      const error = params.get('error');
      if (error) return withCookie(providerErrorPage(error, params.get('error_description')));
      const code = params.get('code');
      if (!code) throw new ProviderError('authorize', 'risposta senza code');
      const login = await completeLogin(call, provider, await clientFor(env, url.origin), session, code);
      return withCookie(resultPage(login.userinfo, String(login.idToken.acr), login.level));
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
