/** One request and its answer, as the report shows them (bodies cut to a readable size). */
export interface Exchange {
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody?: string;
  status: number;
  responseHeaders: Record<string, string>;
  responseBody: string;
  durationMs: number;
  /** Why no answer came (timeout, connection refused); `status` is then 0. */
  error?: string;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
  url: string;
  json<T = unknown>(): T;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** Sent as application/json. */
  json?: unknown;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string> | URLSearchParams;
  body?: string;
  /** Redirects are never followed: a check sees every hop. */
}

export interface Http {
  request(method: string, url: string | URL, options?: RequestOptions): Promise<HttpResponse>;
  readonly exchanges: readonly Exchange[];
}
