import type { IRequest } from 'itty-router';
import { generateRegistrationOptions, verifyRegistrationResponse, type RegistrationResponseJSON } from '@simplewebauthn/server';
import type { Env } from '../../env';
import { HttpError, badRequest, conflict } from '../../core/errors';
import { randomId } from '../../platform/crypto';
import { toBase64Url } from '../../platform/encoding';
import { endFlow } from '../../platform/flows';
import { json, readJsonObject } from '../../platform/http';
import { cardObject, cardObjectId } from '../../platform/objects';
import { advanceCertification, loadCertification } from '../flow';
import { appRelyingParty } from '../relying-party';
import { newSessionSecret, sessionHashOf, sessionToken } from '../session';

/** ES256 only: the App's keys live in the phone's secure hardware, which all offer P-256. */
const ES256 = -7;

/**
 * GET|POST /app/certificazione/:id/registrazione/opzioni — the WebAuthn creation options. User
 * verification is required: the App code or biometrics unlock the key (R-APP-2). Each call hands
 * out a new challenge and the previous one stops working.
 */
export async function registrationOptions(request: IRequest, env: Env): Promise<Response> {
  const flow = await loadCertification(env, String(request.params.flowId ?? ''), ['registrazione']);
  const rp = appRelyingParty(env);
  const options = await generateRegistrationOptions({
    rpName: rp.rpName,
    rpID: rp.rpID,
    userName: flow.data.fiscalCode,
    attestationType: 'none',
    authenticatorSelection: { userVerification: 'required', residentKey: 'discouraged' },
    supportedAlgorithmIDs: [ES256],
  });
  await advanceCertification(flow, 'registrazione', { challenge: options.challenge });
  return json(options);
}

/**
 * POST /app/certificazione/:id/registrazione — the authenticator's response. The challenge is taken
 * by moving the step on first (compare-and-set), so two concurrent posts cannot both use it; a
 * failed check brings the flow back with no challenge: the App asks for new options.
 */
export async function postRegistration(request: IRequest, env: Env): Promise<Response> {
  const flow = await loadCertification(env, String(request.params.flowId ?? ''), ['registrazione']);
  const body = await readJsonObject(request);
  const challenge = flow.data.challenge;
  if (!challenge) throw conflict('Chiedi prima le opzioni di registrazione.');
  const checking = await advanceCertification(flow, 'verifica', { challenge: null });
  const rp = appRelyingParty(env);
  let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verified = await verifyRegistrationResponse({
      response: body.response as RegistrationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      requireUserVerification: true,
      supportedAlgorithmIDs: [ES256],
    });
  } catch {
    verified = { verified: false as const };
  }
  if (!verified.verified) {
    await advanceCertification(checking, 'registrazione');
    throw new HttpError(400, 'registration_refused', 'Registrazione del dispositivo non valida: riprova.');
  }
  const { credential } = verified.registrationInfo;
  await advanceCertification(checking, 'dispositivo', {
    credential: { id: credential.id, publicKey: toBase64Url(credential.publicKey), counter: credential.counter },
  });
  return json({ step: 'dispositivo' });
}

const DEVICE_NAME_MAX = 40;

/**
 * POST /app/certificazione/:id/dispositivo — R-APP-3: the device's name and the notification choice;
 * the device is then "certificato" and the App gets its session token, shown this once.
 */
export async function postDevice(request: IRequest, env: Env): Promise<Response> {
  const flow = await loadCertification(env, String(request.params.flowId ?? ''), ['dispositivo']);
  const body = await readJsonObject(request);
  const name = typeof body.deviceName === 'string' ? body.deviceName.trim() : '';
  if (!name || name.length > DEVICE_NAME_MAX || /[\p{Cc}]/u.test(name)) {
    throw badRequest(`Dai un nome al dispositivo (fino a ${DEVICE_NAME_MAX} caratteri).`, [{ field: 'deviceName', message: 'non valido' }]);
  }
  if (typeof body.notifications !== 'boolean') {
    throw badRequest('Indica se attivare le notifiche.', [{ field: 'notifications', message: 'vero o falso' }]);
  }
  const credential = flow.data.credential;
  if (!credential) throw conflict('Registra prima il dispositivo.');
  await advanceCertification(flow, 'certificato');

  const card = cardObject(env, flow.data.serial);
  const deviceId = randomId(16);
  const secret = newSessionSecret();
  const added = await card.addDevice(
    { id: deviceId, credentialId: credential.id, publicKey: credential.publicKey, counter: credential.counter, name, notifications: body.notifications },
    await sessionHashOf(secret),
  );
  await endFlow(flow);
  if (!added) throw conflict('Questo dispositivo è già certificato.');
  const token = sessionToken(cardObjectId(env, flow.data.serial), deviceId, secret);
  return json({ deviceId, name, notifications: body.notifications, status: 'certificato', sessionToken: token }, 201);
}
