import type { Env } from '../env';
import { testHooksEnabled } from '../env';
import { CARD_CERTIFICATE_MAX_CHARS } from '../core/card-auth';
import { fromBase64Url } from '../platform/encoding';

/**
 * R-LOG-6: the certificate a smart-card reader presented in the TLS handshake. The handshake proved
 * possession of the card's key (the CIE software asked the PIN), so the login checks the certificate
 * only (docs/level3.md, checks 1–6).
 *
 * In production it comes from Cloudflare's mTLS, configured with the card CA: `request.cf.tlsClientAuth`
 * says whether a certificate was presented, whether Cloudflare verified it (`certVerified` is
 * "SUCCESS" also for a revoked one, hence `certRevoked`), and carries the leaf as `certRFC9440`
 * (`:base64-DER:`, RFC 9440). Its `certFingerprintSHA256` must be that DER's: the certificate the
 * checks read is the one the handshake verified.
 *
 * In development and tests, where no TLS reaches the Worker, the header `X-CieID-Test-Client-Cert`
 * stands for the handshake: the PEM (URL-encoded, as nginx forwards it in `$ssl_client_escaped_cert`,
 * or with its line breaks folded into spaces) or the RFC 9440 form. It is honoured only when the test
 * hooks are on (TEST_HOOKS set, ENVIRONMENT not production — env.testHooksEnabled, as /__test
 * decides), and ignored otherwise: in production a client sending it has presented nothing.
 */
export const TEST_CLIENT_CERT_HEADER = 'X-CieID-Test-Client-Cert';

/** What the reader gave: a certificate (base64url DER, as verifyCardPresentation reads it), or why there is none. */
export type ReaderCertificate = { ok: true; certificate: string } | { ok: false; reason: ReaderRefusal };

/** `none`: nothing presented. `unverified`: the edge refused the chain or the certificate is revoked. `mismatch`: the leaf is not the one verified. */
export type ReaderRefusal = 'none' | 'unverified' | 'mismatch';

/** The fields of Cloudflare's tlsClientAuth this reads (workers-types: IncomingRequestCfPropertiesTLSClientAuth). */
export interface TlsClientAuth {
  certPresented?: string;
  certVerified?: string;
  certRevoked?: string;
  certFingerprintSHA256?: string;
  certRFC9440?: string;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const PEM = /^-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----\s*$/;
const RFC9440 = /^:([A-Za-z0-9+/]+={0,2}):$/;

/** Standard base64 to the base64url the checks read; null when it is not base64 at all. */
function base64ToUrl(text: string): string | null {
  const compact = text.replace(/\s+/g, '');
  if (!compact || compact.length % 4 !== 0 || !BASE64.test(compact)) return null;
  return compact.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * A certificate as a header or the edge carries it — PEM (plain, folded or URL-encoded) or RFC 9440 —
 * as base64url DER; null for anything else. Bounded before anything is decoded.
 */
export function certificateFromTransport(value: string | null | undefined): string | null {
  if (!value || value.length > 3 * CARD_CERTIFICATE_MAX_CHARS) return null;
  let text = value.trim();
  if (text.includes('%')) {
    try {
      text = decodeURIComponent(text).trim();
    } catch {
      return null;
    }
  }
  if (text.length > CARD_CERTIFICATE_MAX_CHARS) return null;
  const pem = PEM.exec(text);
  if (pem) return base64ToUrl(pem[1]!);
  const rfc9440 = RFC9440.exec(text);
  return rfc9440 ? base64ToUrl(rfc9440[1]!) : null;
}

async function sha256Hex(der: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', fromBase64Url(der)));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Cloudflare's verdict on the handshake, and the leaf it verified. */
export async function certificateFromTls(tls: TlsClientAuth | null | undefined): Promise<ReaderCertificate> {
  if (tls?.certPresented !== '1') return { ok: false, reason: 'none' };
  if (tls.certVerified !== 'SUCCESS' || tls.certRevoked === '1') return { ok: false, reason: 'unverified' };
  const certificate = certificateFromTransport(tls.certRFC9440);
  if (!certificate) return { ok: false, reason: 'none' };
  const fingerprint = (tls.certFingerprintSHA256 ?? '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(fingerprint) || (await sha256Hex(certificate)) !== fingerprint) return { ok: false, reason: 'mismatch' };
  return { ok: true, certificate };
}

/** The reader's certificate for this request: the test header where it is honoured, else the TLS handshake. */
export async function readerCertificate(request: Request, env: Env): Promise<ReaderCertificate> {
  if (testHooksEnabled(env)) {
    const header = request.headers.get(TEST_CLIENT_CERT_HEADER);
    if (header !== null) {
      const certificate = certificateFromTransport(header);
      return certificate ? { ok: true, certificate } : { ok: false, reason: 'none' };
    }
  }
  const cf = (request as Request & { cf?: { tlsClientAuth?: TlsClientAuth | null } }).cf;
  return certificateFromTls(cf?.tlsClientAuth);
}

/** For tests and docs: the header's value for a PEM, as a development proxy would send it. */
export const testClientCertHeader = (pem: string): string => encodeURIComponent(pem);

/** The fingerprint Cloudflare would report for a base64url DER (tests of the production path). */
export const fingerprintOf = sha256Hex;
