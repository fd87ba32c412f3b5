import { describe, expect, it } from 'vitest';
import { parseCardRequest } from '../../../functions/core/card-request';

const NOW = new Date('2026-03-10T10:00:00Z');
const VALID = {
  fiscalCode: 'RSSMRA85H15H501D',
  givenName: 'Mario',
  familyName: 'Rossi',
  birthDate: '1985-06-15',
  phone: '+393331234567',
};

function problemsOf(body: Record<string, unknown>) {
  const parsed = parseCardRequest(body, NOW);
  if (parsed.ok) throw new Error(`expected problems for ${JSON.stringify(body).slice(0, 200)}`);
  return parsed.problems;
}
const fieldsOf = (body: Record<string, unknown>) => problemsOf(body).map((p) => p.field);
const without = (field: string) => Object.fromEntries(Object.entries(VALID).filter(([k]) => k !== field));

type KeyParams = Parameters<SubtleCrypto['generateKey']>[0];

async function jwkOf(params: KeyParams): Promise<JsonWebKey> {
  const pair = (await crypto.subtle.generateKey(params, true, ['sign', 'verify'])) as CryptoKeyPair;
  return (await crypto.subtle.exportKey('jwk', pair.publicKey)) as JsonWebKey;
}
async function privateJwkOf(params: KeyParams): Promise<JsonWebKey> {
  const pair = (await crypto.subtle.generateKey(params, true, ['sign', 'verify'])) as CryptoKeyPair;
  return (await crypto.subtle.exportKey('jwk', pair.privateKey)) as JsonWebKey;
}
const EC: KeyParams = { name: 'ECDSA', namedCurve: 'P-256' };
const rsa = (bits: number): KeyParams => ({
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: bits,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
});

describe('card request parsing (R-CARD-1, R-CARD-5)', () => {
  it('R-CARD-1: a complete request is accepted and normalised', () => {
    const parsed = parseCardRequest(
      { ...VALID, fiscalCode: ' rssmra85h15h501d ', givenName: ' Mario ', phone: '333 123 4567', email: ' Mario@Example.IT ' },
      NOW,
    );
    expect(parsed).toEqual({
      ok: true,
      value: { ...VALID, email: 'mario@example.it', publicKey: null },
    });
  });

  it('R-CARD-1: email and publicKey are optional (absent or null)', () => {
    expect(parseCardRequest({ ...VALID }, NOW).ok).toBe(true);
    expect(parseCardRequest({ ...VALID, email: null, publicKey: null }, NOW).ok).toBe(true);
  });

  it('R-CARD-1: an empty body names every required field', () => {
    expect(fieldsOf({}).sort()).toEqual(['birthDate', 'familyName', 'fiscalCode', 'givenName', 'phone']);
  });

  for (const field of ['fiscalCode', 'givenName', 'familyName', 'birthDate', 'phone']) {
    it(`R-CARD-1: ${field} missing is named`, () => {
      expect(fieldsOf(without(field))).toEqual([field]);
    });
    it(`R-CARD-1: ${field} of the wrong type or blank is named`, () => {
      for (const bad of [42, true, [], {}, '', '   ', null]) {
        expect(fieldsOf({ ...VALID, [field]: bad }), `${field}=${JSON.stringify(bad)}`).toContain(field);
      }
    });
    it(`R-CARD-1: ${field} longer than 512 characters is named`, () => {
      expect(fieldsOf({ ...VALID, [field]: 'A'.repeat(513) })).toEqual([field]);
    });
  }

  it('R-CARD-1: a codice fiscale with a wrong check character is named', () => {
    expect(fieldsOf({ ...VALID, fiscalCode: 'RSSMRA85H15H501A' })).toEqual(['fiscalCode']);
  });

  it('R-CARD-1: an omocodia variant is accepted', () => {
    expect(parseCardRequest({ ...VALID, fiscalCode: 'RSSMRAURH15H501M' }, NOW).ok).toBe(true);
  });

  it('R-CARD-1: a birth date the codice fiscale does not encode is named on birthDate', () => {
    const problems = problemsOf({ ...VALID, birthDate: '1985-06-16' });
    expect(problems).toEqual([{ field: 'birthDate', message: 'non coerente con il codice fiscale' }]);
    expect(fieldsOf({ ...VALID, birthDate: '1986-06-15' })).toEqual(['birthDate']);
  });

  it('R-CARD-1: the same code fits a birth date a century apart', () => {
    expect(parseCardRequest({ ...VALID, fiscalCode: 'RSSMRA20A01H501G', birthDate: '1920-01-01' }, NOW).ok).toBe(true);
    expect(parseCardRequest({ ...VALID, fiscalCode: 'RSSMRA20A01H501G', birthDate: '2020-01-01' }, NOW).ok).toBe(true);
  });

  it('R-CARD-1: a birth date in another format, impossible, in the future or before 1900 is named', () => {
    for (const bad of ['15/06/1985', '1985-6-15', '1985-02-30', '2027-01-01', '1885-06-15', '1985-06-15T00:00:00Z']) {
      expect(fieldsOf({ ...VALID, birthDate: bad }), bad).toEqual(['birthDate']);
    }
  });

  it('R-CARD-1: names allow letters, accents, apostrophes, spaces and hyphens only', () => {
    expect(parseCardRequest({ ...VALID, givenName: 'Maria Chiara', familyName: "D'Alì-Rossi" }, NOW).ok).toBe(true);
    for (const bad of ['M4rio', '<script>', 'Mario!', '-Mario', "'Mario", 'Mario\u0000', 'A'.repeat(101)]) {
      expect(fieldsOf({ ...VALID, givenName: bad }), bad).toEqual(['givenName']);
      expect(fieldsOf({ ...VALID, familyName: bad }), bad).toEqual(['familyName']);
    }
  });

  it('R-CARD-5: a number that is not a mobile number is named on phone', () => {
    for (const bad of ['abc', '06 1234567', '+39 06 1234567', '12345']) {
      expect(fieldsOf({ ...VALID, phone: bad }), bad).toEqual(['phone']);
    }
  });

  it('R-ACT-4: a malformed email, or one of the wrong type, is named', () => {
    for (const bad of ['mario', '', 42, {}, []]) {
      expect(fieldsOf({ ...VALID, email: bad }), JSON.stringify(bad)).toEqual(['email']);
    }
  });

  it('R-CARD-1: an unknown field is named, even one that looks internal', () => {
    expect(problemsOf({ ...VALID, status: 'active' })).toEqual([{ field: 'status', message: 'campo non previsto' }]);
    expect(fieldsOf({ ...VALID, sealedPin: 'x', pin: '12345678' }).sort()).toEqual(['pin', 'sealedPin']);
    expect(fieldsOf(JSON.parse(`{"__proto__": {"x": 1}, ${JSON.stringify(VALID).slice(1)}`))).toEqual(['__proto__']);
  });

  it('R-CARD-1: several problems are all reported at once', () => {
    const fields = fieldsOf({ fiscalCode: 'X', givenName: 1, birthDate: 'ieri', phone: 'no', extra: 1 });
    expect(fields.sort()).toEqual(['birthDate', 'extra', 'familyName', 'fiscalCode', 'givenName', 'phone']);
  });
});

describe('card request: the chip public key (R-LVL-3)', () => {
  it('R-LVL-3: a public EC P-256 key is kept with its public members only', async () => {
    const jwk = await jwkOf(EC);
    const parsed = parseCardRequest({ ...VALID, publicKey: { ...jwk, kid: 'chip', x5c: ['MIIB'] } }, NOW);
    expect(parsed.ok && parsed.value.publicKey).toEqual({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y });
  });

  it('R-LVL-3: a public RSA 2048 key is kept', async () => {
    const jwk = await jwkOf(rsa(2048));
    const parsed = parseCardRequest({ ...VALID, publicKey: jwk }, NOW);
    expect(parsed.ok && parsed.value.publicKey).toEqual({ kty: 'RSA', n: jwk.n, e: jwk.e });
  });

  it('R-LVL-3: an RSA key shorter than 2048 bits is refused', async () => {
    const jwk = await jwkOf(rsa(1024));
    expect(fieldsOf({ ...VALID, publicKey: jwk })).toEqual(['publicKey']);
    // The boundary: 342 base64url characters is 2048 bits, 341 is less.
    expect(parseCardRequest({ ...VALID, publicKey: { kty: 'RSA', n: 'A'.repeat(342), e: 'AQAB' } }, NOW).ok).toBe(true);
    expect(fieldsOf({ ...VALID, publicKey: { kty: 'RSA', n: 'A'.repeat(341), e: 'AQAB' } })).toEqual(['publicKey']);
  });

  it('R-LVL-3: private key material is refused, whatever member carries it', async () => {
    for (const params of [EC, rsa(2048)]) {
      const problems = problemsOf({ ...VALID, publicKey: await privateJwkOf(params) });
      expect(problems).toEqual([{ field: 'publicKey', message: 'non deve contenere materiale di chiave privata' }]);
    }
    const pub = await jwkOf(rsa(2048));
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']) {
      expect(fieldsOf({ ...VALID, publicKey: { ...pub, [member]: 'AQAB' } }), member).toEqual(['publicKey']);
    }
    expect(fieldsOf({ ...VALID, publicKey: { kty: 'oct', k: 'c2VjcmV0' } })).toEqual(['publicKey']);
  });

  it('R-LVL-3: other curves, key types and malformed members are refused', async () => {
    const ec = await jwkOf(EC);
    const p384 = await jwkOf({ name: 'ECDSA', namedCurve: 'P-384' });
    for (const bad of [
      p384,
      { ...ec, crv: 'P-384' },
      { ...ec, x: 'a' },
      { ...ec, y: `${ec.y}A` },
      { ...ec, x: 42 },
      { ...ec, x: `${ec.x!.slice(0, 42)}+` },
      { kty: 'OKP', crv: 'Ed25519', x: ec.x },
      { kty: 'RSA', n: 'A'.repeat(342) },
      { kty: 'RSA', n: `${'A'.repeat(341)}=`, e: 'AQAB' },
      { kty: 'RSA', n: 'A'.repeat(342), e: 'A'.repeat(9) },
      {},
      'a key',
      42,
      [ec],
    ]) {
      expect(fieldsOf({ ...VALID, publicKey: bad }), JSON.stringify(bad).slice(0, 80)).toEqual(['publicKey']);
    }
  });
});

describe('the chip key: RSA exponent (R-LVL-3)', () => {
  it('accepts only e = 65537: a CA must not certify a key with a small exponent', () => {
    const n = 'A'.repeat(342);
    for (const e of ['AQ', 'Aw', 'AQAAAQ', 'AQAC']) {
      const parsed = parseCardRequest({ ...VALID, publicKey: { kty: 'RSA', n, e } }, NOW);
      expect(parsed.ok, e).toBe(false);
    }
    expect(parseCardRequest({ ...VALID, publicKey: { kty: 'RSA', n, e: 'AQAB' } }, NOW).ok).toBe(true);
  });
});
