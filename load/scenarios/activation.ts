import { durationOr, durationSeconds, rateOr } from '../lib/config.ts';
import { ACTIVATION_BUDGET, activateOne, prepareActivation } from '../lib/flows/activation.ts';
import { rampedIterations, rampingArrival, rampSeconds, type Stage } from '../lib/scenario.ts';
import { summaryFor } from '../lib/summary.ts';
import { baseOptions, scenarioThresholds } from '../lib/thresholds.ts';

/**
 * activation: a wave of citizens activating new cards before a deadline — arrivals climb from 0 to
 * RATE over the first 40 % of DURATION and stay there to the end (the deadline). Defaults: up to
 * 2 activations/s over 1 minute; RATE and DURATION override.
 */
const RATE = rateOr(2);
const SECONDS = durationSeconds(durationOr('1m'));
const STAGES: Stage[] = [
  { target: RATE, duration: `${Math.max(1, Math.round(SECONDS * 0.4))}s` },
  { target: RATE, duration: `${Math.max(1, Math.round(SECONDS * 0.6))}s` },
];

export const options = baseOptions({
  scenarios: { activation: rampingArrival(STAGES, 1) },
  thresholds: scenarioThresholds('activation', ACTIVATION_BUDGET, { planned: rampedIterations(STAGES) }),
});

export const setup = (): void => prepareActivation();

export default (): void => activateOne();

export const handleSummary = summaryFor('activation', { activation: rampSeconds(STAGES) });
