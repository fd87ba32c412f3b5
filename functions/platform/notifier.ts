import type { Env } from '../env';
import { isProduction } from '../env';

/** SMS and email to citizens. Production posts to a provider; development fills the outbox. */
export interface Message {
  to: string;
  channel: 'sms' | 'email';
  text: string;
  /** The one-time code the message carries, so the development outbox can show it by itself. */
  code: string | null;
}

export interface Notifier {
  send(message: Message): Promise<void>;
}

/** Development: the outbox read by /__test/outbox, and a line on the console like a mail catcher. */
export class OutboxNotifier implements Notifier {
  constructor(private readonly env: Env) {}

  async send(message: Message): Promise<void> {
    const sentAt = new Date().toISOString();
    const box = this.env.OUTBOX.get(this.env.OUTBOX.idFromName(message.to));
    await box.deliver({ ...message, sentAt });
    console.log(`[outbox] ${message.channel} → ${message.to}: ${message.text}`);
  }
}

/** Production: a JSON POST to the provider named in NOTIFIER_URL (bearer NOTIFIER_TOKEN). */
export class HttpNotifier implements Notifier {
  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  async send(message: Message): Promise<void> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${this.token}` },
      body: JSON.stringify({ to: message.to, channel: message.channel, text: message.text }),
    });
    if (!res.ok) throw new Error(`notifier answered ${res.status}`);
  }
}

export function notifierFor(env: Env): Notifier {
  if (isProduction(env)) {
    if (!env.NOTIFIER_URL || !env.NOTIFIER_TOKEN) throw new Error('NOTIFIER_URL and NOTIFIER_TOKEN are required in production');
    return new HttpNotifier(env.NOTIFIER_URL, env.NOTIFIER_TOKEN);
  }
  return new OutboxNotifier(env);
}
