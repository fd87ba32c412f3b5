import type { Level, LoginMethod } from './login-levels';

/**
 * What a finished login grants a relying party: who logged in, how, and what the RP may learn. It is
 * kept in the login's FlowSession, which outlives the login as the grant (see durable-objects/grant-table).
 */
export interface GrantRecord {
  clientId: string;
  redirectUri: string;
  scope: string[];
  claims: { id_token: string[]; userinfo: string[] };
  nonce: string;
  /** The level asked for and the level proven (R-LVL-4: proven ≥ asked). */
  requestedLevel: Level;
  level: Level;
  method: LoginMethod;
  /** Epoch milliseconds. */
  authTime: number;
  serial: string;
  fiscalCode: string;
}

/**
 * The steps a flow is at once it has ended in a grant (FlowSession.openGrant): the code issued, then
 * tokens issued from it. No flow kind lists them, so a reader of any kind finds such a flow gone.
 */
export const GRANT_PHASES = { codeIssued: 'code_issued', granted: 'granted' } as const;

export type TokenKind = 'access' | 'refresh';

/** A token about to be handed out, recorded before it is signed so that it can be revoked. */
export interface TokenRecord {
  jti: string;
  kind: TokenKind;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export type GrantDecision =
  | { outcome: 'ok'; grant: GrantRecord }
  /** C-25 / refresh token replay: the presented credential had been used, so everything was revoked. */
  | { outcome: 'replayed' }
  | { outcome: 'refused'; reason: string };

export type TokenStatus = { active: true; kind: TokenKind; grant: GrantRecord; expiresAt: number } | { active: false };

/** Refresh tokens only for offline_access, which the authorize endpoint grants only with prompt=consent (C-18, C-36). */
export const wantsRefreshToken = (grant: Pick<GrantRecord, 'scope'>): boolean => grant.scope.includes('offline_access');
