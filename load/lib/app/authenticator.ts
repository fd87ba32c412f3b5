import { sha256 } from 'k6/crypto';
import encoding from 'k6/encoding';
import { b64url, concat, randomToken, toArrayBuffer, utf8 } from '../bytes.ts';
import { exportP256Jwk } from '../ec-key.ts';
import { cbor, type Cbor } from './cbor.ts';

/**
 * The App CieID's key in software, for k6: an ES256 key pair (WebCrypto), registration with "none"
 * attestation, and assertions with user presence and user verification set (the App code unlocked
 * the key, R-APP-2) and a signature counter the caller moves forward.
 *
 * Registration needs no signature ("none" attestation), so `register` is synchronous and can run
 * inside a flow generator (lib/steps.ts) in lock step with other citizens; only `assert` awaits.
 *
 * API:
 * - `APP_ORIGIN`: the web origin the ceremonies claim — the deployment's APP_ORIGIN, given to k6 as
 *   `-e APP_ORIGIN=…`; without it the deployment's default outside production, http://localhost:8787
 *   (README, App CieID API). The relying party id comes from the creation options.
 * - `DeviceKey`: the key as plain JSON (setup data): credential id, private JWK, rp id, origin.
 * - `SoftwareAuthenticator.create()` (new key) / `.restore(key)` (a DeviceKey imported in a VU).
 * - `register(options)`: navigator.credentials.create()'s answer to the server's creation options.
 * - `assert(challenge, counter)`: navigator.credentials.get()'s answer, signed with that counter.
 * - `derSignature(raw)`: WebCrypto's r‖s as the ASN.1 DER WebAuthn carries.
 */
export const APP_ORIGIN = (__ENV.APP_ORIGIN ?? '').trim() || 'http://localhost:8787';

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;
/** A software authenticator has no model to attest: the all-zero AAGUID. */
const AAGUID = new Uint8Array(16);
/** COSE (RFC 9053): kty EC2, alg ES256, crv P-256, x, y. */
const COSE = { kty: 1, alg: 3, crv: -1, x: -2, y: -3, EC2: 2, ES256: -7, P256: 1 } as const;

export interface DeviceKey {
  credentialId: string;
  privateJwk: JsonWebKey;
  rpId: string;
  origin: string;
}

interface Credential<R> {
  id: string;
  rawId: string;
  type: 'public-key';
  response: R;
  clientExtensionResults: Record<string, never>;
  authenticatorAttachment: 'platform';
}

export type RegistrationResponse = Credential<{ clientDataJSON: string; attestationObject: string; transports: string[] }>;
export type AssertionResponse = Credential<{ clientDataJSON: string; authenticatorData: string; signature: string }>;

const bytesOf = (b64u: string): Uint8Array => new Uint8Array(encoding.b64decode(b64u, 'rawurl'));
const digest = (data: string | Uint8Array): Uint8Array => new Uint8Array(sha256(typeof data === 'string' ? data : toArrayBuffer(data), 'binary'));
const u32 = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);

function derInteger(unsigned: Uint8Array): Uint8Array {
  let i = 0;
  while (i < unsigned.length - 1 && unsigned[i] === 0) i++;
  const trimmed = unsigned.subarray(i);
  // A high first bit would read as negative: DER prefixes a zero byte.
  const value = trimmed[0]! & 0x80 ? concat(Uint8Array.of(0), trimmed) : trimmed;
  return concat(Uint8Array.of(0x02, value.length), value);
}

export function derSignature(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  const body = concat(derInteger(raw.subarray(0, half)), derInteger(raw.subarray(half)));
  return concat(Uint8Array.of(0x30, body.length), body);
}

export class SoftwareAuthenticator {
  private constructor(
    readonly key: DeviceKey,
    private readonly signingKey: CryptoKey,
  ) {}

  static async create(origin = APP_ORIGIN): Promise<SoftwareAuthenticator> {
    const pair = (await crypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
    const privateJwk = await exportP256Jwk(pair.privateKey);
    // The rp id is the server's to say, in the creation options; until then the development one.
    return new SoftwareAuthenticator({ credentialId: randomToken(32), privateJwk, rpId: 'localhost', origin }, pair.privateKey);
  }

  static async restore(key: DeviceKey): Promise<SoftwareAuthenticator> {
    return new SoftwareAuthenticator(key, await crypto.subtle.importKey('jwk', key.privateJwk, EC, false, ['sign']));
  }

  private clientData(type: 'webauthn.create' | 'webauthn.get', challenge: string): Uint8Array {
    return utf8(JSON.stringify({ type, challenge, origin: this.key.origin, crossOrigin: false }));
  }

  private credential<R>(response: R): Credential<R> {
    const id = this.key.credentialId;
    return { id, rawId: id, type: 'public-key', response, clientExtensionResults: {}, authenticatorAttachment: 'platform' };
  }

  register(options: { challenge: string; rp?: { id?: string } }): RegistrationResponse {
    if (options.rp?.id) this.key.rpId = options.rp.id;
    const { x, y } = this.key.privateJwk;
    const coseKey = cbor(
      new Map<Cbor, Cbor>([
        [COSE.kty, COSE.EC2],
        [COSE.alg, COSE.ES256],
        [COSE.crv, COSE.P256],
        [COSE.x, bytesOf(x!)],
        [COSE.y, bytesOf(y!)],
      ]),
    );
    const credentialId = bytesOf(this.key.credentialId);
    const authData = concat(
      digest(this.key.rpId),
      Uint8Array.of(FLAG_UP | FLAG_UV | FLAG_AT),
      u32(0),
      AAGUID,
      Uint8Array.of(credentialId.length >> 8, credentialId.length & 0xff),
      credentialId,
      coseKey,
    );
    const attestation = cbor(
      new Map<Cbor, Cbor>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]),
    );
    return this.credential({
      clientDataJSON: b64url(this.clientData('webauthn.create', options.challenge)),
      attestationObject: b64url(attestation),
      transports: ['internal'],
    });
  }

  /** The signature covers authenticatorData ‖ SHA-256(clientDataJSON). */
  async assert(challenge: string, counter: number): Promise<AssertionResponse> {
    const authData = concat(digest(this.key.rpId), Uint8Array.of(FLAG_UP | FLAG_UV), u32(counter));
    const clientData = this.clientData('webauthn.get', challenge);
    const raw = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, this.signingKey, toArrayBuffer(concat(authData, digest(clientData))));
    return this.credential({
      clientDataJSON: b64url(clientData),
      authenticatorData: b64url(authData),
      signature: b64url(derSignature(new Uint8Array(raw))),
    });
  }
}
