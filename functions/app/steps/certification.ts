import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { HttpError } from '../../core/errors';
import { APP_CODE_MESSAGES, appCodeProblems } from '../../core/app-code';
import { json, readJsonObject } from '../../platform/http';
import { CERTIFICATION_FLOW } from '../../core/citizen-flows';
import { advanceCertification, loadCertification } from '../flow';
import { checkCitizenOtp, startCitizenFlow } from '../citizen-flow';

/** POST /app/certificazione — R-APP-1: username and password (the login's rules), then an SMS code. */
export async function startCertification(request: IRequest, env: Env): Promise<Response> {
  const { flowId, data } = await startCitizenFlow(env, await readJsonObject(request), CERTIFICATION_FLOW, (citizen) => citizen);
  return json({ flowId, step: 'otp', maskedPhone: data.maskedPhone }, 201);
}

/** POST /app/certificazione/:id/otp — R-APP-1, R-OTP-1, R-OTP-2: the code sent by SMS. */
export async function postCertificationOtp(request: IRequest, env: Env): Promise<Response> {
  const flow = await loadCertification(env, String(request.params.flowId ?? ''), ['otp']);
  await checkCitizenOtp(env, CERTIFICATION_FLOW, flow, await readJsonObject(request));
  await advanceCertification(flow, 'codice');
  return json({ step: 'codice' });
}

/**
 * POST /app/certificazione/:id/codice — R-APP-2. The App sends the code it is about to protect its
 * key with, only for the policy check: nothing of it is stored, and it never unlocks anything here.
 */
export async function postAppCode(request: IRequest, env: Env): Promise<Response> {
  const flow = await loadCertification(env, String(request.params.flowId ?? ''), ['codice']);
  const body = await readJsonObject(request);
  const code = typeof body.code === 'string' ? body.code : '';
  const problems = appCodeProblems(code);
  if (problems.length) {
    throw new HttpError(
      400,
      'weak_app_code',
      'Il codice App non rispetta i criteri indicati.',
      problems.map((p) => ({ field: 'code', message: APP_CODE_MESSAGES[p] })),
    );
  }
  await advanceCertification(flow, 'registrazione');
  return json({ step: 'registrazione' });
}
