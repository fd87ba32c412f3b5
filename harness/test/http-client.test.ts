import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckFailure } from '../src/core/check.ts';
import { createHttpClient } from '../src/core/http-client.ts';
import { sendJson, startFakeServer, type FakeServer } from './support/fake-server.ts';
import { sleep } from './support/checks.ts';

let server: FakeServer;
const url = (path: string) => new URL(path, server.baseUrl);

beforeAll(async () => {
  server = await startFakeServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/redirect') return void res.writeHead(302, { location: '/elsewhere' }).end();
    if (path === '/echo') return sendJson(res, 200, { method: req.method, type: req.headers['content-type'] ?? null, body: req.body });
    if (path === '/big') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(10_000));
    if (path === '/cookies') {
      res.setHeader('set-cookie', ['a=1; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT', 'b=2; Path=/']);
      return void res.writeHead(204).end();
    }
    if (path === '/slow') {
      await sleep(2_000);
      return void res.writeHead(200).end('late');
    }
    if (path === '/html') return void res.writeHead(400, { 'content-type': 'text/html' }).end('<p>redirect_uri non valido</p>');
    res.writeHead(404).end();
  });
});
afterAll(() => server.close());

describe('createHttpClient', () => {
  it('never follows a redirect: the check sees the 302 and its Location', async () => {
    const http = createHttpClient();
    const res = await http.request('GET', url('/redirect'));
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/elsewhere');
    expect(server.received.filter((r) => r.url === '/elsewhere')).toHaveLength(0);
    expect(http.exchanges).toHaveLength(1);
  });

  it('sends json and form bodies with their content types, and records both sides', async () => {
    const http = createHttpClient();
    const json = await http.request('post', url('/echo'), { json: { a: 1 } });
    expect(json.json()).toEqual({ method: 'POST', type: 'application/json', body: '{"a":1}' });
    const form = await http.request('POST', url('/echo'), { form: { grant_type: 'authorization_code', code: 'a b&c' } });
    expect(form.json()).toMatchObject({ type: 'application/x-www-form-urlencoded', body: 'grant_type=authorization_code&code=a+b%26c' });
    const raw = await http.request('POST', url('/echo'), { body: 'not a form', headers: { 'Content-Type': 'text/plain' } });
    expect(raw.json()).toMatchObject({ type: 'text/plain', body: 'not a form' });

    expect(http.exchanges.map((e) => [e.method, e.status, e.requestBody, e.requestHeaders['content-type']])).toEqual([
      ['POST', 200, '{"a":1}', 'application/json'],
      ['POST', 200, 'grant_type=authorization_code&code=a+b%26c', 'application/x-www-form-urlencoded'],
      ['POST', 200, 'not a form', 'text/plain'],
    ]);
    const first = http.exchanges[0]!;
    expect(first.url).toBe(url('/echo').href);
    expect(first.responseHeaders['content-type']).toBe('application/json');
    expect(JSON.parse(first.responseBody)).toMatchObject({ method: 'POST' });
    expect(first.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('refuses two bodies at once', async () => {
    await expect(createHttpClient().request('POST', url('/echo'), { json: {}, body: 'x' })).rejects.toThrow(/at most one of json, form and body/);
  });

  it('cuts long bodies in the record but not in the response', async () => {
    const http = createHttpClient({ maxRecordedChars: 100 });
    const res = await http.request('GET', url('/big'));
    expect(res.text).toHaveLength(10_000);
    expect(http.exchanges[0]!.responseBody).toBe(`${'x'.repeat(100)}… [9900 more characters]`);
  });

  it('keeps Set-Cookie lines apart in the record', async () => {
    const http = createHttpClient();
    await http.request('GET', url('/cookies'));
    expect(http.exchanges[0]!.responseHeaders['set-cookie']).toBe('a=1; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT\nb=2; Path=/');
  });

  it('turns a body that is not JSON into a CheckFailure naming the request', async () => {
    const res = await createHttpClient().request('GET', url('/html'));
    expect(() => res.json()).toThrow(CheckFailure);
    expect(() => res.json()).toThrow(/GET .*\/html answered 400 with a body that is not JSON \(content-type text\/html\): <p>redirect_uri/);
  });

  it('gives up on a slow answer with a CheckFailure, and records the attempt', async () => {
    const http = createHttpClient({ requestTimeoutMs: 200 });
    const started = Date.now();
    const err = await http.request('GET', url('/slow')).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(err).toBeInstanceOf(CheckFailure);
    expect((err as Error).message).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/slow: no answer within 0\.2 s$/);
    expect(http.exchanges).toMatchObject([{ method: 'GET', status: 0, error: 'no answer within 0.2 s' }]);
  });

  it('stops when the check is aborted', async () => {
    const abort = new AbortController();
    const http = createHttpClient({ signal: abort.signal });
    setTimeout(() => abort.abort(), 100);
    await expect(http.request('GET', url('/slow'))).rejects.toThrow(/aborted: the check ran out of time/);
  });

  it('reports a deployment that is not there as a CheckFailure with the socket error', async () => {
    const gone = await startFakeServer(() => {});
    const target = new URL('/health', gone.baseUrl);
    await gone.close();
    const http = createHttpClient();
    const err = await http.request('GET', target).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckFailure);
    expect((err as Error).message).toMatch(/ECONNREFUSED/);
    expect(http.exchanges[0]).toMatchObject({ status: 0, error: expect.stringMatching(/ECONNREFUSED/) });
  });
});
