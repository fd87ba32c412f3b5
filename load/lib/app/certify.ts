import { activateCitizens, type Identity } from '../citizen.ts';
import type { Response } from '../http.ts';
import { awaitCode, countMessages } from '../page-steps.ts';
import { expect, fail, runLockstep, type Flow } from '../steps.ts';
import { appGet, appPost, jsonOf } from './api.ts';
import { SoftwareAuthenticator, type DeviceKey } from './authenticator.ts';

/**
 * App CieID devices for the load tests, certified the way a phone is (R-APP-1, R-APP-2, R-APP-3, README "App CieID
 * API"): username and password → the SMS code from the test outbox → the App code (policy check
 * only) → WebAuthn registration of a software key → device name and notifications → the device
 * session token, shown once.
 *
 * API:
 * - `APP_CODE`: the App code every load-test device chooses (R-APP-2).
 * - `Device`: a certified device as plain JSON (setup data): its key (DeviceKey), the identity's
 *   fiscal code, the device id and its session token.
 * - `certify(identity, authenticator)`: flow (lib/steps.ts) → Device.
 * - `certifiedDevices(count, { parallel })`: async, for setup(): `count` citizens activated
 *   (lib/citizen.ts) and each with one certified device, `parallel` at a time in lock step; up to
 *   three passes for the ones that failed; throws when the pool still falls short.
 */
export const APP_CODE = 'a1b2c3';

export interface Device extends DeviceKey {
  fiscalCode: string;
  deviceId: string;
  sessionToken: string;
}

const status = (code: number) => (r: Response) => r.status === code;

export function* certify(identity: Identity, authenticator: SoftwareAuthenticator): Flow<Device> {
  const sent = yield* countMessages(identity.phone);
  const started: Response = yield appPost('/app/certificazione', { username: identity.fiscalCode, password: identity.password }, 'app_certificazione');
  expect(started, 'app: certification started, SMS sent', status(201));
  const flow = `/app/certificazione/${jsonOf<{ flowId: string }>(started, 'app: certification flow id').flowId}`;

  const otp = yield* awaitCode(identity.phone, sent);
  expect(yield appPost(`${flow}/otp`, { otp }, 'app_otp'), 'app: SMS code accepted', status(200));
  expect(yield appPost(`${flow}/codice`, { code: APP_CODE }, 'app_codice'), 'app: App code accepted', status(200));

  const options: Response = yield appGet(`${flow}/registrazione/opzioni`, 'app_opzioni');
  expect(options, 'app: WebAuthn creation options', status(200));
  const registration = authenticator.register(jsonOf(options, 'app: creation options'));
  expect(yield appPost(`${flow}/registrazione`, { response: registration }, 'app_registrazione'), 'app: registration verified', status(200));

  const device: Response = yield appPost(`${flow}/dispositivo`, { deviceName: 'Telefono di prova', notifications: true }, 'app_dispositivo');
  expect(device, 'app: device certified', status(201));
  const { deviceId, sessionToken } = jsonOf<{ deviceId?: string; sessionToken?: string }>(device, 'app: device session');
  if (!deviceId || !sessionToken) return fail('app: device session', `no deviceId or sessionToken: ${device.body.slice(0, 200)}`);
  return { ...authenticator.key, fiscalCode: identity.fiscalCode, deviceId, sessionToken };
}

const PASSES = 3;

async function certifyAll(identities: Identity[], parallel: number, errors: string[]): Promise<Device[]> {
  const devices: Device[] = [];
  for (let at = 0; at < identities.length; at += parallel) {
    const group = identities.slice(at, at + parallel);
    const authenticators = await Promise.all(group.map(() => SoftwareAuthenticator.create()));
    for (const outcome of runLockstep(group.map((identity, i) => certify(identity, authenticators[i]!)))) {
      if (outcome.ok) devices.push(outcome.value);
      else errors.push(outcome.error);
    }
  }
  return devices;
}

export async function certifiedDevices(count: number, { parallel = 20 } = {}): Promise<Device[]> {
  const devices: Device[] = [];
  const errors: string[] = [];
  for (let pass = 0; pass < PASSES && devices.length < count; pass++) {
    devices.push(...(await certifyAll(activateCitizens(count - devices.length, { parallel }), parallel, errors)));
  }
  if (devices.length < count) {
    throw new Error(`only ${devices.length} of ${count} App devices could be certified; first errors:\n${errors.slice(0, 3).join('\n')}`);
  }
  return devices;
}
