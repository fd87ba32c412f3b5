import type { SigningKey } from '../lib/jwt.ts';

/**
 * What scripts/bench-compare.mjs writes for one target and login.ts open()s: the OP's endpoints,
 * the relying party (the same keys for both targets) and the users with their passwords.
 */
export type Target = 'cieid' | 'oidc-provider';

export interface CompareUser {
  username: string;
  password: string;
  givenName: string;
  fiscalCode: string;
}

export interface CompareData {
  target: Target;
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  userinfoEndpoint: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  acr: string;
  /** ES256: request objects and client assertions. */
  sigKey: SigningKey;
  /** ECDH-ES P-256: what userinfo is encrypted to. */
  encKey: { kid: string; privateJwk: JsonWebKey };
  users: CompareUser[];
}
