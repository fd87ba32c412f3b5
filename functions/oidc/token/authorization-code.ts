import { CODE_VERIFIER, s256 } from '../../core/pkce';
import { grantObject } from '../../platform/objects';
import { InvalidGrant, InvalidRequest } from '../errors';
import { codeHashOf } from '../handoff';
import { usableHolder } from '../holder';
import type { TokenRequest } from './context';
import { plannedTokens, tokenResponse } from './respond';

const CODE = /^([0-9a-f]{64})\.([A-Za-z0-9_-]{43})$/;

/**
 * grant_type=authorization_code (C-22 … C-26): the code names its grant; the grant decides, in one
 * step, whether this client may redeem it now with this verifier — and revokes everything if the
 * code comes back a second time.
 */
export async function authorizationCodeGrant(req: TokenRequest): Promise<Response> {
  const code = req.params.get('code');
  const verifier = req.params.get('code_verifier');
  if (!code) throw new InvalidRequest('code is missing');
  if (!verifier) throw new InvalidRequest('code_verifier is missing');
  const parts = CODE.exec(code);
  const stub = parts ? grantObject(req.env, parts[1]!) : null;
  if (!parts || !stub) throw new InvalidGrant('unknown authorization code');
  if (!CODE_VERIFIER.test(verifier)) throw new InvalidGrant('code_verifier does not match');

  const planned = plannedTokens(req.now);
  const decision = await stub.redeemCode(
    await codeHashOf(parts[2]!),
    req.client.client_id,
    await s256(verifier),
    req.params.get('redirect_uri') ?? null,
    [planned.access, planned.refresh],
    req.now,
  );
  if (decision.outcome === 'replayed') throw new InvalidGrant('authorization code already used: the tokens it gave are revoked');
  if (decision.outcome === 'refused') throw new InvalidGrant(decision.reason);

  const holder = await usableHolder(req.env, decision.grant, req.now);
  if (!holder) {
    await stub.revokeGrant();
    throw new InvalidGrant('the card can no longer be used to log in');
  }
  return tokenResponse(req, decision.grant, parts[1]!, holder, planned, { withIdToken: true });
}
