import type { IRequest } from 'itty-router';
import type { Env } from '../env';
import { HttpError, badRequest } from '../core/errors';
import { json, readJsonObject } from '../platform/http';
import { cardObject, flowObject } from '../platform/objects';
import type { FlowState } from '../../durable-objects/flow-session';
import { type L2Mode, parseL2Mode } from '../core/card';
import { type CitizenData, type CitizenFlowKind, checkCitizenOtp, startCitizenFlow } from '../app/citizen-flow';

/**
 * R-ACC-3, minimal: switching the level 2 mode between App CieID and SMS. Only the citizen can —
 * username, password and an SMS code, as for a login — never a device session: the guides keep the
 * switch out of the App, so a stolen phone cannot turn its own push into the only way in.
 * The personal area's pages (R-ACC-*) will call the same two steps.
 */
const MODE_FLOW_TYPE = 'account-mode';
const MODE_CHANGE: CitizenFlowKind = { type: MODE_FLOW_TYPE, idleMs: 10 * 60_000, otp: { for: 'mode-change' } };

const modeGone = () => new HttpError(410, 'flow_gone', 'La richiesta di modifica è scaduta o è già conclusa: ricomincia.');

/** POST /account/modalita {username, password, mode} → SMS code, `201 {flowId}`. */
export async function startModeChange(request: IRequest, env: Env): Promise<Response> {
  const body = await readJsonObject(request);
  const mode = parseL2Mode(body.mode);
  if (!mode) throw badRequest('mode: app o sms', [{ field: 'mode', message: 'non valido' }]);
  const { flowId, data } = await startCitizenFlow(env, body, MODE_CHANGE, { mode });
  return json({ flowId, maskedPhone: data.maskedPhone }, 201);
}

/** POST /account/modalita/:flowId {otp} → the mode is switched, the flow is gone. */
export async function confirmModeChange(request: IRequest, env: Env): Promise<Response> {
  const flowId = String(request.params.flowId ?? '');
  if (!/^[A-Za-z0-9_-]{43}$/.test(flowId)) throw modeGone();
  const stub = flowObject(env, flowId);
  const state = (await stub.read()) as unknown as FlowState<CitizenData & { mode: L2Mode }> | null;
  if (!state || state.type !== MODE_FLOW_TYPE || state.step !== 'otp') throw modeGone();
  await checkCitizenOtp(env, { id: flowId, stub, serial: state.data.serial }, MODE_CHANGE, await readJsonObject(request), modeGone);
  await stub.destroy();
  if (!(await cardObject(env, state.data.serial).setMode(state.data.mode))) throw modeGone();
  return json({ mode: state.data.mode });
}
