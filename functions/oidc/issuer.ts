import type { Env } from '../env';
import { isProduction } from '../env';
import { TemporarilyUnavailable } from './errors';

/** Where each endpoint lives, relative to the issuer. The router registers the same paths. */
export const PATHS = {
  authorization: '/oidc/authorize',
  token: '/oidc/token',
  userinfo: '/oidc/userinfo',
  introspection: '/oidc/introspect',
  revocation: '/oidc/revoke',
  jwks: '/oidc/jwks',
  discovery: '/.well-known/openid-configuration',
  federation: '/.well-known/openid-federation',
} as const;

export type Endpoints = { -readonly [K in keyof typeof PATHS]: string } & { issuer: string };

function configuredIssuer(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' || url.pathname !== '/' || url.search || url.hash || url.username) return null;
    return url.origin;
  } catch {
    return null;
  }
}

/**
 * The issuer: ISSUER when set (an https origin), else — outside production — the origin the request
 * came to, so `npm start` and the tests need no configuration. Production without a valid ISSUER
 * answers 503: tokens with a guessed issuer would be refused by every RP anyway.
 */
export function issuerOf(env: Env, request: Request): string {
  if (env.ISSUER) {
    const issuer = configuredIssuer(env.ISSUER);
    if (!issuer) throw new TemporarilyUnavailable('issuer misconfigured');
    return issuer;
  }
  if (isProduction(env)) throw new TemporarilyUnavailable('issuer not configured');
  return new URL(request.url).origin;
}

export function endpointsOf(issuer: string): Endpoints {
  const urls = Object.fromEntries(Object.entries(PATHS).map(([name, path]) => [name, `${issuer}${path}`]));
  return { ...(urls as { [K in keyof typeof PATHS]: string }), issuer };
}
