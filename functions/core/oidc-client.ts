import type { Problem } from './errors';
import { isLoopbackHost } from './loopback';
import {
  DEFAULT_CONTENT_ENCRYPTION,
  checkPublicJwk,
  isContentEncryptionAlg,
  isKeyEncryptionAlg,
  ktyFor,
  type ContentEncryptionAlg,
  type KeyEncryptionAlg,
  type PublicJwk,
} from './jose-algorithms';

/**
 * A relying party as the registry records it (POST /registry/clients). Field names are those of
 * OpenID Connect client metadata, so the record reads like the RP's own metadata.
 */
export interface RegisteredClient {
  client_id: string;
  client_name: string;
  redirect_uris: string[];
  jwks: { keys: PublicJwk[] };
  id_token_encrypted_response_alg?: KeyEncryptionAlg;
  id_token_encrypted_response_enc?: ContentEncryptionAlg;
  userinfo_encrypted_response_alg?: KeyEncryptionAlg;
  userinfo_encrypted_response_enc?: ContentEncryptionAlg;
  /** Relying parties resolved by federation only (core/federation-chain): their chain's grant_types and scope. Absent: no limit beyond the profile's. */
  grant_types?: string[];
  scope?: string[];
  registered_at: string;
}

/** Whether the client may be granted `grantType` (its resolved grant_types, when it has them). */
export const clientAllowsGrant = (client: Pick<RegisteredClient, 'grant_types'>, grantType: string): boolean =>
  !client.grant_types || client.grant_types.includes(grantType);

/** Whether the client may ask for `scope` (its resolved scope, when it has one). */
export const clientAllowsScope = (client: Pick<RegisteredClient, 'scope'>, scope: string): boolean => !client.scope || client.scope.includes(scope);

export interface RegistrationRules {
  /** Plain http to 127.0.0.1/localhost/[::1], for development only — never in production. */
  allowLoopbackHttp: boolean;
}

export type RegistrationParse = { ok: true; value: RegisteredClient } | { ok: false; problems: Problem[] };

const MAX_URL = 1024;
const MAX_REDIRECT_URIS = 10;
const MAX_KEYS = 10;

/** Absolute, no fragment, no credentials; https, or loopback http when the rules allow it. */
export function checkUrl(value: unknown, rules: RegistrationRules, { allowQuery }: { allowQuery: boolean }): string | null {
  if (typeof value !== 'string' || !value || value.length > MAX_URL) return 'deve essere un URL assoluto (al massimo 1024 caratteri)';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'deve essere un URL assoluto';
  }
  if (value.includes('#')) return 'non deve contenere un frammento';
  if (url.username || url.password) return 'non deve contenere credenziali';
  if (!allowQuery && url.search) return 'non deve contenere una query';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && rules.allowLoopbackHttp && isLoopbackHost(url.hostname)) return null;
  return rules.allowLoopbackHttp ? 'deve usare https (http solo verso indirizzi di loopback)' : 'deve usare https';
}

function clientName(value: unknown, problems: Problem[]): string {
  if (typeof value !== 'string' || !value.trim() || value.length > 200 || /[\p{Cc}]/u.test(value)) {
    problems.push({ field: 'client_name', message: 'obbligatorio, testo di al massimo 200 caratteri' });
    return '';
  }
  return value.trim();
}

function redirectUris(value: unknown, rules: RegistrationRules, problems: Problem[]): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_REDIRECT_URIS) {
    problems.push({ field: 'redirect_uris', message: `obbligatorio, da 1 a ${MAX_REDIRECT_URIS} URL` });
    return [];
  }
  value.forEach((uri, i) => {
    const problem = checkUrl(uri, rules, { allowQuery: true });
    if (problem) problems.push({ field: `redirect_uris[${i}]`, message: problem });
  });
  if (new Set(value).size !== value.length) problems.push({ field: 'redirect_uris', message: 'URL ripetuti' });
  return value as string[];
}

function jwks(value: unknown, problems: Problem[]): PublicJwk[] {
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (typeof value !== 'object' || value === null || !Array.isArray(keys) || keys.length === 0 || keys.length > MAX_KEYS) {
    problems.push({ field: 'jwks', message: `obbligatorio, {"keys": [...]} con da 1 a ${MAX_KEYS} chiavi pubbliche` });
    return [];
  }
  const out: PublicJwk[] = [];
  keys.forEach((key, i) => {
    const checked = checkPublicJwk(key);
    if (checked.ok) out.push(checked.jwk);
    else problems.push({ field: `jwks.keys[${i}]`, message: checked.message });
  });
  if (new Set(out.map((k) => k.kid)).size !== out.length) problems.push({ field: 'jwks', message: 'kid ripetuti' });
  return out;
}

/** An encrypted-response pair: alg from the profile's list, enc defaulting as Registration says. */
function encryption(body: Record<string, unknown>, prefix: 'id_token' | 'userinfo', keys: PublicJwk[], problems: Problem[]): Partial<RegisteredClient> {
  const algField = `${prefix}_encrypted_response_alg`;
  const encField = `${prefix}_encrypted_response_enc`;
  const alg = body[algField];
  const enc = body[encField];
  if (alg === undefined) {
    if (enc !== undefined) problems.push({ field: encField, message: `ammesso solo insieme a ${algField}` });
    return {};
  }
  if (!isKeyEncryptionAlg(alg)) {
    problems.push({ field: algField, message: 'uno tra RSA-OAEP, RSA-OAEP-256, ECDH-ES, ECDH-ES+A128KW, ECDH-ES+A256KW' });
    return {};
  }
  if (enc !== undefined && !isContentEncryptionAlg(enc)) {
    problems.push({ field: encField, message: 'uno tra A128CBC-HS256, A256CBC-HS512, A128GCM, A256GCM' });
    return {};
  }
  if (keys.length && !keys.some((k) => k.kty === ktyFor(alg) && k.use !== 'sig')) {
    problems.push({ field: algField, message: `nessuna chiave ${ktyFor(alg)} per la cifratura in jwks` });
  }
  return { [algField]: alg, [encField]: (enc as ContentEncryptionAlg | undefined) ?? DEFAULT_CONTENT_ENCRYPTION };
}

/** Validates a registration; unknown members are ignored (RP metadata carries many we do not use). */
export function parseClientRegistration(body: Record<string, unknown>, rules: RegistrationRules, now: Date): RegistrationParse {
  const problems: Problem[] = [];
  const idProblem = checkUrl(body.client_id, rules, { allowQuery: false });
  if (idProblem) problems.push({ field: 'client_id', message: idProblem });
  const name = clientName(body.client_name, problems);
  const uris = redirectUris(body.redirect_uris, rules, problems);
  const keys = jwks(body.jwks, problems);
  const idToken = encryption(body, 'id_token', keys, problems);
  const userinfo = encryption(body, 'userinfo', keys, problems);
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    value: {
      client_id: body.client_id as string,
      client_name: name,
      redirect_uris: uris,
      jwks: { keys },
      ...idToken,
      ...userinfo,
      registered_at: now.toISOString(),
    },
  };
}

/** A registered client id is also its sector identifier: pairwise subjects differ per host. */
export const sectorOf = (clientId: string): string => new URL(clientId).host;
