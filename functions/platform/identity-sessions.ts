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
 * Ends every session of the identity of `serial` (R-ACC-4 revocation, R-ACC-2 password recovery):
 * every personal-area session (unless `keepAreaSession`: the caller is the area and keeps its own
 * session going, e.g. after a password change) and every grant of every relying party listed on the
 * Card (durable-objects/card-grants-table). A login's grant is listed in the Card before its code
 * leaves (oidc/handoff completeLogin), so it is either among the grants read here or listed after
 * them — and then the caller's change, made first, must be what refuses it: a revocation does
 * (no credentials, core/identity-grants grantRefusal); a new password does not refuse a login that
 * typed the old one a moment before.
 */
export async function endIdentitySessions(env: Env, serial: string, options: { now: number; keepAreaSession?: boolean }): Promise<void> {
  const card = cardObject(env, serial);
  const [grants] = await Promise.all([card.liveGrants(options.now), options.keepAreaSession ? undefined : card.endAreaSessions(options.now)]);
  await revokeGrants(
    env,
    grants.map((g) => g.grantId),
  );
}

/**
 * After a refresh (C-37, CIE profile): the grant stays listed for the new refresh token's life, and
 * the holder is told which service renewed its access (notice `refresh_token_used`; the first refresh
 * of a grant, then at most once a day). Run after the answer (waitUntil) and never failing: the token
 * endpoint has already answered. Were the listing's write lost, the grant would leave the list at the
 * previous refresh token's end, 30 days on.
 */
export async function afterRefresh(env: Env, refreshed: { serial: string; grantId: string; rpName: string }, now: number): Promise<void> {
  try {
    const { notify } = await cardObject(env, refreshed.serial).grantRefreshed(refreshed.grantId, listedUntilAfterRefresh(now), now);
    if (notify) await notifyHolder(env, refreshed.serial, { kind: 'refresh_token_used', rpName: refreshed.rpName });
  } catch (err) {
    console.error('after refresh', err instanceof Error ? err.name : 'error');
  }
}
