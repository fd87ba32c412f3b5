import type { Env } from '../env';
import { type Notice, noticeText } from '../core/notices';
import { notifierFor } from './notifier';
import { cardObject } from './objects';

/**
 * Sends a security notice (core/notices) to the holder of `serial`: by email when the credentials
 * have a verified address, by SMS to the phone on record otherwise. Informative only: a notice that
 * cannot be sent (no card, no contact, the provider failing) is dropped — a failure logged —, never an
 * error for the change it reports.
 */
export async function notifyHolder(env: Env, serial: string, notice: Notice): Promise<void> {
  const card = await cardObject(env, serial).view();
  if (!card) return;
  const email = card.credentials?.verifiedEmail ?? null;
  const to = email ?? card.phone;
  if (!to) return;
  try {
    await notifierFor(env).send({ to, channel: email ? 'email' : 'sms', text: noticeText(notice), code: null });
  } catch (err) {
    // The change it reports has happened; a provider outage must not turn it into an error page.
    console.error('security notice not sent', notice.kind, err instanceof Error ? err.name : 'error');
  }
}
