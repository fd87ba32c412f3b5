import type { IRequest } from 'itty-router';
import { generateRegistrationOptions, verifyRegistrationResponse, type RegistrationResponseJSON } from '@simplewebauthn/server';
import type { Env } from '../../env';
import { HttpError, badRequest, conflict } from '../../core/errors';
import { randomId } from '../../platform/crypto';
import { toBase64Url } from '../../platform/encoding';
import { endFlow } from '../../platform/flows';
import { json, readJsonObject } from '../../platform/http';
import { notifyHolder } from '../../platform/notices';
import { cardObject, cardObjectId } from '../../platform/objects';
import { advanceCertification, loadCertification } from '../flow';
import { appRelyingParty } from '../relying-party';
import { newSessionSecret, sessionHashOf, sessionToken } from '../session';

/** ES256 only: the App's keys live in the phone's secure hardware, which all offer P-256. */
const ES256 = -7;

/**
 * The WebAuthn creation options for a new App key, user verification required: the App code or
 * biometrics unlock it (R-APP-2). Each call draws a new challenge.
 */
export function creationOptions(env: Env, userName: string) {
  const rp = appRelyingParty(env);
  return generateRegistrationOptions({
    rpName: rp.rpName,
    rpID: rp.rpID,
    userName,
    attestationType: 'none',
    authenticatorSelection: { userVerification: 'required', residentKey: 'discouraged' },
    supportedAlgorithmIDs: [ES256],
  });
}

/** A registered App key, as the device keeps it. */
export interface AppCredential {
  id: string;
  publicKey: string;
  counter: number;
}

/** The authenticator's response checked against `challenge` (origin, RP id, user verification, ES256); null when it fails. */
export async function verifiedCredential(env: Env, response: unknown, challenge: string): Promise<AppCredential | null> {
  const rp = appRelyingParty(env);
  try {
    const verified = await verifyRegistrationResponse({
      response: response as RegistrationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      requireUserVerification: true,
      supportedAlgorithmIDs: [ES256],
    });
    if (!verified.verified) return null;
    const { credential } = verified.registrationInfo;
    return { id: credential.id, publicKey: toBase64Url(credential.publicKey), counter: credential.counter };
  } catch {
    return null;
  }
}

export const registrationRefused = () => new HttpError(400, 'registration_refused', 'Registrazione del dispositivo non valida: riprova.');

/**
 * GET|POST /app/certificazione/:id/registrazione/opzioni — the WebAuthn creation options. User
 * verification is required: the App code or biometrics unlock the key (R-APP-2). Each call hands
 * out a new challenge and the previous one stops working.
 */
export async function registrationOptions(request: IRequest, env: Env): Promise<Response> {
  const flow = await loadCertification(env, String(request.params.flowId ?? ''), ['registrazione']);
  const options = await creationOptions(env, flow.data.fiscalCode);
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
  const credential = await verifiedCredential(env, body.response, challenge);
  if (!credential) {
    await advanceCertification(checking, 'registrazione');
    throw registrationRefused();
  }
  await advanceCertification(checking, 'dispositivo', { credential });
  return json({ step: 'dispositivo' });
}

const DEVICE_NAME_MAX = 40;

/** R-APP-3: the device's name and the notification choice, as the App posts them. */
export interface DeviceChoice {
  name: string;
  notifications: boolean;
}

export function parseDeviceChoice(body: Record<string, unknown>): DeviceChoice {
  const name = typeof body.deviceName === 'string' ? body.deviceName.trim() : '';
  if (!name || name.length > DEVICE_NAME_MAX || /[\p{Cc}]/u.test(name)) {
    throw badRequest(`Dai un nome al dispositivo (fino a ${DEVICE_NAME_MAX} caratteri).`, [{ field: 'deviceName', message: 'non valido' }]);
  }
  if (typeof body.notifications !== 'boolean') {
    throw badRequest('Indica se attivare le notifiche.', [{ field: 'notifications', message: 'vero o falso' }]);
  }
  return { name, notifications: body.notifications };
}

/** A device about to be certified on the card `serial`: its record, its session's hash, and the token the App gets once. */
export async function newDevice(env: Env, serial: string, credential: AppCredential, choice: DeviceChoice) {
  const deviceId = randomId(16);
  const secret = newSessionSecret();
  return {
    device: { id: deviceId, credentialId: credential.id, publicKey: credential.publicKey, counter: credential.counter, ...choice },
    sessionHash: await sessionHashOf(secret),
    token: sessionToken(cardObjectId(env, serial), deviceId, secret),
  };
}

/** The answer that certifies a device (R-APP-3): its session token, shown this once. */
export const certifiedAnswer = (device: { id: string } & DeviceChoice, token: string) => ({
  deviceId: device.id,
  name: device.name,
  notifications: device.notifications,
  status: 'certificato',
  sessionToken: token,
});

/**
 * POST /app/certificazione/:id/dispositivo — R-APP-3: the device's name and the notification choice;
 * the device is then "certificato" and the App gets its session token, shown this once.
 */
export async function postDevice(request: IRequest, env: Env): Promise<Response> {
  const flow = await loadCertification(env, String(request.params.flowId ?? ''), ['dispositivo']);
  const choice = parseDeviceChoice(await readJsonObject(request));
  const credential = flow.data.credential;
  if (!credential) throw conflict('Registra prima il dispositivo.');
  await advanceCertification(flow, 'certificato');

  const certifying = await newDevice(env, flow.data.serial, credential, choice);
  const added = await cardObject(env, flow.data.serial).addDevice(certifying.device, certifying.sessionHash);
  await endFlow(flow);
  if (!added) throw conflict('Questo dispositivo è già certificato.');
  await notifyHolder(env, flow.data.serial, { kind: 'device_added', name: certifying.device.name });
  return json(certifiedAnswer(certifying.device, certifying.token), 201);
}
