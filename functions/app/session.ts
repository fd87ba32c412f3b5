import type { Env } from '../env';
import { unauthorized } from '../core/errors';
import { randomId } from '../platform/crypto';
import { toBase64Url, utf8 } from '../platform/encoding';
import type { DeviceRecord } from '../../durable-objects/device-table';
import { type CardStub, cardByObjectId } from '../platform/objects';

/**
 * The App's device session (R-APP-3): `<card object id>.<device id>.<secret>`, given once at the end
 * of certification. The card is named by its object id, so the token carries no serial; the secret
 * is stored only as a SHA-256 hash (32 random bytes need no slower hash), and a revoked device's
 * session dies with it (R-APP-4).
 */
export interface DeviceSession {
  card: CardStub;
  cardId: string;
  device: DeviceRecord;
}

const TOKEN = /^([0-9a-f]{64})\.([A-Za-z0-9_-]{16,64})\.([A-Za-z0-9_-]{43})$/;

export async function sessionHashOf(secret: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(`app-session:${secret}`))));
}

export function newSessionSecret(): string {
  return randomId();
}

export const sessionToken = (cardId: string, deviceId: string, secret: string) => `${cardId}.${deviceId}.${secret}`;

/** The device behind `Authorization: Bearer <token>`, live and not revoked; 401 otherwise. */
export async function requireDeviceSession(request: Request, env: Env): Promise<DeviceSession> {
  const header = request.headers.get('Authorization') ?? '';
  const match = /^Bearer ([^\s]+)$/.exec(header);
  const parts = match ? TOKEN.exec(match[1]!) : null;
  if (!parts) throw unauthorized('Sessione del dispositivo mancante o non valida');
  const [, cardId, deviceId, secret] = parts as unknown as [string, string, string, string];
  const card = cardByObjectId(env, cardId);
  if (!card) throw unauthorized('Sessione del dispositivo mancante o non valida');
  const device = (await card.deviceBySession(deviceId, await sessionHashOf(secret))) as DeviceRecord | null;
  if (!device) throw unauthorized('Sessione del dispositivo mancante o non valida');
  return { card, cardId, device };
}
