import type { Env } from '../../env';
import { authenticateClient } from '../client-auth';
import { clientAllowsGrant } from '../../core/oidc-client';
import { InvalidRequest, OAuthError, UnsupportedGrantType } from '../errors';
import { readOAuthForm } from '../form';
import { endpointsOf, issuerOf } from '../issuer';
import { authorizationCodeGrant } from './authorization-code';
import type { TokenRequest } from './context';
import { refreshTokenGrant } from './refresh-token';

const GRANTS: Record<string, (req: TokenRequest) => Promise<Response>> = {
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
};

/** POST /oidc/token: a form (C-23), an authenticated client (C-27), then the grant it asks for (C-28). */
export async function token(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  const endpoints = endpointsOf(issuerOf(env, request));
  const params = await readOAuthForm(request);
  const now = Date.now();
  const client = await authenticateClient(env, params, [endpoints.token, endpoints.issuer], now);
  const grantType = params.get('grant_type');
  if (!grantType) throw new InvalidRequest('grant_type is missing');
  const grant = GRANTS[grantType];
  if (!grant || !Object.hasOwn(GRANTS, grantType)) throw new UnsupportedGrantType('grant_type must be authorization_code or refresh_token');
  if (!clientAllowsGrant(client, grantType)) throw new OAuthError('unauthorized_client', `grant_type ${grantType} is not allowed to this client`);
  return grant({ env, ctx, endpoints, client, params, now });
}
