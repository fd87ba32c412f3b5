import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { reauthRefusal } from '../../core/area-revocation';
import { directoryFor } from '../../platform/directory';
import { endIdentitySessions } from '../../platform/identity-sessions';
import { notifyHolder } from '../../platform/notices';
import { cardObject } from '../../platform/objects';
import { PASSWORD_FIELD_MAX, checkCardPassword } from '../../platform/password-check';
import { type AreaSession, areaPost, endAreaSession, endAreaSessionCookie, requireAreaSessionAndCard } from './session';
import { nothingToRevokePage, revokeConfirmPage, revokedPage } from './views/revoke';

/**
 * The current password asked again before a change only its holder may make (R-ACC-4), throttled as
 * a login is (R-LOG-8, the identity's own counter): null when right, otherwise what to say and the status.
 */
export async function currentPasswordRefusal(env: Env, serial: string, form: Map<string, string>): Promise<{ message: string; status: 400 | 429 } | null> {
  const password = form.get('password') ?? '';
  const check = password && password.length <= PASSWORD_FIELD_MAX ? await checkCardPassword(env, serial, password) : { outcome: 'wrong' as const };
  return check.outcome === 'ok' ? null : reauthRefusal(check, Date.now());
}

/** GET /area-personale/revoca — R-ACC-4: the confirmation page. */
export async function showRevoke(request: IRequest, env: Env): Promise<Response> {
  const { session, card } = await requireAreaSessionAndCard(request, env);
  if (!card.credentials) return nothingToRevokePage(session);
  return revokeConfirmPage(session, { level3Active: !card.level3Suspended });
}

/** Every session of the identity ends, this area session too: all of it only takes away, so it may run again. */
async function endEverySession(env: Env, session: AreaSession, now: number): Promise<void> {
  await Promise.all([endIdentitySessions(env, session.serial, { now }), endAreaSession(env, session)]);
}

/**
 * POST /area-personale/revoca — R-ACC-4 "Revoca livello 1 e livello 2", re-authenticated by the
 * current password (R-LOG-8 throttle). The verified email stops being a username first: were the
 * rest to fail, the citizen still logs in with the codice fiscale and tries again, while a release
 * failing after the credentials went would leave nothing saying which address to release. Then the
 * credentials go, in one Card call: from then on no login ends in a grant at level 1 or 2
 * (core/identity-grants grantRefusal), so the grants read next are all there will be. Then every
 * session of the identity ends, and the holder is told.
 */
export async function postRevoke(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  const { session, card, form } = await areaPost(request, env);
  const done = () => revokedPage({ 'Set-Cookie': endAreaSessionCookie(request) });
  if (!card.credentials) {
    if (card.credentialsRevokedAt === null) return nothingToRevokePage(session);
    // Revoked already — by another tab, or by a try that failed after the Card's call: the endings
    // again, without a password (there is none left, and they only take away).
    await endEverySession(env, session, Date.now());
    return done();
  }
  const refused = await currentPasswordRefusal(env, session.serial, form);
  if (refused) {
    return revokeConfirmPage(session, { error: refused.message, status: refused.status, level3Active: !card.level3Suspended });
  }
  const directory = directoryFor(env);
  const email = card.credentials.verifiedEmail;
  if (email) await directory.releaseEmail(email, session.fiscalCode);
  const now = Date.now();
  const revoked = await cardObject(env, session.serial).revokeCredentials(now);
  // An activation in another tab may have put another address there meanwhile.
  if (revoked && revoked.verifiedEmail !== null && revoked.verifiedEmail !== email) await directory.releaseEmail(revoked.verifiedEmail, session.fiscalCode);
  await endEverySession(env, session, now);
  // Told once, by the call that revoked (not by a second tab's).
  if (revoked) ctx.waitUntil(notifyHolder(env, session.serial, { kind: 'credentials_revoked' }));
  return done();
}
