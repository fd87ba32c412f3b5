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
 * credentials revoked (and not activated again since), the card's level 3 suspended.
 */
export interface HolderChoices {
  credentialsRevokedAt: number | null;
  level3Suspended: boolean;
}

/** Why a login that got this far may not end in a grant. */
export type GrantRefusal = Refusal | 'level3_suspended' | 'credentials_revoked' | 'other_holder';

/**
 * The last check before a grant is recorded (C-21, R-LVL-4, R-CARD-3, R-ACC-4): the card may still log
 * in at the level proven; a level 3 login needs the card's level 3 not suspended, a level 1 or 2 login
 * credentials not revoked since (a password typed just before "Revoca livello 1 e livello 2": the
 * login raced the revocation and loses).
 */
export function grantRefusal(
  card: CardStanding & HolderChoices & { fiscalCode: string },
  outcome: { fiscalCode: string; level: Level },
  now: Date,
): GrantRefusal | null {
  if (card.fiscalCode !== outcome.fiscalCode) return 'other_holder';
  const refusal = loginRefusal(card, outcome.level, now);
  if (refusal) return refusal;
  if (outcome.level === 3) return card.level3Suspended ? 'level3_suspended' : null;
  return card.credentialsRevokedAt === null ? null : 'credentials_revoked';
}
