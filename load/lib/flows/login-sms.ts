import exec from 'k6/execution';
import { check } from 'k6';
import { activateCitizens, type Identity } from '../citizen.ts';
import { decodePayload } from '../jwt.ts';
import { browserLogin } from '../login.ts';
import { authorizationRequest, callback, exchangeCode, isCompactJwe, registerRp, tokensOf, userinfo, type RelyingParty } from '../rp.ts';
import { attempt } from '../steps.ts';
import type { Budget } from '../thresholds.ts';

/**
 * Complete level 2 logins in SMS mode, as an RP and its citizens make them: authorize with a signed
 * request object → password → the SMS code (test outbox) → consent → the code at the redirect URI →
 * token → userinfo.
 *
 * API:
 * - `LOGINS_PER_IDENTITY`: how many such logins one identity may make in a day.
 * - `poolSize(iterations)`: the identities a run of that many logins needs.
 * - `prepareLoginSms({ iterations, name })`: async, setup(): a registered RP and the pool.
 * - `LoginSmsData`: its JSON result.
 * - `loginSms(data)`: async, one iteration; the identity is the scenario's iteration number modulo
 *   the pool, so each is used at most ⌈iterations/pool⌉ times and never by two VUs at once while
 *   the pool is larger than the VUs in flight.
 * - `LOGIN_SMS_BUDGET`: p95 per endpoint (thresholds.ts) for a development server on a laptop.
 * - `completeLogin(rp, request, location)`: async, the RP's side after the redirect (shared with
 *   the token scenario): code → token → userinfo, each a check; the tokens, or null.
 */
export interface LoginSmsData {
  rp: RelyingParty;
  identities: Identity[];
}

/**
 * OTP_DAILY_CAP (functions/core/otp.ts) is 10 SMS per identity per Italian day, and activation
 * spends one; the 20 codes checked per day (OTP_DAILY_CHECK_CAP) are then never the limit.
 */
export const LOGINS_PER_IDENTITY = 9;
/** Slack for iterations k6 starts beyond rate × duration, and for a run repeated the same day. */
const MARGIN = 1.25;

export const poolSize = (iterations: number): number => Math.max(2, Math.ceil((iterations * MARGIN) / LOGINS_PER_IDENTITY));

export async function prepareLoginSms({ iterations, name = 'Load test RP (login-sms)' }: { iterations: number; name?: string }): Promise<LoginSmsData> {
  const rp = await registerRp(name);
  return { rp, identities: activateCitizens(poolSize(iterations)) };
}

export async function completeLogin(
  rp: RelyingParty,
  request: { verifier: string; state: string; nonce: string },
  location: string,
): Promise<ReturnType<typeof tokensOf>> {
  const code = callback(rp, location, request.state);
  if (!check(location, { 'redirect: code and state at the redirect URI': () => code !== null })) return null;
  const res = await exchangeCode(rp, code!, request.verifier);
  const tokens = tokensOf(res);
  const idToken = tokens?.id_token;
  if (!check(res, { 'token: 200 with an ID token for this nonce': () => !!idToken && decodePayload(idToken).nonce === request.nonce })) return null;
  const info = userinfo(rp, tokens!.access_token);
  check(info, { 'userinfo: 200, a compact JWE': (r) => r.status === 200 && isCompactJwe(r.body) });
  return tokens;
}

export async function loginSms(data: LoginSmsData): Promise<void> {
  const identity = data.identities[exec.scenario.iterationInTest % data.identities.length]!;
  const request = await authorizationRequest(data.rp, { level: 2 });
  const location = attempt(browserLogin(request.url, identity, 2));
  if (location !== null) await completeLogin(data.rp, request, location);
}

/** p95 in ms: the password step hashes (PBKDF2, 100k iterations), the others are protocol work. */
export const LOGIN_SMS_BUDGET: Budget = {
  authorize: 500,
  login_page: 500,
  login_password: 1000,
  login_otp: 500,
  consent: 500,
  token: 500,
  userinfo: 500,
  outbox: null,
};
