import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { conflict } from '../../core/errors';
import { PASSWORD_HISTORY_DEPTH } from '../../core/password-history';
import { passwordViolations } from '../../core/password-policy';
import { throttleMessage } from '../../core/password-throttle';
import { notifyHolder } from '../../platform/notices';
import { endIdentitySessions } from '../../platform/identity-sessions';
import { cardObject } from '../../platform/objects';
import { hashPassword, verifyPassword } from '../../platform/password-hash';
import { PASSWORD_FIELD_MAX, checkCardPassword } from '../../platform/password-check';
import { redirect } from '../../platform/http';
import { requireSecrets } from '../../platform/secrets';
import { AREA_PATHS } from './layout';
import { type AreaSession, areaPost, areaSessionHash, requireAreaSession } from './session';
import { type PasswordFormField, passwordPage } from './views/password';

/**
 * "Modifica Password" (R-ACC-2, R-ACT-5): the current password re-authenticates, throttled as a login
 * (R-LOG-8); the new one follows the activation's policy and is none of the last
 * PASSWORD_HISTORY_DEPTH; the Card replaces the hash and keeps the old one (Card.setPassword). Then
 * every other session of the identity ends — the other area sessions, every relying party's tokens —
 * and this one stands: a citizen changing a leaked password shuts out whoever used it.
 */

export const WRONG_CURRENT_PASSWORD = 'La password attuale non è corretta.';
export const REPEATED_PASSWORD = `La nuova password non può essere una delle ultime ${PASSWORD_HISTORY_DEPTH} password usate.`;

/**
 * The password of the identity the session names, checked as a login checks it (R-LOG-8): the
 * refusal's words and status, or null when it is right. Also for other re-authentications in the area.
 */
export async function reauthenticate(env: Env, session: AreaSession, password: string): Promise<{ status: number; message: string } | null> {
  if (!password || password.length > PASSWORD_FIELD_MAX) return { status: 400, message: WRONG_CURRENT_PASSWORD };
  const check = await checkCardPassword(env, session.serial, password);
  if (check.outcome === 'ok') return null;
  if (check.outcome === 'throttled') return { status: 429, message: throttleMessage(check.retryAt, Date.now()) };
  return { status: 400, message: WRONG_CURRENT_PASSWORD };
}

/** Is `password` one of the hashes (each verified, in parallel: PBKDF2 runs in the Worker)? */
async function isRecent(pepper: string, password: string, hashes: readonly string[]): Promise<boolean> {
  return (await Promise.all(hashes.map((h) => verifyPassword(pepper, password, h)))).some(Boolean);
}

/** GET /area-personale/password */
export async function showPassword(request: IRequest, env: Env): Promise<Response> {
  return passwordPage(await requireAreaSession(request, env));
}

/** POST /area-personale/password */
export async function changePassword(request: IRequest, env: Env): Promise<Response> {
  const { session, form } = await areaPost(request, env);
  const refuse = (errors: string[], invalid: PasswordFormField[], status = 400) => passwordPage(session, { errors, invalid }, status);
  const current = form.get('attuale') ?? '';
  const next = (form.get('nuova') ?? '').slice(0, PASSWORD_FIELD_MAX + 1);
  const confirm = form.get('conferma') ?? '';
  // What the form alone shows wrong is said before the current password is tried: no attempt spent on it.
  if (!current) return refuse(['Inserisci la password attuale.'], ['attuale']);
  const violations = passwordViolations(next).map((v) => v.message);
  if (violations.length) return refuse(violations, ['nuova']);
  if (next !== confirm) return refuse(['Le due nuove password non coincidono.'], ['conferma']);

  const refusal = await reauthenticate(env, session, current);
  if (refusal) return refuse([refusal.message], ['attuale'], refusal.status);

  const { pepper } = requireSecrets(env);
  const card = cardObject(env, session.serial);
  if (await isRecent(pepper, next, await card.recentPasswordHashes())) return refuse([REPEATED_PASSWORD], ['nuova']);
  if (!(await card.setPassword(await hashPassword(pepper, next)))) throw conflict('Le credenziali non sono più attive: la password non è stata modificata.');
  await endIdentitySessions(env, session.serial, { now: Date.now(), keepAreaSession: await areaSessionHash(session) });
  await notifyHolder(env, session.serial, { kind: 'password_changed' });
  return redirect(`${AREA_PATHS.profile}?esito=password`);
}
