import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { HttpError, badRequest, tooManyRequests } from '../../core/errors';
import { json, readJsonObject } from '../../platform/http';
import { grantObject } from '../../platform/objects';
import type { CardView } from '../../../durable-objects/card';
import type { Approval } from '../../../durable-objects/device-table';
import { approvalWaitMessage, parseQrContent } from '../../core/app-approvals';
import { APPROVAL_SETTLES_FROM, LOGIN_FLOW, LOGIN_QR_STEPS } from '../../core/login-flow';
import { openApproval, qrTokenHash } from '../../platform/app-approvals';
import { readFlowAt } from '../../platform/flows';
import { logAppAttempt } from '../access-log';
import { approvalJson } from './approvals';
import { requireDeviceSession } from '../session';

/**
 * POST /app/qr — R-LOG-3: the App scanned the level 2 page's QR code. The code is taken once, by this
 * device; the answer is an approval like a push's, bound to that login and to this device only,
 * which the citizen confirms with a WebAuthn assertion (POST /app/approvals/:id).
 */
export async function scanQr(request: IRequest, env: Env): Promise<Response> {
  const { card, device } = await requireDeviceSession(request, env);
  const body = await readJsonObject(request);
  const scanned = parseQrContent(body.content);
  if (!scanned) throw badRequest('Questo QR code non è di CieID', [{ field: 'content', message: 'non valido' }]);
  const view = (await card.view()) as CardView | null;
  if (!view) throw new HttpError(401, 'unauthorized', 'Sessione del dispositivo non valida');
  const stub = grantObject(env, scanned.loginObjectId);
  const claim = stub ? await stub.claimQr(await qrTokenHash(scanned.secret), device.id, LOGIN_QR_STEPS.at) : { outcome: 'unknown' as const };
  if (claim.outcome !== 'ok') {
    await logAppAttempt(env, view.serial, null, 'app_refused', `qr_${claim.outcome}`);
    throw new HttpError(410, 'qr_refused', 'QR code scaduto o già usato: genera un nuovo codice sulla pagina di accesso.');
  }
  const flow = await readFlowAt(LOGIN_FLOW, stub!);
  if (!flow) throw new HttpError(410, 'qr_refused', 'La richiesta di accesso non è più valida.');
  const opened = await openApproval(
    env,
    {
      flowObjectId: scanned.loginObjectId,
      request: flow.data,
      serial: view.serial,
      kind: 'qr',
      deviceId: device.id,
      fromSteps: [APPROVAL_SETTLES_FROM.qr],
    },
    flow.stub,
  );
  if (!opened.opened) {
    if ('gone' in opened) throw new HttpError(410, 'qr_refused', 'La richiesta di accesso non è più valida.');
    throw tooManyRequests(approvalWaitMessage(opened.waitSeconds), opened.waitSeconds);
  }
  const approval = (await card.findApproval(opened.id, device.id)) as Approval | null;
  if (!approval) throw new HttpError(410, 'approval_gone', 'Richiesta di accesso scaduta');
  return json(approvalJson(approval), 201);
}
