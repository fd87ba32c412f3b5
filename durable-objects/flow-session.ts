import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../functions/env';
import { GRANT_PHASES, type GrantDecision, type GrantRecord, type TokenRecord, type TokenStatus } from '../functions/core/grant';
import type { FlowMove } from '../functions/core/flows';
import { GrantTable } from './grant-table';
import { type AppChallenge, FlowAppTable, type QrClaim } from './flow-app-table';
import { type CodeCheck, FlowOtpTable, type OtpIssue } from './flow-otp-table';
import { WaitingPages } from './flow-waiting-pages';

/**
 * A flow in progress (any kind of core/flows.ts: activation, login, device certification, …), keyed
 * by a random flow id. It owns the flow's step, its data, its current OTP (hash only) and the OTP's
 * attempts. An alarm deletes everything when the flow has been idle too long, so nothing half-done
 * outlives it (R-ACT-8). It knows no kind of flow by name: which steps may do what (take an App
 * approval, show a QR code, end in a grant) its callers say, from their kind's table
 * (platform/flows.ts checks every move against it).
 */
export interface FlowState<D = Record<string, unknown>> {
  type: string;
  step: string;
  data: D;
  csrf: string;
  createdAt: number;
  expiresAt: number;
}

export type { FlowMove, OtpIssue };

/**
 * Where a flow's QR code may be shown and scanned, and at which of those steps a renewal also
 * retires the approval that a scan of an earlier code opened (given by the flow's kind).
 */
export interface QrSteps {
  at: readonly string[];
  renewalRetiresScanAt: readonly string[];
}

/**
 * `closed`: this check was the fifth wrong code and closed the flow. `gone`: the flow was not open
 * (closed before, expired, or never started), so no code was compared — the identity's daily count
 * of checks gives that one back (platform/otp).
 */
export type OtpCheck = CodeCheck | { outcome: 'gone' };

export class FlowSession extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly pages: WaitingPages;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.pages = new WaitingPages(ctx);
    this.schema();
  }

  /** Tables created on first use (only login flows need them); forgotten when deleteAll() drops them. */
  private appTable: FlowAppTable | null = null;
  private grantTable: GrantTable | null = null;
  /** The flow's one-time code (flow-otp-table.ts); its table exists from the start, as `flow` does. */
  private otp!: FlowOtpTable;

  /** Also run after deleteAll(), which drops the tables of a live object. */
  private schema() {
    this.appTable = null;
    this.grantTable = null;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS flow (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      type TEXT NOT NULL, step TEXT NOT NULL, data TEXT NOT NULL, csrf TEXT NOT NULL,
      created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, idle_ms INTEGER NOT NULL,
      closed INTEGER NOT NULL DEFAULT 0
    )`);
    this.otp = new FlowOtpTable(this.sql);
  }

  private live(now: number) {
    const row = this.sql.exec('SELECT * FROM flow WHERE id = 1').toArray()[0];
    if (!row || Number(row.closed) === 1 || Number(row.expires_at) <= now) return null;
    return row;
  }

  private async touch(idleMs: number, now: number) {
    this.sql.exec('UPDATE flow SET expires_at = ? WHERE id = 1', now + idleMs);
    await this.scheduleAlarm();
  }

  /** One alarm serves two clocks: the flow's idle expiry and its QR code's 120 s. */
  private async scheduleAlarm() {
    const row = this.sql.exec('SELECT expires_at FROM flow WHERE id = 1').toArray()[0];
    if (!row) return;
    const qr = this.app().qrExpiry();
    const flowExpiry = Number(row.expires_at);
    await this.ctx.storage.setAlarm(qr === null ? flowExpiry : Math.min(flowExpiry, qr));
  }

  /** Creates the flow; false if this id is already in use. */
  async start(type: string, step: string, data: Record<string, unknown>, csrf: string, idleMs: number, now = Date.now()): Promise<boolean> {
    if (this.sql.exec('SELECT 1 FROM flow WHERE id = 1').toArray().length) return false;
    this.sql.exec(
      'INSERT INTO flow (id, type, step, data, csrf, created_at, expires_at, idle_ms) VALUES (1, ?, ?, ?, ?, ?, ?, ?)',
      type,
      step,
      JSON.stringify(data),
      csrf,
      now,
      now + idleMs,
      idleMs,
    );
    await this.ctx.storage.setAlarm(now + idleMs);
    return true;
  }

  /** The flow as it stands, or null when it never existed, expired or was closed. */
  read(now = Date.now()): FlowState | null {
    const row = this.live(now);
    if (!row) return null;
    return {
      type: String(row.type),
      step: String(row.step),
      data: JSON.parse(String(row.data)) as Record<string, unknown>,
      csrf: String(row.csrf),
      createdAt: Number(row.created_at),
      expiresAt: Number(row.expires_at),
    };
  }

  /**
   * Moves the flow on, only from the step the caller saw: a double submit or a stale tab cannot
   * advance it twice. Returns the new state, or null when the flow is gone or has moved on.
   */
  async advance(fromStep: string, toStep: string, patch: Record<string, unknown>, now = Date.now()): Promise<FlowState | null> {
    const row = this.live(now);
    if (!row || String(row.step) !== fromStep) return null;
    const data = { ...(JSON.parse(String(row.data)) as Record<string, unknown>), ...patch };
    this.sql.exec('UPDATE flow SET step = ?, data = ? WHERE id = 1', toStep, JSON.stringify(data));
    await this.touch(Number(row.idle_ms), now);
    this.pages.announce({ step: toStep });
    return this.read(now);
  }

  /**
   * R-OTP-1, R-OTP-3: a new code for an open flow (flow-otp-table.ts: the 30 s resend rule, the old
   * code retired); issuing one restarts the flow's idle clock.
   */
  async issueOtp(purpose: string, hash: string, now = Date.now()): Promise<OtpIssue> {
    const row = this.live(now);
    if (!row) return { issued: false, waitSeconds: 0 };
    const issue = this.otp.issue(purpose, hash, now);
    if (issue.issued) await this.touch(Number(row.idle_ms), now);
    return issue;
  }

  /**
   * Moves the flow on (as advance) and, only if it moved, issues the code of the step it entered (as
   * issueOtp), in one call. Null when the flow did not move (gone, or moved on by another request).
   */
  async advanceWithOtp(
    fromStep: string,
    toStep: string,
    patch: Record<string, unknown>,
    purpose: string,
    hash: string,
    now = Date.now(),
  ): Promise<OtpIssue | null> {
    if (!(await this.advance(fromStep, toStep, patch, now))) return null;
    return this.issueOtp(purpose, hash, now);
  }

  /**
   * checkOtp, and when the code is right, the move it unlocks (as advance), in one call. The move is
   * made only on 'ok'; if another request has moved the flow meanwhile it is not made, as advance.
   */
  async checkOtpThenAdvance(purpose: string, hash: string, move: FlowMove, now = Date.now()): Promise<OtpCheck> {
    const check = this.checkOtp(purpose, hash, now);
    if (check.outcome !== 'ok') return check;
    return { ...check, moved: (await this.advance(move.from, move.to, move.patch, now)) !== null };
  }

  /**
   * R-OTP-1, R-OTP-2: the code checked against an open flow (flow-otp-table.ts); the fifth wrong code
   * closes the whole flow. Check and close are one synchronous step, so no concurrent request sees the
   * flow open after the code that closed it.
   */
  checkOtp(purpose: string, hash: string, now = Date.now()): OtpCheck {
    if (!this.live(now)) return { outcome: 'gone' };
    const check = this.otp.check(purpose, hash, now);
    if (check.outcome === 'closed') this.sql.exec('UPDATE flow SET closed = 1 WHERE id = 1');
    return check;
  }

  /** R-ACT-8: abandoning the flow keeps nothing. */
  async destroy(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.schema();
  }

  override async alarm(): Promise<void> {
    const row = this.sql.exec('SELECT expires_at FROM flow WHERE id = 1').toArray()[0];
    if (row && Number(row.expires_at) > Date.now()) {
      if (this.app().dropExpiredQr(Date.now())) this.pages.announce({ qr: 'expired' });
      await this.scheduleAlarm();
      return;
    }
    this.pages.closeAll();
    await this.ctx.storage.deleteAll();
    this.schema();
  }

  // ——— The App side of a login (R-LOG-2 push, R-LOG-3 QR): see flow-app-table.ts. ———

  private app(): FlowAppTable {
    this.appTable ??= new FlowAppTable(this.sql);
    return this.appTable;
  }

  /** The approval's challenge, set only while the flow is at one of the steps `at` (its kind's). */
  openAppChallenge(challenge: AppChallenge, at: readonly string[], now = Date.now()): boolean {
    const row = this.live(now);
    if (!row || !at.includes(String(row.step))) return false;
    this.app().setChallenge(challenge);
    return true;
  }

  /**
   * The App's decision, once: the challenge is taken (bound to approval, identity and device) and the
   * flow makes `move` (its kind's, checked by the caller), which must start at a step the challenge
   * may settle from and at the step the flow is at. False when any of that does not hold.
   */
  async settleApp(approvalId: string, challenge: string, serial: string, deviceId: string, move: FlowMove, now = Date.now()): Promise<boolean> {
    const row = this.live(now);
    if (!row) return false;
    const from = this.app().takeChallenge(approvalId, challenge, serial, deviceId, now);
    if (!from?.includes(move.from) || String(row.step) !== move.from) return false;
    return (await this.advance(move.from, move.to, move.patch, now)) !== null;
  }

  clearAppChallenge(): void {
    this.app().clearChallenge();
  }

  /**
   * R-LOG-3: a new QR code retires the last one. Every rendering of the page shows a new one, and a
   * scan already made goes on (the page may be reloaded while the phone asks for the App code). A
   * `renewal` — the citizen pressed "Genera un nuovo codice" — also retires, at the steps `steps` names, the
   * approval a scan of an earlier code opened, and restarts the login's idle clock: the citizen asked
   * for more time (WCAG 2.2.1).
   */
  async issueQr(tokenHash: string, expiresAt: number, steps: QrSteps, renewal = false, now = Date.now()): Promise<boolean> {
    const row = this.live(now);
    if (!row || !steps.at.includes(String(row.step))) return false;
    this.app().issueQr(tokenHash, expiresAt);
    if (!renewal) {
      await this.scheduleAlarm();
      return true;
    }
    if (steps.renewalRetiresScanAt.includes(String(row.step))) this.app().clearChallenge();
    await this.touch(Number(row.idle_ms), now);
    return true;
  }

  claimQr(tokenHash: string, deviceId: string, at: readonly string[], now = Date.now()): QrClaim {
    const row = this.live(now);
    if (!row || !at.includes(String(row.step))) return { outcome: 'unknown' };
    return this.app().claimQr(tokenHash, deviceId, now);
  }

  // ——— The waiting page's wake-up: a hibernating WebSocket per open page (flow-waiting-pages.ts). ———

  /** A socket opens only on a live flow: a page of a flow already gone polls and finds it gone. */
  override async fetch(request: Request): Promise<Response> {
    if (!WaitingPages.isUpgrade(request) || !this.live(Date.now())) return new Response(null, { status: 426 });
    return this.pages.accept();
  }

  /** Any message is a "where are we?": the answer is the current step. */
  override webSocketMessage(ws: WebSocket): void {
    const row = this.live(Date.now());
    ws.send(JSON.stringify({ step: row ? String(row.step) : 'gone' }));
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    WaitingPages.closeBack(ws, code);
  }

  // ——— The grant (docs/login-handoff.md): a finished login lives on as the grant it gave the RP. ———

  private grants(): GrantTable {
    this.grantTable ??= new GrantTable(this.sql);
    return this.grantTable;
  }

  /**
   * Ends the flow in a grant: records it and its code, and the flow now lives only as long as the
   * code (until it is redeemed), at the grant's own phases (core/grant.ts), which no kind lists as
   * a step, so no page reads it again. False when the flow is gone, is not of the kind `from`
   * names or not at one of its steps (the kind's type and grantsFrom: the one place that issues
   * authorization codes checks both itself, atomically), or already holds a grant.
   */
  async openGrant(
    grant: GrantRecord,
    codeHash: string,
    codeChallenge: string,
    codeExpiresAt: number,
    from: { type: string; steps: readonly string[] },
    now = Date.now(),
  ): Promise<boolean> {
    const row = this.live(now);
    if (!row || String(row.type) !== from.type || !from.steps.includes(String(row.step))) return false;
    if (!this.grants().open(grant, codeHash, codeChallenge, codeExpiresAt)) return false;
    this.sql.exec('UPDATE flow SET step = ?, expires_at = ? WHERE id = 1', GRANT_PHASES.codeIssued, codeExpiresAt);
    await this.ctx.storage.setAlarm(codeExpiresAt);
    return true;
  }

  /** The flow (and the grant in it) is kept while a token it issued may still be used. */
  private async keepWhileTokensLive(now: number) {
    const last = this.grants().lastExpiry();
    if (last === null || last <= now) return;
    this.sql.exec('UPDATE flow SET step = ?, expires_at = MAX(expires_at, ?) WHERE id = 1', GRANT_PHASES.granted, last);
    await this.ctx.storage.setAlarm(Number(this.sql.exec('SELECT expires_at FROM flow WHERE id = 1').one().expires_at));
  }

  async redeemCode(
    codeHash: string,
    clientId: string,
    challenge: string,
    redirectUri: string | null,
    tokens: TokenRecord[],
    now = Date.now(),
  ): Promise<GrantDecision> {
    const decision = this.grants().redeemCode(codeHash, clientId, challenge, redirectUri, tokens, now);
    if (decision.outcome === 'ok') await this.keepWhileTokensLive(now);
    return decision;
  }

  async rotateRefresh(jti: string, clientId: string, tokens: TokenRecord[], now = Date.now()): Promise<GrantDecision> {
    const decision = this.grants().rotateRefresh(jti, clientId, tokens, now);
    if (decision.outcome === 'ok') await this.keepWhileTokensLive(now);
    return decision;
  }

  tokenStatus(jti: string, now = Date.now()): TokenStatus {
    return this.grants().status(jti, now);
  }

  revokeToken(jti: string, clientId: string): void {
    this.grants().revoke(jti, clientId);
  }

  revokeGrant(): void {
    this.grants().revokeAll();
  }
}
