import { describe, expect, it } from 'vitest';
import { expectEqual, expectHeader, expectIncludes, expectJson, expectMatch, expectNoHeader, expectStatus, expectTrue, fail } from '../src/core/assert.ts';
import { CheckFailure } from '../src/core/check.ts';
import type { HttpResponse } from '../src/core/http.ts';

function response(status: number, headers: Record<string, string>, text: string): HttpResponse {
  return { status, headers: new Headers(headers), text, url: 'http://op.example/token', json: () => JSON.parse(text) };
}

const ok = response(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }, '{"token_type":"Bearer"}');
const redirect = response(302, { location: 'https://rp.example/cb?error=invalid_request' }, '');

function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CheckFailure);
    return (err as Error).message;
  }
  throw new Error('expected a CheckFailure');
}

describe('assertions', () => {
  it('expectStatus names the URL, the status, the Location and the body', () => {
    expectStatus(ok, 200);
    expectStatus(ok, [400, 200]);
    expect(failure(() => expectStatus(redirect, 400))).toBe(
      'expected status 400, but http://op.example/token answered 302 (Location: https://rp.example/cb?error=invalid_request) with an empty body',
    );
    expect(failure(() => expectStatus(ok, [400, 405]))).toBe('expected status 400 or 405, but http://op.example/token answered 200: {"token_type":"Bearer"}');
  });

  it('expectHeader returns the value and says what was there instead', () => {
    expect(expectHeader(ok, 'Cache-Control', 'no-store')).toBe('no-store');
    expect(expectHeader(ok, 'content-type', /^application\/json/)).toMatch(/json/);
    expect(failure(() => expectHeader(ok, 'WWW-Authenticate'))).toBe(
      'expected a WWW-Authenticate header, but http://op.example/token answered 200 without one',
    );
    expect(failure(() => expectHeader(ok, 'cache-control', 'no-cache'))).toBe(
      'expected cache-control to be "no-cache", but http://op.example/token answered 200 with cache-control: no-store',
    );
    expect(
      failure(() =>
        expectHeader(ok, 'cache-control', function isPrivate(v) {
          return v === 'private';
        }),
      ),
    ).toMatch(/a value accepted by isPrivate/);
    expect(failure(() => expectNoHeader(redirect, 'location'))).toMatch(
      /expected no location header, but .* answered 302 with location: https:\/\/rp\.example/,
    );
  });

  it('expectJson wants a JSON content type as well as a JSON body', () => {
    expect(expectJson(ok)).toEqual({ token_type: 'Bearer' });
    expect(expectJson(response(200, { 'content-type': 'application/entity-statement+json' }, '{}'))).toEqual({});
    expect(failure(() => expectJson(response(400, { 'content-type': 'text/html' }, '<h1>Errore</h1>')))).toBe(
      'expected a JSON answer, but http://op.example/token answered 400 with content-type text/html: <h1>Errore</h1>',
    );
  });

  it('expectEqual compares deeply and shows both sides', () => {
    expectEqual({ a: [1, 2] }, { a: [1, 2] }, 'the claims');
    expect(failure(() => expectEqual(['code', 'token'], ['code'], 'response_types_supported'))).toBe(
      'expected response_types_supported to be ["code"], got ["code","token"]',
    );
    expect(failure(() => expectEqual(undefined, 'Bearer', 'token_type'))).toBe('expected token_type to be "Bearer", got nothing (undefined)');
  });

  it('expectMatch, expectIncludes, expectTrue and fail', () => {
    expect(expectMatch('abc-123', /\d+$/, 'the jti')).toBe('abc-123');
    expect(failure(() => expectMatch(undefined, /x/, 'the state'))).toBe('expected the state to match /x/, got nothing (undefined)');
    expect(failure(() => expectMatch('abc', /^\d+$/, 'the code'))).toBe('expected the code to match /^\\d+$/, got "abc"');
    expectIncludes(['openid', 'email'], 'email', 'scopes');
    expectIncludes('error=access_denied&state=x', 'access_denied', 'the redirect');
    expect(failure(() => expectIncludes(['openid'], 'offline_access', 'scopes_supported'))).toBe(
      'expected scopes_supported to include "offline_access", got ["openid"]',
    );
    expect(failure(() => expectIncludes(undefined, 'x', 'acr_values_supported'))).toMatch(/got nothing/);
    expect(failure(() => expectTrue(false, 'no refresh token'))).toBe('no refresh token');
    expect(failure(() => fail('plain'))).toBe('plain');
  });

  it('CheckFailure keeps its details and a recognisable name', () => {
    const err = new CheckFailure('bad', { claim: 'acr' });
    expect(err.details).toEqual({ claim: 'acr' });
    expect(err.name).toBe('CheckFailure');
  });
});
