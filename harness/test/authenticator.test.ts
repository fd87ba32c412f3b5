import { createHash, createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SoftwareAuthenticator, cbor, type Cbor } from '../src/actors/authenticator.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('the hand-written CBOR encoder (RFC 8949, appendix A)', () => {
  it.each([
    [0, '00'],
    [23, '17'],
    [24, '1818'],
    [500, '1901f4'],
    [1_000_000, '1a000f4240'],
    [-1, '20'],
    [-7, '26'],
    [-500, '3901f3'],
    ['', '60'],
    ['IETF', '6449455446'],
  ] as const)('%j → %s', (value, expected) => {
    expect(hex(cbor(value))).toBe(expected);
  });

  it('byte strings and maps, keys in the order given', () => {
    expect(hex(cbor(new Uint8Array([1, 2, 3, 4])))).toBe('4401020304');
    expect(
      hex(
        cbor(
          new Map([
            [1, 2],
            [3, 4],
          ]),
        ),
      ),
    ).toBe('a201020304');
    expect(
      hex(
        cbor(
          new Map<Cbor, Cbor>([
            ['a', 1],
            ['b', new Map()],
          ]),
        ),
      ),
    ).toBe('a26161016162a0');
    expect(hex(cbor(new Uint8Array(300))).slice(0, 6)).toBe('59012c');
  });
});

describe('the software authenticator', () => {
  it('registers with attestation "none": authenticatorData carries the rpId hash, UP|UV|AT, the counter, the credential and an ES256 COSE key', async () => {
    const a = await SoftwareAuthenticator.create('http://localhost:8787');
    const reg = await a.register({ challenge: 'abc', rp: { id: 'example.it' } });
    const clientData = JSON.parse(Buffer.from(reg.response.clientDataJSON, 'base64url').toString());
    expect(clientData).toEqual({ type: 'webauthn.create', challenge: 'abc', origin: 'http://localhost:8787', crossOrigin: false });
    const att = Buffer.from(reg.response.attestationObject, 'base64url');
    // {"fmt": "none", "attStmt": {}, "authData": bytes}
    expect(hex(att.subarray(0, 19))).toBe(`a3${hex(cbor('fmt'))}${hex(cbor('none'))}${hex(cbor('attStmt'))}a0`);
    const authData = att.subarray(att.indexOf(Buffer.from('authData')) + 8 + 2);
    expect(hex(authData.subarray(0, 32))).toBe(createHash('sha256').update('example.it').digest('hex'));
    expect(authData[32]).toBe(0x45);
    expect(authData.readUInt32BE(33)).toBe(0);
    expect(authData.readUInt16BE(53)).toBe(32);
    expect(authData.subarray(55, 87).toString('base64url')).toBe(reg.id);
    expect(hex(authData.subarray(87, 94))).toBe('a5010203262001');
  });

  it('asserts with a DER ECDSA signature over authenticatorData ‖ SHA-256(clientDataJSON), the counter moving forward, UV off on request', async () => {
    const a = await SoftwareAuthenticator.create();
    const reg = await a.register({ challenge: 'c', rp: { id: 'localhost' } });
    const authData = Buffer.from(reg.response.attestationObject, 'base64url');
    const cose = authData.subarray(authData.length - 77);
    const key = createPublicKey({
      key: { kty: 'EC', crv: 'P-256', x: cose.subarray(10, 42).toString('base64url'), y: cose.subarray(45, 77).toString('base64url') },
      format: 'jwk',
    });
    for (const expected of [1, 2]) {
      const s = await a.assert('challenge-x');
      const data = Buffer.from(s.response.authenticatorData, 'base64url');
      expect(data.readUInt32BE(33)).toBe(expected);
      expect(data[32]).toBe(0x05);
      const signed = Buffer.concat([data, createHash('sha256').update(Buffer.from(s.response.clientDataJSON, 'base64url')).digest()]);
      expect(verify('sha256', signed, { key, dsaEncoding: 'der' }, Buffer.from(s.response.signature, 'base64url'))).toBe(true);
    }
    const old = await a.assert('y', { counter: 1, userVerified: false });
    const data = Buffer.from(old.response.authenticatorData, 'base64url');
    expect(data.readUInt32BE(33)).toBe(1);
    expect(data[32]).toBe(0x01);
    expect(a.counter).toBe(2);
  });
});
