import type { IRequest } from 'itty-router';
import type { Env } from '../env';
import type { JsonSurface, PagesSurface } from '../platform/surface';
import { asOAuthError, oauthErrorJson } from './errors';
import { PATHS } from './issuer';
import { jwks, openidConfiguration, openidFederation } from './discovery';
import { authorize } from './authorize';
import { cardCaCertificate } from './card-ca-pem';
import { MethodNotAllowed } from './errors';
import { introspect } from './introspect';
import { RESOLVE_PATH } from './federation';
import { resolve } from './resolve';
import { revoke } from './revoke';
import { token } from './token';
import { userinfo } from './userinfo';

type Handler = (request: IRequest, env: Env, ctx: ExecutionContext) => Promise<Response>;

/** Back-channel endpoints answer every failure as OAuth JSON, rendered in errors.ts only. */
const oauthEndpoint =
  (handler: Handler): Handler =>
  async (request, env, ctx) => {
    try {
      return await handler(request, env, ctx);
    } catch (err) {
      return oauthErrorJson(asOAuthError(err));
    }
  };

/**
 * The back channel and the metadata: OAuth JSON. Each endpoint renders its own errors; the surface
 * says how the Worker's edge answers what reaches it first (a shed request, an unknown path).
 */
export const oidcSurface: JsonSurface = {
  name: 'oidc',
  basePaths: ['/oidc', '/.well-known'],
  answers: 'json',
  mount: (router) => {
    router
      .get(PATHS.discovery, oauthEndpoint(openidConfiguration))
      .get(PATHS.federation, oauthEndpoint(openidFederation))
      .get(RESOLVE_PATH, oauthEndpoint(resolve))
      .get(PATHS.jwks, oauthEndpoint(jwks))
      .get('/.well-known/cie-ca.pem', oauthEndpoint(cardCaCertificate))
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
  },
};

/**
 * The front channel, where the citizen's browser arrives: it renders its own errors, a page or a
 * redirect to the RP (authorize/index.ts); what the edge answers here first is a page too.
 */
export const authorizeSurface: PagesSurface = {
  name: 'oidc-authorize',
  basePaths: [PATHS.authorization],
  answers: 'pages',
  mount: (router) => {
    router.get(PATHS.authorization, authorize).post(PATHS.authorization, authorize);
  },
};
