import { createHash, randomBytes, webcrypto } from 'node:crypto';

/**
 * The App CieID's key, in software: an ES256 key pair (Node's WebCrypto), "none" attestation, the UP
 * and UV flags set (the App code or biometrics unlocked the key), and a signature counter that moves
 * forward with each assertion. Knobs let a check break one thing (no UV, an old counter…).
 *
 * CBOR by hand: the two shapes WebAuthn needs here (the COSE key, the attestation object) use only
 * small integers, byte strings, text strings and maps, a few lines to write — no dependency for that.
 */
const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

/**
 * The web origin the App's ceremonies claim: the deployment's APP_ORIGIN, given to the harness in
 * the same variable; without it the deployment's default outside production (README, App CieID API).
 * The relying party id comes from the registration options.
 */
export const DEFAULT_APP_ORIGIN = process.env.APP_ORIGIN || 'http://localhost:8787';
export const DEFAULT_APP_RP_ID = 'localhost';

export type Cbor = number | string | Uint8Array | Map<Cbor, Cbor>;

function head(major: number, n: number): Buffer {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
  if (n < 0x10000) return Buffer.from([(major << 5) | 25, n >> 8, n & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = (major << 5) | 26;
  b.writeUInt32BE(n, 1);
  return b;
}

export function cbor(value: Cbor): Buffer {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, bytes.length), bytes]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value]);
  const parts = [head(5, value.size)];
  for (const [k, v] of value) parts.push(cbor(k), cbor(v));
  return Buffer.concat(parts);
}

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();
const b64u = (data: Uint8Array) => Buffer.from(data).toString('base64url');

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};

/** WebCrypto signs ECDSA as r‖s; WebAuthn carries an ASN.1 DER SEQUENCE of two INTEGERs. */
function derSignature(raw: Uint8Array): Buffer {
  const integer = (bytes: Uint8Array) => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    let v = Buffer.from(bytes.slice(i));
    if (v[0]! & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
    return Buffer.concat([Buffer.from([0x02, v.length]), v]);
  };
  const body = Buffer.concat([integer(raw.slice(0, 32)), integer(raw.slice(32))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

export interface CeremonyKnobs {
  userVerified?: boolean;
  /** Sign with this counter instead of the next one (a cloned or rolled-back key). */
  counter?: number;
  origin?: string;
  rpID?: string;
}

export interface RegistrationResponse {
  id: string;
  rawId: string;
  type: 'public-key';
  response: { clientDataJSON: string; attestationObject: string; transports: string[] };
  clientExtensionResults: Record<string, never>;
  authenticatorAttachment: 'platform';
}

export interface AssertionResponse {
  id: string;
  rawId: string;
  type: 'public-key';
  response: { clientDataJSON: string; authenticatorData: string; signature: string };
  clientExtensionResults: Record<string, never>;
  authenticatorAttachment: 'platform';
}

export class SoftwareAuthenticator {
  counter = 0;
  /** The relying party id the key was registered for (from the creation options). */
  rpID = DEFAULT_APP_RP_ID;
  readonly credentialId: Buffer;
  readonly origin: string;
  private readonly keys: webcrypto.CryptoKeyPair;

  private constructor(credentialId: Buffer, keys: webcrypto.CryptoKeyPair, origin: string) {
    this.credentialId = credentialId;
    this.keys = keys;
    this.origin = origin;
  }

  static async create(origin = DEFAULT_APP_ORIGIN): Promise<SoftwareAuthenticator> {
    const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    return new SoftwareAuthenticator(randomBytes(32), keys, origin);
  }

  get id(): string {
    return b64u(this.credentialId);
  }

  private async coseKey(): Promise<Buffer> {
    const jwk = await webcrypto.subtle.exportKey('jwk', this.keys.publicKey);
    return cbor(
      new Map<Cbor, Cbor>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, Buffer.from(jwk.x!, 'base64url')],
        [-3, Buffer.from(jwk.y!, 'base64url')],
      ]),
    );
  }

  private clientData(type: string, challenge: string, origin: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }), 'utf8');
  }

  /** navigator.credentials.create() answered, attestation "none". */
  async register(options: { challenge: string; rp?: { id?: string } }, knobs: CeremonyKnobs = {}): Promise<RegistrationResponse> {
    const rpID = knobs.rpID ?? options.rp?.id ?? DEFAULT_APP_RP_ID;
    this.rpID = rpID;
    const flags = FLAG_UP | FLAG_AT | ((knobs.userVerified ?? true) ? FLAG_UV : 0);
    const idLength = Buffer.from([this.credentialId.length >> 8, this.credentialId.length & 0xff]);
    const authData = Buffer.concat([
      sha256(rpID),
      Buffer.from([flags]),
      u32(this.counter),
      Buffer.alloc(16),
      idLength,
      this.credentialId,
      await this.coseKey(),
    ]);
    const attestation = cbor(
      new Map<Cbor, Cbor>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]),
    );
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64u(this.clientData('webauthn.create', options.challenge, knobs.origin ?? this.origin)),
        attestationObject: b64u(attestation),
        transports: ['internal'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** navigator.credentials.get() answered: a signature over authenticatorData ‖ SHA-256(clientDataJSON). */
  async assert(challenge: string, knobs: CeremonyKnobs = {}): Promise<AssertionResponse> {
    const counter = knobs.counter ?? ++this.counter;
    const flags = FLAG_UP | ((knobs.userVerified ?? true) ? FLAG_UV : 0);
    const authData = Buffer.concat([sha256(knobs.rpID ?? this.rpID), Buffer.from([flags]), u32(counter)]);
    const clientData = this.clientData('webauthn.get', challenge, knobs.origin ?? this.origin);
    const signed = Buffer.concat([authData, sha256(clientData)]);
    const raw = new Uint8Array(await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, this.keys.privateKey, signed));
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: { clientDataJSON: b64u(clientData), authenticatorData: b64u(authData), signature: b64u(derSignature(raw)) },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }
}
