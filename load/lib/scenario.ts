import type { Scenario } from 'k6/options';
import { durationSeconds } from './config.ts';

/**
 * The open-model executors the scenarios use, sized from the arrival rate: k6 starts iterations on
 * schedule whether or not earlier ones have finished (a click day does not wait for the server),
 * and needs enough VUs to hold the iterations in flight.
 *
 * API:
 * - `arrival(perSecond)`: `{ rate, timeUnit }` for k6 (which wants an integer rate), exact for
 *   fractional rates down to one per minute.
 * - `vusFor(perSecond, iterationSeconds)`: `{ preAllocatedVUs, maxVUs }` — in flight at that rate
 *   when iterations take that long, with room for a server that slows down.
 * - `constantArrival(perSecond, duration, iterationSeconds, exec?)`: a constant-arrival-rate scenario.
 * - `rampingArrival(stages, iterationSeconds, exec?)`: a ramping-arrival-rate scenario from 0,
 *   stages as `{ target: per second, duration }`.
 * - `rampedIterations(stages)`: the iterations a ramp from 0 through those stages starts, and
 *   `rampSeconds(stages)` its length.
 * - `setupTimeoutFor(citizens)`: setup()'s time limit for a pool that size (registry + activation,
 *   lock step, about 10 citizens/s on a 2-core laptop).
 */
export function arrival(perSecond: number): { rate: number; timeUnit: string } {
  if (Number.isInteger(perSecond)) return { rate: perSecond, timeUnit: '1s' };
  return { rate: Math.max(1, Math.round(perSecond * 60)), timeUnit: '1m' };
}

export function vusFor(perSecond: number, iterationSeconds: number): { preAllocatedVUs: number; maxVUs: number } {
  // k6 drops an iteration that finds no idle VU while it starts another: enough are started up front.
  const inFlight = Math.ceil(perSecond * iterationSeconds);
  return { preAllocatedVUs: Math.max(5, inFlight * 3), maxVUs: Math.max(20, inFlight * 10) };
}

export function constantArrival(perSecond: number, duration: string, iterationSeconds: number, exec?: string): Scenario {
  return {
    executor: 'constant-arrival-rate',
    ...arrival(perSecond),
    duration,
    ...vusFor(perSecond, iterationSeconds),
    ...(exec ? { exec } : {}),
  };
}

export function rampingArrival(stages: Stage[], iterationSeconds: number, exec?: string): Scenario {
  const peak = Math.max(...stages.map((s) => s.target));
  // One time unit for every stage: a minute when some target is fractional.
  const perMinute = stages.some((s) => !Number.isInteger(s.target));
  const unit = perMinute ? 60 : 1;
  return {
    executor: 'ramping-arrival-rate',
    startRate: 0,
    timeUnit: perMinute ? '1m' : '1s',
    stages: stages.map((s) => ({ target: Math.round(s.target * unit), duration: s.duration })),
    ...vusFor(peak, iterationSeconds),
    ...(exec ? { exec } : {}),
  };
}

export const setupTimeoutFor = (citizens: number): string => `${60 + Math.ceil(citizens / 2)}s`;

export type Stage = { target: number; duration: string };

/** Linear between targets, as k6 ramps: the area under the rate curve. */
export function rampedIterations(stages: Stage[]): number {
  let rate = 0;
  let total = 0;
  for (const s of stages) {
    total += ((rate + s.target) / 2) * durationSeconds(s.duration);
    rate = s.target;
  }
  return Math.ceil(total);
}

export const rampSeconds = (stages: Stage[]): number => stages.reduce((t, s) => t + durationSeconds(s.duration), 0);
