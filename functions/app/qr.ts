import type { IRequest } from 'itty-router';
import type { Env } from '../env';
import { HttpError, badRequest, tooManyRequests } from '../core/errors';
import { json, readJsonObject } from '../platform/http';
import { grantObject } from '../platform/objects';
import type { CardView } from '../../durable-objects/card';
import type { Approval } from '../../durable-objects/device-table';
import type { FlowState } from '../../durable-objects/flow-session';
import type { LoginRequest } from '../core/login-request';
import { QR_PREFIX, qrTokenHash } from '../login/qr';
import { approvalWaitMessage, openApproval } from '../login/app-push';
import { logAppAttempt } from './access-log';
import { approvalJson } from './approvals';
import { requireDeviceSession } from './session';

const CONTENT = new RegExp(`^${QR_PREFIX}\\.([0-9a-f]{64})\\.([A-Za-z0-9_-]{43})$`);

/**
 * POST /app/qr — R-LOG-3: the App scanned the level 2 page's QR code. The code is taken once, by this
 * device; the answer is an approval like a push's, bound to that login and to this device only,
 * which the citizen confirms with a WebAuthn assertion (POST /app/approvals/:id).
 */
export async function scanQr(request: IRequest, env: Env): Promise<Response> {
  const { card, device } = await requireDeviceSession(request, env);
  const body = await readJsonObject(request);
  const match = typeof body.content === 'string' ? CONTENT.exec(body.content) : null;
  if (!match) throw badRequest('Questo QR code non è di CieID', [{ field: 'content', message: 'non valido' }]);
  const view = (await card.view()) as CardView | null;
  if (!view) throw new HttpError(401, 'unauthorized', 'Sessione del dispositivo non valida');
  const stub = grantObject(env, match[1]!);
  const claim = stub ? await stub.claimQr(await qrTokenHash(match[2]!), device.id) : { outcome: 'unknown' as const };
  if (claim.outcome !== 'ok') {
    await logAppAttempt(env, view.serial, null, 'app_refused', `qr_${claim.outcome}`);
    throw new HttpError(410, 'qr_refused', 'QR code scaduto o già usato: genera un nuovo codice sulla pagina di accesso.');
  }
  const state = (await stub!.read()) as unknown as FlowState | null;
  if (!state) throw new HttpError(410, 'qr_refused', 'La richiesta di accesso non è più valida.');
  const request_ = state.data as unknown as LoginRequest;
  const opened = await openApproval(
    env,
    { flowObjectId: match[1]!, request: request_, serial: view.serial, kind: 'qr', deviceId: device.id, fromSteps: ['credentials'] },
    stub!,
  );
  if (!opened.opened) {
    if ('gone' in opened) throw new HttpError(410, 'qr_refused', 'La richiesta di accesso non è più valida.');
    throw tooManyRequests(approvalWaitMessage(opened.waitSeconds), opened.waitSeconds);
  }
  const approval = (await card.findApproval(opened.id, device.id)) as Approval | null;
  if (!approval) throw new HttpError(410, 'approval_gone', 'Richiesta di accesso scaduta');
  return json(approvalJson(approval), 201);
}
