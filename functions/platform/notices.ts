import type { Env } from '../env';
import { type Notice, noticeText } from '../core/notices';
import { notifierFor } from './notifier';
import { cardObject } from './objects';

/**
 * Security notices (core/notices) to a card's holder: by email when the credentials have a verified
 * address, by SMS to the phone on record otherwise.
 */
export interface NoticeContact {
  to: string;
  channel: 'sms' | 'email';
}

/** Where a holder's notices go: the verified email, else the phone on record; null with neither. */
export function holderContact(card: { phone: string | null; verifiedEmail: string | null }): NoticeContact | null {
  if (card.verifiedEmail) return { to: card.verifiedEmail, channel: 'email' };
  return card.phone ? { to: card.phone, channel: 'sms' } : null;
}

/**
 * One notice to one contact, failing when the provider fails: for a caller that must know it went
 * out (the PUK's release, whose link is in the notice and nowhere else).
 */
export async function sendNotice(env: Env, contact: NoticeContact, notice: Notice): Promise<void> {
  await notifierFor(env).send({ to: contact.to, channel: contact.channel, text: noticeText(notice), code: null });
}

/**
 * Who else hears of a change beyond the usual contact: `phone`, the phone on record by SMS even when
 * an email is verified; `email`, an address that was the credentials' until this change.
 */
export interface AlsoTell {
  phone?: boolean;
  email?: string | null;
}

/**
 * The notice to the holder of `serial` (holderContact), and to `also`. Informative only: a notice that
 * cannot be sent (no card, no contact, the provider failing) is dropped — a failure logged —, never an
 * error for the change it reports.
 */
export async function notifyHolder(env: Env, serial: string, notice: Notice, also: AlsoTell = {}): Promise<void> {
  const card = await cardObject(env, serial).view();
  if (!card) return;
  const contacts = [holderContact({ phone: card.phone, verifiedEmail: card.credentials?.verifiedEmail ?? null })];
  if (also.phone && card.phone) contacts.push({ to: card.phone, channel: 'sms' });
  if (also.email) contacts.push({ to: also.email, channel: 'email' });
  const seen = new Set<string>();
  for (const contact of contacts) {
    if (!contact || seen.has(`${contact.channel}:${contact.to}`)) continue;
    seen.add(`${contact.channel}:${contact.to}`);
    try {
      await sendNotice(env, contact, notice);
    } catch (err) {
      // The change it reports has happened; a provider outage must not turn it into an error page.
      console.error('security notice not sent', notice.kind, err instanceof Error ? err.name : 'error');
    }
  }
}
