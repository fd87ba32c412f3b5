import { describe, expect, it } from 'vitest';
import { HttpError, badRequest, unauthorized } from '../../../functions/core/errors';
import { MAX_BODY_BYTES, errorJson, json, readForm, readJsonObject, readText } from '../../../functions/platform/http';

const URL_ = 'https://cieid.test/registry/cards';

function streamOf(...chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(c);
      controller.close();
    },
  });
}

function post(body: BodyInit | null, headers: Record<string, string> = {}): Request {
  return new Request(URL_, { method: 'POST', headers, body });
}

async function statusOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof HttpError) return err.status;
    throw err;
  }
  return 200;
}

describe('platform/http: body limit (DESIGN)', () => {
  it('DESIGN: the limit is 64 KiB', () => {
    expect(MAX_BODY_BYTES).toBe(64 * 1024);
  });

  it('DESIGN: exactly 64 KiB is read', async () => {
    const text = await readText(post('a'.repeat(MAX_BODY_BYTES)));
    expect(text.length).toBe(MAX_BODY_BYTES);
  });

  it('DESIGN: one byte over 64 KiB is 413', async () => {
    expect(await statusOf(readText(post('a'.repeat(MAX_BODY_BYTES + 1))))).toBe(413);
  });

  it('DESIGN: an honest Content-Length over the limit is refused before reading', async () => {
    const req = post('tiny', { 'Content-Length': String(MAX_BODY_BYTES + 1) });
    expect(await statusOf(readText(req))).toBe(413);
    expect(req.bodyUsed).toBe(false);
  });

  it('DESIGN: a lying Content-Length does not let a bigger body through', async () => {
    const req = post('a'.repeat(MAX_BODY_BYTES * 2), { 'Content-Length': '10' });
    expect(req.headers.get('Content-Length')).toBe('10');
    expect(await statusOf(readText(req))).toBe(413);
  });

  it('DESIGN: a streamed body without Content-Length is counted as it arrives', async () => {
    const chunk = new Uint8Array(16 * 1024).fill(0x61);
    const req = post(streamOf(chunk, chunk, chunk, chunk, chunk));
    expect(req.headers.get('Content-Length')).toBeNull();
    expect(await statusOf(readText(req))).toBe(413);
    const fits = post(streamOf(chunk, chunk, chunk, chunk));
    expect((await readText(fits)).length).toBe(MAX_BODY_BYTES);
  });

  it('DESIGN: multi-byte characters are counted in bytes, not characters', async () => {
    const euro = '€'.repeat(Math.floor(MAX_BODY_BYTES / 3) + 1); // 3 bytes each
    expect(await statusOf(readText(post(euro)))).toBe(413);
  });

  it('DESIGN: a nonsense Content-Length is ignored and the body counted', async () => {
    const req = post('hello', { 'Content-Length': 'lots' });
    expect(req.headers.get('Content-Length')).toBe('lots');
    expect(await readText(req)).toBe('hello');
    const lying = post('a'.repeat(MAX_BODY_BYTES + 1), { 'Content-Length': 'lots' });
    expect(await statusOf(readText(lying))).toBe(413);
  });

  it('DESIGN: an empty body reads as the empty string; invalid UTF-8 is 400', async () => {
    expect(await readText(new Request(URL_, { method: 'POST' }))).toBe('');
    expect(await statusOf(readText(post(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))))).toBe(400);
    expect(await readText(post(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])))).toBe('a'); // the BOM is dropped
  });
});

describe('platform/http: JSON objects (DESIGN)', () => {
  const jsonPost = (body: string, type = 'application/json') => post(body, { 'Content-Type': type });

  it('DESIGN: a JSON object is returned as is', async () => {
    expect(await readJsonObject(jsonPost('{"a":1,"b":[true,null]}'))).toEqual({ a: 1, b: [true, null] });
    expect(await readJsonObject(jsonPost('{}', 'application/json; charset=utf-8'))).toEqual({});
    expect(await readJsonObject(jsonPost('{}', 'Application/JSON'))).toEqual({});
  });

  it('DESIGN: any other content type is 415', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'application/jsonx', 'application/merge-patch+json', '']) {
      const req = type ? jsonPost('{}', type) : post('{}');
      expect(await statusOf(readJsonObject(req)), type).toBe(415);
    }
  });

  it('DESIGN: a body that is not JSON is 400', async () => {
    for (const body of ['', 'nope', '{', '{"a":1,}', "{'a':1}", '{"a":1} {"b":2}']) {
      expect(await statusOf(readJsonObject(jsonPost(body))), body).toBe(400);
    }
  });

  it('DESIGN: JSON that is not an object (array, null, number, string, boolean) is 400', async () => {
    for (const body of ['[]', '[{"a":1}]', 'null', '42', '"x"', 'true']) {
      expect(await statusOf(readJsonObject(jsonPost(body))), body).toBe(400);
    }
  });

  it('DESIGN: an oversized JSON body is 413, not parsed', async () => {
    const big = JSON.stringify({ a: 'x'.repeat(MAX_BODY_BYTES) });
    expect(await statusOf(readJsonObject(jsonPost(big)))).toBe(413);
  });
});

describe('platform/http: forms and responses (DESIGN)', () => {
  it('DESIGN: form posts need the form content type; repeated fields keep the last value', async () => {
    const form = await readForm(post('a=1&b=x+y&a=2', { 'Content-Type': 'application/x-www-form-urlencoded' }));
    expect(Object.fromEntries(form)).toEqual({ a: '2', b: 'x y' });
    expect(await statusOf(readForm(post('a=1', { 'Content-Type': 'application/json' })))).toBe(415);
  });

  it('DESIGN: JSON responses are never cached and never sniffed', async () => {
    const res = json({ ok: true }, 201, { Location: '/x' });
    expect(res.status).toBe(201);
    expect(res.headers.get('Content-Type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(res.headers.get('Location')).toBe('/x');
    expect(await res.json()).toEqual({ ok: true });
  });

  it('DESIGN: errors render as {error, error_description, problems} with their own headers', async () => {
    const res = errorJson(badRequest('Dati non validi', [{ field: 'phone', message: 'no' }]));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_request', error_description: 'Dati non validi', problems: [{ field: 'phone', message: 'no' }] });
    const auth = errorJson(unauthorized());
    expect(auth.status).toBe(401);
    expect(auth.headers.get('WWW-Authenticate')).toBe('Bearer');
    expect(Object.keys((await auth.json()) as object)).toEqual(['error', 'error_description']);
  });
});
