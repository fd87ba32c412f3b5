import { describe, expect, it } from 'vitest';
import { registry } from '../support/worker';
import { newCitizen } from '../support/citizens';

describe('registry: issue a card (R-CARD-1)', () => {
  it('issues a card with PIN and PUK split into receipt and letter', async () => {
    const res = await registry('/cards', newCitizen());
    expect(res.status).toBe(201);
    const card = (await res.json()) as Record<string, any>;
    expect(card.serial).toMatch(/^CA[0-9]{5}[A-Z]{2}$/);
    expect(card.pin).toMatch(/^[0-9]{8}$/);
    expect(card.receipt.pukFirstHalf + card.letter.pukSecondHalf).toBe(card.puk);
  });
});
