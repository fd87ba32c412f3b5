import { check, sleep } from 'k6';
import { send, sendAll, type Req, type Response } from './http.ts';

/**
 * Flows through the pages written once and run two ways: a flow is a generator that yields the next
 * request and receives its response, so the same steps run alone in an iteration (`runFlow`) or, in
 * setup(), many citizens at a time in lock step, each round one http.batch (`runLockstep`).
 *
 * API:
 * - `Flow<T>`: `Generator<Step, T, Response>`; `Step`: a request, and optionally `pause` seconds to
 *   wait before it (polling).
 * - `FlowError`: a step that did not give what the flow needs, by name (`step`) and why. Every one
 *   is also a failed k6 check of that name, so a flow never ends unnoticed by the thresholds.
 * - `expect(res, step, ok)`: a k6 check named `step`; a false one ends the flow with a FlowError.
 * - `fail(step, detail)`: the failed check and the FlowError, for what is not a response.
 * - `runFlow(flow)`: the result, or a FlowError thrown.
 * - `attempt(flow)`: the result, or null after a FlowError (already a failed check): what an
 *   iteration wants — it ends, counted, without an exception in k6's log. Other errors are thrown.
 * - `runLockstep(flows)`: one outcome per flow, `{ ok: true, value }` or `{ ok: false, error }`.
 */
export type Step = Req & { pause?: number };
export type Flow<T> = Generator<Step, T, Response>;
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

export class FlowError extends Error {
  constructor(
    readonly step: string,
    detail: string,
  ) {
    super(`${step}: ${detail}`);
  }
}

/** What a failed step shows of its response: enough to tell a 429 from a wrong page. */
const describe = (res: Response): string => `${res.status} ${res.request.method} ${res.url} ${res.body.slice(0, 300).replace(/\s+/g, ' ')}`;

export function expect(res: Response, step: string, ok: (res: Response) => boolean): Response {
  if (!check(res, { [step]: ok })) throw new FlowError(step, describe(res));
  return res;
}

export function fail(step: string, detail: string): never {
  check(null, { [step]: () => false });
  throw new FlowError(step, detail);
}

export function runFlow<T>(flow: Flow<T>): T {
  let next = flow.next();
  while (!next.done) {
    if (next.value.pause) sleep(next.value.pause);
    next = flow.next(send(next.value));
  }
  return next.value;
}

export function attempt<T>(flow: Flow<T>): T | null {
  try {
    return runFlow(flow);
  } catch (err) {
    if (err instanceof FlowError) return null;
    throw err;
  }
}

function advance<T>(flow: Flow<T>, res: Response | undefined, outcomes: Outcome<T>[], i: number): Step | null {
  try {
    const next = res === undefined ? flow.next() : flow.next(res);
    if (!next.done) return next.value;
    outcomes[i] = { ok: true, value: next.value };
  } catch (err) {
    outcomes[i] = { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  return null;
}

export function runLockstep<T>(flows: Flow<T>[]): Outcome<T>[] {
  const outcomes: Outcome<T>[] = new Array(flows.length);
  let pending = flows.map((flow, i) => ({ i, step: advance(flow, undefined, outcomes, i) }));
  for (;;) {
    const live = pending.filter((p): p is { i: number; step: Step } => p.step !== null);
    if (live.length === 0) return outcomes;
    const pause = Math.max(0, ...live.map((p) => p.step.pause ?? 0));
    if (pause) sleep(pause);
    const responses = sendAll(live.map((p) => p.step));
    pending = live.map((p, k) => ({ i: p.i, step: advance(flows[p.i]!, responses[k], outcomes, p.i) }));
  }
}
