import type { IRequest } from 'itty-router';
import type { Env } from '../env';
import { badRequest } from '../core/errors';
import { normalizeEmail, normalizePhone } from '../core/contacts';
import { json } from '../platform/http';

/** GET /__test/outbox?to=<phone|email> — messages newest first (development and tests only). */
export async function readOutbox(request: IRequest, env: Env): Promise<Response> {
  const to = String(request.query.to ?? '');
  const address = to.includes('@') ? normalizeEmail(to) : normalizePhone(to);
  if (!address) throw badRequest('Parametro "to" mancante o non valido', [{ field: 'to', message: 'un numero di cellulare o un indirizzo email' }]);
  const messages = await env.OUTBOX.get(env.OUTBOX.idFromName(address)).list();
  return json(messages);
}
