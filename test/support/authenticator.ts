import { isoCBOR } from '@simplewebauthn/server/helpers';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { fromBase64Url, toBase64Url, utf8 } from '../../functions/platform/encoding';
import { DEV_APP_ORIGIN, DEV_APP_RP_ID } from '../../functions/core/app-relying-party';

/**
 * A software WebAuthn authenticator, as the App CieID's secure element behaves: an ES256 key pair
 * (WebCrypto), "none" attestation, the UV flag set because the App code or biometrics unlocked the
 * key, and a signature counter that moves forward with each assertion. CBOR through
 * @simplewebauthn/server's own encoder (tiny-cbor, already installed with it), so the bytes are
 * what the verifier's decoder expects and no CBOR library is added for the tests alone.
 * Each knob lets a test break one thing (no UV, an old counter, another origin…).
 */
const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
};

// Copies into a fresh ArrayBuffer: Node's DOM typings refuse a view that might be shared.
const sha256 = async (data: Uint8Array) => new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(data)));

const u32 = (n: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
};

/** WebCrypto signs ECDSA as r‖s; WebAuthn carries an ASN.1 DER SEQUENCE of two INTEGERs. */
function derSignature(raw: Uint8Array): Uint8Array {
  const integer = (bytes: Uint8Array) => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    let v = bytes.slice(i);
    if (v[0]! & 0x80) v = concat(new Uint8Array([0]), v);
    return concat(new Uint8Array([0x02, v.length]), v);
  };
  const body = concat(integer(raw.slice(0, 32)), integer(raw.slice(32)));
  return concat(new Uint8Array([0x30, body.length]), body);
}

export interface AssertionOptions {
  userVerified?: boolean;
  /** Sign with this counter instead of the next one (a cloned or rolled-back authenticator). */
  counter?: number;
  origin?: string;
  rpID?: string;
}

export class SoftwareAuthenticator {
  counter = 0;
  private constructor(
    readonly credentialId: Uint8Array,
    private readonly keys: CryptoKeyPair,
  ) {}

  static async create(): Promise<SoftwareAuthenticator> {
    const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    return new SoftwareAuthenticator(crypto.getRandomValues(new Uint8Array(32)), keys);
  }

  get id(): string {
    return toBase64Url(this.credentialId);
  }

  private async coseKey(): Promise<Uint8Array> {
    const jwk = (await crypto.subtle.exportKey('jwk', this.keys.publicKey)) as JsonWebKey;
    return isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, fromBase64Url(jwk.x!)],
        [-3, fromBase64Url(jwk.y!)],
      ]),
    );
  }

  private clientData(type: string, challenge: string, origin: string): Uint8Array {
    return utf8(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  /** navigator.credentials.create() answered: attestation "none". */
  async register(options: { challenge: string; rp?: { id?: string } }, knobs: AssertionOptions = {}): Promise<RegistrationResponseJSON> {
    const rpID = knobs.rpID ?? options.rp?.id ?? DEV_APP_RP_ID;
    const flags = FLAG_UP | FLAG_AT | ((knobs.userVerified ?? true) ? FLAG_UV : 0);
    const authData = concat(
      await sha256(utf8(rpID)),
      new Uint8Array([flags]),
      u32(this.counter),
      new Uint8Array(16), // AAGUID: none
      new Uint8Array([this.credentialId.length >> 8, this.credentialId.length & 0xff]),
      this.credentialId,
      await this.coseKey(),
    );
    const attestation = new Map<string, Parameters<typeof isoCBOR.encode>[0]>();
    attestation.set('fmt', 'none');
    attestation.set('attStmt', new Map());
    attestation.set('authData', authData);
    const attestationObject = isoCBOR.encode(attestation);
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: {
        clientDataJSON: toBase64Url(this.clientData('webauthn.create', options.challenge, knobs.origin ?? DEV_APP_ORIGIN)),
        attestationObject: toBase64Url(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** navigator.credentials.get() answered: a signature over authenticatorData ‖ SHA-256(clientDataJSON). */
  async assert(challenge: string, knobs: AssertionOptions = {}): Promise<AuthenticationResponseJSON> {
    const counter = knobs.counter ?? ++this.counter;
    const flags = FLAG_UP | ((knobs.userVerified ?? true) ? FLAG_UV : 0);
    const authData = concat(await sha256(utf8(knobs.rpID ?? DEV_APP_RP_ID)), new Uint8Array([flags]), u32(counter));
    const clientData = this.clientData('webauthn.get', challenge, knobs.origin ?? DEV_APP_ORIGIN);
    const raw = new Uint8Array(
      await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, this.keys.privateKey, new Uint8Array(concat(authData, await sha256(clientData)))),
    );
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: {
        clientDataJSON: toBase64Url(clientData),
        authenticatorData: toBase64Url(authData),
        signature: toBase64Url(derSignature(raw)),
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }
}
