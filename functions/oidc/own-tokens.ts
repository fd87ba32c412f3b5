import { decodeProtectedHeader, type JWTPayload } from 'jose';
import type { Env } from '../env';
import type { TokenKind } from '../core/grant';
import { grantObject } from '../platform/objects';
import { verifyOwnJwt } from './keys';

/**
 * Access and refresh tokens are JWTs we signed (the profile wants them signed), told apart by their
 * `typ` so that one can never be played as the other. They carry `gid`, the grant's object id, which
 * finds the FlowSession that knows whether the token is still live.
 */
export const TOKEN_TYP: Record<TokenKind, string> = { access: 'at+jwt', refresh: 'rt+jwt' };

export interface OwnToken {
  kind: TokenKind;
  payload: JWTPayload & { jti: string; gid: string; client_id: string };
  grant: NonNullable<ReturnType<typeof grantObject>>;
}

/** Longer than any token we issue; anything bigger is not ours and is not parsed. */
const MAX_TOKEN_LENGTH = 8192;

/**
 * One of our tokens, signature, issuer, type and expiry checked — or null for anything else
 * (malformed, forged, expired, of the wrong kind). Whether it was revoked is the grant's to say.
 */
export async function readOwnToken(env: Env, issuer: string, token: string, kinds: readonly TokenKind[]): Promise<OwnToken | null> {
  if (!token || token.length > MAX_TOKEN_LENGTH) return null;
  let typ: unknown;
  try {
    typ = decodeProtectedHeader(token).typ;
  } catch {
    return null;
  }
  const kind = kinds.find((k) => TOKEN_TYP[k] === typ);
  if (!kind) return null;
  let payload: JWTPayload;
  try {
    ({ payload } = await verifyOwnJwt(env, token, { issuer, typ: TOKEN_TYP[kind] }));
  } catch {
    return null;
  }
  const { jti, gid, client_id } = payload;
  if (typeof jti !== 'string' || typeof gid !== 'string' || typeof client_id !== 'string') return null;
  const grant = grantObject(env, gid);
  if (!grant) return null;
  return { kind, payload: { ...payload, jti, gid, client_id }, grant };
}
