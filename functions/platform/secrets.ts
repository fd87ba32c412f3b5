import { type Env, type Secrets, secretsOf } from '../env';
import { HttpError } from '../core/errors';

/** The Worker's secrets, or 503: a deployment without them serves nothing that needs them. */
export function requireSecrets(env: Env): Secrets {
  const secrets = secretsOf(env);
  if (!secrets) throw new HttpError(503, 'temporarily_unavailable', 'Servizio temporaneamente non disponibile');
  return secrets;
}
