import { describe, expect, it } from 'vitest';
import { call } from '../support/worker';

describe('home page', () => {
  it('links a citizen to the activation of credentials', async () => {
    const res = await call('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Security-Policy')).toContain("script-src 'self'");
    const body = await res.text();
    expect(body).toContain('href="/attivazione"');
    expect(body).toContain('<html lang="it">');
  });

  it('answers an unknown page with an Italian 404 page, not JSON', async () => {
    const res = await call('/non-esiste');
    expect(res.status).toBe(404);
    expect(res.headers.get('Content-Type')).toContain('text/html');
    const body = await res.text();
    expect(body).toContain('<h1 class="h2">Pagina non trovata</h1>');
    // A way back: the home page and the activation, not a dead end.
    expect(body).toContain('href="/">Torna alla home</a>');
    expect(body).toContain('href="/attivazione">Attiva le credenziali</a>');
  });
});
