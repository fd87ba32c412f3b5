import { getReq, jsonReq, type Endpoint, type Req, type Response } from '../http.ts';
import { fail } from '../steps.ts';

/**
 * Requests to the App CieID's JSON API (README, "App CieID API"), tagged by endpoint like every other
 * request of the load tests; with the device session once the App is certified.
 *
 * API:
 * - `appGet(path, endpoint, token?)`, `appPost(path, body, endpoint, token?)`: requests not sent yet
 *   (lib/http.ts `Req`), so flows can yield them.
 * - `jsonOf(res, step)`: the JSON body, or a failed step naming what came instead.
 */
const headers = (token?: string): Record<string, string> => ({
  Accept: 'application/json',
  ...(token ? { Authorization: `Bearer ${token}` } : {}),
});

export const appGet = (path: string, endpoint: Endpoint, token?: string): Req => getReq(path, endpoint, { headers: headers(token) });

export const appPost = (path: string, body: unknown, endpoint: Endpoint, token?: string): Req => jsonReq(path, body, endpoint, headers(token));

export function jsonOf<T>(res: Response, step: string): T {
  try {
    return JSON.parse(res.body) as T;
  } catch {
    return fail(step, `not JSON: ${res.status} ${res.url} ${res.body.slice(0, 200)}`);
  }
}
