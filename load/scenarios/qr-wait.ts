import { durationOr, durationSeconds, rateOr } from '../lib/config.ts';
import { GRACEFUL_STOP, ITERATION_SECONDS, prepareQrWait, qrWait, qrWaitFigures, qrWaitPool, qrWaitThresholds, type QrWaitData } from '../lib/flows/qr-wait.ts';
import { constantArrival, setupTimeoutFor } from '../lib/scenario.ts';
import { summaryFor } from '../lib/summary.ts';
import { baseOptions } from '../lib/thresholds.ts';

/**
 * qr-wait: level 2 logins by QR code arriving at a constant rate — desktop pages wait on their QR
 * codes (status polls, or the waiting WebSocket with QR_WAIT=socket) while Apps scan and approve
 * after 2–6 s (QR_SCAN_DELAY), so about rate × 5 pages wait at any moment. Defaults: 3 logins/s for
 * 1 minute; RATE and DURATION override them. setup() certifies one App per citizen of the pool
 * (lib/flows/qr-wait.ts says how the pool is sized).
 */
const RATE = rateOr(3);
const DURATION = durationOr('1m');
const SECONDS = durationSeconds(DURATION);
const PLANNED = Math.ceil(RATE * SECONDS);
const POOL = qrWaitPool(RATE, SECONDS);

export const options = baseOptions({
  scenarios: { qr_wait: { ...constantArrival(RATE, DURATION, ITERATION_SECONDS), gracefulStop: GRACEFUL_STOP } },
  thresholds: qrWaitThresholds('qr_wait', PLANNED),
  // Each citizen is activated and then certifies a device: about twice a login-sms citizen's setup.
  setupTimeout: setupTimeoutFor(2 * POOL),
});

export const setup = (): Promise<QrWaitData> => prepareQrWait(POOL);

export default (data: QrWaitData): Promise<void> => qrWait(data);

const summary = summaryFor('qr-wait', { qr_wait: SECONDS });

export function handleSummary(data: Parameters<typeof summary>[0]): Record<string, string> {
  const out = summary(data);
  return { ...out, stdout: `${out.stdout}${qrWaitFigures(data.metrics, SECONDS)}` };
}
