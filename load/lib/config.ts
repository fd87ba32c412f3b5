/**
 * What a run is pointed at and how hard it pushes, from k6's `-e NAME=value` (scripts/load-run.mjs
 * passes them; `k6 run -e …` works as well).
 *
 * API:
 * - `BASE_URL`: the deployment, http(s), no trailing slash. Required: importing this module without
 *   it stops the run with a message saying how to give it.
 * - `registryToken()`: the registry API's bearer token (REGISTRY_TOKEN), needed by setup() only, so
 *   it is read when first asked for and its absence is an error then.
 * - `rateOr(perSecond)`: RATE (iterations per second) when given, else the scenario's default.
 * - `durationOr(duration)`: DURATION (a k6 duration: `30s`, `5m`, `1m30s`) when given, else the default.
 * - `durationSeconds(duration)`: a k6 duration in seconds, for sizing pools from rate × duration.
 * - `RESULTS_DIR`: where handleSummary writes its files (default load/results).
 */

function fail(message: string): never {
  throw new Error(`${message}\n  (npm run load -- --scenario NAME --base-url URL --registry-token T, or k6 run -e BASE_URL=… -e REGISTRY_TOKEN=…)`);
}

function readBaseUrl(): string {
  const raw = (__ENV.BASE_URL ?? '').trim();
  if (!raw) fail('BASE_URL is required: the deployment to test, e.g. http://127.0.0.1:8787');
  if (!/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/i.test(raw)) fail(`BASE_URL must be an http(s) URL without query or fragment, not "${raw}"`);
  return raw.replace(/\/+$/, '');
}

export const BASE_URL = readBaseUrl();

export function registryToken(): string {
  const token = (__ENV.REGISTRY_TOKEN ?? '').trim();
  if (!token) fail('REGISTRY_TOKEN is required: setup() creates relying parties and cards through the registry API');
  return token;
}

function positiveNumber(name: string): number | null {
  const raw = (__ENV[name] ?? '').trim();
  if (!raw) return null;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) fail(`${name} must be a positive number, not "${raw}"`);
  return value;
}

export function rateOr(perSecond: number): number {
  return positiveNumber('RATE') ?? perSecond;
}

const DURATION = /^(?:\d+(?:\.\d+)?(?:h|m|s|ms))+$/;

export function durationOr(duration: string): string {
  const raw = (__ENV.DURATION ?? '').trim();
  if (!raw) return duration;
  if (!DURATION.test(raw)) fail(`DURATION must be a k6 duration such as 30s, 5m or 1m30s, not "${raw}"`);
  return raw;
}

const UNIT_SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };

export function durationSeconds(duration: string): number {
  let seconds = 0;
  for (const m of duration.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) seconds += Number(m[1]) * UNIT_SECONDS[m[2]!]!;
  return seconds;
}

export const RESULTS_DIR = ((__ENV.RESULTS_DIR ?? '').trim() || 'load/results').replace(/\/+$/, '');
