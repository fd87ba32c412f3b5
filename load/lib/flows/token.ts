import exec from 'k6/execution';
import { check } from 'k6';
import { activateCitizens, type Identity } from '../citizen.ts';
import { browserLogin } from '../login.ts';
import { authorizationRequest, refreshTokens, registerRp, tokensOf, type RelyingParty } from '../rp.ts';
import { attempt } from '../steps.ts';
import type { Budget } from '../thresholds.ts';
import { completeLogin } from './login-sms.ts';

/**
 * The token endpoint as RP back ends use it: authorization codes exchanged after level 1 logins
 * with offline_access (which needs prompt=consent, C-18 — the request always has it), then
 * refresh_token grants, each one rotating the refresh token (C-37: the old one is dead from then on).
 *
 * Each VU keeps its own chain (a VU runs one iteration at a time, so a chain is never used twice
 * at once, which rotation would take for a replay and answer by revoking the grant): an iteration
 * with no live chain logs in and exchanges the code; the next REFRESHES_PER_LOGIN iterations refresh.
 *
 * API:
 * - `REFRESHES_PER_LOGIN`, `TOKEN_POOL` (the identities prepareToken activates).
 * - `prepareToken({ name })`: async, setup(): an RP and a few level 1 identities (level 1 sends no
 *   SMS, so the daily caps never bind and a small pool serves any rate).
 * - `TokenData`; `tokenGrant(data)`: async, one iteration.
 * - `TOKEN_BUDGET`: p95 per endpoint (thresholds.ts).
 */
export interface TokenData {
  rp: RelyingParty;
  identities: Identity[];
}

export const REFRESHES_PER_LOGIN = 4;
export const TOKEN_POOL = 10;
const SCOPE = 'openid profile offline_access';

let chain: { refreshToken: string; left: number } | null = null;

export async function prepareToken({ name = 'Load test RP (token)' } = {}): Promise<TokenData> {
  const rp = await registerRp(name);
  return { rp, identities: activateCitizens(TOKEN_POOL) };
}

async function loginForChain(data: TokenData): Promise<void> {
  const identity = data.identities[exec.scenario.iterationInTest % data.identities.length]!;
  const request = await authorizationRequest(data.rp, { level: 1, scope: SCOPE });
  const location = attempt(browserLogin(request.url, identity, 1));
  if (location === null) return;
  const tokens = await completeLogin(data.rp, request, location);
  if (!check(tokens, { 'token: a refresh token for offline_access': (t) => typeof t?.refresh_token === 'string' })) return;
  chain = { refreshToken: tokens!.refresh_token!, left: REFRESHES_PER_LOGIN };
}

async function refresh(data: TokenData, current: { refreshToken: string; left: number }): Promise<void> {
  const res = await refreshTokens(data.rp, current.refreshToken);
  const tokens = tokensOf(res);
  const rotated = !!tokens?.refresh_token && tokens.refresh_token !== current.refreshToken;
  const ok = check(res, { 'refresh: 200, a new access token and a rotated refresh token': () => rotated && !tokens!.id_token });
  // A failed refresh starts a new chain: the grant may be revoked, and the old token is dead anyway.
  chain = ok && current.left > 1 ? { refreshToken: tokens!.refresh_token!, left: current.left - 1 } : null;
}

export async function tokenGrant(data: TokenData): Promise<void> {
  if (chain) await refresh(data, chain);
  else await loginForChain(data);
}

export const TOKEN_BUDGET: Budget = {
  authorize: 500,
  login_page: 500,
  login_password: 1000,
  consent: 500,
  token: 300,
  token_refresh: 300,
  userinfo: 300,
};
