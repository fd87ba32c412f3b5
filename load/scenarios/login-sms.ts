import { durationOr, durationSeconds, rateOr } from '../lib/config.ts';
import { loginSms, poolSize, prepareLoginSms, type LoginSmsData } from '../lib/flows/login-sms.ts';
import { constantArrival, setupTimeoutFor } from '../lib/scenario.ts';
import { summaryFor } from '../lib/summary.ts';
import { baseOptions, scenarioThresholds, type Budget } from '../lib/thresholds.ts';

/**
 * login-sms: complete level 2 logins in SMS mode arriving at a constant rate (an ordinary busy
 * hour): authorize → password → SMS code → consent → token → userinfo. Defaults: 3 logins/s for
 * 1 minute; RATE and DURATION override them.
 */
const RATE = rateOr(3);
const DURATION = durationOr('1m');
const PLANNED = Math.ceil(RATE * durationSeconds(DURATION));

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

export const options = baseOptions({
  scenarios: { login_sms: constantArrival(RATE, DURATION, 1) },
  thresholds: scenarioThresholds('login_sms', LOGIN_SMS_BUDGET, { planned: PLANNED }),
  setupTimeout: setupTimeoutFor(poolSize(PLANNED)),
});

export const setup = (): Promise<LoginSmsData> => prepareLoginSms({ iterations: PLANNED });

export default (data: LoginSmsData): Promise<void> => loginSms(data);

export const handleSummary = summaryFor('login-sms', { login_sms: durationSeconds(DURATION) });
