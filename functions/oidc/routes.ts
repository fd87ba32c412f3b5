import type { IRequest, RouterType } from 'itty-router';
import type { Env } from '../env';
import { asOAuthError, oauthErrorJson } from './errors';
import { PATHS } from './issuer';
import { jwks, openidConfiguration, openidFederation } from './discovery';
import { authorize } from './authorize';
import { MethodNotAllowed } from './errors';
import { introspect } from './introspect';
import { revoke } from './revoke';
import { token } from './token';
import { userinfo } from './userinfo';

type Handler = (request: IRequest, env: Env) => Promise<Response>;

/** Back-channel endpoints answer every failure as OAuth JSON, rendered in errors.ts only. */
const oauthEndpoint =
  (handler: Handler): Handler =>
  async (request, env) => {
    try {
      return await handler(request, env);
    } catch (err) {
      return oauthErrorJson(asOAuthError(err));
    }
  };

export function oidcRoutes(router: RouterType<IRequest, [Env, ExecutionContext]>): void {
  router
    .get(PATHS.discovery, oauthEndpoint(openidConfiguration))
    .get(PATHS.federation, oauthEndpoint(openidFederation))
    .get(PATHS.jwks, oauthEndpoint(jwks))
    // Renders its own errors: a page, or a redirect to the RP (authorize/index.ts).
    .get(PATHS.authorization, authorize)
    .post(PATHS.authorization, authorize)
    .post(PATHS.token, oauthEndpoint(token))
    .post(PATHS.introspection, oauthEndpoint(introspect))
    .post(PATHS.revocation, oauthEndpoint(revoke))
    .get(PATHS.userinfo, oauthEndpoint(userinfo))
    .post(PATHS.userinfo, oauthEndpoint(userinfo));
  // C-23: any other method gets a JSON 405 saying which ones work, not the HTML 404 of unknown pages.
  const allowed: [string, string][] = [
    [PATHS.token, 'POST'],
    [PATHS.introspection, 'POST'],
    [PATHS.revocation, 'POST'],
    [PATHS.userinfo, 'GET, POST'],
  ];
  for (const [path, methods] of allowed) {
    router.all(
      path,
      oauthEndpoint(async () => Promise.reject(new MethodNotAllowed(methods))),
    );
  }
}
