import type { Options, Threshold } from 'k6/options';
import type { Endpoint } from './http.ts';

/**
 * What makes a run fail, per scenario (k6 exits non-zero when a threshold fails; none aborts the
 * run early, so the summary always shows the whole picture):
 * - p95 of each endpoint the scenario budgets (`http_req_duration{scenario:S,endpoint:E}`),
 * - failed requests (`http_req_failed{scenario:S}`) below `failed` (default 0.1 %),
 * - checks (`checks{scenario:S}`) at least `checks` (default 99.9 %),
 * - dropped iterations (`dropped_iterations{scenario:S}`) at most `dropped` (default 1 %) of the
 *   iterations planned: an open model that cannot start its iterations is overloaded.
 * Thresholds are keyed by scenario as well as endpoint so that setup()'s traffic (registry,
 * activation of the pool) is never counted, and a mix (peak) reports each part apart.
 *
 * API:
 * - `Budget`: p95 in ms per endpoint; `null` reports the endpoint in the summary without a limit.
 *   `-e P95_<ENDPOINT>=ms` (e.g. P95_TOKEN=20) replaces a budget for one run: the defaults are set
 *   for a development server on a laptop, a staging deployment deserves tighter ones.
 * - `scenarioThresholds(scenario, budget, { planned, checks, failed, dropped })`: the thresholds.
 * - `baseOptions(parts)`: the options every scenario shares (trend stats the summary reads, batch
 *   sizes for setup, no per-URL tag), merged with the scenario's own `scenarios`, `thresholds`…
 */
export type Budget = Partial<Record<Endpoint, number | null>>;

const failing = (threshold: string): Threshold => ({ threshold, abortOnFail: false });

export function scenarioThresholds(
  scenario: string,
  budget: Budget,
  { planned, checks = 0.999, failed = 0.001, dropped = 0.01 }: { planned: number; checks?: number; failed?: number; dropped?: number },
): Record<string, Threshold[]> {
  const out: Record<string, Threshold[]> = {
    [`http_req_failed{scenario:${scenario}}`]: [failing(`rate<${failed}`)],
    [`checks{scenario:${scenario}}`]: [failing(`rate>=${checks}`)],
    [`dropped_iterations{scenario:${scenario}}`]: [failing(`count<=${Math.floor(planned * dropped)}`)],
    // No limit: there so that the summary has the scenario's own iteration count.
    [`iterations{scenario:${scenario}}`]: [],
  };
  for (const [endpoint, fallback] of Object.entries(budget)) {
    const override = Number(__ENV[`P95_${endpoint.toUpperCase()}`] ?? '');
    const p95 = override > 0 ? override : fallback;
    const tags = `{scenario:${scenario},endpoint:${endpoint}}`;
    out[`http_req_duration${tags}`] = typeof p95 === 'number' ? [failing(`p(95)<${p95}`)] : [];
    out[`http_req_failed${tags}`] = [];
  }
  return out;
}

/**
 * `url` is left out of the system tags: every URL of a login carries a flow id or a code, and k6
 * would keep one time series per request. The `endpoint` tag (and `name`) group them instead.
 */
const SYSTEM_TAGS = ['proto', 'status', 'method', 'name', 'group', 'check', 'error', 'error_code', 'scenario', 'expected_response'];

export function baseOptions(parts: Options): Options {
  return {
    summaryTrendStats: ['count', 'med', 'p(95)', 'p(99)', 'max'],
    systemTags: SYSTEM_TAGS,
    // setup() activates citizens in lock step, one http.batch per round (lib/citizen.ts).
    batch: 20,
    batchPerHost: 20,
    discardResponseBodies: false,
    ...parts,
  };
}
