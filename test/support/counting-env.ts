import { createExecutionContext, env as testEnv, waitOnExecutionContext } from 'cloudflare:test';
import worker from '../../functions/index';
import type { Env } from '../../functions/env';
import { Browser } from './activation-client';
import { ORIGIN } from './worker';

/**
 * Counts the Durable Object calls the Worker makes, by binding and method (`FLOW.read`), for the
 * requests a test sends through `counted()`. The Worker's default export is called with an env whose
 * namespaces hand out recording stubs, so what is counted is what the Worker asks of its objects;
 * calls an object makes to another object, and what the test's own set-up does through SELF or the
 * plain env, are not counted.
 */
export const BINDINGS = ['CARD', 'FLOW', 'DIRECTORY', 'OUTBOX'] as const;
export type Binding = (typeof BINDINGS)[number];

export class DoCallCounter {
  /** `BINDING.method` → calls, over every counted request. */
  readonly totals = new Map<string, number>();
  /** The same, per request, in the order the requests were sent (`3. GET /login/:id`). */
  readonly byRequest: { label: string; calls: Map<string, number> }[] = [];
  /**
   * Calls by the object they reach, as the scale model needs them: `CARD` (the holder's own card),
   * `FLOW` (the login's own flow), `OUTBOX`, and for the directory the kind of key, which decides the
   * shard (`DIRECTORY:client`, `DIRECTORY:cf`, `DIRECTORY:nonce` …).
   */
  readonly byObject = new Map<string, number>();

  startRequest(label: string): void {
    this.byRequest.push({ label: `${this.byRequest.length + 1}. ${label}`, calls: new Map() });
  }

  record(binding: Binding, method: string, args: readonly unknown[] = []): void {
    const object = binding === 'DIRECTORY' ? `DIRECTORY:${directoryKeyKind(args[0])}` : binding;
    this.byObject.set(object, (this.byObject.get(object) ?? 0) + 1);
    const key = `${binding}.${method}`;
    this.totals.set(key, (this.totals.get(key) ?? 0) + 1);
    const row = this.byRequest.at(-1)?.calls;
    if (row) row.set(key, (row.get(key) ?? 0) + 1);
  }

  /** The totals as a plain object sorted by key, for `toEqual` against a budget. */
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.totals].sort(([a], [b]) => a.localeCompare(b)));
  }

  get total(): number {
    return [...this.totals.values()].reduce((n, c) => n + c, 0);
  }

  /** The table a person reads: totals, then the calls of each request. */
  report(title: string): string {
    const lines = [`DO calls — ${title}: ${this.total}`];
    for (const [key, count] of Object.entries(this.snapshot())) lines.push(`  ${key}: ${count}`);
    lines.push('  per request:');
    for (const { label, calls } of this.byRequest) {
      const listed = [...calls].map(([key, count]) => (count === 1 ? key : `${key}×${count}`)).join(', ');
      lines.push(`    ${label} → ${listed || 'none'}`);
    }
    return lines.join('\n');
  }
}

/** `client:https://rp…` → `client`; the directory's keys are `<kind>:<rest>` (platform/directory.ts). */
function directoryKeyKind(key: unknown): string {
  if (typeof key !== 'string') return 'other';
  const colon = key.indexOf(':');
  return colon > 0 ? key.slice(0, colon) : 'other';
}

function recordingStub<T extends object>(stub: T, binding: Binding, counter: DoCallCounter): T {
  return new Proxy(stub, {
    get(target, prop) {
      const member = Reflect.get(target, prop);
      // `then` is read when a stub is awaited or returned from an async function: no call to count.
      if (typeof prop !== 'string' || prop === 'then' || typeof member !== 'function') return member;
      return (...args: unknown[]) => {
        counter.record(binding, prop, args);
        return Reflect.apply(member, target, args);
      };
    },
  });
}

function recordingNamespace<T extends object>(namespace: T, binding: Binding, counter: DoCallCounter): T {
  return new Proxy(namespace, {
    get(target, prop) {
      const member = Reflect.get(target, prop);
      if (typeof member !== 'function') return member;
      // The namespace's own methods need their receiver (workerd refuses a detached call).
      const bound = (...args: unknown[]) => Reflect.apply(member, target, args);
      if (prop === 'get' || prop === 'getByName') return (...args: unknown[]) => recordingStub(bound(...args) as object, binding, counter);
      if (prop === 'jurisdiction') return (...args: unknown[]) => recordingNamespace(bound(...args) as object, binding, counter);
      return bound;
    },
  });
}

/** The test environment with every Durable Object namespace recording into `counter`. */
export function countingEnv(counter: DoCallCounter, base: Env = testEnv as unknown as Env): Env {
  const wrapped: Partial<Env> = {};
  for (const binding of BINDINGS) Object.assign(wrapped, { [binding]: recordingNamespace(base[binding], binding, counter) });
  return { ...base, ...wrapped };
}

/** `/login/<43 chars>/otp` → `/login/:id/otp`: one row per kind of request, whatever the ids. */
const requestLabel = (method: string, path: string) =>
  `${method} ${path
    .split('?')[0]!
    .split('/')
    .map((segment) => (/^[A-Za-z0-9_-]{16,}$/.test(segment) ? ':id' : segment))
    .join('/')}`;

/**
 * Sends one request to the Worker's default export with the counting env, waits for what it left
 * in waitUntil (those calls are the request's too), and answers as SELF.fetch would.
 */
export function counted(counter: DoCallCounter, beforeEachRequest?: () => void): (path: string, init?: RequestInit) => Promise<Response> {
  const countingEnvironment = countingEnv(counter);
  return async (path, init = {}) => {
    beforeEachRequest?.();
    const request = new Request(`${ORIGIN}${path}`, { redirect: 'manual', ...init });
    counter.startRequest(requestLabel(request.method, path));
    const ctx = createExecutionContext();
    const res = await worker.fetch(request, countingEnvironment, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };
}

/** The tests' small browser (activation-client), its requests sent through `counted()`. */
export class CountingBrowser extends Browser {
  private readonly send: (path: string, init?: RequestInit) => Promise<Response>;

  constructor(counter: DoCallCounter, beforeEachRequest?: () => void) {
    super();
    this.send = counted(counter, beforeEachRequest);
  }

  override async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size && !headers.has('Cookie')) headers.set('Cookie', this.cookieHeader());
    const res = await this.send(path, { ...init, headers });
    this.keepCookies(res);
    return res;
  }

  // Browser keeps its cookie parsing private; the same rule, for the same Set-Cookie lines.
  private keepCookies(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}
