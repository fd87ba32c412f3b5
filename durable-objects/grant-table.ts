import { wantsRefreshToken, type GrantDecision, type GrantRecord, type TokenRecord, type TokenStatus } from '../functions/core/grant';
import { fromBase64Url } from '../functions/platform/encoding';

/**
 * The grant a login leaves behind, inside its FlowSession: the authorization code (hash only, single
 * use), and every token issued from it by jti, so that any of them can be revoked and a replayed code
 * or refresh token can revoke them all (C-25, C-37, C-39). Each decision is one synchronous run of SQL
 * with no await, so two concurrent redemptions of one code cannot both succeed.
 */
export class GrantTable {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS grant_state (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      client_id TEXT NOT NULL, record TEXT NOT NULL,
      code_hash TEXT NOT NULL, code_challenge TEXT NOT NULL, code_expires_at INTEGER NOT NULL,
      code_redeemed_at INTEGER, revoked INTEGER NOT NULL DEFAULT 0
    )`);
    sql.exec(`CREATE TABLE IF NOT EXISTS grant_tokens (
      jti TEXT PRIMARY KEY, kind TEXT NOT NULL, expires_at INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0
    )`);
  }

  private row() {
    return this.sql.exec('SELECT * FROM grant_state WHERE id = 1').toArray()[0] ?? null;
  }

  private token(jti: string) {
    return this.sql.exec('SELECT * FROM grant_tokens WHERE jti = ?', jti).toArray()[0] ?? null;
  }

  private record(row: Record<string, SqlStorageValue>): GrantRecord {
    return JSON.parse(String(row.record)) as GrantRecord;
  }

  /** A refresh token is recorded only for a grant that may have one (C-36): the caller need not know. */
  private insertTokens(grant: GrantRecord, tokens: TokenRecord[]) {
    for (const t of tokens.filter((token) => token.kind !== 'refresh' || wantsRefreshToken(grant))) {
      this.sql.exec('INSERT INTO grant_tokens (jti, kind, expires_at) VALUES (?, ?, ?)', t.jti, t.kind, t.expiresAt);
    }
  }

  /** Records the grant and its code; false when this flow already holds one. */
  open(grant: GrantRecord, codeHash: string, codeChallenge: string, codeExpiresAt: number): boolean {
    return (
      this.sql
        .exec(
          `INSERT INTO grant_state (id, client_id, record, code_hash, code_challenge, code_expires_at)
           VALUES (1, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING RETURNING id`,
          grant.clientId,
          JSON.stringify(grant),
          codeHash,
          codeChallenge,
          codeExpiresAt,
        )
        .toArray().length === 1
    );
  }

  /** Revokes the grant and every token it issued. */
  revokeAll(): void {
    this.sql.exec('UPDATE grant_state SET revoked = 1');
    this.sql.exec('UPDATE grant_tokens SET revoked = 1');
  }

  /**
   * C-22…C-26: the code, once, by the client it was issued to, within its lifetime, with the PKCE
   * verifier's S256 (and the redirect_uri, if the client sends one). A second presentation revokes
   * everything the first one issued (RFC 6749 §4.1.2).
   */
  redeemCode(codeHash: string, clientId: string, challenge: string, redirectUri: string | null, tokens: TokenRecord[], now: number): GrantDecision {
    const row = this.row();
    if (!row || !sameHash(String(row.code_hash), codeHash)) return { outcome: 'refused', reason: 'unknown code' };
    if (row.code_redeemed_at !== null) {
      this.revokeAll();
      return { outcome: 'replayed' };
    }
    if (Number(row.revoked) === 1) return { outcome: 'refused', reason: 'grant revoked' };
    if (Number(row.code_expires_at) <= now) return { outcome: 'refused', reason: 'code expired' };
    if (String(row.client_id) !== clientId) return { outcome: 'refused', reason: 'code issued to another client' };
    if (String(row.code_challenge) !== challenge) return { outcome: 'refused', reason: 'code_verifier does not match' };
    const grant = this.record(row);
    if (redirectUri !== null && redirectUri !== grant.redirectUri) return { outcome: 'refused', reason: 'redirect_uri does not match' };
    this.sql.exec('UPDATE grant_state SET code_redeemed_at = ? WHERE id = 1', now);
    this.insertTokens(grant, tokens);
    return { outcome: 'ok', grant };
  }

  /**
   * C-37: a live refresh token of this client becomes new tokens, and every token issued before is
   * invalidated (the profile's refresh token rotation). A rotated refresh token presented again
   * means two parties hold it: the whole grant is revoked.
   */
  rotateRefresh(jti: string, clientId: string, tokens: TokenRecord[], now: number): GrantDecision {
    const row = this.row();
    const token = this.token(jti);
    if (!row || !token || String(token.kind) !== 'refresh') return { outcome: 'refused', reason: 'unknown refresh token' };
    if (String(row.client_id) !== clientId) return { outcome: 'refused', reason: 'refresh token issued to another client' };
    if (Number(row.revoked) === 1) return { outcome: 'refused', reason: 'grant revoked' };
    if (Number(token.revoked) === 1) {
      this.revokeAll();
      return { outcome: 'replayed' };
    }
    if (Number(token.expires_at) <= now) return { outcome: 'refused', reason: 'refresh token expired' };
    const grant = this.record(row);
    this.sql.exec('UPDATE grant_tokens SET revoked = 1');
    this.insertTokens(grant, tokens);
    return { outcome: 'ok', grant };
  }

  status(jti: string, now: number): TokenStatus {
    const row = this.row();
    const token = this.token(jti);
    if (!row || !token || Number(row.revoked) === 1 || Number(token.revoked) === 1 || Number(token.expires_at) <= now) {
      return { active: false };
    }
    return { active: true, kind: String(token.kind) as 'access' | 'refresh', grant: this.record(row), expiresAt: Number(token.expires_at) };
  }

  /**
   * C-39: revoking an access token leaves the rest alone; revoking the refresh token ends the grant
   * with all its access tokens. A token of another client is left untouched (and nobody is told).
   */
  revoke(jti: string, clientId: string): void {
    const row = this.row();
    const token = this.token(jti);
    if (!row || !token || String(row.client_id) !== clientId) return;
    if (String(token.kind) === 'refresh') this.revokeAll();
    else this.sql.exec('UPDATE grant_tokens SET revoked = 1 WHERE jti = ?', jti);
  }

  /** The last moment anything of this grant is still good for. */
  lastExpiry(): number | null {
    const row = this.sql.exec('SELECT MAX(expires_at) AS last FROM grant_tokens WHERE revoked = 0').toArray()[0];
    return row && row.last !== null ? Number(row.last) : null;
  }
}

function sameHash(stored: string, presented: string): boolean {
  const a = fromBase64Url(stored);
  let b: Uint8Array;
  try {
    b = fromBase64Url(presented);
  } catch {
    return false;
  }
  return a.byteLength === b.byteLength && crypto.subtle.timingSafeEqual(a, b);
}
