import type { Env } from '../env';
import { secretsOf } from '../env';
import { HttpError, unauthorized } from '../core/errors';
import { constantTimeEqual } from '../platform/crypto';

/** The issuer's back office authenticates with one bearer token, compared in constant time. */
export async function requireRegistryToken(request: Request, env: Env): Promise<void> {
  const secrets = secretsOf(env);
  if (!secrets) throw new HttpError(503, 'temporarily_unavailable', 'Servizio non configurato');
  const header = request.headers.get('Authorization') ?? '';
  const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(header);
  if (!match || !(await constantTimeEqual(match[1]!, secrets.registryToken))) throw unauthorized();
}
