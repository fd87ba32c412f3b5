import { expectEqual, expectHeader, expectJson, expectStatus, expectTrue, fail } from '../core/assert.ts';
import type { HttpResponse } from '../core/http.ts';
import type { Page } from './html-page.ts';
import type { Callback, RelyingParty } from './relying-party.ts';

/**
 * How an RP judges the OP's refusals (CONFORMANCE.md): an OAuth error as JSON from a back-channel
 * endpoint, an error redirect to the registered redirect_uri, or the 400 page that must never
 * redirect when the client or its redirect_uri cannot be trusted.
 */

export interface OAuthError {
  error: string;
  error_description?: unknown;
  [member: string]: unknown;
}

export function expectOAuthError(res: HttpResponse, status: number, error: string): OAuthError {
  expectStatus(res, status);
  const body = expectJson<OAuthError>(res);
  expectEqual(body.error, error, `the "error" of ${res.url}`);
  return body;
}

/** A 302 (or form_post page) to the RP's redirect_uri with error, error_description, state and iss, and no code. */
export function expectErrorRedirect(page: Page, rp: RelyingParty, error: string, state?: string): Callback {
  if (page.status !== 302 && page.status !== 303 && page.status !== 200) {
    fail(`expected an error redirect "${error}" to ${rp.redirectUri}, got ${page.describe()}`);
  }
  const callback = rp.callback(page);
  expectEqual(callback.target, rp.redirectUri, 'the error redirect target');
  expectEqual(callback.params.get('error'), error, 'the redirect\'s "error"');
  expectTrue(callback.params.get('error_description'), `the error redirect has no error_description: ${callback.params}`);
  expectEqual(callback.params.get('iss'), rp.issuer, 'the redirect\'s "iss" (RFC 9207)');
  if (state !== undefined) expectEqual(callback.params.get('state'), state, 'the redirect\'s "state"');
  expectEqual(callback.params.get('code'), null, 'the error redirect\'s "code"');
  return callback;
}

/** The OP's own error page: the status, HTML, and no redirect anywhere. */
export function expectErrorPage(page: Page, status = 400): void {
  if (page.location) fail(`expected a ${status} error page and no redirect, got ${page.status} → ${page.location}`);
  if (page.status !== status) fail(`expected a ${status} error page, got ${page.describe()}`);
  const type = page.headers.get('content-type') ?? '';
  if (!type.includes('text/html')) fail(`expected the error page as text/html, got content-type ${type || 'none'}`);
}

/** C-22 / C-37: a successful token answer as the profile shapes it. */
export function expectTokenResponse(res: HttpResponse): Record<string, unknown> {
  expectStatus(res, 200);
  expectHeader(res, 'Cache-Control', /\bno-store\b/);
  const body = expectJson(res);
  expectEqual(body.token_type, 'Bearer', 'token_type');
  expectTrue(typeof body.expires_in === 'number' && body.expires_in > 0, `expires_in must be a positive number, got ${JSON.stringify(body.expires_in)}`);
  expectTrue(typeof body.access_token === 'string' && body.access_token.length > 0, 'the token answer has no access_token');
  return body;
}

/** C-35: 401 with a Bearer challenge. */
export function expectBearerChallenge(res: HttpResponse): string {
  expectStatus(res, 401);
  return expectHeader(res, 'WWW-Authenticate', /^Bearer\b/);
}
