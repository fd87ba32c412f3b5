import { BASE_URL, RESULTS_DIR } from './config.ts';

/**
 * The end of a run, for people and for tools: a table on stdout, and in RESULTS_DIR (default
 * load/results, git-ignored) `<scenario>-<timestamp>.json` and a self-contained `.html` with the
 * same figures. Written here rather than with k6's remote jslib: runs must work without network.
 *
 * API:
 * - `summaryFor(name, durations)`: a handleSummary for the scenario file `name`; `durations` gives
 *   each k6 scenario's planned seconds, for iterations per second over the time it ran (k6's own
 *   rate divides by the whole run, setup() included).
 * - `Report`: the JSON file's shape (`rows`, `scenarios`, `checks`, `thresholds`, `failedThresholds`,
 *   `ran`, and k6's raw `metrics`).
 */
interface Metric {
  type: 'counter' | 'gauge' | 'rate' | 'trend';
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

interface Group {
  checks: { name: string; passes: number; fails: number }[];
  groups: Group[];
}

/** What k6 hands handleSummary (setup_data too — keys and passwords, which are never written out). */
interface SummaryData {
  metrics: Record<string, Metric>;
  state: { testRunDurationMs: number };
  root_group: Group;
}

export interface Row {
  scenario: string;
  endpoint: string;
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  failRate: number;
}

export interface ScenarioFigures {
  scenario: string;
  iterations: number;
  perSecond: number;
  dropped: number;
  checksRate: number | null;
  checksFailed: number;
}

export interface Report {
  scenarioFile: string;
  baseUrl: string;
  finishedAt: string;
  durationMs: number;
  rows: Row[];
  scenarios: ScenarioFigures[];
  /** Every check by name, setup()'s included (k6 does not keep them apart by scenario). */
  checks: { name: string; passes: number; fails: number }[];
  thresholds: { metric: string; expression: string; ok: boolean }[];
  failedThresholds: number;
  /** False when no iteration ran at all (setup() failed): its thresholds then pass on no data. */
  ran: boolean;
  metrics: Record<string, Metric>;
}

/** `name{a:1,b:2}` → { a: '1', b: '2' }. */
function tagsOf(metric: string): Record<string, string> {
  const inner = /\{(.*)\}$/.exec(metric)?.[1] ?? '';
  const out: Record<string, string> = {};
  for (const pair of inner.split(',')) {
    const i = pair.indexOf(':');
    if (i > 0) out[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return out;
}

const baseName = (metric: string) => metric.replace(/\{.*$/, '');

const checksOf = (group: Group): Report['checks'] => [
  ...group.checks.map(({ name, passes, fails }) => ({ name, passes, fails })),
  ...group.groups.flatMap(checksOf),
];

function report(name: string, data: SummaryData, durations: Record<string, number>): Report {
  const m = data.metrics;
  const value = (metric: string, key: string) => m[metric]?.values[key] ?? 0;
  const rows: Row[] = [];
  for (const metric of Object.keys(m).sort()) {
    const tags = tagsOf(metric);
    if (baseName(metric) !== 'http_req_duration' || !tags.endpoint || !tags.scenario) continue;
    const failed = `http_req_failed{scenario:${tags.scenario},endpoint:${tags.endpoint}}`;
    rows.push({
      scenario: tags.scenario,
      endpoint: tags.endpoint,
      requests: value(metric, 'count'),
      p50: value(metric, 'med'),
      p95: value(metric, 'p(95)'),
      p99: value(metric, 'p(99)'),
      max: value(metric, 'max'),
      failRate: value(failed, 'rate'),
    });
  }
  const scenarios = Object.keys(durations).map((scenario): ScenarioFigures => {
    const iterations = value(`iterations{scenario:${scenario}}`, 'count');
    const checks = m[`checks{scenario:${scenario}}`];
    return {
      scenario,
      iterations,
      perSecond: durations[scenario]! > 0 ? iterations / durations[scenario]! : 0,
      dropped: value(`dropped_iterations{scenario:${scenario}}`, 'count'),
      checksRate: checks ? (checks.values.rate ?? null) : null,
      checksFailed: checks?.values.fails ?? 0,
    };
  });
  const thresholds = Object.entries(m).flatMap(([metric, v]) =>
    Object.entries(v.thresholds ?? {}).map(([expression, t]) => ({ metric, expression, ok: t.ok })),
  );
  rows.sort((a, b) => a.scenario.localeCompare(b.scenario) || a.endpoint.localeCompare(b.endpoint));
  return {
    scenarioFile: name,
    baseUrl: BASE_URL,
    finishedAt: new Date().toISOString(),
    durationMs: data.state.testRunDurationMs,
    rows,
    scenarios,
    checks: checksOf(data.root_group),
    thresholds,
    failedThresholds: thresholds.filter((t) => !t.ok).length,
    ran: scenarios.some((x) => x.iterations > 0),
    metrics: m,
  };
}

const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
const pct = (v: number) => `${(v * 100).toFixed(2)}%`;

function columns(cells: string[][]): string {
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells.map((r) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}

const ENDPOINT_HEAD = ['scenario', 'endpoint', 'requests', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'failed'];
const endpointCells = (r: Report) =>
  r.rows.map((x) => [x.scenario, x.endpoint, String(x.requests), ms(x.p50), ms(x.p95), ms(x.p99), ms(x.max), pct(x.failRate)]);
const SCENARIO_HEAD = ['scenario', 'iterations', 'per s', 'dropped', 'checks', 'checks failed'];
const scenarioCells = (r: Report) =>
  r.scenarios.map((s) => [
    s.scenario,
    String(s.iterations),
    s.perSecond.toFixed(2),
    String(s.dropped),
    s.checksRate === null ? '-' : pct(s.checksRate),
    String(s.checksFailed),
  ]);

/** Thresholds over no data pass: a run that never started must not read as a success. */
function verdict(r: Report): string {
  if (!r.ran) return 'NO ITERATIONS RAN: setup() failed or the run was stopped (see the error k6 logged)';
  return r.failedThresholds ? `THRESHOLDS FAILED (${r.failedThresholds} of ${r.thresholds.length})` : `thresholds: all ${r.thresholds.length} passed`;
}

function text(r: Report): string {
  // The scenario table gets an empty second column so that both tables line up as one.
  const scenarioTable = columns([SCENARIO_HEAD, ...scenarioCells(r)].map(([first, ...rest]) => [first!, '', ...rest]));
  const failedChecks = r.checks.filter((c) => c.fails > 0).map((c) => `  ✗ ${c.name}: ${c.fails} failed, ${c.passes} passed`);
  const failedThresholds = r.thresholds.filter((t) => !t.ok).map((t) => `  ✗ ${t.metric} ${t.expression}`);
  return [
    `\n${r.scenarioFile} against ${r.baseUrl} (${(r.durationMs / 1000).toFixed(1)} s with setup)\n`,
    columns([ENDPOINT_HEAD, ...endpointCells(r)]),
    '',
    scenarioTable,
    ...(failedChecks.length ? ['', 'failed checks:', ...failedChecks] : []),
    '',
    verdict(r),
    ...failedThresholds,
    '',
  ].join('\n');
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The first `textColumns` columns are names (left), the rest figures (right). */
function htmlTable(head: string[], body: string[][], textColumns: number, rowClass: (i: number) => string = () => ''): string {
  const cell = (tag: string, c: string, i: number) => `<${tag}${i < textColumns ? ' class="name"' : ''}>${escapeHtml(c)}</${tag}>`;
  const th = head.map((h, i) => cell('th', h, i)).join('');
  const trs = body.map((r, i) => `<tr class="${rowClass(i)}">${r.map((c, k) => cell('td', c, k)).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${trs}\n</tbody></table>`;
}

function html(r: Report): string {
  const title = `${r.scenarioFile} · ${r.finishedAt}`;
  const ok = r.ran && !r.failedThresholds;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:2em;color:#1a1a1a}table{border-collapse:collapse;margin:1em 0}
th,td{padding:.3em .8em;border-bottom:1px solid #ddd;text-align:right}.name{text-align:left}
.fail{background:#fde2e2}.ok{background:#e6f4ea}h1{font-size:1.4em}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p>Against ${escapeHtml(r.baseUrl)}, ${(r.durationMs / 1000).toFixed(1)} s including setup.</p>
<p class="${ok ? 'ok' : 'fail'}"><strong>${escapeHtml(verdict(r))}</strong></p>
<h2>Endpoints</h2>
${htmlTable(ENDPOINT_HEAD, endpointCells(r), 2)}
<h2>Scenarios</h2>
${htmlTable(SCENARIO_HEAD, scenarioCells(r), 1)}
<h2>Checks</h2>
${htmlTable(
  ['check', 'passed', 'failed'],
  r.checks.map((c) => [c.name, String(c.passes), String(c.fails)]),
  1,
  (i) => (r.checks[i]!.fails ? 'fail' : 'ok'),
)}
<h2>Thresholds</h2>
${htmlTable(
  ['metric', 'threshold', 'result'],
  r.thresholds.map((t) => [t.metric, t.expression, t.ok ? 'passed' : 'FAILED']),
  2,
  (i) => (r.thresholds[i]!.ok ? 'ok' : 'fail'),
)}
</body></html>
`;
}

export function summaryFor(name: string, durations: Record<string, number>) {
  return (data: SummaryData): Record<string, string> => {
    const r = report(name, data, durations);
    const stamp = r.finishedAt.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
    const file = `${RESULTS_DIR}/${name}-${stamp}`;
    return {
      stdout: `${text(r)}\nfiles: ${file}.json ${file}.html\n`,
      [`${file}.json`]: JSON.stringify(r, null, 2),
      [`${file}.html`]: html(r),
    };
  };
}
