import { durationOr, durationSeconds, rateOr } from '../lib/config.ts';
import { ACTIVATION_BUDGET, activateOne, prepareActivation } from '../lib/flows/activation.ts';
import { LOGIN_SMS_BUDGET, loginSms, poolSize, prepareLoginSms, type LoginSmsData } from '../lib/flows/login-sms.ts';
import {
  ITERATION_SECONDS as QR_ITERATION_SECONDS,
  prepareQrWait,
  qrWait,
  qrWaitFigures,
  qrWaitPool,
  qrWaitThresholds,
  type QrWaitData,
} from '../lib/flows/qr-wait.ts';
import { TOKEN_BUDGET, TOKEN_POOL, prepareToken, tokenGrant, type TokenData } from '../lib/flows/token.ts';
import { rampedIterations, rampingArrival, rampSeconds, setupTimeoutFor, type Stage } from '../lib/scenario.ts';
import { summaryFor } from '../lib/summary.ts';
import { baseOptions, scenarioThresholds, type Budget } from '../lib/thresholds.ts';
import type { Threshold } from 'k6/options';

/**
 * peak: a click day — a bonus opens at a set hour and everyone logs in at once. Arrivals climb
 * slowly, jump to the peak, hold it, and ease off; every part of the service takes its share at
 * the same time: level 2 SMS logins (most), RP back ends at the token endpoint, late activations,
 * and desktop pages waiting on QR codes for the App. RATE is the SMS login rate at the top
 * (default 2/s); the others follow in proportion. DURATION (default 2m) is the whole ramp.
 */
const PEAK = rateOr(2);
const SECONDS = durationSeconds(durationOr('2m'));

/** Share of the whole ramp, and the rate reached at its end as a fraction of the peak. */
const SHAPE: [number, number][] = [
  [0.15, 0.3],
  [0.15, 1],
  [0.5, 1],
  [0.2, 0.2],
];
const stagesAt = (top: number): Stage[] => SHAPE.map(([share, level]) => ({ target: top * level, duration: `${Math.max(1, Math.round(SECONDS * share))}s` }));

interface Part {
  perSecond: number;
  thresholds: (scenario: string, planned: number) => Record<string, Threshold[]>;
  exec: string;
  /** How long an iteration takes locally, for the VUs to hold them. */
  iterationSeconds: number;
}

const budgeted = (budget: Budget) => (scenario: string, planned: number) => scenarioThresholds(scenario, budget, { planned });

const PARTS: Record<string, Part> = {
  login_sms: { perSecond: PEAK, thresholds: budgeted(LOGIN_SMS_BUDGET), exec: 'loginSmsPart', iterationSeconds: 1 },
  token: { perSecond: PEAK / 2, thresholds: budgeted(TOKEN_BUDGET), exec: 'tokenPart', iterationSeconds: 0.3 },
  activation: { perSecond: PEAK / 4, thresholds: budgeted(ACTIVATION_BUDGET), exec: 'activationPart', iterationSeconds: 1 },
  qr_wait: { perSecond: PEAK / 4, thresholds: qrWaitThresholds, exec: 'qrWaitPart', iterationSeconds: QR_ITERATION_SECONDS },
};

const planned = (name: string) => rampedIterations(stagesAt(PARTS[name]!.perSecond));
const LOGINS = planned('login_sms');
/** Sized for the top rate held the whole ramp: more devices than needed, never fewer. */
const QR_DEVICES = qrWaitPool(PARTS.qr_wait!.perSecond, SECONDS);

export const options = baseOptions({
  scenarios: Object.fromEntries(Object.entries(PARTS).map(([name, p]) => [name, rampingArrival(stagesAt(p.perSecond), p.iterationSeconds, p.exec)])),
  thresholds: Object.assign({}, ...Object.entries(PARTS).map(([name, p]) => p.thresholds(name, planned(name)))),
  // A device is an activated citizen who then certifies the App: about two citizens' worth of setup.
  setupTimeout: setupTimeoutFor(poolSize(LOGINS) + TOKEN_POOL + 2 * QR_DEVICES),
});

interface PeakData {
  login: LoginSmsData;
  token: TokenData;
  qr: QrWaitData;
}

export async function setup(): Promise<PeakData> {
  prepareActivation();
  return {
    login: await prepareLoginSms({ iterations: LOGINS, name: 'Load test RP (peak, login-sms)' }),
    token: await prepareToken({ name: 'Load test RP (peak, token)' }),
    qr: await prepareQrWait(QR_DEVICES, 'Load test RP (peak, qr-wait)'),
  };
}

export const loginSmsPart = (data: PeakData): Promise<void> => loginSms(data.login);
export const tokenPart = (data: PeakData): Promise<void> => tokenGrant(data.token);
export const activationPart = (): void => activateOne();
export const qrWaitPart = (data: PeakData): Promise<void> => qrWait(data.qr);

const summary = summaryFor('peak', Object.fromEntries(Object.keys(PARTS).map((name) => [name, rampSeconds(stagesAt(PARTS[name]!.perSecond))])));

export function handleSummary(data: Parameters<typeof summary>[0]): Record<string, string> {
  const out = summary(data);
  return { ...out, stdout: `${out.stdout}${qrWaitFigures(data.metrics, SECONDS)}` };
}
