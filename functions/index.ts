import { Router, type IRequest } from 'itty-router';
import { env as workerEnv } from 'cloudflare:workers';
import type { Env } from './env';
import { isProduction } from './env';
import { HttpError } from './core/errors';
import { errorJson, json, withEntryHeaders } from './platform/http';
import { errorPage } from './platform/html';
import { admit, maxInFlight, temporarilyUnavailable, unavailableFrom } from './platform/overload';
import { type JsonSurface, type Surface, mountSurfaces, pageTitle } from './platform/surface';
import { notFoundPage } from './home/not-found';
import { siteSurface } from './home/routes';
import { activationSurface } from './activation/routes';
import { loginSurface } from './login/routes';
import { authorizeSurface, oidcSurface } from './oidc/routes';
import { registrySurface } from './registry/routes';
import { demoSurface } from './demo/routes';
import { appSurface } from './app/routes';
import { accountSurface, areaSurface } from './account/routes';
import { recoverySurface } from './recovery/routes';
import { testHooksSurface } from './test-hooks/routes';
import { developmentHostAllowed } from './core/loopback';

export { Card } from '../durable-objects/card';
export { FlowSession } from '../durable-objects/flow-session';
export { DirectoryShard } from '../durable-objects/directory-shard';
export { Outbox } from '../durable-objects/outbox';

const HEALTH_PATH = '/health';

/** For load balancers and probes. */
const healthSurface: JsonSurface = {
  name: 'health',
  basePaths: [HEALTH_PATH],
  answers: 'json',
  mount: (router) => {
    router.get(HEALTH_PATH, () => json({ status: 'ok' }));
  },
};

const SURFACES: readonly Surface[] = [
  siteSurface,
  healthSurface,
  registrySurface,
  testHooksSurface,
  activationSurface,
  loginSurface,
  appSurface,
  accountSurface,
  areaSurface,
  recoverySurface,
  oidcSurface,
  authorizeSurface,
  // The demo RP calls the provider through this Worker's own handler (declared below, hoisted).
  demoSurface(handle),
];

const router = Router<IRequest, [Env, ExecutionContext]>();
const surfaceOf = mountSurfaces(router, SURFACES);

/** A refusal as the surface owning the path answers: JSON for machines, an Italian page for citizens. */
function renderRefusal(request: Request, err: HttpError): Response {
  const surface = surfaceOf(new URL(request.url).pathname);
  if (surface.answers === 'json') return errorJson(err);
  if (err.status === 404) return notFoundPage();
  return errorPage(err.status, pageTitle(surface, err.status), err.message, undefined, err.headers);
}

function renderError(request: Request, err: unknown): Response {
  if (err instanceof HttpError) return renderRefusal(request, err);
  // A Durable Object overloaded or reset: a 503 to retry, not a fault of ours to hide behind a 500.
  const unavailable = unavailableFrom(err);
  if (unavailable) return renderRefusal(request, unavailable);
  // Unexpected: log for operators, reveal nothing to the caller.
  console.error('unhandled error', err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  return renderRefusal(request, new HttpError(500, 'server_error', 'Errore interno, riprovare più tardi'));
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
 * The top level of wrangler.toml is the development configuration (test hooks, captcha off, the
 * demo RP, the issuer taken from the request): a `wrangler deploy` without `--env production` would
 * put all of that on a public host. So outside production the Worker answers only on this machine's
 * own addresses and on the hosts DEVELOPMENT_HOSTS names (a staging deployment for the harness) — a
 * request under any other host name can only come from such a deploy, and gets a 503 saying so
 * instead of the service.
 */
function developmentElsewhere(request: Request): Response {
  console.error('development configuration reached on a non-loopback host: deploy with --env production');
  return renderRefusal(
    request,
    new HttpError(503, 'temporarily_unavailable', 'Configurazione di sviluppo: il servizio risponde solo su 127.0.0.1 (pubblicare con --env production)'),
  );
}

/**
 * The entry point: past MAX_IN_FLIGHT requests in flight in this isolate, a clean 503 at once rather
 * than a queue that ends in timeouts (platform/overload). /health is never shed: it says whether the
 * service is up, and a load balancer must not take an overloaded isolate for a dead one. Whatever
 * answers, the headers every response needs are added here, once (platform/http withEntryHeaders).
 */
async function fetchEntry(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  const url = new URL(request.url);
  if (!isProduction(env) && !developmentHostAllowed(url.hostname, env.DEVELOPMENT_HOSTS)) return withEntryHeaders(developmentElsewhere(request), false);
  const response =
    url.pathname === HEALTH_PATH
      ? await handle(request, env, ctx)
      : await admit(
          maxInFlight(env.MAX_IN_FLIGHT),
          () => handle(request, env, ctx),
          () => renderRefusal(request, temporarilyUnavailable()),
        );
  return withEntryHeaders(response, isProduction(env));
}

export default { fetch: fetchEntry } satisfies ExportedHandler<Env>;
