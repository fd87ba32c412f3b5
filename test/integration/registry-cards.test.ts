import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, registry } from '../support/worker';
import { newCitizen } from '../support/citizens';
import type { CardEvent } from '../../durable-objects/card';

interface Issued {
  serial: string;
  pin: string;
  puk: string;
  receipt: { pinFirstHalf: string; pukFirstHalf: string };
  letter: { pinSecondHalf: string; pukSecondHalf: string };
}

async function issue(): Promise<Issued> {
  const res = await registry('/cards', newCitizen({ email: 'mario.rossi@example.it' }));
  expect(res.status).toBe(201);
  return (await res.json()) as Issued;
}

const cardStub = (serial: string) => env.CARD.get(env.CARD.idFromName(serial));
const viewOf = async (serial: string) => (await (await registry(`/cards/${serial}`)).json()) as Record<string, unknown>;

/** Every key anywhere in a JSON value. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]);
  return [];
}

/** Two digits of the first PUK half that are certainly wrong at positions 1 and 2. */
const wrongDigits = (firstHalf: string): [string, string] => [String((Number(firstHalf[0]) + 1) % 10), String((Number(firstHalf[1]) + 1) % 10)];

describe('registry API: GET /registry/cards/:serial never shows secrets (R-CARD-6)', () => {
  it('R-CARD-6: the card view has exactly its public fields', async () => {
    const card = await issue();
    const view = await viewOf(card.serial);
    expect(Object.keys(view).sort()).toEqual(
      [
        'birthDate',
        'blockedReason',
        'certificate',
        'credentials',
        'expiresAt',
        'familyName',
        'fiscalCode',
        'givenName',
        'issuedAt',
        'pukFailures',
        'serial',
        'status',
      ].sort(),
    );
  });

  it('R-CARD-6: no key and no value of the view is a PIN, a PUK or a sealed code', async () => {
    const card = await issue();
    const res = await registry(`/cards/${card.serial}`);
    const text = await res.text();
    const keys = keysOf(JSON.parse(text)).map((k) => k.toLowerCase());
    for (const secretKey of [
      'pin',
      'puk',
      'sealedpin',
      'sealedpuk',
      'receipt',
      'letter',
      'pinfirsthalf',
      'pukfirsthalf',
      'passwordhash',
      'password_hash',
      'record',
    ]) {
      expect(keys).not.toContain(secretKey);
    }
    expect(keys.some((k) => k.includes('sealed') || k.includes('hash'))).toBe(false);
    expect(text).not.toContain(card.pin);
    expect(text).not.toContain(card.puk);
    expect(text).not.toMatch(/[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{20,}/); // the iv.ciphertext shape of a sealed code
  });

  it("R-CARD-6: a blocked card's view does not show them either", async () => {
    const card = await issue();
    const blocked = await (await registry(`/cards/${card.serial}/block`, { reason: 'stolen' })).text();
    expect(blocked).not.toContain(card.pin);
    expect(blocked).not.toContain(card.puk);
    expect(keysOf(JSON.parse(blocked)).map((k) => k.toLowerCase())).not.toContain('pin');
  });

  it('R-CARD-1: an unknown serial is 404; a malformed one is 404 too', async () => {
    for (const serial of ['CA00000AA', 'ZZ99999ZZ']) {
      const res = await registry(`/cards/${serial}`);
      expect(res.status, serial).toBe(404);
      expect(((await res.json()) as { error: string }).error).toBe('not_found');
    }
    for (const serial of ['x', 'CA0000AA', 'CA000000AA', '%00', '..', 'CA00000AA%2F..', encodeURIComponent('<script>'), 'A'.repeat(2000)]) {
      const res = await registry(`/cards/${serial}`);
      expect(res.status, serial).toBe(404);
    }
  });

  it('R-CARD-1: the serial in the path is matched whatever its case', async () => {
    const card = await issue();
    const res = await registry(`/cards/${card.serial.toLowerCase()}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { serial: string }).serial).toBe(card.serial);
  });
});

describe('registry API: reprint of PIN and PUK (R-CARD-6)', () => {
  it('R-CARD-6: the reprint returns the same codes, as receipt and letter', async () => {
    const card = await issue();
    const res = await call(`/registry/cards/${card.serial}/codes`, { method: 'POST', headers: { Authorization: 'Bearer test-registry-token' } });
    expect(res.status).toBe(200);
    const again = (await res.json()) as Issued;
    expect(again).toEqual({ serial: card.serial, pin: card.pin, puk: card.puk, receipt: card.receipt, letter: card.letter });
  });

  it('R-CARD-6: a reprint changes no counter and no status', async () => {
    const card = await issue();
    const answer = await cardStub(card.serial).answerPuk([1, 2], wrongDigits(card.receipt.pukFirstHalf));
    expect(answer).toEqual({ outcome: 'wrong', remaining: 10 });
    const before = await viewOf(card.serial);
    expect(before.pukFailures).toBe(1);
    for (let i = 0; i < 3; i++) expect((await registry(`/cards/${card.serial}/codes`, {})).status).toBe(200);
    const after = await viewOf(card.serial);
    expect(after).toEqual(before);
    expect(await cardStub(card.serial).countSend()).toEqual({ allowed: true });
  });

  it("R-CARD-6: a blocked card can still have its codes reprinted (they are the card's, not the login's)", async () => {
    const card = await issue();
    await registry(`/cards/${card.serial}/block`, { reason: 'lost' });
    const again = (await (await registry(`/cards/${card.serial}/codes`, {})).json()) as Issued;
    expect(again.pin).toBe(card.pin);
    expect((await viewOf(card.serial)).status).toBe('blocked');
  });

  it('R-CARD-6: unknown or malformed serials are 404', async () => {
    expect((await registry('/cards/CA00000AA/codes', {})).status).toBe(404);
    expect((await registry('/cards/nope/codes', {})).status).toBe(404);
  });
});

describe('registry API: blocking a card (R-CARD-3)', () => {
  for (const reason of ['lost', 'stolen']) {
    it(`R-CARD-3: reason "${reason}" blocks the card at once and says so`, async () => {
      const card = await issue();
      const res = await registry(`/cards/${card.serial}/block`, { reason });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ serial: card.serial, status: 'blocked', blockedReason: reason });
      expect(await viewOf(card.serial)).toMatchObject({ status: 'blocked', blockedReason: reason });
    });
  }

  it("R-CARD-3: the block is in the holder's access log", async () => {
    const card = await issue();
    await registry(`/cards/${card.serial}/block`, { reason: 'stolen' });
    // The RPC typing cannot express Record<string, unknown>; the value is plain JSON.
    const events = (await cardStub(card.serial).events()) as unknown as CardEvent[];
    expect(events.map((e) => ({ kind: e.kind, detail: e.detail }))).toContainEqual({ kind: 'card_blocked', detail: { reason: 'stolen' } });
  });

  it('R-CARD-3: a blocked card answers no PUK question', async () => {
    const card = await issue();
    await registry(`/cards/${card.serial}/block`, { reason: 'lost' });
    const answer = await cardStub(card.serial).answerPuk([1, 2], [card.receipt.pukFirstHalf[0]!, card.receipt.pukFirstHalf[1]!]);
    expect(answer).toEqual({ outcome: 'unusable', status: 'blocked' });
  });

  it('R-CARD-3: a bad or missing reason is 400 naming reason, and the card stays as it was', async () => {
    const card = await issue();
    for (const body of [{ reason: 'broken' }, { reason: 'LOST' }, { reason: '' }, { reason: 1 }, { reason: ['lost'] }, {}]) {
      const res = await registry(`/cards/${card.serial}/block`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const problems = ((await res.json()) as { problems: Array<{ field: string }> }).problems;
      expect(problems.map((p) => p.field)).toEqual(['reason']);
    }
    expect((await viewOf(card.serial)).status).toBe('issued');
  });

  it('R-CARD-3: the block needs a JSON body (415 otherwise)', async () => {
    const card = await issue();
    const res = await call(`/registry/cards/${card.serial}/block`, {
      method: 'POST',
      headers: { Authorization: 'Bearer test-registry-token', 'Content-Type': 'text/plain' },
      body: 'reason=lost',
    });
    expect(res.status).toBe(415);
  });

  it('R-CARD-3: an unknown serial is 404, a malformed serial is 404', async () => {
    expect((await registry('/cards/CA00000AA/block', { reason: 'lost' })).status).toBe(404);
    expect((await registry('/cards/CA-1/block', { reason: 'lost' })).status).toBe(404);
    expect((await registry(`/cards/${'Z'.repeat(300)}/block`, { reason: 'lost' })).status).toBe(404);
  });

  it('R-CARD-3: blocking twice keeps the first reason', async () => {
    const card = await issue();
    await registry(`/cards/${card.serial}/block`, { reason: 'lost' });
    const again = await registry(`/cards/${card.serial}/block`, { reason: 'stolen' });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: 'blocked', blockedReason: 'lost' });
  });
});
