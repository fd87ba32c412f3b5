// @peculiar/x509 resolves its algorithms through tsyringe, which refuses to load without a Reflect
// polyfill: this import must run before the library's.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import type { Env } from '../env';
import { BoundedCache } from '../core/bounded-cache';
import { HttpError } from '../core/errors';
import {
  type CertificateHolder,
  type RevocationReason,
  type RevokedCertificate,
  SUBJECT_SERIAL_NUMBER_OID,
  cardSubject,
  certificateNotAfter,
  certificateNotBefore,
  certificateSerialOf,
} from '../core/card-auth';
import { fromBase64Url, toBase64Url } from './encoding';

/**
 * The issuing CA of the cards' authentication certificates (docs/level3.md): its key and
 * certificate are secrets (CARD_CA_KEY, CARD_CA_CERT); it signs each card's certificate at issue
 * and the CRL of the cards it no longer vouches for.
 */

x509.cryptoProvider.set(crypto);

const P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
/** ECDSA P-256 SHA-256, the only signature the CA makes (certificates and CRLs alike). */
export const ES256 = { name: 'ECDSA', hash: 'SHA-256' } as const;
const RS256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

/** How long a CRL says it holds, and the age past which /registry/crl signs a fresh one anyway. */
export const CRL_LIFETIME_MS = 24 * 3600_000;
export const CRL_REFRESH_MS = CRL_LIFETIME_MS / 2;

const SUBJECT_TYPES: Record<string, string> = { serialNumber: SUBJECT_SERIAL_NUMBER_OID };

export interface CardCa {
  signingKey: CryptoKey;
  certificate: x509.X509Certificate;
  pem: string;
  /** The CA's subject key identifier (hex): every certificate and CRL it signs names it. */
  keyId: string;
}

const unavailable = () => new HttpError(503, 'temporarily_unavailable', 'Servizio temporaneamente non disponibile');

const cas = new BoundedCache<string, Promise<CardCa>>(4);

async function loadCa(keyJson: string, certText: string): Promise<CardCa> {
  const jwk = JSON.parse(keyJson) as JsonWebKey;
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.d !== 'string') throw new Error('CARD_CA_KEY: not a private EC P-256 JWK');
  const signingKey = await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, d: jwk.d }, P256, false, ['sign']);
  const certificate = new x509.X509Certificate(certText);
  // A key and a certificate from two different CAs would issue certificates nobody can verify.
  const published = (await crypto.subtle.exportKey('jwk', await certificate.publicKey.export(P256, ['verify']))) as JsonWebKey;
  if (published.x !== jwk.x || published.y !== jwk.y) throw new Error('CARD_CA_CERT does not certify CARD_CA_KEY');
  const ski = certificate.getExtension(x509.SubjectKeyIdentifierExtension);
  const keyId = ski ? ski.keyId : toHex(await certificate.publicKey.getKeyIdentifier());
  return { signingKey, certificate, pem: certificatePem(toBase64Url(new Uint8Array(certificate.rawData))), keyId };
}

function toHex(buffer: ArrayBuffer): string {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The configured CA, once per isolate and secret; 503 when it is missing or unusable (a deployment fault). */
export async function cardCa(env: Env): Promise<CardCa> {
  const { CARD_CA_KEY, CARD_CA_CERT } = env;
  if (!CARD_CA_KEY || !CARD_CA_CERT) throw unavailable();
  try {
    return await cas.get(`${CARD_CA_KEY}\n${CARD_CA_CERT}`, () => loadCa(CARD_CA_KEY, CARD_CA_CERT));
  } catch {
    // Never the error's message: a JSON parse error quotes the start of its input, here a private key.
    console.error('card-ca: CARD_CA_KEY / CARD_CA_CERT unusable (not a private EC P-256 JWK and its certificate)');
    throw unavailable();
  }
}

/** GET /.well-known/cie-ca.pem: what relying auditors and the card readers trust. */
export async function cardCaPem(env: Env): Promise<string> {
  return (await cardCa(env)).pem;
}

/**
 * The card's public key as WebCrypto holds it, from the JWK core/card-request admitted (EC P-256 or
 * RSA ≥ 2048 bit); null when WebCrypto cannot load it (a point off the curve, a modulus that is no
 * RSA key) — the request is refused then, before anything is issued.
 */
export async function importCardPublicKey(jwk: JsonWebKey): Promise<CryptoKey | null> {
  try {
    if (jwk.kty === 'EC') return await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, P256, true, ['verify']);
    if (jwk.kty === 'RSA') {
      const key = await crypto.subtle.importKey('jwk', { kty: 'RSA', n: jwk.n, e: jwk.e }, RS256, true, ['verify']);
      // The JWK's length said ≥ 2048 bits; leading zero bytes would have said it of a smaller modulus.
      return ((key.algorithm as { modulusLength?: number }).modulusLength ?? 0) >= 2048 ? key : null;
    }
  } catch {
    return null;
  }
  return null;
}

/**
 * What the chip would hold when personalisation gives no key (development): a fresh EC P-256 pair.
 * The private half is returned once, beside PIN and PUK, and kept nowhere.
 */
export async function generateCardKey(): Promise<{ privateJwk: JsonWebKey; publicJwk: JsonWebKey; publicKey: CryptoKey }> {
  const pair = (await crypto.subtle.generateKey(P256, true, ['sign', 'verify'])) as CryptoKeyPair;
  const privateJwk = (await crypto.subtle.exportKey('jwk', pair.privateKey)) as JsonWebKey;
  const publicJwk = (await crypto.subtle.exportKey('jwk', pair.publicKey)) as JsonWebKey;
  return {
    privateJwk: { kty: 'EC', crv: 'P-256', x: privateJwk.x, y: privateJwk.y, d: privateJwk.d },
    publicJwk: { kty: 'EC', crv: 'P-256', x: publicJwk.x, y: publicJwk.y },
    publicKey: pair.publicKey,
  };
}

export interface IssuedCertificate {
  /** DER, base64url: what the Card object keeps. */
  der: string;
  pem: string;
  /** SHA-256 of the DER, lower-case hex (the form Cloudflare's mTLS reports, certFingerprintSHA256). */
  fingerprint: string;
}

export interface CertificateRequest {
  holder: CertificateHolder;
  serial: string;
  issuedAt: number;
  expiresAt: number;
  publicKey: CryptoKey;
}

/** The card's authentication certificate, signed by the CA (profile: docs/level3.md, core/card-auth). */
export async function issueCardCertificate(env: Env, request: CertificateRequest): Promise<IssuedCertificate> {
  const ca = await cardCa(env);
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: certificateSerialOf(request.serial),
    subject: new x509.Name(
      cardSubject(request.holder).map(([type, value]) => ({ [SUBJECT_TYPES[type] ?? type]: [value] })),
      SUBJECT_TYPES,
    ),
    issuer: ca.certificate.subjectName,
    notBefore: certificateNotBefore(request.issuedAt),
    notAfter: certificateNotAfter(request.expiresAt),
    publicKey: request.publicKey,
    signingKey: ca.signingKey,
    signingAlgorithm: ES256,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      new x509.AuthorityKeyIdentifierExtension(ca.keyId),
      await x509.SubjectKeyIdentifierExtension.create(request.publicKey),
    ],
  });
  const der = new Uint8Array(certificate.rawData);
  const derText = toBase64Url(der);
  return { der: derText, pem: certificatePem(derText), fingerprint: await sha256Hex(der) };
}

/** A certificate kept as base64url DER, as PEM (RFC 7468: base64 in lines of 64). */
export function certificatePem(derBase64Url: string): string {
  const b64 = toBase64(fromBase64Url(derBase64Url));
  return `-----BEGIN CERTIFICATE-----\n${b64.replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', bytes));
}

const CRL_REASONS: Record<RevocationReason, x509.X509CrlReason> = {
  // A lost or stolen card is a key out of its holder's hands.
  blocked: x509.X509CrlReason.keyCompromise,
  superseded: x509.X509CrlReason.superseded,
  // R-PUK-3: the card stays an identity document; its use for digital identity is withdrawn.
  puk_blocked: x509.X509CrlReason.privilegeWithdrawn,
};

/** RFC 5280 §5.2.3: cRLNumber, a DER INTEGER that grows with every change of the list. */
function crlNumberExtension(n: number): x509.Extension {
  const bytes: number[] = [];
  let rest = Math.max(0, Math.floor(n));
  do {
    bytes.unshift(rest % 256);
    rest = Math.floor(rest / 256);
  } while (rest > 0);
  if (bytes[0]! >= 0x80) bytes.unshift(0);
  return new x509.Extension('2.5.29.20', false, new Uint8Array([0x02, bytes.length, ...bytes]));
}

/**
 * The CRL (DER) of the cards the CA no longer vouches for, signed now. Certificates already past
 * their notAfter are left out: their expiry refuses them anyway, and the list stays the size of the
 * revoked cards still in validity.
 */
export async function buildCrl(env: Env, revoked: readonly RevokedCertificate[], crlNumber: number, now: Date): Promise<Uint8Array> {
  const ca = await cardCa(env);
  const crl = await x509.X509CrlGenerator.create({
    issuer: ca.certificate.subjectName,
    thisUpdate: now,
    nextUpdate: new Date(now.getTime() + CRL_LIFETIME_MS),
    signingKey: ca.signingKey,
    signingAlgorithm: ES256,
    extensions: [new x509.AuthorityKeyIdentifierExtension(ca.keyId), crlNumberExtension(crlNumber)],
    entries: revoked
      .filter((r) => r.notAfter >= now.getTime())
      .map((r) => ({ serialNumber: certificateSerialOf(r.serial), revocationDate: new Date(r.revokedAt), reason: CRL_REASONS[r.reason] })),
  });
  return new Uint8Array(crl.rawData);
}
