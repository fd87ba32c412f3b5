import { durationOr, durationSeconds, rateOr } from '../lib/config.ts';
import { TOKEN_BUDGET, TOKEN_POOL, prepareToken, tokenGrant, type TokenData } from '../lib/flows/token.ts';
import { constantArrival, setupTimeoutFor } from '../lib/scenario.ts';
import { summaryFor } from '../lib/summary.ts';
import { baseOptions, scenarioThresholds } from '../lib/thresholds.ts';

/**
 * token: RP back ends at the token endpoint — one level 1 login and code exchange, then refresh
 * grants with rotation, per chain (lib/flows/token.ts). An iteration is one grant (plus the login
 * that precedes a code exchange). Defaults: 10 grants/s for 1 minute; RATE and DURATION override.
 */
const RATE = rateOr(10);
const DURATION = durationOr('1m');
const PLANNED = Math.ceil(RATE * durationSeconds(DURATION));

export const options = baseOptions({
  scenarios: { token: constantArrival(RATE, DURATION, 0.3) },
  thresholds: scenarioThresholds('token', TOKEN_BUDGET, { planned: PLANNED }),
  setupTimeout: setupTimeoutFor(TOKEN_POOL),
});

export const setup = (): Promise<TokenData> => prepareToken();

export default (data: TokenData): Promise<void> => tokenGrant(data);

export const handleSummary = summaryFor('token', { token: durationSeconds(DURATION) });
