import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { notFound } from '../../core/errors';
import { json } from '../../platform/http';
import type { DeviceListing } from '../../../durable-objects/device-table';
import { requireDeviceSession } from '../session';

/** GET /app/dispositivi — R-APP-4 / R-ACC-5: the identity's devices, revoked ones marked as such. */
export async function listDevices(request: IRequest, env: Env): Promise<Response> {
  const { card, device } = await requireDeviceSession(request, env);
  const devices = (await card.listDevices()) as DeviceListing[];
  return json({
    devices: devices.map((d) => ({
      id: d.id,
      name: d.name,
      notifications: d.notifications,
      status: d.revokedAt === null ? 'certificato' : 'revocato',
      createdAt: new Date(d.createdAt).toISOString(),
      ...(d.revokedAt === null ? {} : { revokedAt: new Date(d.revokedAt).toISOString() }),
      current: d.id === device.id,
    })),
  });
}

/** DELETE /app/dispositivi/:deviceId — R-APP-4: revoked at once, this device included. */
export async function revokeDevice(request: IRequest, env: Env): Promise<Response> {
  const { card } = await requireDeviceSession(request, env);
  const revoked = await card.revokeDevice(String(request.params.deviceId ?? ''));
  if (!revoked) throw notFound('Dispositivo non trovato o già revocato');
  return new Response(null, { status: 204, headers: { 'Cache-Control': 'no-store' } });
}
