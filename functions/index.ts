import { Router, type IRequest } from 'itty-router';
import { env as workerEnv } from 'cloudflare:workers';
import type { Env } from './env';
import { isProduction, testHooksEnabled } from './env';
import { HttpError } from './core/errors';
import { errorJson, json, withEntryHeaders } from './platform/http';
import { errorPage } from './platform/html';
import { admit, maxInFlight, temporarilyUnavailable, unavailableFrom } from './platform/overload';
import { blockCard, getCard, issueCard, reprintCodes } from './registry/cards';
import { requireRegistryToken } from './registry/auth';
import { readOutbox } from './test-hooks/outbox';
import { homePage } from './home/page';
import { passwordRecoveryPage } from './home/password-recovery';
import { PHONE_CHANGE_PATH, phoneChangePage } from './home/phone-change';
import { notFoundPage } from './home/not-found';
import { privacyPage } from './legal/privacy';
import { accessibilityPage } from './legal/accessibility';
import { legalNotesPage } from './legal/legal-notes';
import { helpPage } from './legal/help';
import { activationRoutes } from './activation/routes';
import { loginRoutes } from './login/routes';
import { oidcRoutes } from './oidc/routes';
import { clientRegistryRoutes } from './registry/clients';
import { demoRoutes } from './demo/routes';
import { appRoutes } from './app/routes';
import { accountRoutes } from './account/routes';

export { Card } from '../durable-objects/card';
export { FlowSession } from '../durable-objects/flow-session';
export { DirectoryShard } from '../durable-objects/directory-shard';
export { Outbox } from '../durable-objects/outbox';

type Handler = (request: IRequest, env: Env, ctx: ExecutionContext) => Promise<Response> | Response;

const registry =
  (handler: Handler): Handler =>
  async (request, env, ctx) => {
    await requireRegistryToken(request, env);
    return handler(request, env, ctx);
  };

const testHook =
  (handler: Handler): Handler =>
  (request, env, ctx) => {
    if (!testHooksEnabled(env)) throw new HttpError(404, 'not_found', 'Risorsa non trovata');
    return handler(request, env, ctx);
  };

const router = Router<IRequest, [Env, ExecutionContext]>();
router
  .get('/', homePage)
  .get('/recupero-password', passwordRecoveryPage)
  // Linked from activation step 2.1 and from the login's SMS page: how the Comune changes the number.
  .get(PHONE_CHANGE_PATH, phoneChangePage)
  .get('/privacy', privacyPage)
  .get('/accessibilita', accessibilityPage)
  .get('/note-legali', legalNotesPage)
  .get('/assistenza', helpPage)
  .get('/health', () => json({ status: 'ok' }))
  .post('/registry/cards', registry(issueCard))
  .get('/registry/cards/:serial', registry(getCard))
  .post('/registry/cards/:serial/block', registry(blockCard))
  .post('/registry/cards/:serial/codes', registry(reprintCodes))
  .get('/__test/outbox', testHook(readOutbox));
activationRoutes(router);
loginRoutes(router);
appRoutes(router);
accountRoutes(router);
oidcRoutes(router);
clientRegistryRoutes(router);
// The demo RP calls the provider through this Worker's own handler (declared below, hoisted).
demoRoutes(router, handle);

/**
 * Machines get JSON; citizens' pages get a page. The OIDC endpoints render their own errors; they are
 * listed for what reaches this level before them (a shed request).
 */
function wantsJson(request: Request): boolean {
  const path = new URL(request.url).pathname;
  if (path.startsWith('/oidc/')) return path !== '/oidc/authorize';
  return (
    path.startsWith('/registry') ||
    path.startsWith('/__test') ||
    path.startsWith('/app/') ||
    path.startsWith('/account/') ||
    path.startsWith('/.well-known/') ||
    path === '/health'
  );
}

const TITLES: Readonly<Record<number, string>> = { 503: 'Servizio non disponibile' };

function renderRefusal(request: Request, err: HttpError): Response {
  if (wantsJson(request)) return errorJson(err);
  if (err.status === 404) return notFoundPage();
  return errorPage(err.status, TITLES[err.status] ?? 'Richiesta non valida', err.message, undefined, err.headers);
}

function renderError(request: Request, err: unknown): Response {
  if (err instanceof HttpError) return renderRefusal(request, err);
  // A Durable Object overloaded or reset: a 503 to retry, not a fault of ours to hide behind a 500.
  const unavailable = unavailableFrom(err);
  if (unavailable) return renderRefusal(request, unavailable);
  // Unexpected: log for operators, reveal nothing to the caller.
  console.error('unhandled error', err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  const internal = new HttpError(500, 'server_error', 'Errore interno, riprovare più tardi');
  return wantsJson(request) ? errorJson(internal) : errorPage(500, 'Errore', internal.message);
}

/** Startup check: production never serves test hooks, and says so loudly if someone tried. */
function refuseHooksInProduction(env: Env): void {
  if (isProduction(env) && env.TEST_HOOKS) {
    console.error('TEST_HOOKS is set with ENVIRONMENT=production: refused, /__test routes answer 404');
  }
}
try {
  refuseHooksInProduction(workerEnv as unknown as Env);
} catch {
  // env is not importable on older runtimes; the per-request check below still refuses the hooks.
}

async function handle(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  try {
    const response = await router.fetch(request, env, ctx);
    if (response) return response;
    if (env.ASSETS && (request.method === 'GET' || request.method === 'HEAD')) {
      const asset = await env.ASSETS.fetch(request);
      if (asset.status !== 404) return asset;
    }
    throw new HttpError(404, 'not_found', 'Pagina non trovata');
  } catch (err) {
    return renderError(request, err);
  }
}

/**
 * The entry point: past MAX_IN_FLIGHT requests in flight in this isolate, a clean 503 at once rather
 * than a queue that ends in timeouts (platform/overload). /health is never shed: it says whether the
 * service is up, and a load balancer must not take an overloaded isolate for a dead one. Whatever
 * answers, the headers every response needs are added here, once (platform/http withEntryHeaders).
 */
async function fetchEntry(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  const response =
    new URL(request.url).pathname === '/health'
      ? await handle(request, env, ctx)
      : await admit(
          maxInFlight(env.MAX_IN_FLIGHT),
          () => handle(request, env, ctx),
          () => renderRefusal(request, temporarilyUnavailable()),
        );
  return withEntryHeaders(response, isProduction(env));
}

export default { fetch: fetchEntry } satisfies ExportedHandler<Env>;
