import { describe, expect, it } from 'vitest';
import { REGISTRY_TOKEN, call, registry } from '../support/worker';
import { newCitizen } from '../support/citizens';

interface ErrorBody {
  error: string;
  error_description: string;
  problems?: Array<{ field: string; message: string }>;
}

const AUTH = { Authorization: `Bearer ${REGISTRY_TOKEN}` };

function postRaw(body: BodyInit | null, headers: Record<string, string> = {}) {
  return call('/registry/cards', { method: 'POST', headers: { ...AUTH, 'Content-Type': 'application/json', ...headers }, body });
}

async function problemFields(res: Response): Promise<string[]> {
  expect(res.status).toBe(400);
  expect(res.headers.get('Content-Type')).toBe('application/json; charset=utf-8');
  const body = (await res.json()) as ErrorBody;
  expect(body.error).toBe('invalid_request');
  return (body.problems ?? []).map((p) => p.field);
}

describe('registry API: POST /registry/cards validation (R-CARD-1)', () => {
  const BAD_VALUES: Record<string, unknown[]> = {
    fiscalCode: ['RSSMRA85H15H501A', 'ABC', 42, null, ''],
    givenName: ['M4rio', '<b>', 7, [], ''],
    familyName: ['Ro$$i', {}, false, ' '],
    birthDate: ['15/06/1985', '2999-01-01', '1985-02-30', 19850615],
    phone: ['06 1234567', 'call me', 3331234567, ''],
    email: ['mario', 'a@b', 5, ['m@example.it']],
    publicKey: ['key', { kty: 'EC', crv: 'P-256', x: 'a', y: 'b' }, { kty: 'RSA', n: 'AQAB', e: 'AQAB' }, { kty: 'oct', k: 'c2VjcmV0' }],
  };

  for (const [field, values] of Object.entries(BAD_VALUES)) {
    it(`R-CARD-1: a bad ${field} is 400 with a problem naming ${field}`, async () => {
      for (const value of values) {
        const res = await registry('/cards', { ...newCitizen(), [field]: value });
        expect(await problemFields(res), `${field}=${JSON.stringify(value)}`).toEqual([field]);
      }
    });
  }

  for (const field of ['fiscalCode', 'givenName', 'familyName', 'birthDate', 'phone']) {
    it(`R-CARD-1: a missing ${field} is 400 naming it`, async () => {
      const citizen: Record<string, unknown> = { ...newCitizen() };
      delete citizen[field];
      expect(await problemFields(await registry('/cards', citizen))).toEqual([field]);
    });
  }

  it('R-CARD-1: a birth date the codice fiscale does not encode is named on birthDate', async () => {
    const citizen = newCitizen();
    const [y, m, d] = citizen.birthDate.split('-');
    const otherDay = `${y}-${m}-${d === '01' ? '02' : '01'}`;
    expect(await problemFields(await registry('/cards', { ...citizen, birthDate: otherDay }))).toEqual(['birthDate']);
  });

  it('R-CARD-1: an unknown field is 400 naming it', async () => {
    expect(await problemFields(await registry('/cards', { ...newCitizen(), status: 'active' }))).toEqual(['status']);
    expect(await problemFields(await registry('/cards', { ...newCitizen(), pin: '12345678' }))).toEqual(['pin']);
  });

  it('R-CARD-1: an empty object names every required field', async () => {
    expect((await problemFields(await registry('/cards', {}))).sort()).toEqual(['birthDate', 'familyName', 'fiscalCode', 'givenName', 'phone']);
  });

  it('R-CARD-1: a body that is not JSON is 400', async () => {
    for (const body of ['', 'not json', '{"fiscalCode":', "{'a':1}"]) {
      const res = await postRaw(body);
      expect(res.status, body).toBe(400);
      expect(((await res.json()) as ErrorBody).error).toBe('invalid_request');
    }
  });

  it('R-CARD-1: a JSON array (or any non-object) is 400', async () => {
    for (const body of [JSON.stringify([newCitizen()]), '[]', 'null', '"card"', '42']) {
      const res = await postRaw(body);
      expect(res.status, body).toBe(400);
    }
  });

  it('R-CARD-1: a content type other than JSON is 415', async () => {
    const citizen = JSON.stringify(newCitizen());
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']) {
      const res = await postRaw(citizen, { 'Content-Type': type });
      expect(res.status, type).toBe(415);
      expect(((await res.json()) as ErrorBody).error).toBe('unsupported_media_type');
    }
    const none = await call('/registry/cards', { method: 'POST', headers: AUTH, body: new Blob([citizen]) });
    expect(none.status).toBe(415);
  });

  it('R-CARD-1: a body over 64 KiB is 413', async () => {
    const big = JSON.stringify({ ...newCitizen(), givenName: 'M'.repeat(70_000) });
    const res = await postRaw(big);
    expect(res.status).toBe(413);
    expect(((await res.json()) as ErrorBody).error).toBe('payload_too_large');
  });

  it('R-CARD-1: a body over 64 KiB is 413 even with a lying Content-Length', async () => {
    const big = JSON.stringify({ ...newCitizen(), givenName: 'M'.repeat(70_000) });
    expect((await postRaw(big, { 'Content-Length': '100' })).status).toBe(413);
  });

  it('R-CARD-1: a streamed body over 64 KiB without Content-Length is 413', async () => {
    const chunk = new TextEncoder().encode(' '.repeat(16 * 1024));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 5; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    const res = await call('/registry/cards', {
      method: 'POST',
      headers: { ...AUTH, 'Content-Type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  it('R-CARD-1: a refused request leaves nothing behind — the phone stays free', async () => {
    const citizen = newCitizen();
    expect((await registry('/cards', { ...citizen, birthDate: 'ieri' })).status).toBe(400);
    const other = newCitizen();
    expect((await registry('/cards', { ...other, phone: citizen.phone })).status).toBe(201);
  });
});
