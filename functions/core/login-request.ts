import type { Level, LoginMethod } from './login-levels';

/**
 * What the OpenID Provider hands to the login pages (docs/login-handoff.md): the validated
 * authorization request, in the words the pages need.
 */
export interface LoginRequest {
  clientId: string;
  clientName: string;
  redirectUri: string;
  responseMode: 'query' | 'form_post';
  state: string;
  nonce: string;
  acr: Level;
  scope: string[];
  /** Claim names to release, per token: scope-implied ones plus those asked through `claims`. */
  claims: { id_token: string[]; userinfo: string[] };
  codeChallenge: string;
  prompt: string[];
}

/** What the login pages hand back when the citizen has authenticated and consented. */
export interface LoginOutcome {
  serial: string;
  fiscalCode: string;
  level: Level;
  method: LoginMethod;
  /** Epoch milliseconds of the authentication. */
  authTime: number;
  /**
   * Epoch milliseconds at which the login first relied on the level 1/2 credentials: when its password
   * was checked (a login without one: authTime). A change of the credentials at or after it refuses
   * the grant (R-ACC-2, core/identity-grants grantRefusal).
   */
  credentialsCheckedAt?: number;
}

export type LoginDenial = 'access_denied' | 'login_required';
