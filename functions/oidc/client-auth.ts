import { compactVerify, decodeJwt, type JWTPayload } from 'jose';
import type { Env } from '../env';
import { SIGNING_ALGS } from '../core/jose-algorithms';
import type { RegisteredClient } from '../core/oidc-client';
import { CLOCK_SKEW_SECONDS, MAX_ASSERTION_LIFETIME_SECONDS } from '../core/oidc-lifetimes';
import { registeredClient } from '../platform/clients';
import { directoryFor } from '../platform/directory';
import { clientSignatureKeys } from './client-keys';
import { InvalidClient } from './errors';
import { unresolvedClientError } from './federation';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The assertion's claims, or why they are refused (RFC 7523 §3, the profile's token request). */
function checkClaims(claims: JWTPayload, clientId: string, audiences: string[], now: number): string | null {
  if (claims.iss !== clientId || claims.sub !== clientId) return 'client assertion iss and sub must be the client_id';
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.some((a) => typeof a === 'string' && audiences.includes(a))) return 'client assertion aud must name this endpoint or the issuer';
  if (!isTime(claims.exp)) return 'client assertion exp is missing';
  if (claims.exp <= now - CLOCK_SKEW_SECONDS) return 'client assertion has expired';
  const issuedAt = isTime(claims.iat) ? claims.iat : now;
  if (issuedAt > now + CLOCK_SKEW_SECONDS) return 'client assertion iat is in the future';
  if (claims.exp - issuedAt > MAX_ASSERTION_LIFETIME_SECONDS) return 'client assertion lives too long';
  if (claims.nbf !== undefined && (!isTime(claims.nbf) || claims.nbf > now + CLOCK_SKEW_SECONDS)) return 'client assertion is not valid yet';
  if (typeof claims.jti !== 'string' || !claims.jti || claims.jti.length > 256) return 'client assertion jti is missing';
  return null;
}

/**
 * C-27: private_key_jwt (OpenID Connect Core 9) — the only way a client authenticates at the token,
 * introspection and revocation endpoints. The assertion is signed with a key the client registered,
 * names the client as iss and sub, is addressed to us, is current, and its jti is used once.
 */
export async function authenticateClient(env: Env, params: Map<string, string>, audiences: string[], nowMs: number): Promise<RegisteredClient> {
  if (params.get('client_assertion_type') !== JWT_BEARER) throw new InvalidClient(`client_assertion_type must be ${JWT_BEARER}`);
  const assertion = params.get('client_assertion');
  if (!assertion) throw new InvalidClient('client_assertion is missing');
  let unverified: JWTPayload;
  try {
    unverified = decodeJwt(assertion);
  } catch {
    throw new InvalidClient('client_assertion is not a signed JWT');
  }
  const clientId = params.get('client_id') ?? unverified.iss;
  if (typeof clientId !== 'string' || !clientId || clientId.length > 1024) throw new InvalidClient('the client is not identified');
  const client = await registeredClient(env, clientId).catch((err) => Promise.reject(unresolvedClientError(err, 'token')));
  if (!client) throw new InvalidClient('the client is not registered');

  let claims: JWTPayload;
  try {
    const { payload } = await compactVerify(assertion, clientSignatureKeys(client), { algorithms: [...SIGNING_ALGS] });
    claims = JSON.parse(new TextDecoder().decode(payload)) as JWTPayload;
  } catch {
    throw new InvalidClient('client_assertion signature does not verify with the client keys');
  }
  const now = Math.floor(nowMs / 1000);
  const problem = checkClaims(claims, client.client_id, audiences, now);
  if (problem) throw new InvalidClient(problem);
  const keepUntil = ((claims.exp as number) + CLOCK_SKEW_SECONDS) * 1000;
  if (!(await directoryFor(env).useAssertionId(client.client_id, claims.jti as string, keepUntil))) {
    throw new InvalidClient('client assertion jti already used');
  }
  return client;
}
