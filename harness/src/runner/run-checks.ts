import { CheckFailure, type Check, type CheckContext, type TrustAnchorTarget } from '../core/check.ts';
import { createHttpClient } from '../core/http-client.ts';
import { forEachConcurrently } from './pool.ts';
import type { CheckResult, RunReport } from './result.ts';

export interface RunOptions {
  baseUrl: URL;
  registryToken: string;
  concurrency: number;
  /** Per check: a check that has not finished by then fails, and its requests are aborted. */
  checkTimeoutMs: number;
  requestTimeoutMs?: number;
  trustAnchor?: TrustAnchorTarget;
  onStart?(check: Check): void;
  onFinish?(result: CheckResult): void;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 120_000;

export async function runChecks(checks: readonly Check[], options: RunOptions): Promise<RunReport> {
  const startedAt = new Date();
  const started = performance.now();
  const results: CheckResult[] = new Array(checks.length);
  await forEachConcurrently(checks, options.concurrency, async (check, index) => {
    options.onStart?.(check);
    const result = await runOne(check, options);
    results[index] = result;
    options.onFinish?.(result);
  });
  return {
    baseUrl: options.baseUrl.origin,
    startedAt,
    durationMs: performance.now() - started,
    concurrency: options.concurrency,
    results,
  };
}

/** Each check gets its own Http, so the exchanges in its report are its own and nobody else's. */
export async function runOne(check: Check, options: RunOptions): Promise<CheckResult> {
  const abort = new AbortController();
  const http = createHttpClient({ signal: abort.signal, requestTimeoutMs: options.requestTimeoutMs });
  const logs: string[] = [];
  const ctx: CheckContext = {
    baseUrl: new URL(options.baseUrl.href),
    registryToken: options.registryToken,
    http,
    log: (message) => logs.push(message),
    ...(options.trustAnchor ? { trustAnchor: { url: new URL(options.trustAnchor.url.href), adminToken: options.trustAnchor.adminToken } } : {}),
  };
  const started = performance.now();
  const finish = (outcome: CheckResult['outcome'], extra: Partial<CheckResult> = {}): CheckResult => ({
    check,
    outcome,
    durationMs: performance.now() - started,
    // A copy: requests the check left running must not change its report after the fact.
    exchanges: [...http.exchanges],
    logs: [...logs],
    ...extra,
  });

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), options.checkTimeoutMs);
  });
  const running = Promise.resolve().then(() => check.run(ctx));
  // After a timeout the check's promise still settles later; nobody is listening by then.
  running.catch(() => {});
  try {
    const winner = await Promise.race([running.then(() => 'done' as const), timedOut]);
    if (winner === 'timeout') {
      abort.abort();
      return finish('failed', { message: `did not finish within ${options.checkTimeoutMs / 1000} s` });
    }
    return finish('passed');
  } catch (err) {
    if (isCheckFailure(err)) return finish('failed', { message: err.message });
    const error = err instanceof Error ? err : new Error(String(err));
    return finish('error', { message: `${error.name}: ${error.message}`, stack: error.stack });
  } finally {
    clearTimeout(timer);
  }
}

/** By name too: a check bundled with its own copy of core/check.ts still reports failures as failures. */
function isCheckFailure(err: unknown): err is CheckFailure {
  return err instanceof CheckFailure || (err instanceof Error && err.name === 'CheckFailure');
}
