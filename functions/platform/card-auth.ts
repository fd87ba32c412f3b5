// Before @peculiar/x509, as in card-ca.ts: the library needs the Reflect polyfill loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import type { Env } from '../env';
import {
  CARD_CERTIFICATE_MAX_CHARS,
  CARD_SIGNATURE_MAX_CHARS,
  type CardAuthReason,
  type CardCertificateOnly,
  type CardPresentation,
  cardAuthRefusal,
  cardSerialOfCertificate,
  cardSignedMessage,
} from '../core/card-auth';
import type { CardView } from '../../durable-objects/card';
import { cardCa } from './card-ca';
import { fromBase64Url, toBase64Url } from './encoding';
import { cardObject } from './objects';

/**
 * The server's checks on a card presentation (docs/level3.md, checks 1–7; R-LVL-3, R-CARD-4, R-LOG-4,
 * R-LOG-5, R-LOG-6). Whatever arrives — any size, any bytes — the answer is a reason, never a throw:
 * the edge turns it into a 4xx. Logging the refusal in the holder's access log is the caller's, who
 * knows the relying party and the level asked for; `serial` says whose log, once the holder is known.
 */
export type CardVerification = { ok: true; serial: string; card: CardView } | { ok: false; reason: CardAuthReason; serial?: string };

/** A DER certificate of our profile is about 600 bytes (RSA 8192 about 1,500); 8 KB of text decodes to at most 6 KB. */
const DER_MAX_BYTES = 6 * 1024;
/** asn1js's own limits are sized for any document; a certificate is a few levels deep and a few hundred nodes. */
const PARSE_LIMITS: x509.ParseOptions = { berOptions: { maxDepth: 16, maxNodes: 1024, maxContentLength: DER_MAX_BYTES } };

const PEM_CERTIFICATE = /^-----BEGIN CERTIFICATE-----\r?\n?([A-Za-z0-9+/=\r\n ]+)-----END CERTIFICATE-----\r?\n?$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

function decodeBase64(text: string): Uint8Array | null {
  const b64 = text.replace(/[\r\n ]/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) return null;
  try {
    const bin = atob(b64);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

/** The certificate's DER from the PEM or base64url text a presentation carries; null for anything else. */
function certificateDer(text: unknown): Uint8Array | null {
  if (typeof text !== 'string' || text.length === 0 || text.length > CARD_CERTIFICATE_MAX_CHARS) return null;
  const pem = PEM_CERTIFICATE.exec(text.trim());
  let der: Uint8Array | null = null;
  if (pem) der = decodeBase64(pem[1]!);
  else if (BASE64URL.test(text) && text.length % 4 !== 1) der = fromBase64Url(text);
  return der && der.length <= DER_MAX_BYTES && oneDerSequence(der) ? der : null;
}

/**
 * One DER SEQUENCE and nothing after it. The library reads the first element and ignores what
 * follows, so bytes appended to a real certificate would otherwise pass for it.
 */
function oneDerSequence(der: Uint8Array): boolean {
  if (der.length < 2 || der[0] !== 0x30) return false;
  const first = der[1]!;
  if (first < 0x80) return der.length === 2 + first;
  const octets = first & 0x7f;
  if (octets < 1 || octets > 2 || der.length < 2 + octets) return false;
  let length = 0;
  for (let i = 0; i < octets; i++) length = length * 256 + der[2 + i]!;
  return der.length === 2 + octets + length;
}

interface ParsedCertificate {
  certificate: x509.X509Certificate;
  /** Its DER as base64url, the form the Card object keeps: PEM and DER input compare alike. */
  der: string;
  serialHex: string;
  notBefore: number;
  notAfter: number;
}

/** Check 1. The library parses lazily: every field the later checks read is read here, inside the try. */
function parseCertificate(text: unknown): ParsedCertificate | null {
  const der = certificateDer(text);
  if (!der) return null;
  try {
    const certificate = new x509.X509Certificate(der, PARSE_LIMITS);
    const parsed = {
      certificate,
      der: toBase64Url(der),
      serialHex: certificate.serialNumber,
      notBefore: certificate.notBefore.getTime(),
      notAfter: certificate.notAfter.getTime(),
    };
    void certificate.publicKey.algorithm;
    void certificate.issuerName.toArrayBuffer();
    if (!Number.isFinite(parsed.notBefore) || !Number.isFinite(parsed.notAfter)) return null;
    return parsed;
  } catch {
    return null;
  }
}

function sameBytes(a: ArrayBuffer, b: ArrayBuffer): boolean {
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** Check 2: issued by the configured CA — its name, its signature — and not a CA itself (the CA's own certificate verifies under its key). */
async function trusted(env: Env, certificate: x509.X509Certificate): Promise<boolean> {
  const ca = await cardCa(env);
  try {
    if (!sameBytes(certificate.issuerName.toArrayBuffer(), ca.certificate.subjectName.toArrayBuffer())) return false;
    if (certificate.getExtension(x509.BasicConstraintsExtension)?.ca) return false;
    if (sameBytes(certificate.rawData, ca.certificate.rawData)) return false;
    return await certificate.verify({ publicKey: ca.certificate.publicKey, signatureOnly: true });
  } catch {
    return false;
  }
}

/** Check 7: ES256 for an EC key (the 64-byte r‖s), RS256 for an RSA key, over cardSignedMessage(challenge). */
async function signatureVerifies(certificate: x509.X509Certificate, signature: unknown, challenge: string): Promise<boolean> {
  if (typeof signature !== 'string' || signature.length === 0 || signature.length > CARD_SIGNATURE_MAX_CHARS) return false;
  if (!BASE64URL.test(signature) || signature.length % 4 === 1) return false;
  const bytes = fromBase64Url(signature);
  const message = cardSignedMessage(challenge);
  try {
    const algorithm = certificate.publicKey.algorithm as { name: string; namedCurve?: string };
    if (algorithm.name === 'ECDSA' && algorithm.namedCurve === 'P-256') {
      if (bytes.length !== 64) return false;
      const key = await certificate.publicKey.export({ name: 'ECDSA', namedCurve: 'P-256' }, ['verify']);
      return await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, bytes, message);
    }
    if (algorithm.name.startsWith('RSA')) {
      const key = await certificate.publicKey.export({ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, ['verify']);
      if (((key.algorithm as { modulusLength?: number }).modulusLength ?? 0) < 2048) return false;
      return await crypto.subtle.verify('RSASSA-PKCS1-v1_5', key, bytes, message);
    }
  } catch {
    return false;
  }
  return false;
}

/**
 * The checks of docs/level3.md: 1–3, then 7 (the signature), then 4–6. `challenge` null: a reader's certificate, whose
 * possession the TLS handshake proved (R-LOG-6), and checks 1–6 only. The challenge's binding to
 * the flow and its single use are the flow's (FlowSession takes it once, in the move that uses it).
 */
export async function verifyCardPresentation(
  env: Env,
  presentation: CardPresentation | CardCertificateOnly,
  challenge: string | null,
  now: Date,
): Promise<CardVerification> {
  const parsed = parseCertificate((presentation as { certificate?: unknown } | null)?.certificate);
  if (!parsed) return { ok: false, reason: 'certificate_malformed' };
  if (!(await trusted(env, parsed.certificate))) return { ok: false, reason: 'certificate_untrusted' };
  const at = now.getTime();
  if (at < parsed.notBefore || at > parsed.notAfter) return { ok: false, reason: 'certificate_expired' };
  // The signature before the card's state: a certificate is public, so whoever holds one must not
  // learn from the answer whether its card is blocked or its holder a minor, nor write refusals into
  // the holder's access log (capped) without the card. Hence no serial with this refusal either.
  if (challenge !== null && !(await signatureVerifies(parsed.certificate, (presentation as { signature?: unknown }).signature, challenge))) {
    return { ok: false, reason: 'signature_invalid' };
  }

  const serial = cardSerialOfCertificate(parsed.serialHex);
  if (!serial) return { ok: false, reason: 'card_unknown' };
  const card = (await cardObject(env, serial).view(at)) as CardView | null;
  if (!card) return { ok: false, reason: 'card_unknown' };
  // A card's certificate is the one it was issued with: any other naming the serial is not this card's.
  if (card.certificate !== parsed.der) return { ok: false, reason: 'card_unknown', serial };

  const refusal = cardAuthRefusal(card, now);
  if (refusal) return { ok: false, reason: refusal, serial };
  return { ok: true, serial, card };
}
