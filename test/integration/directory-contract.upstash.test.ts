import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Env } from '../../functions/env';
import { DurableObjectDirectory } from '../../functions/platform/directory';
import { UpstashDirectory } from '../../functions/platform/directory-upstash';
import { keyedHash } from '../../functions/platform/crypto';
import { unknownUsernameThrottle } from '../../functions/platform/username-throttle';
import { checkPassword } from '../../functions/platform/password-check';
import { directoryContract } from '../support/directory-contract';
import { localUpstash } from '../support/upstash';

/**
 * The Upstash adapter held to the same contract as the shards, against a real redis-server behind the
 * Upstash-REST bridge that vitest's global setup started (scripts/lib/upstash-bridge.mjs): the Worker
 * code inside workerd reaches it with fetch, as it would reach Upstash.
 */
const e = env as unknown as Env;
const fresh = () => new UpstashDirectory(localUpstash(), { namespace: `contract-${crypto.randomUUID()}:` });

directoryContract('Upstash Redis', fresh);

/** What the bridge answers to a raw REST call. */
async function rest(path: string, body: unknown, headers: Record<string, string> = {}) {
  const { url, token } = localUpstash();
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

describe('UpstashDirectory on the wire', () => {
  afterEach(() => vi.restoreAllMocks());

  it('auto-pipelining: calls made together go out as one /pipeline request', async () => {
    const d = fresh();
    const paths: string[] = [];
    const original = globalThis.fetch;
    vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
      paths.push(new URL(input instanceof Request ? input.url : String(input)).pathname);
      return original(input, init);
    });
    const found = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((id) => d.client(`https://${id}.example.it`)));
    expect(found).toEqual([null, null, null, null, null]);
    expect(paths).toEqual(['/pipeline']);
  });

  it('R-LOG-8: the unknown-username throttle and the password check use the directory the environment names', async () => {
    const { url, token } = localUpstash();
    const upstash: Env = { ...e, DIRECTORY_ADAPTER: 'upstash', UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: token };
    const username = `nessuno.${crypto.randomUUID()}@example.it`;
    expect((await checkPassword(upstash, username, 'Password-sbagliata-1')).outcome).toBe('wrong');
    const key = `unknown-login:${await keyedHash(e.DATA_KEY!, 'username-throttle', username)}`;
    const stored = await rest('/', ['GET', key]);
    expect(JSON.parse((stored.body as { result: string }).result)).toMatchObject({ failures: 1, lockedUntil: 0 });
    const ttl = (await rest('/', ['PTTL', key])).body as { result: number };
    expect(ttl.result).toBeGreaterThan(24 * 3600_000);
    expect((await (await unknownUsernameThrottle(upstash, e.DATA_KEY!, username)).gate(Date.now())).allowed).toBe(true);
    // Nothing of it in the shards.
    expect(await new DurableObjectDirectory(e).unknownUsernameGate(key, Date.now())).toEqual({ allowed: true });
  });

  it('values stay text: a serial, a fiscal code or digits are never read back as numbers', async () => {
    const d = fresh();
    expect(await d.reserveSerial('CA00000AA', '0012345')).toBe(true);
    await d.setCurrentCard('0012345', 'CA00000AA');
    expect(await d.setCurrentCard('0012345', '1e3')).toBe('CA00000AA');
    expect(await d.currentCard('0012345')).toBe('1e3');
  });

  it('R-CARD-7: a retried setCurrentCard whose first try landed still answers the card it replaced', async () => {
    const d = fresh();
    expect(await d.setCurrentCard('RSSMRA80A01H501U', 'CA00000AA')).toBeNull();
    expect(await d.setCurrentCard('RSSMRA80A01H501U', 'CA00000AA')).toBeNull();
    expect(await d.setCurrentCard('RSSMRA80A01H501U', 'CA00001AA')).toBe('CA00000AA');
    // The client's retry of that same call (its answer lost on the way): the old card is still named,
    // so the registry supersedes it rather than taking the new serial for the one it replaced.
    expect(await d.setCurrentCard('RSSMRA80A01H501U', 'CA00001AA')).toBe('CA00000AA');
    expect(await d.currentCard('RSSMRA80A01H501U')).toBe('CA00001AA');
  });
});

describe('the Upstash-REST bridge (scripts/lib/upstash-bridge.mjs) answers as Upstash does', () => {
  it('bearer auth: no token or a wrong one is 401', async () => {
    const { url } = localUpstash();
    for (const authorization of [undefined, 'Bearer nope']) {
      const res = await fetch(url, { method: 'POST', headers: authorization ? { authorization } : {}, body: '["PING"]' });
      expect(res.status).toBe(401);
      await res.body?.cancel();
    }
  });

  it('one command at /, strings in base64 when asked (OK in clear), errors as 400', async () => {
    const key = `bridge-${crypto.randomUUID()}`;
    expect(await rest('/', ['SET', key, 'città'])).toEqual({ status: 200, body: { result: 'OK' } });
    expect(await rest('/', ['GET', key])).toEqual({ status: 200, body: { result: 'città' } });
    expect(await rest('/', ['GET', key], { 'Upstash-Encoding': 'base64' })).toEqual({
      status: 200,
      body: { result: btoa(String.fromCharCode(...new TextEncoder().encode('città'))) },
    });
    expect(await rest('/', ['SET', key, 'OK'])).toEqual({ status: 200, body: { result: 'OK' } });
    expect(await rest('/', ['GET', key], { 'Upstash-Encoding': 'base64' })).toEqual({ status: 200, body: { result: btoa('OK') } });
    expect((await rest('/', ['INCR', key])).status).toBe(400);
  });

  it('/pipeline answers each command, errors in place; /multi-exec applies all or, refused while queueing, nothing', async () => {
    const key = `bridge-${crypto.randomUUID()}`;
    expect(
      await rest('/pipeline', [
        ['SET', key, '1'],
        ['INCR', key, 'x'],
        ['INCR', key],
      ]),
    ).toEqual({
      status: 200,
      body: [{ result: 'OK' }, { error: expect.stringContaining('wrong number of arguments') }, { result: 2 }],
    });
    expect(
      await rest('/multi-exec', [
        ['INCR', key],
        ['GET', key],
      ]),
    ).toEqual({ status: 200, body: [{ result: 3 }, { result: '3' }] });
    const aborted = await rest('/multi-exec', [
      ['SET', key, '9'],
      ['INCR', key, 'x'],
    ]);
    expect(aborted.status).toBe(400);
    expect(await rest('/', ['GET', key])).toEqual({ status: 200, body: { result: '3' } });
  });
});
