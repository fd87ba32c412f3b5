import type { Env } from '../env';
import { acrOf } from '../core/acr';
import type { GrantRecord, TokenRecord } from '../core/grant';
import { claimValues, type Holder } from '../core/oidc-claims';
import type { RegisteredClient } from '../core/oidc-client';
import { ID_TOKEN_TTL_SECONDS } from '../core/oidc-lifetimes';
import { toBase64Url, utf8 } from '../platform/encoding';
import { encryptFor, encryptsIdToken } from './encryption';
import type { Endpoints } from './issuer';
import { signJwt } from './keys';
import { TOKEN_TYP } from './own-tokens';

/** Everything a token needs to say who, for whom and under which grant. */
export interface Issue {
  env: Env;
  endpoints: Endpoints;
  client: RegisteredClient;
  grant: GrantRecord;
  grantId: string;
  sub: string;
  /** Epoch seconds. */
  iat: number;
}

const seconds = (ms: number) => Math.floor(ms / 1000);

/** C-31: a JWT access token (RFC 9068) for the userinfo endpoint, scope included. */
export function accessToken(i: Issue, record: TokenRecord): Promise<string> {
  return signJwt(
    i.env,
    {
      iss: i.endpoints.issuer,
      sub: i.sub,
      aud: [i.client.client_id, i.endpoints.userinfo],
      client_id: i.client.client_id,
      scope: i.grant.scope.join(' '),
      acr: acrOf(i.grant.level),
      jti: record.jti,
      gid: i.grantId,
      iat: i.iat,
      exp: seconds(record.expiresAt),
    },
    { typ: TOKEN_TYP.access },
  );
}

/** C-36: a signed JWT, aud = client_id, rotated on every use (C-37). */
export function refreshToken(i: Issue, record: TokenRecord): Promise<string> {
  return signJwt(
    i.env,
    {
      iss: i.endpoints.issuer,
      sub: i.sub,
      aud: i.client.client_id,
      client_id: i.client.client_id,
      scope: i.grant.scope.join(' '),
      jti: record.jti,
      gid: i.grantId,
      iat: i.iat,
      exp: seconds(record.expiresAt),
    },
    { typ: TOKEN_TYP.refresh },
  );
}

/** OpenID Connect Core 3.1.3.6: the left half of the SHA-256 of the access token (we sign with RS256). */
async function atHash(accessToken: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(accessToken)));
  return toBase64Url(digest.slice(0, digest.length / 2));
}

/**
 * C-29, C-32, C-33: the ID token — acr as proven, the RP's nonce, at_hash, nbf = iat, 5 minutes, a
 * uuid jti, the scope's and the `claims` parameter's claims; a JWE when the RP asked for encryption.
 */
export async function idToken(i: Issue, holder: Holder, access: string): Promise<string> {
  const jws = await signJwt(i.env, {
    iss: i.endpoints.issuer,
    sub: i.sub,
    aud: i.client.client_id,
    acr: acrOf(i.grant.level),
    auth_time: seconds(i.grant.authTime),
    nonce: i.grant.nonce,
    at_hash: await atHash(access),
    iat: i.iat,
    nbf: i.iat,
    exp: i.iat + ID_TOKEN_TTL_SECONDS,
    jti: crypto.randomUUID(),
    ...claimValues(i.grant.claims.id_token, holder),
  });
  return encryptsIdToken(i.client) ? encryptFor(i.client, jws, 'id_token') : jws;
}
