import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { badRequest } from '../../core/errors';
import { parseL2Mode } from '../../core/card';
import { MODE_CHANGE_FLOW, type ModeChangeData, type ModeChangeStep } from '../../core/citizen-flows';
import { json, readJsonObject } from '../../platform/http';
import { type Flow, endFlow, flowGone, requireFlow } from '../../platform/flows';
import { notifyHolder } from '../../platform/notices';
import { cardObject } from '../../platform/objects';
import { checkCitizenOtp, startCitizenFlow } from '../../app/citizen-flow';

/**
 * R-ACC-3, minimal: switching the level 2 mode between App CieID and SMS. Only the citizen can —
 * username, password and an SMS code, as for a login — never a device session: the guides keep the
 * switch out of the App, so a stolen phone cannot turn its own push into the only way in.
 * The personal area's page (account/area/mode.ts) opens the same flow and ends it with applyModeChange.
 */

/** POST /account/modalita {username, password, mode} → SMS code, `201 {flowId}`. */
export async function startModeChange(request: IRequest, env: Env): Promise<Response> {
  const body = await readJsonObject(request);
  const mode = parseL2Mode(body.mode);
  if (!mode) throw badRequest('mode: app o sms', [{ field: 'mode', message: 'non valido' }]);
  const { flowId, data } = await startCitizenFlow(env, body, MODE_CHANGE_FLOW, (citizen) => ({ ...citizen, mode }));
  return json({ flowId, maskedPhone: data.maskedPhone }, 201);
}

/** POST /account/modalita/:flowId {otp} → the mode is switched, the flow is gone. */
export async function confirmModeChange(request: IRequest, env: Env): Promise<Response> {
  const flow = await requireFlow(env, MODE_CHANGE_FLOW, String(request.params.flowId ?? ''));
  await checkCitizenOtp(env, MODE_CHANGE_FLOW, flow, await readJsonObject(request));
  await applyModeChange(env, flow);
  return json({ mode: flow.data.mode });
}

/** After the right code (JSON or the personal area's page): the mode switched, the holder told (`mode_changed`). */
export async function applyModeChange(env: Env, flow: Flow<ModeChangeStep, ModeChangeData>): Promise<void> {
  // The code is spent: the flow has nothing left to do, whether or not the card takes the mode.
  await endFlow(flow);
  if (!(await cardObject(env, flow.data.serial).setMode(flow.data.mode))) throw flowGone(MODE_CHANGE_FLOW);
  await notifyHolder(env, flow.data.serial, { kind: 'mode_changed', mode: flow.data.mode });
}
