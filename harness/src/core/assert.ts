import { isDeepStrictEqual } from 'node:util';
import { CheckFailure } from './check.ts';
import type { HttpResponse } from './http.ts';

/**
 * Assertions that say what the deployment did wrong in the terms a QA reader knows (the request, the
 * status, the header), so a failed check needs no debugger to understand.
 */

export type Matcher = string | RegExp | ((value: string) => boolean);

export function fail(message: string, details?: unknown): never {
  throw new CheckFailure(message, details);
}

function where(res: HttpResponse): string {
  return `${res.url} answered ${res.status}`;
}

function snippet(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

function describeMatcher(matcher: Matcher): string {
  if (typeof matcher === 'string') return JSON.stringify(matcher);
  if (matcher instanceof RegExp) return String(matcher);
  return matcher.name ? `a value accepted by ${matcher.name}` : 'an acceptable value';
}

function matches(value: string, matcher: Matcher): boolean {
  if (typeof matcher === 'string') return value === matcher;
  if (matcher instanceof RegExp) return matcher.test(value);
  return matcher(value);
}

/** One status or any of several (e.g. [400, 401] where the profile allows either). */
export function expectStatus(res: HttpResponse, expected: number | readonly number[]): void {
  const allowed = typeof expected === 'number' ? [expected] : expected;
  if (allowed.includes(res.status)) return;
  const body = res.text ? `: ${snippet(res.text)}` : ' with an empty body';
  const location = res.headers.get('location');
  const hop = location ? ` (Location: ${location})` : '';
  fail(`expected status ${allowed.join(' or ')}, but ${where(res)}${hop}${body}`);
}

/** Returns the header's value; a missing header fails too. */
export function expectHeader(res: HttpResponse, name: string, matcher?: Matcher): string {
  const value = res.headers.get(name);
  if (value === null) fail(`expected a ${name} header, but ${where(res)} without one`);
  if (matcher !== undefined && !matches(value, matcher)) {
    fail(`expected ${name} to be ${describeMatcher(matcher)}, but ${where(res)} with ${name}: ${value}`);
  }
  return value;
}

export function expectNoHeader(res: HttpResponse, name: string): void {
  const value = res.headers.get(name);
  if (value !== null) fail(`expected no ${name} header, but ${where(res)} with ${name}: ${value}`);
}

/** The parsed body, after checking it is JSON by both its content type and its text. */
export function expectJson<T = Record<string, unknown>>(res: HttpResponse): T {
  const type = res.headers.get('content-type') ?? '';
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    fail(`expected a JSON answer, but ${where(res)} with content-type ${type || 'none'}: ${snippet(res.text)}`);
  }
  return res.json<T>();
}

export function expectEqual<T>(actual: T, expected: T, what: string): void {
  if (isDeepStrictEqual(actual, expected)) return;
  fail(`expected ${what} to be ${show(expected)}, got ${show(actual)}`);
}

export function expectMatch(actual: string | null | undefined, pattern: RegExp, what: string): string {
  if (typeof actual !== 'string') fail(`expected ${what} to match ${pattern}, got ${show(actual)}`);
  if (!pattern.test(actual)) fail(`expected ${what} to match ${pattern}, got ${show(actual)}`);
  return actual;
}

/** For arrays (an element) and strings (a substring). */
export function expectIncludes(haystack: readonly unknown[] | string | null | undefined, needle: unknown, what: string): void {
  const found =
    typeof haystack === 'string'
      ? typeof needle === 'string' && haystack.includes(needle)
      : Array.isArray(haystack) && haystack.some((item) => isDeepStrictEqual(item, needle));
  if (!found) fail(`expected ${what} to include ${show(needle)}, got ${show(haystack)}`);
}

export function expectTrue(condition: unknown, message: string): asserts condition {
  if (!condition) fail(message);
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing (undefined)';
  if (typeof value === 'string') return JSON.stringify(snippet(value, 200));
  try {
    return snippet(JSON.stringify(value), 300);
  } catch {
    return String(value);
  }
}
