import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { parseDeviceId } from '../../core/area-devices';
import { badRequest, notFound } from '../../core/errors';
import { notifyHolder } from '../../platform/notices';
import { cardObject } from '../../platform/objects';
import type { DeviceListing } from '../../../durable-objects/device-table';
import { AREA_PATHS } from './layout';
import { type AreaSession, areaPost, requireAreaSession } from './session';
import { devicesPage, revokeConfirmPage } from './views/devices';

const NO_DEVICE = 'Dispositivo non trovato o già revocato.';

const devicesOf = async (env: Env, session: AreaSession) => (await cardObject(env, session.serial).listDevices()) as DeviceListing[];

/** A device id from the path, of the session's own Card and still live; 404 otherwise (another card's id included). */
async function liveDevice(request: IRequest, env: Env, session: AreaSession): Promise<DeviceListing> {
  const id = parseDeviceId(request.params.deviceId);
  const device = id ? (await devicesOf(env, session)).find((d) => d.id === id && d.revokedAt === null) : undefined;
  if (!device) throw notFound(NO_DEVICE);
  return device;
}

/**
 * GET /area-personale/dispositivi — R-ACC-5: the certified devices. `?revocato=<id>` (where a revocation
 * lands) shows that it was done, when that id is a revoked device of this card.
 */
export async function showDevices(request: IRequest, env: Env): Promise<Response> {
  const session = await requireAreaSession(request, env);
  const params = new URL(request.url).searchParams;
  const asked = params.get('revocato');
  const revokedId = asked === null ? null : parseDeviceId(asked);
  if ((asked !== null && revokedId === null) || [...params.keys()].some((k) => k !== 'revocato') || params.getAll('revocato').length > 1) {
    throw badRequest('Indirizzo non valido: torna all’elenco dei dispositivi.');
  }
  const devices = await devicesOf(env, session);
  const revoked = revokedId ? (devices.find((d) => d.id === revokedId && d.revokedAt !== null)?.name ?? null) : null;
  return devicesPage(session, devices, revoked);
}

/** GET /area-personale/dispositivi/:deviceId/revoca — R-APP-4: the confirmation. */
export async function confirmDeviceRevocation(request: IRequest, env: Env): Promise<Response> {
  const session = await requireAreaSession(request, env);
  return revokeConfirmPage(session, await liveDevice(request, env, session));
}

/**
 * POST /area-personale/dispositivi/:deviceId/revoca — R-APP-4: revoked at once by the session's own Card
 * (its App session and pending approvals die with it), the holder told (device_revoked), then back
 * to the list. A device of another card is not found there: nothing is revoked.
 */
export async function revokeDevice(request: IRequest, env: Env): Promise<Response> {
  const { session } = await areaPost(request, env);
  const id = parseDeviceId(request.params.deviceId);
  const name = id ? ((await cardObject(env, session.serial).revokeDeviceNamed(id)) as string | null) : null;
  if (!id || name === null) throw notFound(NO_DEVICE);
  await notifyHolder(env, session.serial, { kind: 'device_revoked', name });
  return new Response(null, { status: 303, headers: { Location: `${AREA_PATHS.devices}?revocato=${encodeURIComponent(id)}`, 'Cache-Control': 'no-store' } });
}
