import { getReq, send, type Req, type Response } from './http.ts';

/**
 * The SMS and email codes a deployment with test hooks keeps at GET /__test/outbox?to=… (newest
 * first). A real deployment sends them to phones: load tests that need codes run against staging.
 *
 * API:
 * - `OutboxMessage`: what the load tests read of a message (durable-objects/outbox.ts has them all).
 * - `outboxReq(to)` / `readOutbox(res, to)`: the request and the reading of its answer (for
 *   callers that batch); `readOutbox` throws, with the way out, when the deployment has no test hooks.
 * - `outbox(to)`: the messages, newest first.
 * - `assertTestHooks()`: for setup(), fails the run at once on a deployment without the outbox.
 * Waiting for a new code is a flow step: `awaitCode` in page-steps.ts.
 */
export interface OutboxMessage {
  code: string | null;
  sentAt: string;
}

export const outboxReq = (to: string): Req => getReq(`/__test/outbox?to=${encodeURIComponent(to)}`, 'outbox');

export function readOutbox(res: Response, to: string): OutboxMessage[] {
  if (res.status === 404) {
    throw new Error(
      'GET /__test/outbox answered 404: this deployment has no test hooks, so the load test cannot read the SMS codes. ' +
        'Run it against a deployment whose ENVIRONMENT is development or test (staging), never production.',
    );
  }
  if (res.status !== 200) throw new Error(`outbox of ${to}: ${res.status} ${res.body.slice(0, 200)}`);
  return JSON.parse(res.body) as OutboxMessage[];
}

export const outbox = (to: string): OutboxMessage[] => readOutbox(send(outboxReq(to)), to);

/** Any well-formed number will do: an empty mailbox answers 200 where test hooks exist. */
export function assertTestHooks(): void {
  outbox('+393000000000');
}
