import type { Env } from '../env';
import { isProduction } from '../env';
import { HttpError } from '../core/errors';
import { DEV_APP_ORIGIN, DEV_APP_RP_ID } from '../core/app-relying-party';

/** The App's WebAuthn relying party: what registration and assertions are checked against. */
export interface AppRelyingParty {
  rpID: string;
  origin: string;
  rpName: string;
}

export function appRelyingParty(env: Env): AppRelyingParty {
  if (env.APP_RP_ID && env.APP_ORIGIN) return { rpID: env.APP_RP_ID, origin: env.APP_ORIGIN, rpName: 'CieID' };
  // A production default would accept assertions for somebody else's origin: refuse instead.
  if (isProduction(env)) throw new HttpError(503, 'temporarily_unavailable', 'Servizio temporaneamente non disponibile');
  return { rpID: DEV_APP_RP_ID, origin: DEV_APP_ORIGIN, rpName: 'CieID' };
}
