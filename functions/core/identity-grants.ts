import { ACCESS_TOKEN_TTL_SECONDS, REFRESH_TOKEN_TTL_SECONDS } from './oidc-lifetimes';
import { type Level, type Refusal, loginRefusal } from './login-levels';
import type { CardStanding } from './card-standing';

/**
 * Every token of an identity, revocable (R-ACC-4, issue 13 §2): the Card lists the grants issued for
 * it, so that revoking the credentials — or recovering the password — can reach each relying party's
 * tokens. The rules here are the list's bounds and what a login must still find when its grant is
 * recorded.
 */

/**
 * At most this many live grants are listed per identity. A citizen logs in to a few services a day;
 * the bound exists for an identity under attack or scripted, so its Card stays small. A grant pushed
 * out of the list is revoked by the caller at once: an unlisted live grant would escape revocation.
 */
export const GRANTS_PER_IDENTITY_MAX = 64;

/**
 * At most this many of them per relying party: one RP logging the citizen in again and again pushes
 * out its own oldest grants, never another RP's (which the overall bound alone would do).
 */
export const GRANTS_PER_CLIENT_MAX = 16;

/** How many FlowSession calls a revocation makes at once: in parallel, but bounded. */
export const GRANT_REVOCATION_CONCURRENCY = 8;

/**
 * Until when a grant whose code expires at `codeExpiresAt` may still hold a live token, as known when
 * the code is issued: the code is redeemed by then at the latest, and its tokens live from that
 * moment — 30 days for a refresh token (offline_access), the access token's lifetime otherwise. Each
 * refresh pushes it on (listedUntilAfterRefresh). Past it the row is only history and is pruned.
 */
export function listedUntil(codeExpiresAt: number, scope: readonly string[]): number {
  const ttl = scope.includes('offline_access') ? REFRESH_TOKEN_TTL_SECONDS : ACCESS_TOKEN_TTL_SECONDS;
  return codeExpiresAt + ttl * 1000;
}

/** A refresh at `now` issues a refresh token living 30 days from then (C-37 rotation). */
export const listedUntilAfterRefresh = (now: number): number => now + REFRESH_TOKEN_TTL_SECONDS * 1000;

/**
 * The holder hears of a relying party's refreshes (issue 13 §7) at most once a day per grant: an RP
 * refreshing every few minutes would otherwise send an SMS each time, and the first one already says
 * what to do. Decided where the grant is listed, in the statement that stamps it (card-grants-table).
 */
export const REFRESH_NOTICE_INTERVAL_MS = 24 * 3600_000;

/**
 * The holder's own choices in the personal area (R-ACC-4), as the Card reports them: the level 1/2
 * credentials revoked (and not activated again since), the card's level 3 suspended, and the last
 * change of the level 1/2 credentials — a new password (R-ACC-2), a revocation, an activation
 * (R-ACT-9) — which no password checked before it may outlive.
 */
export interface HolderChoices {
  credentialsRevokedAt: number | null;
  credentialsChangedAt: number | null;
  level3Suspended: boolean;
}

/** Why a login that got this far may not end in a grant, or a grant may no longer be used. */
export type GrantRefusal = Refusal | 'level3_suspended' | 'credentials_revoked' | 'credentials_changed' | 'other_holder';

/**
 * What a login proved, as the card's last check needs it: who, at which level, and when it first
 * relied on the level 1/2 credentials (the password's check; for a login without one, the factor's).
 */
export interface ProvenLogin {
  fiscalCode: string;
  level: Level;
  credentialsCheckedAt: number;
}

/**
 * The last check before a grant is recorded (C-21, R-LVL-4, R-CARD-3, R-ACC-4, R-ACC-2), and again at
 * every refresh and userinfo (oidc/holder): the card may still log in at the level proven; a level 3
 * login needs the card's level 3 not suspended; a level 1 or 2 login needs credentials neither revoked
 * nor changed at or after its password was checked — a login past the old password when the holder
 * recovers it, revokes it or activates again raced the holder and loses. A level 3 login is not
 * refused by a change of the password: it proved the card and its PIN, which no password change
 * touches (a revocation leaves level 3 working too); the holder's way to stop it is "Sospendi livello 3".
 */
export function grantRefusal(card: CardStanding & HolderChoices & { fiscalCode: string }, proven: ProvenLogin, now: Date): GrantRefusal | null {
  if (card.fiscalCode !== proven.fiscalCode) return 'other_holder';
  const refusal = loginRefusal(card, proven.level, now);
  if (refusal) return refusal;
  if (proven.level === 3) return card.level3Suspended ? 'level3_suspended' : null;
  if (card.credentialsRevokedAt !== null) return 'credentials_revoked';
  // At the same millisecond too: the change is meant for every check that exists when it is written.
  return card.credentialsChangedAt !== null && proven.credentialsCheckedAt <= card.credentialsChangedAt ? 'credentials_changed' : null;
}
