import { inject } from 'vitest';
import { newCitizen, type CitizenData } from '../../support/citizens';

/** The `wrangler dev` started by the global setup. */
export const baseUrl = inject('baseUrl');
export const registryToken = inject('registryToken');

/** What the registry prints for the citizen: the receipt (PIN/PUK first halves) and the letter. */
export interface IssuedCard {
  serial: string;
  pin: string;
  puk: string;
  receipt: { pinFirstHalf: string; pukFirstHalf: string };
  letter: { pinSecondHalf: string; pukSecondHalf: string };
  expiresAt: string;
}

export async function issueCard(citizen: CitizenData = newCitizen()): Promise<{ citizen: CitizenData; card: IssuedCard }> {
  const res = await fetch(`${baseUrl}/registry/cards`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${registryToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(citizen),
  });
  if (res.status !== 201) throw new Error(`registry refused the card: ${res.status} ${await res.text()}`);
  return { citizen, card: (await res.json()) as IssuedCard };
}

/** The issuer blocks a card (R-CARD-3), as after a report of loss. */
export async function blockCard(serial: string, reason: 'lost' | 'stolen' = 'lost'): Promise<void> {
  const res = await fetch(`${baseUrl}/registry/cards/${serial}/block`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${registryToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ reason }),
  });
  if (res.status !== 200) throw new Error(`registry refused to block ${serial}: ${res.status} ${await res.text()}`);
}

export interface OutboxMessage {
  to: string;
  code?: string;
  [key: string]: unknown;
}

/** Messages sent to a phone or an email, newest first (the test hook present in development). */
export async function outbox(to: string): Promise<OutboxMessage[]> {
  const res = await fetch(`${baseUrl}/__test/outbox?to=${encodeURIComponent(to)}`);
  if (!res.ok) throw new Error(`outbox: ${res.status} ${await res.text()}`);
  return (await res.json()) as OutboxMessage[];
}

/** The code of the newest message to `to`; waits briefly since sending may finish after the redirect. */
export async function latestCode(to: string, notBefore = 0): Promise<string> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const messages = await outbox(to);
    const newest = messages[0];
    if (newest?.code && messages.length > notBefore) return newest.code;
    if (Date.now() > deadline) throw new Error(`no new code in the outbox of ${to} (had ${messages.length})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
