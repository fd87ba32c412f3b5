import { renderSVG } from 'uqr';
import type { Env } from '../env';
import { QR_TTL_MS } from '../core/app-approvals';
import { randomId } from '../platform/crypto';
import { toBase64Url, utf8 } from '../platform/encoding';
import { grantIdOf } from '../platform/objects';
import type { LoginFlow } from './flow';

/**
 * R-LOG-3: the level 2 page's QR code. Its content is opaque to everyone but this service:
 * `CIEID-QR1.<login object id>.<32 random bytes>`, kept only as a hash in the flow. Each rendering of
 * the page issues a new one (the old one stops working), and the flow's alarm kills it after 120 s.
 */
export const QR_PREFIX = 'CIEID-QR1';

export async function qrTokenHash(secret: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(`qr:${secret}`))));
}

export interface QrView {
  svg: string;
  /** What the image encodes: anyone who sees the screen can read it, so the page may carry it too. */
  content: string;
  seconds: number;
}

export async function issueLoginQr(env: Env, flow: LoginFlow): Promise<QrView | undefined> {
  if (flow.request.acr !== 2) return undefined;
  const secret = randomId();
  if (!(await flow.stub.issueQr(await qrTokenHash(secret), Date.now() + QR_TTL_MS))) return undefined;
  const content = `${QR_PREFIX}.${grantIdOf(env, flow.id)}.${secret}`;
  return { svg: renderSVG(content, { border: 2 }), content, seconds: QR_TTL_MS / 1000 };
}
