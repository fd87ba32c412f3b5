import type { Env } from '../env';
import { certificateNotAfter, revocationReasonOf } from '../core/card-auth';
import { CRL_REFRESH_MS, buildCrl } from '../platform/card-ca';
import { directoryFor } from '../platform/directory';
import { fromBase64Url, toBase64Url } from '../platform/encoding';
import { withSecurityHeaders } from '../platform/http';
import type { CardView } from '../../durable-objects/card';
import { ExpiringCache } from '../core/expiring-cache';

/**
 * The card CA's revocation list (docs/level3.md): the certificates of cards blocked, superseded or
 * blocked for good, kept in the directory; the signed CRL is published at /registry/crl.
 */

/** Puts the card's certificate on the list when its status says the CA no longer vouches for it. */
export async function revokeIfOutOfService(env: Env, card: Pick<CardView, 'serial' | 'status' | 'expiresAt' | 'certificate'>, now = Date.now()): Promise<void> {
  const reason = revocationReasonOf(card.status);
  // Cards issued before level 3 carry no certificate: nothing of theirs can be on a CRL.
  if (!reason || !card.certificate) return;
  await directoryFor(env).revokeCertificate({ serial: card.serial, revokedAt: now, reason, notAfter: certificateNotAfter(card.expiresAt).getTime() }, now);
  published.clear();
}

/**
 * The CRL as this isolate last served it, for as long as its answer may be cached anyway
 * (max-age=60): GET /registry/crl is public, and without this every request — a flood included —
 * would be a call to the directory shard that also answers login lookups.
 */
const CRL_SERVED_MS = 60_000;
const published = new ExpiringCache<'crl', Promise<Uint8Array>>(1, CRL_SERVED_MS);

/**
 * GET /registry/crl — public, DER. The CRL last signed is served while it is of the list's current
 * version and younger than CRL_REFRESH_MS; otherwise a new one is signed and kept: so it is rebuilt
 * on the first request after a card changed state, and never served near its nextUpdate.
 */
export async function getCrl(_request: Request, env: Env): Promise<Response> {
  const der = await published.get('crl', Date.now(), () => currentCrl(env));
  return new Response(der, {
    status: 200,
    headers: withSecurityHeaders({ 'Content-Type': 'application/pkix-crl', 'Cache-Control': 'public, max-age=60' }),
  });
}

async function currentCrl(env: Env): Promise<Uint8Array> {
  const now = Date.now();
  const directory = directoryFor(env);
  const list = await directory.revocationList(now);
  let der: Uint8Array;
  if (list.crl && list.crl.version === list.version && now - list.crl.builtAt < CRL_REFRESH_MS) {
    der = fromBase64Url(list.crl.der);
  } else {
    // cRLNumber grows with every CRL signed, whether the list moved or time alone made it stale.
    der = await buildCrl(env, list.entries, now, new Date(now));
    await directory.storeCrl({ version: list.version, builtAt: now, der: toBase64Url(der) });
  }
  return der;
}
