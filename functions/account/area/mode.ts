import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { HttpError } from '../../core/errors';
import { otherMode } from '../../core/area-profile';
import { parseL2Mode } from '../../core/card';
import { MODE_CHANGE_FLOW } from '../../core/citizen-flows';
import { maskPhone } from '../../core/contacts';
import { readFlow } from '../../platform/flows';
import { redirect } from '../../platform/http';
import { checkCitizenOtp, openCitizenFlow } from '../../app/citizen-flow';
import { applyModeChange } from '../steps/mode';
import { AREA_PATHS } from './layout';
import { type AreaCard, type AreaSession, areaPost, requireAreaSessionAndCard } from './session';
import { modeCodePage, modePage } from './views/mode';

/**
 * R-ACC-3 from the personal area: the existing mode change (MODE_CHANGE_FLOW, its SMS code, and
 * applyModeChange at the end), opened for the identity the session already proved, so no password.
 */

const FLOW_PATH = `${AREA_PATHS.mode}/:flowId`;

/** The mode change named in the path, only if it is this session's identity's. */
async function ownFlow(env: Env, session: AreaSession, flowId: unknown) {
  const flow = await readFlow(env, MODE_CHANGE_FLOW, String(flowId ?? ''));
  return flow && flow.data.serial === session.serial && flow.data.fiscalCode === session.fiscalCode ? flow : null;
}

function choicePage(session: AreaSession, card: AreaCard, errors: string[] = [], status = 200): Response {
  const current = card.credentials?.mode;
  if (!current) return redirect(AREA_PATHS.profile);
  return modePage(session, { current, target: otherMode(current), maskedPhone: maskPhone(card.phone), errors }, status);
}

/** GET /area-personale/modalita */
export async function showMode(request: IRequest, env: Env): Promise<Response> {
  const { session, card } = await requireAreaSessionAndCard(request, env);
  return choicePage(session, card);
}

/** POST /area-personale/modalita {mode}: the SMS code goes to the number on record. */
export async function startMode(request: IRequest, env: Env): Promise<Response> {
  const { session, card, form } = await areaPost(request, env);
  const current = card.credentials?.mode;
  const mode = parseL2Mode(form.get('mode'));
  // Only the other mode is a switch; anything else (the same mode, garbage) shows the choice again.
  if (!current || mode !== otherMode(current)) return redirect(AREA_PATHS.mode);
  try {
    const flowId = await openCitizenFlow(env, MODE_CHANGE_FLOW, {
      serial: session.serial,
      fiscalCode: session.fiscalCode,
      maskedPhone: maskPhone(card.phone),
      mode,
    });
    return redirect(`${AREA_PATHS.mode}/${flowId}`);
  } catch (err) {
    if (err instanceof HttpError && err.status === 429) return choicePage(session, card, [err.message], 429);
    throw err;
  }
}

/** GET /area-personale/modalita/:flowId — the code page. */
export async function showModeCode(request: IRequest, env: Env): Promise<Response> {
  const { session, card } = await requireAreaSessionAndCard(request, env);
  const flow = await ownFlow(env, session, request.params.flowId);
  if (!flow) return choicePage(session, card, [MODE_CHANGE_FLOW.goneMessage], 410);
  return modeCodePage(session, { flowId: flow.id, target: flow.data.mode, maskedPhone: flow.data.maskedPhone });
}

/** POST /area-personale/modalita/:flowId {otp}: a right code switches the mode (`mode_changed` notice). */
export async function confirmMode(request: IRequest, env: Env): Promise<Response> {
  const { session, card, form } = await areaPost(request, env);
  const flow = await ownFlow(env, session, request.params.flowId);
  if (!flow) return choicePage(session, card, [MODE_CHANGE_FLOW.goneMessage], 410);
  try {
    await checkCitizenOtp(env, MODE_CHANGE_FLOW, flow, { otp: form.get('otp') ?? '' });
    await applyModeChange(env, flow);
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    if (err.status === 410) return choicePage(session, card, [err.message], 410);
    return modeCodePage(session, { flowId: flow.id, target: flow.data.mode, maskedPhone: flow.data.maskedPhone, errors: [err.message] }, err.status);
  }
  return redirect(`${AREA_PATHS.profile}?esito=modalita`);
}

export const MODE_FLOW_PATH = FLOW_PATH;
