import { check } from 'k6';
import exec from 'k6/execution';
import { parseHTML } from 'k6/html';
import http, { type RefinedResponse } from 'k6/http';
import { Counter, Trend } from 'k6/metrics';
import { randomToken } from '../lib/bytes.ts';
import { formEncode, queryOf } from '../lib/form.ts';
import { clientAssertionFields, signedAuthorizationUrl, type ClientIdentity } from '../lib/client-jwt.ts';
import { decodePayload } from '../lib/jwt.ts';
import { pkcePair } from '../lib/pkce.ts';
import type { Adapter, Hop } from './adapter.ts';
import { cieid } from './cieid.ts';
import type { CompareData, CompareUser } from './data.ts';
import { openUserinfo } from './jwe.ts';
import { oidcProvider } from './oidc-provider.ts';

/**
 * bench:compare's one login, the same for both targets (TARGET's adapter holds what differs): an
 * authorization request with a signed request object and PKCE → the login page → the password →
 * (ours: consent) → the code at the redirect_uri → the token (private_key_jwt) → userinfo, opened
 * and checked. Every request carries a `step` tag and feeds the `step_<step>` trend; a flow counts in
 * `flows_completed` only when every step passed its check.
 *   -e COMPARE_DATA=<json written by scripts/bench-compare.mjs> -e RATE=<flows/s> -e DURATION=10s
 *   -e SUMMARY=<where handleSummary writes the end-of-test JSON>
 */
const data = JSON.parse(open(__ENV.COMPARE_DATA ?? '')) as CompareData;
const ADAPTERS: Record<CompareData['target'], Adapter> = { cieid, 'oidc-provider': oidcProvider };
const adapter = ADAPTERS[data.target];
if (!adapter) throw new Error(`no adapter for target ${String(data.target)}`);

/** The RP as bench:compare registered it on both targets, signing what the load scenarios sign. */
const CLIENT: ClientIdentity = {
  clientId: data.clientId,
  redirectUri: data.redirectUri,
  issuer: data.issuer,
  authorizationEndpoint: data.authorizationEndpoint,
  tokenEndpoint: data.tokenEndpoint,
  key: data.sigKey,
};

const RATE = Number(__ENV.RATE ?? '2');
const DURATION = __ENV.DURATION ?? '10s';
const ORIGIN = /^https?:\/\/[^/]+/.exec(data.authorizationEndpoint)![0];
const REQUEST_TIMEOUT = '10s';

export const STEPS = ['authorize', ...adapter.hops.map((h) => h.step), 'token', 'userinfo'];
const stepTrends = Object.fromEntries(STEPS.map((s) => [s, new Trend(`step_${s}`, true)]));
const stepFailures = Object.fromEntries(STEPS.map((s) => [s, new Counter(`failed_${s}`)]));
const flowsCompleted = new Counter('flows_completed');
const flowsFailed = new Counter('flows_failed');
const flowDuration = new Trend('flow_duration', true);

export const options = {
  scenarios: {
    login: {
      executor: 'constant-arrival-rate',
      rate: RATE,
      timeUnit: '1s',
      duration: DURATION,
      // A login takes well under a second below saturation; past it, the cap on VUs turns the backlog
      // into dropped_iterations, which is how the orchestrator sees saturation.
      preAllocatedVUs: Number(__ENV.VUS ?? Math.max(2, Math.ceil(RATE / 2))),
      maxVUs: Number(__ENV.MAX_VUS ?? Math.max(8, RATE * 3)),
      gracefulStop: '5s',
    },
  },
  summaryTrendStats: ['avg', 'p(50)', 'p(95)', 'p(99)', 'max', 'count'],
};

class StepFailed extends Error {
  constructor(
    readonly step: string,
    detail: string,
  ) {
    super(`${step}: ${detail}`);
  }
}

type Res = RefinedResponse<'text'>;

/** Records the step's timing, checks the answer and stops the flow when the check fails. */
function judge(step: string, res: Res, ok: (r: Res) => boolean, what: string): Res {
  stepTrends[step]!.add(res.timings.duration);
  if (!check(res, { [`${step}: ${what}`]: ok }, { step })) {
    const location = res.headers.Location ? `→ ${res.headers.Location.slice(0, 120)} ` : '';
    throw new StepFailed(step, `${res.status} ${location}${res.error || String(res.body ?? '').slice(0, 200)}`);
  }
  return res;
}

const params = (step: string, headers: Record<string, string> = {}) => ({
  headers,
  redirects: 0,
  timeout: REQUEST_TIMEOUT,
  tags: { step, name: step, target: data.target },
});

const absolute = (location: string) => (location.startsWith('/') ? `${ORIGIN}${location}` : location);
const locationOf = (res: Res) => res.headers.Location ?? '';

async function authorize(state: string, nonce: string, challenge: string): Promise<Res> {
  const url = await signedAuthorizationUrl(CLIENT, { scope: data.scope, acr: data.acr, state, nonce, challenge });
  const res = http.get(url, params('authorize'));
  return judge('authorize', res, (r) => (r.status === 302 || r.status === 303) && locationOf(r).length > 0, 'redirect to the login');
}

function hop(h: Hop, previous: Res, user: CompareUser): Res {
  if (h.kind === 'follow') {
    const res = http.get(absolute(locationOf(previous)), params(h.step));
    return judge(h.step, res, (r) => r.status === h.expect, `status ${h.expect}`);
  }
  const form = parseHTML(String(previous.body)).find('form').toArray().find(h.form);
  if (!form) throw new StepFailed(h.step, `no such form on the page (${previous.status})`);
  const body = formEncode({ ...form.serializeObject(), ...h.values?.(user) });
  const res = http.post(absolute(form.attr('action') ?? ''), body, params(h.step, { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN }));
  return judge(h.step, res, (r) => r.status === h.expect, `status ${h.expect}`);
}

/** The code from the OP's last redirect: to our redirect_uri, for this state, from this issuer. */
function codeFrom(last: Res, state: string): string {
  const location = locationOf(last);
  const query = queryOf(location);
  const step = adapter.hops[adapter.hops.length - 1]!.step;
  if (!location.startsWith(`${data.redirectUri}?`) || query.state !== state || query.iss !== data.issuer || !query.code) {
    throw new StepFailed(step, `redirect is not a code for this flow: ${location.slice(0, 200)}`);
  }
  return query.code;
}

async function token(code: string, verifier: string, nonce: string): Promise<string> {
  const body = formEncode({
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
    redirect_uri: data.redirectUri,
    ...(await clientAssertionFields(CLIENT)),
  });
  const res = http.post(data.tokenEndpoint, body, params('token', { 'Content-Type': 'application/x-www-form-urlencoded' }));
  let tokens: { id_token?: string; access_token?: string } = {};
  judge(
    'token',
    res,
    (r) => {
      if (r.status !== 200) return false;
      tokens = JSON.parse(String(r.body)) as typeof tokens;
      return !!tokens.access_token && !!tokens.id_token && decodePayload(tokens.id_token).nonce === nonce;
    },
    'tokens with the nonce',
  );
  return tokens.access_token!;
}

async function userinfo(accessToken: string, user: CompareUser): Promise<void> {
  const res = http.get(data.userinfoEndpoint, params('userinfo', { Authorization: `Bearer ${accessToken}` }));
  judge('userinfo', res, (r) => r.status === 200 && /^application\/jwt/.test(r.headers['Content-Type'] ?? ''), 'a JWT');
  const claims = await openUserinfo(String(res.body), data.encKey).catch((err: unknown) => {
    throw new StepFailed('userinfo', `cannot open the JWE: ${String(err)}`);
  });
  if (claims['https://attributes.eid.gov.it/fiscal_number'] !== `TINIT-${user.fiscalCode}` || claims.given_name !== user.givenName) {
    throw new StepFailed('userinfo', `claims of someone else: ${JSON.stringify(claims).slice(0, 200)}`);
  }
}

export default async function (): Promise<void> {
  const user = data.users[exec.scenario.iterationInTest % data.users.length]!;
  const started = Date.now();
  try {
    const { verifier, challenge } = pkcePair();
    const state = randomToken();
    const nonce = randomToken();
    let res = await authorize(state, nonce, challenge);
    for (const h of adapter.hops) res = hop(h, res, user);
    const accessToken = await token(codeFrom(res, state), verifier, nonce);
    await userinfo(accessToken, user);
    flowsCompleted.add(1);
    flowDuration.add(Date.now() - started);
  } catch (err) {
    flowsFailed.add(1);
    if (err instanceof StepFailed) stepFailures[err.step]!.add(1);
    // A few examples are enough to see what went wrong; hundreds would drown the orchestrator's log.
    if (exec.vu.iterationInScenario < 2) console.warn(`flow failed at ${String(err)}`);
  }
}

export function handleSummary(summary: Record<string, unknown>): Record<string, string> {
  const out = __ENV.SUMMARY;
  return out ? { [out]: JSON.stringify({ steps: STEPS, ...summary }) } : { stdout: `${JSON.stringify(summary.metrics)}\n` };
}
