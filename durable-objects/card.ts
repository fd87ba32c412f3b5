import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../functions/env';
import type { CardRequest } from '../functions/core/card-request';
import { PUK_MAX_WRONG, pukDigitsMatch } from '../functions/core/puk-challenge';
import { isExpired } from '../functions/core/card-validity';
import { type AccessLogEntry, type CardStatus, type L2Mode, IN_SERVICE_STATUSES, isInService } from '../functions/core/card';
import { decryptSecret, randomId } from '../functions/platform/crypto';
import { lastPasswords } from '../functions/core/password-history';
import type { ThrottleState } from '../functions/core/password-throttle';
import { type FailureRecord, type SuccessRecord, PasswordThrottleTable } from './password-throttle-table';
import { type Approval, type ApprovalOpening, type DeviceListing, type DeviceRecord, type NewDevice, DeviceTable } from './device-table';
import { CardCapsTable, type SendAllowance } from './card-caps-table';
import { type CardEvent, CardLogTable, type LoggedEvent, type LoggedService } from './card-log-table';
import type { LogSelection } from '../functions/core/access-log-view';
import { ACCESS_LOG_MAX_EVENTS } from '../functions/core/access-log-retention';
import { CardL3Table } from './card-l3-table';
import { CardPukRecoveryTable } from './card-puk-recovery-table';
import { PUK_APP_DAILY_STARTS, PUK_LINK_PATH, type PukRequest, type PukRequestAnswer, earliestAlarm, pukLinkToken } from '../functions/core/puk-recovery';
import { holderContact, sendNotice } from '../functions/platform/notices';
import { sha256Base64Url } from '../functions/platform/recovery-links';
import { CardAreaSessionsTable } from './card-area-sessions-table';
import { type ListedGrant, CardGrantsTable } from './card-grants-table';
import { CardChoicesTable } from './card-choices-table';
import { type GrantRefusal, type ProvenLogin, grantRefusal } from '../functions/core/identity-grants';
import { CardPasswordHistoryTable } from './card-password-history-table';

export type { CardEvent, SendAllowance };

/** What the registry was told (core/card-request), plus what issuing the card added. */
export interface CardRecord extends CardRequest {
  serial: string;
  issuedAt: number;
  expiresAt: number;
  /** AES-GCM sealed, bound to the serial (see platform/crypto). */
  sealedPin: string;
  sealedPuk: string;
  /**
   * The authentication certificate it was issued with (level 3, docs/level3.md): DER, base64url, and
   * its SHA-256 (lower-case hex). A card is never issued another; one issued before level 3 has none.
   */
  certificate?: string;
  certificateFingerprint?: string;
}

export interface CardView extends Omit<CardRequest, 'publicKey'> {
  serial: string;
  hasPublicKey: boolean;
  issuedAt: number;
  expiresAt: number;
  status: CardStatus;
  blockedReason: string | null;
  pukFailures: number;
  credentials: { activatedAt: number; mode: L2Mode; verifiedEmail: string | null } | null;
  /** The certificate as issued (DER, base64url) and its SHA-256 fingerprint; null for a card issued before level 3. */
  certificate: string | null;
  certificateFingerprint: string | null;
  /** R-ACC-4 (area-revocation): when the level 1/2 credentials were revoked, null once activated again; level 3 suspended by the holder. */
  credentialsRevokedAt: number | null;
  /** R-ACC-2 (area-fix): when the level 1/2 credentials last changed (password set, revoked, activated); null when never. */
  credentialsChangedAt: number | null;
  level3Suspended: boolean;
}

export interface Credentials {
  passwordHash: string;
  mode: L2Mode;
  verifiedEmail: string | null;
}

/** `justBlocked`: this very answer was the 11th wrong one (R-PUK-3), the one of all that blocked the card. */
export type PukAnswer =
  | { outcome: 'ok' }
  | { outcome: 'wrong'; remaining: number }
  | { outcome: 'blocked'; justBlocked?: boolean }
  | { outcome: 'unusable'; status: CardStatus };

/** R-LOG-8: may a password be tried now; if so, the hash to try it against (null: no credentials). */
export type PasswordGate = { allowed: true; passwordHash: string | null } | { allowed: false; retryAt: number };

/** isInService as a SQL condition on the card's stored status, for the statements that change it. */
const IN_SERVICE_SQL = `status IN (${IN_SERVICE_STATUSES.map((s) => `'${s}'`).join(', ')})`;

/** The identity's one row in the password_failures table. */
const IDENTITY = 'identity';

interface Row {
  [k: string]: SqlStorageValue;
}

/**
 * One card, one writer (keyed by serial). It owns the card's status, its sealed PIN/PUK, the PUK
 * failure counter and the level 1/2 credentials. Every counter changes in one synchronous SQL
 * statement with its limit in the WHERE clause, so concurrent requests cannot race past a limit.
 */
export class Card extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly passwordThrottle: PasswordThrottleTable;
  private readonly devices: DeviceTable;
  private readonly caps: CardCapsTable;
  private readonly log: CardLogTable;
  private readonly l3: CardL3Table;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS card (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      record TEXT NOT NULL,
      status TEXT NOT NULL,
      blocked_reason TEXT,
      puk_failures INTEGER NOT NULL DEFAULT 0
    )`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS credentials (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      password_hash TEXT NOT NULL,
      mode TEXT NOT NULL,
      verified_email TEXT,
      activated_at INTEGER NOT NULL
    )`);
    this.caps = new CardCapsTable(this.sql);
    this.log = new CardLogTable(this.sql);
    this.passwordThrottle = new PasswordThrottleTable(this.sql, 'password_failures');
    this.devices = new DeviceTable(this.sql);
    this.l3 = new CardL3Table(this.sql);
  }

  /** The holder's access log (R-LOG-9, R-CARD-3), newest first, within its retention: see card-log-table.ts. */
  events(limit = 100, now = Date.now()): CardEvent[] {
    return this.log.recent(limit, now);
  }

  private row(): Row | null {
    return this.sql.exec('SELECT record, status, blocked_reason, puk_failures FROM card WHERE id = 1').toArray()[0] ?? null;
  }

  private record(row = this.row()): CardRecord | null {
    return row ? (JSON.parse(String(row.record)) as CardRecord) : null;
  }

  /** Stored status, with expiry applied by the clock (an expired card authenticates nobody). */
  private effectiveStatus(row: Row, record: CardRecord, now: number): CardStatus {
    const status = String(row.status) as CardStatus;
    if (isInService(status) && isExpired(record.expiresAt, now)) return 'expired';
    return status;
  }

  /** Writes the card once; a second issue for the same serial is refused. */
  issue(record: CardRecord): boolean {
    if (this.row()) return false;
    this.sql.exec('INSERT INTO card (id, record, status) VALUES (1, ?, ?)', JSON.stringify(record), 'issued');
    return true;
  }

  view(now = Date.now()): CardView | null {
    const row = this.row();
    const record = this.record(row);
    if (!row || !record) return null;
    const cred = this.sql.exec('SELECT mode, verified_email, activated_at FROM credentials WHERE id = 1').toArray()[0];
    return {
      serial: record.serial,
      fiscalCode: record.fiscalCode,
      givenName: record.givenName,
      familyName: record.familyName,
      birthDate: record.birthDate,
      phone: record.phone,
      email: record.email,
      hasPublicKey: record.publicKey !== null,
      issuedAt: record.issuedAt,
      expiresAt: record.expiresAt,
      status: this.effectiveStatus(row, record, now),
      blockedReason: row.blocked_reason === null ? null : String(row.blocked_reason),
      pukFailures: Number(row.puk_failures),
      credentials: cred
        ? {
            activatedAt: Number(cred.activated_at),
            mode: String(cred.mode) as L2Mode,
            verifiedEmail: cred.verified_email === null ? null : String(cred.verified_email),
          }
        : null,
      certificate: record.certificate ?? null,
      certificateFingerprint: record.certificateFingerprint ?? null,
      ...this.choices.read(cred !== undefined),
    };
  }

  /** Sealed PIN and PUK, for a reprint (R-CARD-6): the caller unseals them, nothing changes here. */
  sealedCodes(): { sealedPin: string; sealedPuk: string } | null {
    const record = this.record();
    return record ? { sealedPin: record.sealedPin, sealedPuk: record.sealedPuk } : null;
  }

  /** R-CARD-3: lost or stolen. Permanent states are kept as they are. */
  block(reason: string): CardView | null {
    const changed = this.sql
      .exec(`UPDATE card SET status = 'blocked', blocked_reason = ? WHERE id = 1 AND ${IN_SERVICE_SQL} RETURNING id`, reason)
      .toArray().length;
    if (changed) this.log.append('card_blocked', { reason }, Date.now());
    return this.view();
  }

  /** R-CARD-7: a newer card for the same holder takes over; this serial authenticates nobody. */
  supersede(): void {
    this.sql.exec(`UPDATE card SET status = 'superseded' WHERE id = 1 AND status <> 'superseded'`);
    this.sql.exec('DELETE FROM credentials');
    for (const d of this.devices.list()) this.devices.revoke(d.id, Date.now());
  }

  /**
   * R-ACT-2 / R-PUK-3: checks two digits of the PUK's first half. The (async) decryption happens
   * first; the decision is then one conditional UPDATE, so 100 concurrent wrong answers record
   * exactly PUK_MAX_WRONG + 1 failures and no more.
   */
  async answerPuk(positions: [number, number], digits: [string, string], now = Date.now()): Promise<PukAnswer> {
    const record = this.record();
    if (!record || !this.env.DATA_KEY) return { outcome: 'unusable', status: 'blocked' };
    const puk = await decryptSecret(this.env.DATA_KEY, record.sealedPuk, `puk:${record.serial}`);
    const right = pukDigitsMatch(puk.slice(0, 4), positions, digits);
    const row = this.row()!;
    const status = this.effectiveStatus(row, record, now);
    if (status === 'puk_blocked') return { outcome: 'blocked' };
    if (!isInService(status)) return { outcome: 'unusable', status };
    if (right) return { outcome: 'ok' };
    const updated = this.sql
      .exec(
        `UPDATE card SET puk_failures = puk_failures + 1,
           status = CASE WHEN puk_failures + 1 > ? THEN 'puk_blocked' ELSE status END
         WHERE id = 1 AND puk_failures <= ? AND ${IN_SERVICE_SQL}
         RETURNING puk_failures`,
        PUK_MAX_WRONG,
        PUK_MAX_WRONG,
      )
      .toArray()[0];
    if (!updated) return { outcome: 'blocked' };
    const failures = Number(updated.puk_failures);
    // Only the answer that blocked the card (one, whatever the concurrency) says so: its caller puts
    // the certificate on the CA's list (registry/crl.ts), as the registry does for the cards it blocks.
    if (failures > PUK_MAX_WRONG) return { outcome: 'blocked', justBlocked: failures === PUK_MAX_WRONG + 1 };
    return { outcome: 'wrong', remaining: PUK_MAX_WRONG + 1 - failures };
  }

  /** R-ACT-9: activation (again) replaces the level 1/2 credentials in one statement. */
  activate(credentials: Credentials, now = Date.now()): { ok: true } | { ok: false; status: CardStatus } {
    const row = this.row();
    const record = this.record(row);
    if (!row || !record) return { ok: false, status: 'blocked' };
    const status = this.effectiveStatus(row, record, now);
    if (!isInService(status)) return { ok: false, status };
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(
        `INSERT OR REPLACE INTO credentials (id, password_hash, mode, verified_email, activated_at) VALUES (1, ?, ?, ?, ?)`,
        credentials.passwordHash,
        credentials.mode,
        credentials.verifiedEmail,
        now,
      );
      this.sql.exec(`UPDATE card SET status = 'active' WHERE id = 1`);
      // R-ACT-9, R-ACC-2: new credentials; a login past the ones they replace must not end in a grant.
      this.choices.markCredentialsChanged(now);
      this.log.append('activation', { outcome: 'completed', mode: credentials.mode }, now);
    });
    return { ok: true };
  }

  /** R-CARD-3: a refused activation is in the holder's log too (the citizen proved CF and serial). */
  logActivationRefused(reason: string, now = Date.now()): void {
    this.log.append('activation', { outcome: 'refused', reason }, now);
  }

  // ——— The identity's daily caps of codes sent and checked (R-OTP-2, R-OTP-3): see card-caps-table.ts. ———

  countSend(now = Date.now()): SendAllowance {
    return this.caps.countSend(now);
  }

  /**
   * countSend and the number to send the code to, in one call: a login's SMS needs both. The phone
   * is null only for a card that does not exist.
   */
  countSendTo(now = Date.now()): { allowed: true; phone: string | null } | { allowed: false } {
    if (!this.countSend(now).allowed) return { allowed: false };
    return { allowed: true, phone: this.record()?.phone ?? null };
  }

  countOtpCheck(now = Date.now()): SendAllowance {
    return this.caps.countOtpCheck(now);
  }

  /** A check that reached no open flow compared no code: it is given back (platform/otp). */
  uncountOtpCheck(countedAt: number): void {
    this.caps.uncountOtpCheck(countedAt);
  }

  /**
   * R-LOG-8, first half of a password attempt: refused at once while the identity is slowed down or
   * locked; otherwise the stored hash, which the Worker verifies (PBKDF2 runs there, in parallel,
   * rather than one at a time inside this object). With `log`, a refused attempt's line in the access
   * log (R-LOG-9) is written in this same call.
   */
  passwordGate(now = Date.now(), log?: Omit<AccessLogEntry, 'at' | 'outcome'>): PasswordGate {
    const decision = this.passwordThrottle.gate(IDENTITY, now);
    if (!decision.allowed) {
      if (log) this.logAccess({ ...log, at: now, outcome: 'throttled' });
      return decision;
    }
    const cred = this.sql.exec('SELECT password_hash FROM credentials WHERE id = 1').toArray()[0];
    return { allowed: true, passwordHash: cred ? String(cred.password_hash) : null };
  }

  /**
   * R-LOG-8, second half: a wrong password is counted only if the schedule allowed the attempt. With
   * `log`, the attempt's line in the access log (R-LOG-9) is written in this same call: a wrong
   * password then costs the calls an unknown username costs, and takes as long.
   */
  recordPasswordFailure(now = Date.now(), log?: Omit<AccessLogEntry, 'at' | 'outcome'>): FailureRecord {
    const failure = this.passwordThrottle.recordFailure(IDENTITY, now);
    if (log) this.logAccess({ ...log, at: now, outcome: failure.recorded && !failure.locked ? 'wrong_password' : 'throttled', ...this.revokedReason() });
    return failure;
  }

  /** A right password resets the counter, unless the attempt came while slowed down or locked. */
  recordPasswordSuccess(now = Date.now()): SuccessRecord {
    return this.passwordThrottle.recordSuccess(IDENTITY, now);
  }

  /**
   * recordPasswordSuccess and the card as it stands right after, in one call: a login needs the
   * card's standing (R-CARD-3, R-CARD-4) the moment the password is accepted. With `log`, a refusal (the
   * attempt raced a failure into the slow-down) is logged in this same call, as passwordGate does.
   */
  acceptPassword(now = Date.now(), log?: Omit<AccessLogEntry, 'at' | 'outcome'>): { success: SuccessRecord; card: CardView | null } {
    const success = this.recordPasswordSuccess(now);
    if (!success.ok && log) this.logAccess({ ...log, at: now, outcome: 'throttled' });
    return { success, card: success.ok ? this.view(now) : null };
  }

  passwordFailures(now = Date.now()): ThrottleState {
    return this.passwordThrottle.state(IDENTITY, now);
  }

  /** R-LOG-9: every login attempt on this identity, granted or refused. */
  logAccess(entry: AccessLogEntry): void {
    this.log.access(entry);
  }

  // ——— App CieID devices (R-APP-3, R-APP-4) and their approvals (R-LOG-2, R-LOG-3): see device-table.ts. ———

  addDevice(d: NewDevice, sessionHash: string, now = Date.now()): boolean {
    const added = this.devices.add(d, sessionHash, now);
    if (added) this.log.append('device_certified', { device: d.id, name: d.name }, now);
    return added;
  }

  deviceBySession(id: string, sessionHash: string): DeviceRecord | null {
    return this.devices.bySession(id, sessionHash);
  }

  device(id: string): DeviceRecord | null {
    return this.devices.live(id);
  }

  listDevices(): DeviceListing[] {
    return this.devices.list();
  }

  liveDevices(): number {
    return this.devices.liveCount();
  }

  revokeDevice(id: string, now = Date.now()): boolean {
    return this.revokeDeviceNamed(id, now) !== null;
  }

  advanceDeviceCounter(id: string, presented: number, now = Date.now()): boolean {
    return this.devices.advanceCounter(id, presented, now);
  }

  openApproval(a: Omit<Approval, 'openedAt' | 'expiresAt'>, now = Date.now()): ApprovalOpening {
    return this.devices.open(a, now);
  }

  pendingApprovals(deviceId: string, now = Date.now()): Approval[] {
    return this.devices.pending(deviceId, now);
  }

  findApproval(id: string, deviceId: string, now = Date.now()): Approval | null {
    return this.devices.find(id, deviceId, now);
  }

  takeApproval(id: string, deviceId: string, now = Date.now()): boolean {
    return this.devices.take(id, deviceId, now);
  }

  // ——— Level 3: the devices that hold this card (R-L3-1, R-L3-2): see card-l3-table.ts. ———

  /** The card can be bound to a device only while in service, and only by its own certificate. */
  private bindable(fingerprint: string, now: number): boolean {
    const row = this.row();
    const record = this.record(row);
    return !!row && !!record?.certificateFingerprint && record.certificateFingerprint === fingerprint && isInService(this.effectiveStatus(row, record, now));
  }

  /** R-L3-1: a certified device read this card; false when the device is not live or `fingerprint` is not this card's certificate. */
  registerL3Device(deviceId: string, fingerprint: string, now = Date.now()): boolean {
    if (!this.bindable(fingerprint, now) || !this.devices.live(deviceId)) return false;
    this.l3.register(deviceId, fingerprint, now);
    this.log.append('card_registered', { device: deviceId }, now);
    return true;
  }

  /** R-L3-2: a device certified by the card itself, with no level 1/2 credentials: added and holding the card in one step. */
  addL3Device(d: NewDevice, sessionHash: string, fingerprint: string, now = Date.now()): boolean {
    if (!this.bindable(fingerprint, now)) return false;
    const added = this.ctx.storage.transactionSync(() => {
      if (!this.devices.add(d, sessionHash, now)) return false;
      this.l3.register(d.id, fingerprint, now);
      return true;
    });
    if (added) {
      this.log.append('device_certified', { device: d.id, name: d.name, by: 'card' }, now);
      this.log.append('card_registered', { device: d.id }, now);
    }
    return added;
  }

  /** Does this live device hold this card (the certificate of `fingerprint`) for level 3? */
  deviceHoldsCard(deviceId: string, fingerprint: string): boolean {
    return this.devices.live(deviceId) !== null && this.l3.holds(deviceId, fingerprint);
  }

  /** R-ACC-3: the level 2 mode, switched in the personal area; effective for the next login. */
  setMode(mode: L2Mode, now = Date.now()): boolean {
    const changed = this.sql.exec('UPDATE credentials SET mode = ? WHERE id = 1 RETURNING id', mode).toArray().length === 1;
    if (changed) this.log.append('mode_changed', { mode }, now);
    return changed;
  }

  // ——— Personal area (area-profile): its sessions' end, the password change and its history (R-ACC-2), the email. ———
  // Tables: card-area-sessions-table.ts, card-password-history-table.ts; created on first use.

  private areaTables?: { sessions: CardAreaSessionsTable; history: CardPasswordHistoryTable };

  private get area() {
    this.areaTables ??= { sessions: new CardAreaSessionsTable(this.sql), history: new CardPasswordHistoryTable(this.sql) };
    return this.areaTables;
  }

  /** The card as the personal area shows it, with the moment every area session was ended (and the one kept), in one read. */
  areaState(now = Date.now()): (CardView & { areaSessionsEndedAt: number | null; areaSessionKept: string | null }) | null {
    const view = this.view(now);
    return view ? { ...view, areaSessionsEndedAt: this.area.sessions.endedAt(), areaSessionKept: this.area.sessions.kept() } : null;
  }

  /**
   * Every personal-area session of this identity whose login authenticated up to `now` stops working at
   * its next request, but the one whose hash is `keep` (account/area/session areaSessionHash).
   */
  endAreaSessions(now = Date.now(), keep: string | null = null): void {
    this.ctx.storage.transactionSync(() => this.area.sessions.end(now, keep));
  }

  /**
   * R-ACC-2: the last passwords (as hashes) a new one may not repeat, the current one first; empty
   * without credentials.
   */
  recentPasswordHashes(): string[] {
    const cred = this.sql.exec('SELECT password_hash FROM credentials WHERE id = 1').toArray()[0];
    return cred ? lastPasswords(String(cred.password_hash), this.area.history.hashes()) : [];
  }

  /**
   * R-ACC-2: replaces the password of existing credentials, keeping the old hash in the history, in
   * one synchronous step. False without credentials (never activated, superseded) or for a card out
   * of service: nothing changes then.
   */
  setPassword(newHash: string, now = Date.now()): boolean {
    const row = this.row();
    const record = this.record(row);
    if (!row || !record || !isInService(this.effectiveStatus(row, record, now))) return false;
    const old = this.sql.exec('SELECT password_hash FROM credentials WHERE id = 1').toArray()[0];
    if (!old) return false;
    this.ctx.storage.transactionSync(() => {
      this.sql.exec('UPDATE credentials SET password_hash = ? WHERE id = 1', newHash);
      // R-ACC-2: a login past the old password must not end in a grant after this (admitGrant).
      this.choices.markCredentialsChanged(now);
      this.area.history.push(String(old.password_hash), now);
      this.log.append('password_changed', {}, now);
    });
    return true;
  }

  /**
   * The verified email of existing credentials (the `email:` username, R-ACT-7), replaced or added
   * once its OTP was right; the directory key is the caller's, moved before this is called. Returns
   * the address it replaced (null: there was none), or false without credentials or for a card out of
   * service (R-CARD-3: a blocked card's holder changes nothing through it).
   */
  setVerifiedEmail(email: string, now = Date.now()): { previous: string | null } | false {
    const row = this.row();
    const record = this.record(row);
    if (!row || !record || !isInService(this.effectiveStatus(row, record, now))) return false;
    const old = this.sql.exec('SELECT verified_email FROM credentials WHERE id = 1').toArray()[0];
    if (!old) return false;
    this.ctx.storage.transactionSync(() => {
      this.sql.exec('UPDATE credentials SET verified_email = ? WHERE id = 1', email);
      this.log.append('email_changed', {}, now);
    });
    return { previous: old.verified_email === null ? null : String(old.verified_email) };
  }

  // ——— Revocation (area-revocation): the grants issued for this identity, the credentials revoked, level 3 suspended (R-ACC-4). ———
  // Tables: card-grants-table.ts, card-choices-table.ts; created on first use.

  private revocationTables?: { grants: CardGrantsTable; choices: CardChoicesTable };

  private get revocation() {
    this.revocationTables ??= { grants: new CardGrantsTable(this.sql), choices: new CardChoicesTable(this.sql) };
    return this.revocationTables;
  }

  private get choices(): CardChoicesTable {
    return this.revocation.choices;
  }

  private hasCredentials(): boolean {
    return this.sql.exec('SELECT 1 FROM credentials WHERE id = 1').toArray().length === 1;
  }

  /** A wrong password on revoked credentials says so in the holder's log (the login page does not: R-LOG-8). */
  private revokedReason(): { reason?: string } {
    return this.choices.read(this.hasCredentials()).credentialsRevokedAt === null ? {} : { reason: 'credentials_revoked' };
  }

  /**
   * The login's last check and its entry in this identity's list of grants, in one call (the one the
   * login already made to read the card): the grant is listed only if the card may still log in at
   * the level proven (core/identity-grants grantRefusal). `evicted`: grants the list's bound pushed
   * out, which the caller revokes. With `log`, the login's line in "Elenco accessi" (R-LOG-9) is
   * written in the same call, with the outcome decided here: granted, or the card's refusal.
   */
  admitGrant(
    proven: ProvenLogin,
    grant: ListedGrant,
    now = Date.now(),
    log?: Omit<AccessLogEntry, 'at' | 'outcome' | 'reason'>,
  ): { refusal: GrantRefusal | null; evicted: string[] } {
    const card = this.view(now);
    const refusal = card ? grantRefusal(card, proven, new Date(now)) : 'blocked';
    if (log) this.logAccess({ ...log, at: now, ...(refusal ? { outcome: 'card_refused', reason: refusal } : { outcome: 'granted' }) });
    if (refusal) return { refusal, evicted: [] };
    return { refusal: null, evicted: this.revocation.grants.add(grant, now) };
  }

  /**
   * A refresh (C-37) keeps its grant listed for the new refresh token's life, listing it again if it was
   * not (card-grants-table keep); `notify`: the holder is to hear of it (once a day at most); `evicted`:
   * grants the list's bound pushed out, which the caller revokes.
   */
  grantRefreshed(grant: ListedGrant, now = Date.now()): { notify: boolean; evicted: string[] } {
    return this.revocation.grants.keep(grant, now);
  }

  /** Every grant of this identity that may still hold a live token, for platform/identity-sessions to revoke. */
  liveGrants(now = Date.now()): ListedGrant[] {
    return this.revocation.grants.live(now);
  }

  /**
   * R-ACC-4 "Revoca livello 1 e livello 2": the credentials go and the mark stays, in one synchronous
   * step, so a login past its password from now on finds them revoked (admitGrant). Returns the
   * verified email the credentials held (its `email:` username is the caller's to release); false
   * when there were no credentials to revoke.
   */
  revokeCredentials(now = Date.now()): { verifiedEmail: string | null } | false {
    return this.ctx.storage.transactionSync(() => {
      const cred = this.sql.exec('DELETE FROM credentials WHERE id = 1 RETURNING verified_email').toArray()[0];
      if (!cred) return false;
      this.choices.markCredentialsRevoked(now);
      this.choices.markCredentialsChanged(now);
      this.log.append('credentials_revoked', {}, now);
      return { verifiedEmail: cred.verified_email === null ? null : String(cred.verified_email) };
    });
  }

  /**
   * R-ACC-4 "Sospendi livello 3" / "Riattiva livello 3": every level 3 check reads it with the card
   * (view().level3Suspended, core/card-auth check 6). True when this call changed it.
   */
  setLevel3Suspended(suspended: boolean, now = Date.now()): boolean {
    const changed = this.choices.setLevel3Suspended(suspended, now);
    if (changed) this.log.append(suspended ? 'level3_suspended' : 'level3_resumed', {}, now);
    return changed;
  }

  // ——— Personal area (area-activity): "Dispositivi" and "Elenco accessi" (R-ACC-5, R-APP-4, R-LOG-9). ———
  // Tables: device-table.ts (last use), card-log-table.ts (the keyset query).

  /** R-APP-4: revoked at once, its level 3 binding and pending approvals with it; the device's name, or null if none was live here. */
  revokeDeviceNamed(id: string, now = Date.now()): string | null {
    const name = this.devices.revoke(id, now);
    if (name !== null) {
      this.l3.forget(id);
      this.log.append('device_revoked', { device: id, name }, now);
    }
    return name;
  }

  /** R-ACC-5: the device's last use, for what it authorises without an assertion counter (the card's signature in the App). */
  markDeviceUsed(id: string, now = Date.now()): boolean {
    return this.devices.markUsed(id, now);
  }

  /**
   * R-ACC-5, R-LOG-9: one page of "Elenco accessi" and the services its filter offers, in one call. One
   * line more than the page is read, to know whether an older page exists.
   */
  accessLogPage(selection: LogSelection, size: number, now = Date.now()): { events: LoggedEvent[]; more: boolean; services: LoggedService[] } {
    const rows = this.log.select(selection, size + 1, now);
    return { events: rows.slice(0, size), more: rows.length > size, services: this.log.services(now) };
  }

  /** R-LOG-9: every line a filter keeps (the CSV export); the log holds at most ACCESS_LOG_MAX_EVENTS. */
  accessLogExport(selection: LogSelection, now = Date.now()): LoggedEvent[] {
    return this.log.select({ ...selection, before: null }, ACCESS_LOG_MAX_EVENTS, now);
  }

  // ——— Recovery (password recovery R-ACC-2, PUK recovery R-PUK-2): see card-puk-recovery-table.ts. The Card's alarm. ———

  private pukTable?: CardPukRecoveryTable;

  private get pukRecovery(): CardPukRecoveryTable {
    this.pukTable ??= new CardPukRecoveryTable(this.sql);
    return this.pukTable;
  }

  /** The card's record while it is in service (not blocked, PUK-blocked, expired or superseded); null otherwise. */
  private servedRecord(now: number): CardRecord | null {
    const row = this.row();
    const record = this.record(row);
    return row && record && isInService(this.effectiveStatus(row, record, now)) ? record : null;
  }

  /**
   * R-ACC-2, the start of a password recovery, in one call that only reads (as a username nobody
   * holds costs one read of its throttle, recovery/identify): refused while the login is slowed down
   * or locked (R-LOG-8: asking for a code is no wrong password); otherwise whether the card may
   * recover — in service, with credentials and a phone — and its verified email. The send is counted
   * against the daily cap (R-OTP-3) after the answer, with the delivery (recovery/codes.ts).
   */
  startPasswordRecovery(
    now = Date.now(),
  ): { allowed: false; retryAt: number } | { allowed: true; recoverable: false } | { allowed: true; recoverable: true; email: string | null } {
    const gate = this.passwordThrottle.gate(IDENTITY, now);
    if (!gate.allowed) return gate;
    const record = this.servedRecord(now);
    const cred = this.sql.exec('SELECT verified_email FROM credentials WHERE id = 1').toArray()[0];
    if (!record?.phone || !cred) return { allowed: true, recoverable: false };
    return { allowed: true, recoverable: true, email: cred.verified_email === null ? null : String(cred.verified_email) };
  }

  /** R-PUK-2: may this card's PUK be recovered (in service, with a phone on record)? Only reads. */
  pukRecoverable(now = Date.now()): boolean {
    return Boolean(this.servedRecord(now)?.phone);
  }

  /**
   * R-PUK-2, a request's start at this identity's current card, in one call: may this card's PUK be
   * recovered, and — for the App (`countStart`) — one more of the day's requests, counted whether the
   * typed serial was this card's or not (a decoy counts alike: core/recovery-flows DecoyCaps).
   */
  startPukRecovery(countStart: boolean, now = Date.now()): { recoverable: boolean; allowed: boolean } {
    const allowed = countStart ? this.pukRecovery.countStart(PUK_APP_DAILY_STARTS, now) : true;
    return { recoverable: this.pukRecoverable(now), allowed };
  }

  /**
   * R-PUK-2: the request, once its code was right. A card out of service gets nothing (null); a
   * request already running is answered as it stands and restarts nothing. A new one wakes the alarm
   * at its release.
   */
  async requestPukRecovery(origin: string, now = Date.now()): Promise<PukRequestAnswer | null> {
    if (!this.servedRecord(now)) return null;
    const answer = this.pukRecovery.request(origin, now);
    if (answer.outcome === 'requested') {
      this.log.append('puk_recovery_requested', { releaseAt: answer.releaseAt }, now);
      await this.scheduleAlarm();
    }
    return answer;
  }

  pukRequest(): PukRequest | null {
    return this.pukRecovery.get();
  }

  /** The released PUK's link is good (this card's, not viewed, not expired): the phone its fresh code goes to. */
  pukLinkContact(linkHash: string, now = Date.now()): { serial: string; phone: string } | null {
    const record = this.servedRecord(now);
    return record?.phone && this.pukRecovery.linkOpen(linkHash, now) ? { serial: record.serial, phone: record.phone } : null;
  }

  /** The PUK, once (R-PUK-2): unsealed, then the link taken; a second view, or a card out of service, gets null. */
  async viewPuk(linkHash: string, now = Date.now()): Promise<string | null> {
    const record = this.servedRecord(now);
    if (!record || !this.env.DATA_KEY || !this.pukRecovery.linkOpen(linkHash, now)) return null;
    const puk = await decryptSecret(this.env.DATA_KEY, record.sealedPuk, `puk:${record.serial}`);
    if (!this.pukRecovery.take(linkHash, Date.now())) return null;
    this.log.append('puk_recovery_viewed', {}, now);
    return puk;
  }

  /** One alarm per object: set at the earliest time any part waits for. A new use of the alarm adds its time to this list. */
  private async scheduleAlarm(): Promise<void> {
    const at = earliestAlarm([this.pukRecovery.wakeAt()]);
    if (at === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(at);
  }

  /** Does whatever is due (an early or repeated alarm does nothing), then sets the alarm for what remains. */
  override async alarm(): Promise<void> {
    await this.releasePuk(Date.now());
    await this.scheduleAlarm();
  }

  /**
   * R-PUK-2, 48 hours after the request: a new link (its secret only hashed here) and the notice that
   * carries it; the request is released only once the provider took the notice. A failed notice is
   * tried again later with a new link (card-puk-recovery-table noticeFailed), never lost: the link
   * is in that notice and nowhere else. A card blocked meanwhile releases nothing.
   */
  private async releasePuk(now: number): Promise<void> {
    const due = this.pukRecovery.wakeAt();
    if (due === null || due > now) return;
    const record = this.servedRecord(now);
    if (!record) {
      this.pukRecovery.drop();
      return;
    }
    const secret = randomId();
    const linkHash = await sha256Base64Url(secret);
    const released = this.pukRecovery.release(linkHash, now);
    if (!released) return;
    const link = `${released.origin}${PUK_LINK_PATH}/${pukLinkToken(this.ctx.id.toString(), secret)}`;
    const cred = this.sql.exec('SELECT verified_email FROM credentials WHERE id = 1').toArray()[0];
    const contact = holderContact({ phone: record.phone, verifiedEmail: cred?.verified_email == null ? null : String(cred.verified_email) });
    try {
      if (!contact) throw new Error('no contact on record');
      await sendNotice(this.env, contact, { kind: 'puk_recovery_released', link });
    } catch (err) {
      console.error('PUK release notice not sent', err instanceof Error ? err.name : 'error');
      if (this.pukRecovery.noticeFailed(released.releaseAt, Date.now()) === 'dropped') {
        console.warn('PUK request dropped: its release notice failed for a link lifetime past the release');
      }
      return;
    }
    if (this.pukRecovery.announced(linkHash, Date.now())) this.log.append('puk_recovery_released', {}, now);
  }
}
