import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Env } from '../../../functions/env';
import { HttpError } from '../../../functions/core/errors';
import { DurableObjectDirectory, directoryFor } from '../../../functions/platform/directory';
import { UpstashDirectory } from '../../../functions/platform/directory-upstash';

/** Which adapter `directoryFor` builds; no request is made (the adapters' behaviour: test/integration/directory-contract*). */
const e = env as unknown as Env;
const upstash = (over: Partial<Env> = {}): Env => ({
  ...e,
  DIRECTORY_ADAPTER: 'upstash',
  UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:1',
  UPSTASH_REDIS_REST_TOKEN: 'token',
  ...over,
});
const status = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return err instanceof HttpError ? err.status : err;
  }
  return 'no error';
};

describe('platform/directory: the adapter the environment names', () => {
  afterEach(() => vi.restoreAllMocks());

  it('the shards when DIRECTORY_ADAPTER is unset, empty or durable-objects; Upstash when it says upstash', () => {
    expect(directoryFor({ ...e, DIRECTORY_ADAPTER: undefined })).toBeInstanceOf(DurableObjectDirectory);
    expect(directoryFor({ ...e, DIRECTORY_ADAPTER: '' })).toBeInstanceOf(DurableObjectDirectory);
    expect(directoryFor({ ...e, DIRECTORY_ADAPTER: 'durable-objects' })).toBeInstanceOf(DurableObjectDirectory);
    expect(directoryFor(upstash())).toBeInstanceOf(UpstashDirectory);
    expect(directoryFor(upstash({ ENVIRONMENT: 'production', UPSTASH_REDIS_REST_URL: 'https://eu1-example.upstash.io' }))).toBeInstanceOf(UpstashDirectory);
  });

  it('503 and the reason in the log, never a quiet fall-back to the shards (that would split the directory in two)', () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(status(() => directoryFor({ ...e, DIRECTORY_ADAPTER: 'redis' }))).toBe(503);
    expect(log).toHaveBeenLastCalledWith(expect.stringContaining('DIRECTORY_ADAPTER="redis"'));
    expect(status(() => directoryFor(upstash({ UPSTASH_REDIS_REST_TOKEN: undefined })))).toBe(503);
    expect(status(() => directoryFor(upstash({ UPSTASH_REDIS_REST_URL: ' ' })))).toBe(503);
    expect(status(() => directoryFor(upstash({ UPSTASH_REDIS_REST_URL: 'not a url' })))).toBe(503);
    expect(status(() => directoryFor(upstash({ UPSTASH_REDIS_REST_URL: 'ftp://127.0.0.1/' })))).toBe(503);
  });

  it('in production the token never travels in clear: plain http is refused', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(status(() => directoryFor(upstash({ ENVIRONMENT: 'production' })))).toBe(503);
  });
});
