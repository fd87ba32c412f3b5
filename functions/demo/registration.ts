import type { Env } from '../env';
import type { RpKeys } from '../relying-party/keys';
import { ensureOwnClient } from '../relying-party/registration';

export const DEMO_CLIENT_NAME = 'Comune di Esempio';

/** The demo is an RP of whichever origin serves it: `npm start`, the e2e server and the tests differ. */
export const demoClient = (origin: string) => ({ clientId: `${origin}/demo`, redirectUri: `${origin}/demo/callback` });

/** Registers the demo RP on first use, and again when DEMO_RP_KEYS changed (relying-party/registration). */
export function ensureDemoClient(env: Env, origin: string, keys: RpKeys): Promise<void> {
  return ensureOwnClient(env, { ...demoClient(origin), clientName: DEMO_CLIENT_NAME, keys });
}
