import { type GrantRecord, type TokenKind, type TokenRecord, wantsRefreshToken } from '../../core/grant';
import { clientAllowsGrant } from '../../core/oidc-client';
import { ACCESS_TOKEN_TTL_SECONDS, REFRESH_TOKEN_TTL_SECONDS } from '../../core/oidc-lifetimes';
import type { Holder } from '../../core/oidc-claims';
import { oauthJson } from '../errors';
import { pairwiseSubject } from '../subject';
import { accessToken, idToken, refreshToken, type Issue } from '../tokens';
import type { TokenRequest } from './context';

const TTL_SECONDS: Record<TokenKind, number> = { access: ACCESS_TOKEN_TTL_SECONDS, refresh: REFRESH_TOKEN_TTL_SECONDS };

/**
 * The tokens about to be issued, each with its jti and expiry: the grant records them before they
 * are signed, so that all of them can later be revoked. A refresh token is only recorded (and then
 * issued) when the grant allows one.
 */
export function plannedTokens(now: number): { access: TokenRecord; refresh: TokenRecord } {
  const plan = (kind: TokenKind): TokenRecord => ({ jti: crypto.randomUUID(), kind, expiresAt: now + TTL_SECONDS[kind] * 1000 });
  return { access: plan('access'), refresh: plan('refresh') };
}

/**
 * C-22: 200 JSON, `token_type` Bearer, `expires_in`, never cached. The ID token only after a code
 * exchange: a refresh never yields one (C-37, CIE profile).
 */
export async function tokenResponse(
  req: TokenRequest,
  grant: GrantRecord,
  grantId: string,
  holder: Holder,
  planned: { access: TokenRecord; refresh: TokenRecord },
  { withIdToken }: { withIdToken: boolean },
): Promise<Response> {
  const issue: Issue = {
    env: req.env,
    endpoints: req.endpoints,
    client: req.client,
    grant,
    grantId,
    sub: await pairwiseSubject(req.env, req.client.client_id, holder.fiscalCode),
    iat: Math.floor(req.now / 1000),
  };
  const access = await accessToken(issue, planned.access);
  const body: Record<string, unknown> = {
    access_token: access,
    token_type: 'Bearer',
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
    scope: grant.scope.join(' '),
  };
  if (withIdToken) body.id_token = await idToken(issue, holder, access);
  if (wantsRefreshToken(grant) && clientAllowsGrant(req.client, 'refresh_token')) body.refresh_token = await refreshToken(issue, planned.refresh);
  return oauthJson(body);
}
