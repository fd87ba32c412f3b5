import { CheckFailure } from './check.ts';
import type { Exchange, Http, HttpResponse, RequestOptions } from './http.ts';

export interface HttpClientOptions {
  /** How long one request may take before it counts as unanswered. */
  requestTimeoutMs?: number;
  /** Bodies and header values longer than this are cut in the recorded exchange, not in the response. */
  maxRecordedChars?: number;
  /** Aborted by the runner when the check runs out of time, so no request outlives its check. */
  signal?: AbortSignal;
  /** Sent with every request unless the request sets it. */
  userAgent?: string;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_RECORDED_CHARS = 4096;
const DEFAULT_USER_AGENT = 'cie-harness';

/**
 * The one door every check's requests go through: plain fetch that never follows a redirect (a check
 * must see each hop: an error redirect, a 302 that should have been a 400 page) and writes down each
 * exchange so a failure report can show what the deployment actually said.
 */
export function createHttpClient(options: HttpClientOptions = {}): Http {
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const maxChars = options.maxRecordedChars ?? DEFAULT_MAX_RECORDED_CHARS;
  const exchanges: Exchange[] = [];

  async function request(method: string, url: string | URL, opts: RequestOptions = {}): Promise<HttpResponse> {
    const target = new URL(url);
    const { headers, body } = encodeRequest(opts);
    if (!hasHeader(headers, 'user-agent')) headers['user-agent'] = options.userAgent ?? DEFAULT_USER_AGENT;
    const upperMethod = method.toUpperCase();
    const timeout = AbortSignal.timeout(requestTimeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const started = performance.now();
    const recordFailure = (error: string) =>
      exchanges.push({
        method: upperMethod,
        url: target.href,
        requestHeaders: cutHeaders(headers, maxChars),
        requestBody: body === undefined ? undefined : cut(body, maxChars),
        status: 0,
        responseHeaders: {},
        responseBody: '',
        durationMs: Math.round(performance.now() - started),
        error,
      });

    let response: Response;
    let text: string;
    try {
      response = await fetch(target, { method: upperMethod, headers, body, redirect: 'manual', signal });
      text = await response.text();
    } catch (err) {
      const reason = describeFetchError(err, timeout, requestTimeoutMs);
      recordFailure(reason);
      throw new CheckFailure(`${upperMethod} ${target.href}: ${reason}`);
    }

    exchanges.push({
      method: upperMethod,
      url: target.href,
      requestHeaders: cutHeaders(headers, maxChars),
      requestBody: body === undefined ? undefined : cut(body, maxChars),
      status: response.status,
      responseHeaders: cutHeaders(headerRecord(response.headers), maxChars),
      responseBody: cut(text, maxChars),
      durationMs: Math.round(performance.now() - started),
    });
    return toHttpResponse(upperMethod, target.href, response, text);
  }

  return { request, exchanges };
}

function encodeRequest(opts: RequestOptions): { headers: Record<string, string>; body: string | undefined } {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(opts.headers ?? {})) headers[name.toLowerCase()] = value;
  const given = [opts.json !== undefined, opts.form !== undefined, opts.body !== undefined].filter(Boolean).length;
  if (given > 1) throw new Error('RequestOptions: give at most one of json, form and body');
  if (opts.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    return { headers, body: JSON.stringify(opts.json) };
  }
  if (opts.form !== undefined) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
    return { headers, body: new URLSearchParams(opts.form).toString() };
  }
  return { headers, body: opts.body };
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((h) => h.toLowerCase() === name);
}

function toHttpResponse(method: string, url: string, response: Response, text: string): HttpResponse {
  return {
    status: response.status,
    headers: response.headers,
    text,
    url: response.url || url,
    json<T = unknown>(): T {
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new CheckFailure(
          `${method} ${url} answered ${response.status} with a body that is not JSON ` +
            `(content-type ${response.headers.get('content-type') ?? 'none'}): ${cut(text, 200)}`,
        );
      }
    },
  };
}

/** Set-Cookie lines stay apart: joined with commas they could not be read back (Expires has one). */
function headerRecord(headers: Headers): Record<string, string> {
  const record: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (name !== 'set-cookie') record[name] = value;
  });
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) record['set-cookie'] = cookies.join('\n');
  return record;
}

function cutHeaders(headers: Record<string, string>, maxChars: number): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, cut(value, maxChars)]));
}

export function cut(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return `${text.slice(0, maxChars)}… [${text.length - maxChars} more characters]`;
}

function describeFetchError(err: unknown, timeout: AbortSignal, timeoutMs: number): string {
  if (timeout.aborted) return `no answer within ${timeoutMs / 1000} s`;
  if (err instanceof Error && err.name === 'AbortError') return 'aborted: the check ran out of time';
  // undici hides the socket's reason (ECONNREFUSED, ENOTFOUND…) in `cause`.
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : undefined;
  const message = err instanceof Error ? err.message : String(err);
  return cause ? `${message} (${cause.message})` : message;
}
