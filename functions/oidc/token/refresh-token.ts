import { InvalidGrant, InvalidRequest, TemporarilyUnavailable } from '../errors';
import { usableHolder } from '../holder';
import { keepGrantListed, noticeRefresh } from '../../platform/identity-sessions';
import { type OwnToken, readOwnToken } from '../own-tokens';
import type { GrantRecord } from '../../core/grant';
import type { Holder } from '../../core/oidc-claims';
import type { TokenRequest } from './context';
import { plannedTokens, tokenResponse } from './respond';

/**
 * grant_type=refresh_token (C-37): a live refresh token of this very client gives a new access token
 * and a new refresh token, never an ID token; the old one is dead from then on, and presenting it
 * again revokes the grant (refresh token rotation with replay detection).
 */
export async function refreshTokenGrant(req: TokenRequest): Promise<Response> {
  const presented = req.params.get('refresh_token');
  if (!presented) throw new InvalidRequest('refresh_token is missing');
  const token = await readOwnToken(req.env, req.endpoints.issuer, presented, ['refresh']);
  if (!token) throw new InvalidGrant('refresh token is not valid');
  if (token.payload.client_id !== req.client.client_id) throw new InvalidGrant('refresh token was issued to another client');

  // The Card is asked before the old refresh token is spent: a Card failing after it would answer a
  // 5xx, and the relying party's retry with the old token would be taken for a replay. A token found
  // not live skips the Card; its rotation below still detects a replay.
  const status = await token.grant.tokenStatus(token.payload.jti, req.now);
  const prepared = status.active && status.kind === 'refresh' ? await prepareRefresh(req, token, status.grant) : null;

  const planned = plannedTokens(req.now);
  const decision = await token.grant.rotateRefresh(token.payload.jti, req.client.client_id, [planned.access, planned.refresh], req.now);
  if (decision.outcome === 'replayed') throw new InvalidGrant('refresh token already used: the grant is revoked');
  if (decision.outcome === 'refused') throw new InvalidGrant(decision.reason);
  // A rotation succeeds only for a token that was live when read above, so this is only a safeguard.
  if (!prepared) throw new InvalidGrant('refresh token is not valid');

  // The holder hears of it (CIE profile); after the answer, so the relying party never waits for it.
  if (prepared.notify) req.ctx.waitUntil(noticeRefresh(req.env, { serial: decision.grant.serial, rpName: req.client.client_name }));
  return tokenResponse(req, decision.grant, token.payload.gid, prepared.holder, planned, { withIdToken: false });
}

/**
 * What the refresh needs of the Card, before any token changes: the grant kept listed for the new
 * token's life (R-ACC-4), then the holder the grant still speaks for — or no new token. In that order:
 * a revocation that read the list before the grant was listed again made its change before that, and
 * the holder's check, read after, refuses the grant. A Card that cannot answer is a 503 the relying
 * party may retry with the same refresh token.
 */
async function prepareRefresh(req: TokenRequest, token: OwnToken, grant: GrantRecord): Promise<{ holder: Holder; notify: boolean }> {
  let listing: { notify: boolean };
  let holder: Holder | null;
  try {
    listing = await keepGrantListed(req.env, { serial: grant.serial, grantId: token.payload.gid, clientId: req.client.client_id }, req.now);
    holder = await usableHolder(req.env, grant, req.now);
  } catch (err) {
    console.error('refresh: card unavailable', err instanceof Error ? err.name : 'error');
    throw new TemporarilyUnavailable('the card could not be reached, retry later with the same refresh token');
  }
  if (!holder) {
    await token.grant.revokeGrant();
    throw new InvalidGrant('the card can no longer be used to log in');
  }
  return { holder, notify: listing.notify };
}
