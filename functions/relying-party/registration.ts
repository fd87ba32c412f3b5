import type { Env } from '../env';
import { HttpError } from '../core/errors';
import type { RegisteredClient } from '../core/oidc-client';
import { directoryFor } from '../platform/directory';
import { registerRelyingParty } from '../registry/clients';
import type { RpKeys } from './keys';

/** A relying party of this very service, as it registers itself. */
export interface OwnClient {
  clientId: string;
  clientName: string;
  redirectUri: string;
  keys: RpKeys;
}

function registration(client: OwnClient): Record<string, unknown> {
  return {
    client_id: client.clientId,
    client_name: client.clientName,
    redirect_uris: [client.redirectUri],
    jwks: client.keys.jwks,
    userinfo_encrypted_response_alg: client.keys.decrypt.alg,
    userinfo_encrypted_response_enc: 'A256CBC-HS512',
  };
}

const sameKeys = (registered: RegisteredClient, keys: RpKeys) =>
  JSON.stringify(registered.jwks.keys.map((k) => [k.kid, k.n])) === JSON.stringify(keys.jwks.keys.map((k) => [k.kid, k.n]));

/**
 * Registers the client on first use, through the registry's own validation (registerRelyingParty),
 * and again if its keys changed since (a fresh secret): its old public keys would make every request
 * object fail. Concurrent first uses race on the directory's insert; the loser finds the winner's
 * record, which is the same one.
 */
export async function ensureOwnClient(env: Env, client: OwnClient): Promise<void> {
  const directory = directoryFor(env);
  const existing = await directory.client(client.clientId);
  if (existing && sameKeys(existing, client.keys)) return;
  if (existing) await directory.removeClient(client.clientId);
  try {
    await registerRelyingParty(env, registration(client));
  } catch (err) {
    if (!(err instanceof HttpError && err.status === 409)) throw err;
  }
}
