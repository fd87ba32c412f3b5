import type { Env } from '../env';
import { authenticateClient } from './client-auth';
import { InvalidRequest, oauthJson } from './errors';
import { readOAuthForm } from './form';
import { endpointsOf, issuerOf } from './issuer';
import { readOwnToken } from './own-tokens';

const INACTIVE = { active: false };

/**
 * POST /oidc/introspect (C-38, RFC 7662): `{active: true}` and its details for a live token of the
 * calling client; `{active: false}` for anything else — expired, revoked, unknown or another
 * client's, without saying which.
 */
export async function introspect(request: Request, env: Env): Promise<Response> {
  const endpoints = endpointsOf(issuerOf(env, request));
  const params = await readOAuthForm(request);
  const now = Date.now();
  const client = await authenticateClient(env, params, [endpoints.introspection, endpoints.token, endpoints.issuer], now);
  const presented = params.get('token');
  if (!presented) throw new InvalidRequest('token is missing');
  const token = await readOwnToken(env, endpoints.issuer, presented, ['access', 'refresh']);
  if (!token || token.payload.client_id !== client.client_id) return oauthJson(INACTIVE);
  const status = await token.grant.tokenStatus(token.payload.jti, now);
  if (!status.active || status.kind !== token.kind) return oauthJson(INACTIVE);
  const { iss, sub, aud, iat, exp, scope, client_id } = token.payload;
  return oauthJson({ active: true, token_type: token.kind === 'access' ? 'Bearer' : 'refresh_token', iss, sub, aud, iat, exp, scope, client_id });
}
