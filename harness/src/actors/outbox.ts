import { CheckFailure, type CheckContext } from '../core/check.ts';

/** A message as the development outbox shows it (the stand-in for the SMS and email providers). */
export interface OutboxMessage {
  to: string;
  channel: 'sms' | 'email';
  text: string;
  code: string | null;
  sentAt: string;
}

const POLL_MS = 50;
const WAIT_MS = 5_000;

/**
 * A recipient's messages, newest first, from GET /__test/outbox. Phone and mailbox read the same
 * hook: only deployments with TEST_HOOKS on have it, and a suite that needs codes cannot run without.
 */
export class Outbox {
  readonly ctx: CheckContext;
  readonly address: string;

  constructor(ctx: CheckContext, address: string) {
    this.ctx = ctx;
    this.address = address;
  }

  async messages(): Promise<OutboxMessage[]> {
    const url = new URL('/__test/outbox', this.ctx.baseUrl);
    url.searchParams.set('to', this.address);
    const res = await this.ctx.http.request('GET', url);
    if (res.status === 404) {
      throw new CheckFailure('GET /__test/outbox answered 404: this check reads one-time codes from the test outbox and needs a deployment with TEST_HOOKS on');
    }
    if (res.status !== 200) throw new CheckFailure(`GET /__test/outbox answered ${res.status}: ${res.text.slice(0, 200)}`);
    return res.json<OutboxMessage[]>();
  }

  async count(): Promise<number> {
    return (await this.messages()).length;
  }

  /** The newest code; with `after`, waits (briefly) for a message beyond the first `after`. */
  async latestCode(after = 0): Promise<string> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const messages = await this.messages();
      const code = messages[0]?.code;
      if (messages.length > after && code) return code;
      if (Date.now() > deadline) {
        throw new CheckFailure(`no new one-time code for ${this.address}: ${messages.length} message(s) in the outbox, expected more than ${after}`);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}

/** A well-formed code that is surely wrong: the given one plus one. */
export const otherCode = (code: string): string => String((Number(code) + 1) % 10_000).padStart(code.length, '0');
