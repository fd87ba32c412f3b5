import { describe, expect, it } from 'vitest';
import { newCitizen } from '../support/citizens';
import { baseUrl, issueCard, outbox } from './support/server';

/** The development server as `npm start` runs it: the pieces the browser tests stand on. */
describe('wrangler dev (npm start)', () => {
  it('answers /health', async () => {
    const res = await fetch(`${baseUrl}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('issues a card through the registry API with the configured token', async () => {
    const { card } = await issueCard();
    expect(card.serial).toMatch(/^CA[0-9]{5}[A-Z]{2}$/);
    expect(card.receipt.pukFirstHalf + card.letter.pukSecondHalf).toBe(card.puk);
  });

  it('refuses the registry API without the token', async () => {
    const res = await fetch(`${baseUrl}/registry/cards`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(newCitizen()),
    });
    expect(res.status).toBe(401);
  });

  it('exposes the development outbox', async () => {
    expect(await outbox(newCitizen().phone)).toEqual([]);
  });

  it('serves the Bootstrap Italia theme and the service stylesheet', async () => {
    for (const path of ['/static/bootstrap-italia/css/bootstrap-italia.min.css', '/cieid.css']) {
      const res = await fetch(`${baseUrl}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toContain('text/css');
    }
  });
});
