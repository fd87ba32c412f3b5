import exec from 'k6/execution';
import { Counter, Gauge, Trend } from 'k6/metrics';
import type { Threshold } from 'k6/options';
import { App } from '../app/app.ts';
import { certifiedDevices, type Device } from '../app/certify.ts';
import { qrPageOf, waitOnPage, type WaitMode, type WaitOptions } from '../app/qr-page.ts';
import { Browser, locationOf } from '../http.ts';
import { formOf } from '../pages.ts';
import { open, press } from '../page-steps.ts';
import { authorizationRequest, registerRp, type RelyingParty } from '../rp.ts';
import { FlowError, expect, fail, runFlow } from '../steps.ts';
import { scenarioThresholds, type Budget } from '../thresholds.ts';
import { completeLogin } from './login-sms.ts';

/**
 * QR logins at level 2 (R-LOG-3): a desktop browser opens the RP's authorization URL and gets the
 * page with the QR code; the page waits (status polls or its WebSocket, lib/app/qr-page.ts) while the
 * citizen takes the phone out — a random scan delay, so that at a given arrival rate many pages wait
 * at once; then the App CieID (the same VU, another "device") posts the QR content to /app/qr and
 * approves with a WebAuthn assertion; the page sees the step change and reloads, the citizen
 * presses "Prosegui" on consent, and the RP exchanges the code and calls userinfo.
 *
 * Knobs (k6 `-e` or the environment): QR_SCAN_DELAY `min-max` seconds (default 2-6, at most 30),
 * QR_WAIT `poll` (default: every page polls, the heavier case) or `socket` (the page's WebSocket, as
 * browsers wait), QR_POLL seconds between status polls (default 1), APP_ORIGIN when the deployment
 * sets one (lib/app/authenticator.ts).
 *
 * Pool sizing (`qrWaitPool`): the device of an iteration is `iterationInTest mod pool`, so devices
 * are used round-robin, each every pool/rate seconds. Two limits set the pool:
 * - never two iterations on one device at once (its signature counter is compare-and-set on the
 *   server): a device's uses are at least REUSE_GAP_S apart, more than an iteration can last
 *   (scan delay ≤ 30 s + LIMIT_S + a few requests);
 * - at most APPROVALS_PER_WINDOW approvals per identity in 10 minutes (→ 429,
 *   functions/core/app-approvals.ts): over min(run, 10 min) a device is used at most
 *   APPROVALS_PER_WINDOW − 1 times, one of margin for late starts.
 * So pool = rate × max(REUSE_GAP_S, min(run, 600 s) / 4), never more than the run's iterations
 * (+10 %): a short smoke run uses each device once. Certification spends one SMS per identity and
 * activation one (cap 10 a day, R-OTP-3); a QR login spends none.
 *
 * API:
 * - `qrWaitPool(rate, seconds)`: the devices a run at that rate for that long needs (for a ramp:
 *   its top rate and its whole length).
 * - `prepareQrWait(count, name?)`: async, setup(): a registered RP and `count` citizens each with a
 *   certified App → `QrWaitData` (JSON).
 * - `qrWait(data)`: async, one iteration.
 * - `QR_WAIT_MODE`: `poll` or `socket`, as QR_WAIT chose.
 * - `QR_WAIT_BUDGET`: p95 in ms per endpoint; `qrWaitThresholds(scenario, planned)`: the thresholds
 *   for a k6 scenario running `qrWait` (lib/thresholds.ts), with the status polls or the waiting
 *   socket's handshake as the mode in use.
 * - `ITERATION_SECONDS`: a typical iteration's length, for the executor's VU count;
 *   `GRACEFUL_STOP`: the longest one (the latest scan, the wait limit, the requests), for the
 *   scenario's gracefulStop — k6's default 30 s would cut the last pages short with long scan delays.
 * - `qrWaitFigures(metrics, seconds)`: a line for the end-of-test summary — how long pages waited,
 *   how fast they saw the approval, how many waited at once, for a run of `seconds`.
 *
 * Custom metrics:
 * - `qr_page_wait`: ms from the QR page shown to the page seeing the approval; `qr_page_wait_total`
 *   their sum (over the run's length: rate × mean wait, the pages waiting at once in a steady run);
 * - `qr_wake`: ms from the approval to the page seeing it (up to a poll interval, or the socket's push);
 * - `qr_iterations_in_flight`: k6's active VUs when a page starts waiting — its maximum is the peak
 *   of pages open at once when qr-wait runs alone; in a mix it counts the other scenarios' VUs too.
 */
export interface QrWaitData {
  rp: RelyingParty;
  devices: Device[];
  /** ms since the Unix epoch at the end of setup(): the signature counters count from here (lib/app/app.ts). */
  epoch: number;
}

const REUSE_GAP_S = 60;
const APPROVAL_WINDOW_S = 600;
const APPROVALS_PER_WINDOW = 5;
const LIMIT_S = 15;

export function qrWaitPool(rate: number, seconds: number): number {
  const gap = Math.max(REUSE_GAP_S, Math.min(seconds, APPROVAL_WINDOW_S) / (APPROVALS_PER_WINDOW - 1));
  const iterations = Math.ceil(rate * seconds * 1.1) + 1;
  return Math.max(2, Math.min(iterations, Math.ceil(rate * gap)));
}

function scanDelay(): { min: number; max: number } {
  const raw = (__ENV.QR_SCAN_DELAY ?? '').trim() || '2-6';
  const m = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(raw);
  const min = Number(m?.[1]);
  const max = Number(m?.[2]);
  if (!m || min > max || max > 30) throw new Error(`QR_SCAN_DELAY must be "min-max" seconds, at most 30, such as 2-6, not "${raw}"`);
  return { min, max };
}

function waitOptions(): WaitOptions {
  const mode = ((__ENV.QR_WAIT ?? '').trim() || 'poll') as WaitMode;
  if (mode !== 'poll' && mode !== 'socket') throw new Error(`QR_WAIT must be poll or socket, not "${mode}"`);
  const pollSeconds = Number((__ENV.QR_POLL ?? '').trim() || 1);
  if (!(pollSeconds > 0)) throw new Error(`QR_POLL must be a positive number of seconds, not "${__ENV.QR_POLL}"`);
  return { mode, pollSeconds, limitSeconds: LIMIT_S };
}

const SCAN = scanDelay();
const WAIT = waitOptions();

export const ITERATION_SECONDS = (SCAN.min + SCAN.max) / 2 + 2;
export const GRACEFUL_STOP = `${Math.ceil(SCAN.max + LIMIT_S + 10)}s`;

export const QR_WAIT_MODE: WaitMode = WAIT.mode;

const pageWait = new Trend('qr_page_wait', true);
const pageWaitTotal = new Counter('qr_page_wait_total');
const wake = new Trend('qr_wake', true);
const inFlight = new Gauge('qr_iterations_in_flight');

/** No password is hashed on this path: every step is protocol or state work. */
export const QR_WAIT_BUDGET: Budget = {
  authorize: 500,
  login_page: 500,
  ...(WAIT.mode === 'poll' ? { qr_stato: 300 } : {}),
  app_qr: 500,
  app_approval: 500,
  consent: 500,
  token: 500,
  userinfo: 500,
};

export function qrWaitThresholds(scenario: string, planned: number): Record<string, Threshold[]> {
  const thresholds = scenarioThresholds(scenario, QR_WAIT_BUDGET, { planned });
  // k6/websockets reports the waiting socket's handshake apart from HTTP.
  if (WAIT.mode === 'socket') thresholds[`ws_connecting{scenario:${scenario},endpoint:qr_attesa}`] = [{ threshold: 'p(95)<500', abortOnFail: false }];
  return thresholds;
}

type Metrics = Record<string, { values: Record<string, number> } | undefined>;

export function qrWaitFigures(metrics: Metrics, seconds: number): string {
  const v = (name: string, key: string) => metrics[name]?.values[key] ?? 0;
  const s = (ms: number) => (ms / 1000).toFixed(1);
  // Little's law: arrivals per second × mean wait = pages waiting at once, once the run is steady.
  const steady = v('qr_page_wait_total', 'count') / 1000 / seconds;
  return (
    `qr pages (${WAIT.mode}): waited p50 ${s(v('qr_page_wait', 'med'))} s, p95 ${s(v('qr_page_wait', 'p(95)'))} s; ` +
    `approval → page p95 ${v('qr_wake', 'p(95)').toFixed(0)} ms; pages waiting at once ≈ ${steady.toFixed(0)} ` +
    `(rate × mean wait), iterations in flight at most ${v('qr_iterations_in_flight', 'max')}\n`
  );
}

export async function prepareQrWait(count: number, name = 'Load test RP (qr-wait)'): Promise<QrWaitData> {
  const rp = await registerRp(name);
  const devices = await certifiedDevices(count);
  return { rp, devices, epoch: Date.now() };
}

const onConsent = (r: { status: number; body: string; url: string }) =>
  r.status === 200 && !!formOf(r.body, r.url, { button: 'Prosegui' })?.action.endsWith('/consenso');

async function iteration(data: QrWaitData): Promise<void> {
  const app = await App.of(data.devices[exec.scenario.iterationInTest % data.devices.length]!, data.epoch);
  const request = await authorizationRequest(data.rp, { level: 2 });
  const browser = new Browser();
  const qr = qrPageOf(runFlow(open(browser, request.url, 'authorize', 'login_page')));

  const shownAt = Date.now();
  inFlight.add(exec.instance.vusActive);
  const scanAt = shownAt + 1000 * (SCAN.min + Math.random() * (SCAN.max - SCAN.min));
  const moved = await waitOnPage(browser, qr, scanAt, () => app.approveQr(qr.content), WAIT);
  if (!moved) return;
  pageWait.add(Date.now() - shownAt);
  pageWaitTotal.add(Date.now() - shownAt);
  wake.add(Date.now() - moved.approvedAt);
  if (moved.step !== 'consent') fail('qr page: consent after the approval', `the flow went to "${moved.step}"`);

  // What /login-wait.js does when the step changes: reload the login page.
  const consent = expect(browser.get(`/login/${qr.flowId}`, 'login_page'), 'qr: consent page after the approval', onConsent);
  const answer = runFlow(press(browser, consent, 'Prosegui', {}, 'consent', 'login_page'));
  expect(answer, 'consent: redirect to the RP', (r) => r.status === 302 && locationOf(r) !== null);
  await completeLogin(data.rp, request, locationOf(answer)!);
}

export async function qrWait(data: QrWaitData): Promise<void> {
  try {
    await iteration(data);
  } catch (err) {
    // Already a failed check (lib/steps.ts): the iteration ends, counted.
    if (!(err instanceof FlowError)) throw err;
  }
}
