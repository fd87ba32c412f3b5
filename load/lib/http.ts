import http, { type CookieJar, type Params, type RefinedResponse } from 'k6/http';
import { BASE_URL } from './config.ts';
import { formEncode } from './form.ts';
import { ORIGIN, resolveUrl } from './url.ts';

/**
 * Every request of the load tests goes through here, so that each carries an `endpoint` tag (the
 * thresholds and the summary are per endpoint) and none follows a redirect by itself (the flows read
 * Location: the OP's 302 to the RP carries the code, and each hop is measured as its own endpoint).
 *
 * API:
 * - `Endpoint`: the tag values in use (see the list below).
 * - `Req`: a request not sent yet; `getReq`, `formReq`, `jsonReq` build one; `send(req)` sends it,
 *   `sendAll(reqs)` sends many at once (http.batch) — the activation of a setup pool runs citizens in
 *   lock step that way.
 * - `Browser`: one simulated browser (its own cookie jar: a VU plays many citizens one after the
 *   other, and each login must start without the last one's cookies): `getReq`, `formReq` (with the
 *   Origin of our pages), `get`. Walking through pages and redirects: page-steps.ts.
 * - `locationOf(res)`: the absolute URL a redirect points to, or null.
 * - `isRedirect(res)`; `absolute(path)`: a path of the service under BASE_URL.
 */
export type Endpoint =
  | 'authorize'
  | 'login_page'
  | 'login_password'
  | 'login_otp'
  | 'consent'
  | 'token'
  | 'token_refresh'
  | 'userinfo'
  | 'discovery'
  | 'outbox'
  | 'registry'
  | `activation_${string}`
  | `app_${string}`
  | `qr_${string}`;

export type Response = RefinedResponse<'text'>;

export interface Req {
  method: 'GET' | 'POST';
  url: string;
  body?: string;
  params: Params & { responseType: 'text' };
}

/** A path of the service (`/oidc/token`) under BASE_URL; absolute URLs are taken as they are. */
export const absolute = (url: string): string => (/^https?:\/\//i.test(url) ? url : `${BASE_URL}${url.startsWith('/') ? '' : '/'}${url}`);

/**
 * `name` is the endpoint too: k6 would otherwise name each request by its URL, and a flow id or a
 * code in every URL makes one time series per request.
 */
function params(endpoint: Endpoint, extra: { jar?: CookieJar; headers?: Record<string, string> } = {}): Req['params'] {
  return { redirects: 0, responseType: 'text', tags: { endpoint, name: endpoint }, ...extra };
}

export function getReq(url: string, endpoint: Endpoint, extra?: { jar?: CookieJar; headers?: Record<string, string> }): Req {
  return { method: 'GET', url: absolute(url), params: params(endpoint, extra) };
}

export function formReq(
  url: string,
  fields: Record<string, string | number | undefined>,
  endpoint: Endpoint,
  extra: { jar?: CookieJar; headers?: Record<string, string> } = {},
): Req {
  const headers = { 'Content-Type': 'application/x-www-form-urlencoded', ...extra.headers };
  return { method: 'POST', url: absolute(url), body: formEncode(fields), params: params(endpoint, { ...extra, headers }) };
}

export function jsonReq(url: string, body: unknown, endpoint: Endpoint, headers: Record<string, string> = {}): Req {
  return {
    method: 'POST',
    url: absolute(url),
    body: JSON.stringify(body),
    params: params(endpoint, { headers: { 'Content-Type': 'application/json', ...headers } }),
  };
}

export function send(req: Req): Response {
  return http.request(req.method, req.url, req.body ?? null, req.params);
}

export function sendAll(reqs: Req[]): Response[] {
  if (reqs.length === 0) return [];
  if (reqs.length === 1) return [send(reqs[0]!)];
  return http.batch(reqs.map((r) => ({ method: r.method, url: r.url, body: r.body ?? null, params: r.params })));
}

export const isRedirect = (res: Response): boolean => res.status >= 301 && res.status <= 308 && res.status !== 304;

export function locationOf(res: Response): string | null {
  const location = res.headers.Location ?? res.headers.location;
  return location ? resolveUrl(location, res.url) : null;
}

export class Browser {
  readonly jar: CookieJar = new http.CookieJar();

  getReq(url: string, endpoint: Endpoint): Req {
    return getReq(url, endpoint, { jar: this.jar });
  }

  formReq(url: string, fields: Record<string, string | number | undefined>, endpoint: Endpoint): Req {
    // A browser's post from our own page says where it came from; the server refuses other origins.
    return formReq(url, fields, endpoint, { jar: this.jar, headers: { Origin: ORIGIN } });
  }

  get(url: string, endpoint: Endpoint): Response {
    return send(this.getReq(url, endpoint));
  }
}
