import { InvalidGrant, InvalidRequest } from '../errors';
import { usableHolder } from '../holder';
import { keepGrantListed, noticeRefresh } from '../../platform/identity-sessions';
import { readOwnToken } from '../own-tokens';
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

  const planned = plannedTokens(req.now);
  const decision = await token.grant.rotateRefresh(token.payload.jti, req.client.client_id, [planned.access, planned.refresh], req.now);
  if (decision.outcome === 'replayed') throw new InvalidGrant('refresh token already used: the grant is revoked');
  if (decision.outcome === 'refused') throw new InvalidGrant(decision.reason);

  const holder = await usableHolder(req.env, decision.grant, req.now);
  if (!holder) {
    await token.grant.revokeGrant();
    throw new InvalidGrant('the card can no longer be used to log in');
  }
  // R-ACC-4: the grant stays within reach of a revocation for the new token's life, or gets no new token.
  const listing = await keepGrantListed(req.env, { serial: decision.grant.serial, grantId: token.payload.gid }, req.now);
  if (!listing.listed) {
    await token.grant.revokeGrant();
    throw new InvalidGrant('the grant is no longer known to the card');
  }
  // The holder hears of it (CIE profile); after the answer, so the relying party never waits for it.
  if (listing.notify) req.ctx.waitUntil(noticeRefresh(req.env, { serial: decision.grant.serial, rpName: req.client.client_name }));
  return tokenResponse(req, decision.grant, token.payload.gid, holder, planned, { withIdToken: false });
}
