import { encode } from 'uqr';
import type { Env } from '../env';
import { QR_TTL_MS, qrContent } from '../core/app-approvals';
import { l3CodeHash, qrTokenHash } from '../platform/app-approvals';
import { randomId } from '../platform/crypto';
import { grantIdOf } from '../platform/objects';
import type { LoginFlow } from './flow';
import { L3_QR_STEPS, LOGIN_QR_STEPS, l3CodeContent } from '../core/login-flow';

/**
 * R-LOG-3: the level 2 page's QR code (its content: core/app-approvals.ts). Each rendering of the
 * page, and each "Genera un nuovo codice", issues a new one (the old one stops working), and the
 * flow's alarm kills it after 120 s.
 */

export interface QrView {
  svg: string;
  /** What the image encodes: anyone who sees the screen can read it, so the page may carry it too. */
  content: string;
  seconds: number;
}

/** White modules inside the image; the page's box adds white padding up to the 4-module quiet zone. */
export const QR_BORDER = 2;
/** The image's size on screen: a phone camera reads it across a desk, and it fits a 390 px phone. */
const QR_TARGET_PX = 224;
const UNIT = 10;
/**
 * The mask is fixed instead of scored: choosing among the eight by the standard's penalty rules took
 * 0.9 of the 1.0 ms a code cost to make, on every level 2 page. Mask 2 is the one the penalty rules
 * pick for two thirds of our codes (version 6, random content), and a test decodes codes made with it.
 */
export const QR_MASK = 2;

/** The code's modules, its quiet-zone border included: true is dark. */
export const qrModules = (content: string): { size: number; data: boolean[][]; maskPattern: number } =>
  encode(content, { border: QR_BORDER, maskPattern: QR_MASK });

/**
 * The code as an SVG with a size of its own (an SVG with only a viewBox collapses to nothing in the
 * page's inline-block box) and a whole number of CSS pixels per module, drawn without anti-aliasing,
 * so every module stays a sharp black square on white for a camera or a QR reader on a screenshot.
 */
export function qrSvg(content: string): string {
  const { size, data } = qrModules(content);
  const px = size * Math.max(4, Math.round(QR_TARGET_PX / size));
  const dark = data.flatMap((row, y) => row.flatMap((on, x) => (on ? [`M${x * UNIT},${y * UNIT}h${UNIT}v${UNIT}h-${UNIT}z`] : []))).join('');
  const side = size * UNIT;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${side} ${side}" width="${px}" height="${px}" shape-rendering="crispEdges" aria-hidden="true" focusable="false">` +
    `<rect fill="#fff" width="${side}" height="${side}"/><path fill="#000" d="${dark}"/></svg>`
  );
}

/** `renewal`: the citizen asked for a new code (FlowSession.issueQr says what that adds). */
export async function issueLoginQr(env: Env, flow: LoginFlow, { renewal = false } = {}): Promise<QrView | undefined> {
  if (flow.request.acr !== 2) return undefined;
  const secret = randomId();
  if (!(await flow.stub.issueQr(await qrTokenHash(secret), Date.now() + QR_TTL_MS, LOGIN_QR_STEPS, renewal))) return undefined;
  const content = qrContent(grantIdOf(env, flow.id), secret);
  return { svg: qrSvg(content), content, seconds: QR_TTL_MS / 1000 };
}

/**
 * R-LOG-4, R-LOG-5: the level 3 code of this rendering — the PC's QR code (FASE 1) or, on the phone
 * page, the deep link's — valid until `expiresAt` (the try's deadline on the PC, 300 s on the phone).
 * Each rendering retires the code before it; a scan in progress goes on (FlowSession.issueQr).
 */
export async function issueL3Code(env: Env, flow: LoginFlow, expiresAt: number): Promise<QrView | undefined> {
  const secret = randomId();
  if (!(await flow.stub.issueQr(await l3CodeHash(secret), expiresAt, L3_QR_STEPS))) return undefined;
  const content = l3CodeContent(grantIdOf(env, flow.id), secret);
  return { svg: qrSvg(content), content, seconds: Math.max(0, Math.ceil((expiresAt - Date.now()) / 1000)) };
}
