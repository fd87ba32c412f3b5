import type { Env } from '../env';
import { APPROVAL_TTL_MS } from '../core/app-approvals';
import { consentLabels } from '../core/claim-labels';
import type { AppChallenge } from '../../durable-objects/flow-app-table';
import type { ApprovalOpening } from '../../durable-objects/device-table';
import { randomId } from './crypto';
import { toBase64Url, utf8 } from './encoding';
import { type FlowStub, cardObject, grantIdOf } from './objects';
import type { LoginRequest } from '../core/login-request';
import { APP_APPROVAL_STEPS } from '../core/login-flow';

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
