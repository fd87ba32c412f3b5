import type { Env } from '../env';
import { APPROVAL_TTL_MS } from '../core/app-approvals';
import { consentLabels } from '../core/claim-labels';
import type { AppChallenge } from '../../durable-objects/flow-app-table';
import type { ApprovalOpening } from '../../durable-objects/device-table';
import type { FlowMove } from '../core/flows';
import type { OtpSubject } from '../core/otp-send';
import { randomId } from './crypto';
import { toBase64Url, utf8 } from './encoding';
import { type FlowStub, cardObject, grantIdOf } from './objects';
import { issueShownOtp } from './otp';
import type { LoginRequest } from '../core/login-request';
import { APP_APPROVAL_STEPS, CARD_APPROVAL_STEPS, type CardApprovalStep, cardApprovalId } from '../core/login-flow';

/**
 * R-LOG-2 (push) and R-LOG-3 (QR): an approval is opened on the identity's Card, where the App finds
 * it, and its challenge is set in the login flow, which takes it once. Used by the login pages (push)
 * and by the App's QR scan; the rate limit (a flood of pushes) is the Card's. The steps are the
 * login kind's (core/login-flow.ts).
 */
export interface ApprovalTarget {
  flowId?: string;
  /** The login FlowSession's object id, when the flow id is not known (a scanned QR code). */
  flowObjectId?: string;
  request: Pick<LoginRequest, 'clientId' | 'clientName' | 'acr' | 'scope' | 'claims'>;
  serial: string;
  kind: 'push' | 'qr';
  deviceId: string | null;
  fromSteps: string[];
}

export type OpenedApproval = { opened: true; id: string; challenge: string } | Extract<ApprovalOpening, { opened: false }> | { opened: false; gone: true };

export async function openApproval(env: Env, target: ApprovalTarget, stub: FlowStub): Promise<OpenedApproval> {
  const id = randomId(16);
  const challenge = randomId();
  const { request } = target;
  const opening = await cardObject(env, target.serial).openApproval({
    id,
    flow: target.flowObjectId ?? grantIdOf(env, target.flowId!),
    rp: request.clientId,
    kind: target.kind,
    deviceId: target.deviceId,
    challenge,
    rpName: request.clientName,
    level: request.acr,
    attributes: consentLabels(request.scope, request.claims),
  });
  if (!opening.opened) return opening;
  const set: AppChallenge = {
    approvalId: id,
    challenge,
    serial: target.serial,
    deviceId: target.deviceId,
    fromSteps: target.fromSteps,
    expiresAt: Date.now() + APPROVAL_TTL_MS,
  };
  if (!(await stub.openAppChallenge(set, APP_APPROVAL_STEPS))) return { opened: false, gone: true };
  return { opened: true, id, challenge };
}

/** The QR secret as the flow keeps it: a hash, so the flow's storage alone cannot make a working code. */
export async function qrTokenHash(secret: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(`qr:${secret}`))));
}

/**
 * The level 3 code's secret as the flow keeps it (R-LOG-4, R-LOG-5). Hashed apart from the level 2 QR
 * code's: the flow has one code slot, and a level 2 code still in it when the login moves to level 3
 * must not pass for a level 3 one with its prefix rewritten.
 */
export async function l3CodeHash(secret: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(`l3:${secret}`))));
}

/**
 * R-LOG-4, R-LOG-5: an approval of kind 'card' — the App's card signature over a level 3 login's
 * challenge. It lives in the login flow only (its App challenge, taken once by settleApp), not among
 * the Card's approvals: those are what GET /app/approvals lists and POST /app/approvals decides with
 * a WebAuthn assertion, and a device's key alone must never settle a level 3 login. Its id names the
 * login and the challenge (core/login-flow.ts), so the App's answer finds both.
 */
export interface CardApprovalTarget {
  loginObjectId: string;
  /** The step the login was at when the App presented its code: the phone's deep link or the PC's QR code. */
  from: CardApprovalStep;
  /** R-LOG-5: the serial typed on the PC, which the signing card must carry; null on the phone. */
  serial: string | null;
  deviceId: string;
  expiresAt: number;
}

export type OpenedCardApproval = { opened: true; id: string; challenge: string } | { opened: false };

export async function openCardApproval(stub: FlowStub, target: CardApprovalTarget): Promise<OpenedCardApproval> {
  const challenge = randomId();
  const id = cardApprovalId(target.loginObjectId, challenge);
  const set: AppChallenge = {
    approvalId: id,
    challenge,
    serial: target.serial,
    deviceId: target.deviceId,
    fromSteps: [target.from],
    expiresAt: target.expiresAt,
  };
  if (!(await stub.openAppChallenge(set, CARD_APPROVAL_STEPS))) return { opened: false };
  return { opened: true, id, challenge };
}

/**
 * The card's signature verified, the challenge is taken once — for this approval, this card and this
 * device — and the login makes `move` in the same call: of 100 concurrent presentations one wins.
 */
export async function settleCardApproval(stub: FlowStub, id: string, challenge: string, serial: string, deviceId: string, move: FlowMove): Promise<boolean> {
  return stub.settleApp(id, challenge, serial, deviceId, move);
}

/**
 * R-LOG-5, FASE 2: the 4-digit code the App shows and the citizen types on the PC that showed the QR
 * code. It is the flow's one-time code (FlowSession's otp table: hash only, 5 wrong per flow, 30 s
 * between codes), in the hash layout of every code (core/otp-send), bound to the login's object id —
 * the name both the App's side and the pages' side know — and checked by platform/otp's checkOtp with
 * that same id. Issued before the move that shows it: of concurrent presentations only the first
 * gets a code (the others are told to wait), so no later one can replace the code the App shows.
 */
export const cardOtpSubject = (serviceName: string): OtpSubject => ({ for: 'login', serviceName });

export function issueCardOtp(env: Env, stub: FlowStub, loginObjectId: string): ReturnType<typeof issueShownOtp> {
  return issueShownOtp(env, { id: loginObjectId, stub }, cardOtpSubject(''));
}
