import type { Env } from '../env';
import { authenticateClient } from './client-auth';
import { InvalidRequest, NO_STORE } from './errors';
import { readOAuthForm } from './form';
import { endpointsOf, issuerOf } from './issuer';
import { readOwnToken } from './own-tokens';
import { withSecurityHeaders } from '../platform/http';

/**
 * POST /oidc/revoke (C-39, RFC 7009): 200 whatever the token, so nothing is learnt from the answer.
 * A refresh token ends the grant with its access tokens; an access token goes alone (CIE profile).
 */
export async function revoke(request: Request, env: Env): Promise<Response> {
  const endpoints = endpointsOf(issuerOf(env, request));
  const params = await readOAuthForm(request);
  const client = await authenticateClient(env, params, [endpoints.revocation, endpoints.token, endpoints.issuer], Date.now());
  const presented = params.get('token');
  if (!presented) throw new InvalidRequest('token is missing');
  const token = await readOwnToken(env, endpoints.issuer, presented, ['access', 'refresh']);
  if (token && token.payload.client_id === client.client_id) await token.grant.revokeToken(token.payload.jti, client.client_id);
  return new Response(null, { status: 200, headers: withSecurityHeaders(NO_STORE) });
}
