import type { IRequest } from 'itty-router';
import { importJWK } from 'jose';
import type { Env } from '../env';
import { isProduction } from '../env';
import { badRequest, conflict, notFound, type Problem } from '../core/errors';
import { parseClientRegistration, type RegisteredClient } from '../core/oidc-client';
import { directoryFor } from '../platform/directory';
import { json, readJsonObject } from '../platform/http';
import { forgetClient } from '../platform/clients';

/**
 * The registry of relying parties (the issuer's back office): an RP is registered before it may
 * send anyone to /oidc/authorize. Validation lives in core/oidc-client; here only I/O.
 */
export const CLIENTS_PATH = '/registry/clients';

/** A key that passes the shape checks but that WebCrypto cannot load (an EC point off the curve). */
async function unloadableKeys(client: RegisteredClient): Promise<Problem[]> {
  const problems: Problem[] = [];
  await Promise.all(
    client.jwks.keys.map(async (jwk, i) => {
      try {
        await importJWK({ ...jwk }, jwk.kty === 'EC' ? 'ES256' : 'RS256');
      } catch {
        problems.push({ field: `jwks.keys[${i}]`, message: 'chiave non utilizzabile' });
      }
    }),
  );
  return problems;
}

function clientIdParam(request: IRequest): string {
  try {
    return decodeURIComponent(String(request.params.clientId ?? ''));
  } catch {
    throw notFound('Relying party non trovata');
  }
}

/**
 * Validates and records a relying party: the registry API's path, also taken by the development
 * demo RP (functions/demo) so that it is held to exactly the same rules. Throws 400 or 409.
 */
export async function registerRelyingParty(env: Env, body: Record<string, unknown>): Promise<RegisteredClient> {
  const parsed = parseClientRegistration(body, { allowLoopbackHttp: !isProduction(env) }, new Date());
  if (!parsed.ok) throw badRequest('Registrazione della relying party non valida', parsed.problems);
  const problems = await unloadableKeys(parsed.value);
  if (problems.length) throw badRequest('Registrazione della relying party non valida', problems);
  if (!(await directoryFor(env).registerClient(parsed.value))) {
    throw conflict('Relying party già registrata', [{ field: 'client_id', message: 'già registrato' }]);
  }
  // This isolate may remember the id as unknown (platform/clients): not for a moment longer.
  forgetClient(parsed.value.client_id);
  return parsed.value;
}

export async function registerClient(request: IRequest, env: Env): Promise<Response> {
  const client = await registerRelyingParty(env, await readJsonObject(request));
  return json(client, 201, { Location: `${CLIENTS_PATH}/${encodeURIComponent(client.client_id)}` });
}

export async function getClient(request: IRequest, env: Env): Promise<Response> {
  const client = await directoryFor(env).client(clientIdParam(request));
  if (!client) throw notFound('Relying party non trovata');
  return json(client);
}

export async function deleteClient(request: IRequest, env: Env): Promise<Response> {
  const clientId = clientIdParam(request);
  if (!(await directoryFor(env).removeClient(clientId))) throw notFound('Relying party non trovata');
  // Refused at once here; other isolates within CLIENT_RECORD_MAX_AGE_MS (platform/clients).
  forgetClient(clientId);
  return new Response(null, { status: 204, headers: { 'Cache-Control': 'no-store' } });
}
