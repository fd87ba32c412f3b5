import { describe, expect, it } from 'vitest';
import { baseUrl } from './support/server';

/**
 * Pages are served with `Referrer-Policy: no-referrer`, so a browser posts its own forms with
 * `Origin: null`: the refusal of foreign posts must then rely on Sec-Fetch-Site, and still refuse.
 * (The browser test is the same-site case.)
 */
const post = (headers: Record<string, string>) =>
  fetch(`${baseUrl}/attivazione/dati`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: 'fiscalCode=RSSMRA85T10H501O&serial=CA00000AA',
  });

describe('activation form posts from another site', () => {
  it('refuses a foreign Origin', async () => {
    const res = await post({ Origin: 'https://other.example', 'Sec-Fetch-Site': 'cross-site' });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('proviene da un sito diverso');
  });

  it('refuses Origin: null when the browser says the post is cross-site', async () => {
    const res = await post({ Origin: 'null', 'Sec-Fetch-Site': 'cross-site' });
    expect(res.status).toBe(403);
  });

  it('does not take Origin: null from its own page for a foreign site', async () => {
    const res = await post({ Origin: 'null', 'Sec-Fetch-Site': 'same-origin' });
    expect(await res.text()).not.toContain('proviene da un sito diverso');
  });
});
