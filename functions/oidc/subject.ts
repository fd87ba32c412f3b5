import type { Env } from '../env';
import { sectorOf } from '../core/oidc-client';
import { keyedHash } from '../platform/crypto';
import { TemporarilyUnavailable } from './errors';

/**
 * C-30: pairwise `sub` — a keyed hash of the holder's codice fiscale and the RP's sector (its
 * client_id's host). Stable for one RP, unlinkable across RPs, and the same for the holder's next
 * card (the codice fiscale, not the serial, is the person).
 */
export function pairwiseSubject(env: Env, clientId: string, fiscalCode: string): Promise<string> {
  if (!env.DATA_KEY) throw new TemporarilyUnavailable('service not configured');
  return keyedHash(env.DATA_KEY, 'pairwise-subject', `${sectorOf(clientId)}\n${fiscalCode}`);
}
