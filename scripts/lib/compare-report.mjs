/**
 * bench:compare's figures from its ladders: per target and run, the throughput at saturation, the
 * step latencies at saturation and at half of it, the CPU per flow just below saturation (with and
 * without one password hash, and without the target's CPU floor per request too), the resident
 * memory of each process at saturation; then the medians of the runs, the ratios ours / theirs, and
 * the table.
 */
export const OURS = 'cieid';
export const THEIRS = 'oidc-provider';

const round = (x, digits = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : null);

export function median(values) {
  const xs = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!xs.length) return null;
  const mid = Math.floor(xs.length / 2);
  return xs.length % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

/**
 * One ladder's figures. Saturation is the rung with the most completed flows per second; the CPU
 * per flow is read at the highest unsaturated rung up to it (CPU per flow is only a property of the
 * server while it keeps up); latencies at saturation, at the rung nearest below half its rate, and
 * at the lowest rung, where a near-idle single core makes each step's p50 close to its CPU cost.
 * `floorMs` is the target's CPU per trivial request; a flow pays it once per step (one request each).
 */
export function summarizeLadder(rungs, { hashMs, floorMs }) {
  const measured = rungs.filter((r) => !r.error && r.completed > 0);
  if (!measured.length) return { throughput: 0, error: rungs.find((r) => r.error)?.error ?? 'no flow completed' };
  const best = measured.reduce((a, b) => (b.completedPerSec > a.completedPerSec ? b : a));
  const below = measured.filter((r) => !r.saturated && r.rate <= best.rate).at(-1) ?? best;
  const half = measured.filter((r) => r.rate <= best.rate / 2).at(-1) ?? measured[0];
  const withoutHash = below.cpuMsPerFlow - hashMs;
  return {
    throughput: best.completedPerSec,
    saturationRate: best.rate,
    saturated: best.saturated || rungs.some((r) => r.saturated),
    cpuRate: below.rate,
    cpuMsPerFlow: below.cpuMsPerFlow,
    cpuMsPerFlowExcludingHash: round(withoutHash),
    cpuMsPerFlowExcludingHashAndFloor: round(withoutHash - Object.keys(below.steps).length * floorMs),
    cpuMsPerFlowByProcess: below.cpuMsPerFlowByProcess,
    memoryMbAtSaturation: best.memoryMb ?? {},
    atSaturation: { rate: best.rate, steps: best.steps, flow: best.flow },
    atHalf: { rate: half.rate, steps: half.steps, flow: half.flow },
    atLowest: { rate: measured[0].rate, steps: measured[0].steps, flow: measured[0].flow },
  };
}

/** Medians over runs of one target's ladder summaries, step latencies included. */
function medianSummary(summaries) {
  const pick = (f) => median(summaries.map(f));
  const stepsAt = (key) => {
    const names = [...new Set(summaries.flatMap((s) => Object.keys(s[key]?.steps ?? {})))];
    return Object.fromEntries(names.map((n) => [n, Object.fromEntries(['p50', 'p95', 'p99'].map((p) => [p, pick((s) => s[key]?.steps?.[n]?.[p])]))]));
  };
  const processes = [...new Set(summaries.flatMap((s) => Object.keys(s.cpuMsPerFlowByProcess ?? {})))];
  const at = (key) => ({ rate: pick((s) => s[key]?.rate), steps: stepsAt(key) });
  const memoryProcesses = [...new Set(summaries.flatMap((s) => Object.keys(s.memoryMbAtSaturation ?? {})))];
  const memoryOf = (p, key) => pick((s) => s.memoryMbAtSaturation?.[p]?.[key]);
  return {
    unsaturatedRuns: summaries.filter((s) => s.saturated === false).length,
    throughput: pick((s) => s.throughput),
    saturationRate: pick((s) => s.saturationRate),
    cpuMsPerFlow: pick((s) => s.cpuMsPerFlow),
    cpuMsPerFlowExcludingHash: pick((s) => s.cpuMsPerFlowExcludingHash),
    cpuMsPerFlowExcludingHashAndFloor: pick((s) => s.cpuMsPerFlowExcludingHashAndFloor),
    cpuMsPerFlowByProcess: Object.fromEntries(processes.map((p) => [p, pick((s) => s.cpuMsPerFlowByProcess?.[p])])),
    memoryMbAtSaturation: Object.fromEntries(memoryProcesses.map((p) => [p, { rssMaxMb: memoryOf(p, 'rssMaxMb'), peakMb: memoryOf(p, 'peakMb') }])),
    atSaturation: at('atSaturation'),
    atHalf: at('atHalf'),
    atLowest: at('atLowest'),
  };
}

const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? round(a / b, 3) : null);

/** The result file's body: every run's raw rungs and summaries, the medians, the ratios ours / theirs. */
export function compareResult({ runs, hashMs, floor, meta }) {
  const medianOf = (target) => medianSummary(runs.map((r) => r.summary[target]));
  const ours = medianOf(OURS);
  const theirs = medianOf(THEIRS);
  return {
    ratio_throughput: ratio(ours.throughput, theirs.throughput),
    ratio_cpu_per_flow: ratio(ours.cpuMsPerFlow, theirs.cpuMsPerFlow),
    ratio_cpu_per_flow_excluding_hash: ratio(ours.cpuMsPerFlowExcludingHash, theirs.cpuMsPerFlowExcludingHash),
    // Each run's own ratios, for the spread behind the medians' ones.
    ratios_by_run: runs.map(({ summary: { [OURS]: o, [THEIRS]: t } }) => ({
      throughput: ratio(o.throughput, t.throughput),
      cpu_per_flow: ratio(o.cpuMsPerFlow, t.cpuMsPerFlow),
      cpu_per_flow_excluding_hash: ratio(o.cpuMsPerFlowExcludingHash, t.cpuMsPerFlowExcludingHash),
    })),
    median: { [OURS]: ours, [THEIRS]: theirs },
    password_hash_ms: hashMs,
    floor,
    ...meta,
    runs,
  };
}

const cell = (v, width = 14) => String(v ?? '—').padStart(width);

/** The side-by-side table of the medians. */
export function formatTable(result) {
  const { [OURS]: ours, [THEIRS]: theirs } = result.median;
  const lines = [];
  const row = (label, a, b, r = '') => lines.push(`${label.padEnd(34)}${cell(a)}${cell(b)}${cell(r, 12)}`);
  row('', OURS, THEIRS, 'ours/theirs');
  row('flows/s at saturation', ours.throughput, theirs.throughput, result.ratio_throughput);
  row('  saturation rung (offered/s)', ours.saturationRate, theirs.saturationRate);
  row('CPU ms per flow (below saturation)', ours.cpuMsPerFlow, theirs.cpuMsPerFlow, result.ratio_cpu_per_flow);
  row(
    `  without the hash (${result.password_hash_ms} ms)`,
    ours.cpuMsPerFlowExcludingHash,
    theirs.cpuMsPerFlowExcludingHash,
    result.ratio_cpu_per_flow_excluding_hash,
  );
  row(
    '  and without the request floor',
    ours.cpuMsPerFlowExcludingHashAndFloor,
    theirs.cpuMsPerFlowExcludingHashAndFloor,
    ratio(ours.cpuMsPerFlowExcludingHashAndFloor, theirs.cpuMsPerFlowExcludingHashAndFloor),
  );
  row('  floor: CPU ms per trivial request', result.floor[OURS].requestCpuMs, result.floor[THEIRS].requestCpuMs);
  const byProcess = (m) =>
    Object.entries(m.cpuMsPerFlowByProcess)
      .map(([p, ms]) => `${p} ${ms}`)
      .join(', ');
  lines.push(`  CPU ms per flow by process: ${OURS}: ${byProcess(ours)}; ${THEIRS}: ${byProcess(theirs)}`);
  const memory = (m) =>
    Object.entries(m.memoryMbAtSaturation ?? {})
      .map(([p, { rssMaxMb, peakMb }]) => `${p} ${rssMaxMb} (peak ${peakMb})`)
      .join(', ') || '—';
  lines.push(`RSS MB at saturation, highest reading in the rung (the process's high-water mark): ${OURS}: ${memory(ours)}; ${THEIRS}: ${memory(theirs)}`);
  for (const [name, m] of [
    [OURS, ours],
    [THEIRS, theirs],
  ]) {
    if (m.unsaturatedRuns) lines.push(`  (${name} did not saturate within the ladder in ${m.unsaturatedRuns} run(s): its flows/s is a lower bound)`);
  }
  const TITLES = {
    atLowest: "at the lowest rate (near idle: p50 ≈ the step's server CPU)",
    atHalf: 'at ~50 % of saturation',
    atSaturation: 'at saturation',
  };
  const shown = new Set();
  for (const [key, title] of Object.entries(TITLES)) {
    // A short ladder makes two of these the same rung: printed once.
    const rungs = `${ours[key].rate}/${theirs[key].rate}`;
    if (shown.has(rungs)) continue;
    shown.add(rungs);
    lines.push(`\nstep latency ms p50 / p95 / p99, ${title} (ours at ${ours[key].rate}/s, theirs at ${theirs[key].rate}/s)`);
    const names = [...new Set([...Object.keys(ours[key].steps), ...Object.keys(theirs[key].steps)])];
    const pct = (s) => (s ? `${s.p50} / ${s.p95} / ${s.p99}` : '—');
    for (const n of names) lines.push(`  ${n.padEnd(14)}${pct(ours[key].steps[n]).padStart(24)}${pct(theirs[key].steps[n]).padStart(24)}`);
  }
  return lines.join('\n');
}
