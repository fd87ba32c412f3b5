import type { Env } from '../env';
import { HttpError } from '../core/errors';
import type { RegisteredClient } from '../core/oidc-client';
import { directoryFor } from '../platform/directory';
import { registerRelyingParty } from '../registry/clients';
import type { DemoKeys } from './keys';

export const DEMO_CLIENT_NAME = 'Comune di Esempio';

/** The demo is an RP of whichever origin serves it: `npm start`, the e2e server and the tests differ. */
export const demoClient = (origin: string) => ({ clientId: `${origin}/demo`, redirectUri: `${origin}/demo/callback` });

function registration(origin: string, keys: DemoKeys): Record<string, unknown> {
  const { clientId, redirectUri } = demoClient(origin);
  return {
    client_id: clientId,
    client_name: DEMO_CLIENT_NAME,
    redirect_uris: [redirectUri],
    jwks: keys.jwks,
    userinfo_encrypted_response_alg: keys.decrypt.alg,
    userinfo_encrypted_response_enc: 'A256CBC-HS512',
  };
}

const sameKeys = (client: RegisteredClient, keys: DemoKeys) =>
  JSON.stringify(client.jwks.keys.map((k) => [k.kid, k.n])) === JSON.stringify(keys.jwks.keys.map((k) => [k.kid, k.n]));

/**
 * Registers the demo RP on first use, through the registry's own validation (registerRelyingParty),
 * and again if DEMO_RP_KEYS changed since (a fresh .dev.vars): its old public keys would make every
 * request object fail. Concurrent first uses race on the directory's insert; the loser finds the
 * winner's record, which is the same one.
 */
export async function ensureDemoClient(env: Env, origin: string, keys: DemoKeys): Promise<void> {
  const directory = directoryFor(env);
  const { clientId } = demoClient(origin);
  const existing = await directory.client(clientId);
  if (existing && sameKeys(existing, keys)) return;
  if (existing) await directory.removeClient(clientId);
  try {
    await registerRelyingParty(env, registration(origin, keys));
  } catch (err) {
    if (!(err instanceof HttpError && err.status === 409)) throw err;
  }
}
