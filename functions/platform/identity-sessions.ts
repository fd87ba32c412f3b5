import type { Env } from '../env';
import { GRANT_REVOCATION_CONCURRENCY, listedUntilAfterRefresh } from '../core/identity-grants';
import { notifyHolder } from './notices';
import { cardObject, grantObject } from './objects';

/**
 * Revokes the grants named by their FlowSession object ids (the `gid` of their tokens): every access
 * and refresh token of each is dead at once — introspection says `{active: false}`, userinfo refuses,
 * the refresh grant answers invalid_grant. In parallel, at most GRANT_REVOCATION_CONCURRENCY at a
 * time; an id that names no object of ours is skipped.
 */
export async function revokeGrants(env: Env, grantIds: readonly string[]): Promise<void> {
  const queue = [...grantIds];
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) await grantObject(env, id)?.revokeGrant();
  };
  await Promise.all(Array.from({ length: Math.min(GRANT_REVOCATION_CONCURRENCY, queue.length) }, worker));
}

/**
 * Ends every session of the identity of `serial` (R-ACC-4 revocation, R-ACC-2 password recovery and
 * change): every personal-area session but the one named by `keepAreaSession` (its hash,
 * account/area/session areaSessionHash: the area keeps the session that changed the password) and
 * every grant of every relying party listed on the Card (durable-objects/card-grants-table). A
 * login's grant is listed in the Card before its code leaves (oidc/handoff completeLogin), so it is
 * either among the grants read here or listed after them — and then the caller's change, made first,
 * must be what refuses it: a revocation or a new password does (the Card's credentialsChangedAt,
 * core/identity-grants grantRefusal), for every login whose password was checked before it.
 */
export async function endIdentitySessions(env: Env, serial: string, options: { now: number; keepAreaSession?: string }): Promise<void> {
  const card = cardObject(env, serial);
  const [grants] = await Promise.all([card.liveGrants(options.now), card.endAreaSessions(options.now, options.keepAreaSession ?? null)]);
  await revokeGrants(
    env,
    grants.map((g) => g.grantId),
  );
}

/**
 * A refresh (C-37) keeps its grant listed on the Card for the new refresh token's life, before the
 * old refresh token is spent: a listing lost after the answer would let the grant leave the list while
 * its new refresh token lives, out of reach of every revocation, and a Card failing after the old token
 * was spent would turn the relying party's retry into a replay. A grant the Card does not list is
 * listed again (durable-objects/card-grants-table keep), and what that pushes out of the list is
 * revoked here, as at a login's admission. `notify`: the holder is to hear of it (noticeRefresh).
 */
export async function keepGrantListed(env: Env, refreshed: { serial: string; grantId: string; clientId: string }, now: number): Promise<{ notify: boolean }> {
  const kept = await cardObject(env, refreshed.serial).grantRefreshed(
    { grantId: refreshed.grantId, clientId: refreshed.clientId, listedUntil: listedUntilAfterRefresh(now) },
    now,
  );
  if (kept.evicted.length > 0) await revokeGrants(env, kept.evicted);
  return { notify: kept.notify };
}

/**
 * The holder is told which service renewed its access (CIE profile, notice `refresh_token_used`; the
 * first refresh of a grant, then at most once a day: keepGrantListed's `notify`). Run after the
 * answer (waitUntil) and never failing: the token endpoint has already answered.
 */
export async function noticeRefresh(env: Env, refreshed: { serial: string; rpName: string }): Promise<void> {
  try {
    await notifyHolder(env, refreshed.serial, { kind: 'refresh_token_used', rpName: refreshed.rpName });
  } catch (err) {
    console.error('refresh notice', err instanceof Error ? err.name : 'error');
  }
}
