import { describe, expect, it } from 'vitest';
import { REGISTRY_TOKEN, call, registry } from '../support/worker';
import { newCitizen } from '../support/citizens';
import { seededRandomInt } from '../support/random';

/**
 * Hostile and malformed input must be refused with a 4xx, never answered with a 5xx: a 500 would mean
 * an input reached code that did not expect it. Each case is drawn from a seeded generator so a
 * failure can be replayed.
 */
const AUTH = { Authorization: `Bearer ${REGISTRY_TOKEN}` };
const FIELDS = ['fiscalCode', 'givenName', 'familyName', 'birthDate', 'phone', 'email', 'publicKey'];

function nested(depth: number, leaf: unknown = 0): unknown {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

function hostileValues(rnd: (n: number) => number): unknown[] {
  const randomString = (len: number) => Array.from({ length: len }, () => String.fromCodePoint(rnd(0x2ffff) + 1)).join('');
  return [
    null,
    true,
    0,
    -1,
    1e308,
    Number.MAX_SAFE_INTEGER,
    '',
    ' ',
    '\u0000',
    '\ud800',
    'A'.repeat(60_000),
    randomString(50),
    randomString(500),
    '<script>alert(1)</script>',
    "' OR 1=1 --",
    '${jndi:ldap://x}',
    '../../etc/passwd',
    '%00%ff',
    [],
    ['a', 'b'],
    {},
    { toString: 'x', valueOf: 1 },
    { __proto__: { admin: true } },
    nested(200),
    nested(200, 'x'.repeat(100)),
    Array.from({ length: 2000 }, (_, i) => i),
  ];
}

async function expectNo5xx(res: Response, label: string) {
  const text = await res.text();
  expect(res.status, `${label} → ${res.status} ${text.slice(0, 200)}`).toBeLessThan(500);
  expect(res.status, label).toBeGreaterThanOrEqual(200);
}

describe('registry API: hostile input never answers 5xx (R-CARD-1)', () => {
  it('R-CARD-1: every field set to every hostile value is a 4xx', async () => {
    const rnd = seededRandomInt(1);
    for (const field of FIELDS) {
      for (const value of hostileValues(rnd)) {
        const res = await registry('/cards', { ...newCitizen(), [field]: value });
        await expectNo5xx(res, `${field}=${JSON.stringify(value)?.slice(0, 60)}`);
        const optionalLeftOut = value === null && (field === 'email' || field === 'publicKey');
        expect(optionalLeftOut ? [201] : [400, 413], field).toContain(res.status);
      }
    }
  });

  it('R-CARD-1: random bytes with a JSON content type are a 4xx', async () => {
    const rnd = seededRandomInt(2);
    for (let i = 0; i < 60; i++) {
      const bytes = new Uint8Array(rnd(4096) + 1).map(() => rnd(256));
      const res = await call('/registry/cards', { method: 'POST', headers: { ...AUTH, 'Content-Type': 'application/json' }, body: bytes });
      await expectNo5xx(res, `random bytes #${i}`);
      expect(res.status).toBe(400);
    }
  });

  it('R-CARD-1: random JSON-looking text is a 4xx', async () => {
    const rnd = seededRandomInt(3);
    const alphabet = '{}[]":,0123456789.eE+-truefalsnul \\u"abc';
    for (let i = 0; i < 100; i++) {
      const text = Array.from({ length: rnd(300) + 1 }, () => alphabet[rnd(alphabet.length)]).join('');
      const res = await call('/registry/cards', { method: 'POST', headers: { ...AUTH, 'Content-Type': 'application/json' }, body: text });
      await expectNo5xx(res, `text ${JSON.stringify(text).slice(0, 80)}`);
    }
  });

  it('R-CARD-1: bodies nested as deep as 64 KiB allows are a 4xx', async () => {
    const depth = 30_000;
    const deepArray = '['.repeat(depth) + ']'.repeat(depth);
    const deepInKey = `{"publicKey":{"kty":"EC","crv":"P-256","x":"${'A'.repeat(43)}","y":"${'A'.repeat(43)}","z":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
    for (const body of [deepArray, deepInKey, `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`]) {
      const res = await call('/registry/cards', { method: 'POST', headers: { ...AUTH, 'Content-Type': 'application/json' }, body });
      await expectNo5xx(res, `deep ${body.slice(0, 30)}`);
    }
    const citizen = newCitizen();
    const withDeepKey = JSON.stringify({ ...citizen, publicKey: 'PLACEHOLDER' }).replace('"PLACEHOLDER"', deepInKey.slice('{"publicKey":'.length, -1));
    await expectNo5xx(
      await call('/registry/cards', { method: 'POST', headers: { ...AUTH, 'Content-Type': 'application/json' }, body: withDeepKey }),
      'deep key',
    );
  });

  it('R-CARD-1: thousands of unknown fields are a 400 that names them', async () => {
    const body: Record<string, unknown> = { ...newCitizen() };
    for (let i = 0; i < 3000; i++) body[`f${i}`] = i;
    const res = await registry('/cards', body);
    expect(res.status).toBe(400);
    const problems = ((await res.json()) as { problems: unknown[] }).problems;
    expect(problems).toHaveLength(3000);
  });

  it('R-CARD-3: hostile block bodies and serials are a 4xx', async () => {
    const rnd = seededRandomInt(4);
    const issued = (await (await registry('/cards', newCitizen())).json()) as { serial: string };
    for (const value of hostileValues(rnd)) {
      await expectNo5xx(await registry(`/cards/${issued.serial}/block`, { reason: value }), `reason=${JSON.stringify(value)?.slice(0, 60)}`);
    }
    for (const path of ['%', '%%', '%E0%A4%A', '%ff%fe', '\u0000', 'CA00000AA/../../x', '😀'.repeat(50), '..%2F..%2F', 'CA00000AA?x=1', 'CA00000AA#x']) {
      await expectNo5xx(await registry(`/cards/${path}`), `GET ${path}`);
      await expectNo5xx(await registry(`/cards/${path}/block`, { reason: 'lost' }), `block ${path}`);
      await expectNo5xx(await registry(`/cards/${path}/codes`, {}), `codes ${path}`);
    }
    expect(((await (await registry(`/cards/${issued.serial}`)).json()) as { status: string }).status).toBe('issued');
  });

  it('R-CARD-1: odd methods and headers on registry paths are a 4xx', async () => {
    for (const method of ['PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      await expectNo5xx(await call('/registry/cards', { method, headers: AUTH }), method);
    }
    await expectNo5xx(
      await call('/registry/cards', { method: 'POST', headers: { ...AUTH, 'Content-Type': 'application/json; charset=latin1' }, body: '{}' }),
      'charset',
    );
    await expectNo5xx(
      await call('/registry/cards', { method: 'POST', headers: { ...AUTH, 'Content-Type': 'application/json', 'Content-Length': '-5' }, body: '{}' }),
      'negative length',
    );
  });
});
