import type { IRequest, RouterType } from 'itty-router';
import type { Env } from '../env';
import { asOAuthError, oauthErrorJson } from './errors';
import { PATHS } from './issuer';
import { jwks, openidConfiguration, openidFederation } from './discovery';
import { authorize } from './authorize';

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
    .post(PATHS.authorization, authorize);
}
