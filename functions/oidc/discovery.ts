import type { Env } from '../env';
import { json, withSecurityHeaders } from '../platform/http';
import { entityConfiguration } from './federation';
import { endpointsOf, issuerOf } from './issuer';
import { providerKeys } from './keys';
import { openidProviderMetadata } from './metadata';

/** Public documents: RPs may cache them a little, unlike anything carrying tokens. */
const CACHEABLE = { 'Cache-Control': 'public, max-age=300' };

/** GET /.well-known/openid-configuration (C-3). */
export async function openidConfiguration(request: Request, env: Env): Promise<Response> {
  const keys = await providerKeys(env);
  return json(openidProviderMetadata(endpointsOf(issuerOf(env, request)), keys), 200, CACHEABLE);
}

/** GET /oidc/jwks — current and next signing keys, public members only (C-1, C-4). */
export async function jwks(_request: Request, env: Env): Promise<Response> {
  return json((await providerKeys(env)).jwks, 200, { ...CACHEABLE, 'Content-Type': 'application/jwk-set+json' });
}

/** GET /.well-known/openid-federation (C-1, C-2). */
export async function openidFederation(request: Request, env: Env): Promise<Response> {
  const statement = await entityConfiguration(env, issuerOf(env, request));
  return new Response(statement, {
    status: 200,
    headers: withSecurityHeaders({ 'Content-Type': 'application/entity-statement+jwt', ...CACHEABLE }),
  });
}
