import type { IRequest } from 'itty-router';
import { verifyAuthenticationResponse, type AuthenticationResponseJSON } from '@simplewebauthn/server';
import { isoBase64URL, parseAuthenticatorData } from '@simplewebauthn/server/helpers';
import type { Env } from '../../env';
import { HttpError, badRequest } from '../../core/errors';
import { counterAdvances } from '../../core/app-approvals';
import { checkedMove } from '../../core/flows';
import { APPROVAL_SETTLES_FROM, LOGIN_FLOW, afterAppDecision } from '../../core/login-flow';
import type { Level } from '../../core/login-levels';
import { readFlowAt } from '../../platform/flows';
import { json, readJsonObject } from '../../platform/http';
import { grantObject } from '../../platform/objects';
import type { CardView } from '../../../durable-objects/card';
import type { Approval, DeviceRecord } from '../../../durable-objects/device-table';
import { logAppAttempt } from '../access-log';
import { appRelyingParty } from '../relying-party';
import { type DeviceSession, requireDeviceSession } from '../session';

export const approvalJson = (a: Approval) => ({
  id: a.id,
  kind: a.kind,
  rpName: a.rpName,
  level: a.level,
  attributes: a.attributes,
  challenge: a.challenge,
  expiresAt: new Date(a.expiresAt).toISOString(),
});

/** GET /app/approvals — the local stand-in for FCM/APNs: what this device may approve now. */
export async function listApprovals(request: IRequest, env: Env): Promise<Response> {
  const { card, device } = await requireDeviceSession(request, env);
  const pending = (await card.pendingApprovals(device.id)) as Approval[];
  return json({ approvals: pending.map(approvalJson) });
}

const refused = (message: string) => new HttpError(403, 'approval_refused', message);

type Check = { ok: true; counter: number } | { ok: false; reason: string };

/** WebAuthn with user verification (the App code or biometrics, R-APP-2), over this approval's challenge. */
async function checkAssertion(env: Env, device: DeviceRecord, approval: Approval, assertion: AuthenticationResponseJSON): Promise<Check> {
  let presented: number;
  try {
    presented = parseAuthenticatorData(isoBase64URL.toBuffer(assertion.response.authenticatorData)).counter;
  } catch {
    return { ok: false, reason: 'assertion_malformed' };
  }
  if (!counterAdvances(device.counter, presented)) return { ok: false, reason: 'counter_not_increasing' };
  const rp = appRelyingParty(env);
  try {
    const result = await verifyAuthenticationResponse({
      response: assertion,
      expectedChallenge: approval.challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      credential: { id: device.credentialId, publicKey: isoBase64URL.toBuffer(device.publicKey), counter: device.counter },
      requireUserVerification: true,
    });
    return result.verified ? { ok: true, counter: result.authenticationInfo.newCounter } : { ok: false, reason: 'assertion_invalid' };
  } catch {
    return { ok: false, reason: 'assertion_invalid' };
  }
}

/**
 * POST /app/approvals/:id — {decision: approve|deny, assertion}. Approve: the assertion must sign this
 * approval's challenge with this device's key, user verified, its counter moving forward; then the
 * approval and the flow's challenge are each taken once, and the login moves to consent. Deny: the
 * login moves to a refusal page, from which the service gets access_denied.
 */
export async function decideApproval(request: IRequest, env: Env): Promise<Response> {
  const session = await requireDeviceSession(request, env);
  const { card, device } = session;
  const body = await readJsonObject(request);
  const decision = body.decision;
  if (decision !== 'approve' && decision !== 'deny') throw badRequest('decision: approve o deny', [{ field: 'decision', message: 'non valido' }]);
  const view = (await card.view()) as CardView | null;
  if (!view) throw refused('Richiesta non più valida');
  const approval = (await card.findApproval(String(request.params.approvalId ?? ''), device.id)) as Approval | null;
  if (!approval) {
    await logAppAttempt(env, view.serial, null, 'app_refused', 'approval_unknown');
    throw new HttpError(410, 'approval_gone', 'Richiesta di accesso scaduta, già decisa o sconosciuta');
  }

  if (decision === 'approve') {
    const assertion = body.assertion as AuthenticationResponseJSON | undefined;
    const check =
      assertion && typeof assertion === 'object' && assertion.response
        ? await checkAssertion(env, device, approval, assertion)
        : { ok: false as const, reason: 'assertion_missing' };
    if (!check.ok) return refuse(env, view, approval, check.reason);
    if (!(await card.advanceDeviceCounter(device.id, check.counter))) return refuse(env, view, approval, 'counter_not_increasing');
  }
  if (!(await card.takeApproval(approval.id, device.id))) return refuse(env, view, approval, 'approval_replayed');
  return settle(env, session, view, approval, decision);
}

async function refuse(env: Env, view: CardView, approval: Approval, reason: string): Promise<Response> {
  await logAppAttempt(env, view.serial, approval, 'app_refused', reason);
  throw refused('Autorizzazione non valida');
}

async function settle(env: Env, { device }: DeviceSession, view: CardView, approval: Approval, decision: 'approve' | 'deny'): Promise<Response> {
  const stub = grantObject(env, approval.flow);
  const flow = stub ? await readFlowAt(LOGIN_FLOW, stub) : null;
  if (!stub || !flow) return refuse(env, view, approval, 'flow_gone');
  const next = afterAppDecision(flow.data.login ?? null, view.serial, view, decision, approval.level as Level, Date.now());
  const move = checkedMove(LOGIN_FLOW, APPROVAL_SETTLES_FROM[approval.kind], next.to, { login: next.login });
  if (!(await stub.settleApp(approval.id, approval.challenge, view.serial, device.id, move))) {
    return refuse(env, view, approval, 'flow_moved');
  }
  if (next.outcome === 'denied') await logAppAttempt(env, view.serial, approval, 'app_denied');
  else if (next.cardRefusal) await logAppAttempt(env, view.serial, approval, 'card_refused', next.cardRefusal);
  return json({ outcome: next.outcome });
}
