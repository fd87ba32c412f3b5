import { durationOr, durationSeconds, rateOr } from '../lib/config.ts';
import { LOGIN_SMS_BUDGET, loginSms, poolSize, prepareLoginSms, type LoginSmsData } from '../lib/flows/login-sms.ts';
import { constantArrival, setupTimeoutFor } from '../lib/scenario.ts';
import { summaryFor } from '../lib/summary.ts';
import { baseOptions, scenarioThresholds } from '../lib/thresholds.ts';

/**
 * login-sms: complete level 2 logins in SMS mode arriving at a constant rate (an ordinary busy
 * hour): authorize → password → SMS code → consent → token → userinfo. Defaults: 3 logins/s for
 * 1 minute; RATE and DURATION override them.
 */
const RATE = rateOr(3);
const DURATION = durationOr('1m');
const PLANNED = Math.ceil(RATE * durationSeconds(DURATION));

export const options = baseOptions({
  scenarios: { login_sms: constantArrival(RATE, DURATION, 1) },
  thresholds: scenarioThresholds('login_sms', LOGIN_SMS_BUDGET, { planned: PLANNED }),
  setupTimeout: setupTimeoutFor(poolSize(PLANNED)),
});

export const setup = (): Promise<LoginSmsData> => prepareLoginSms({ iterations: PLANNED });

export default (data: LoginSmsData): Promise<void> => loginSms(data);

export const handleSummary = summaryFor('login-sms', { login_sms: durationSeconds(DURATION) });
