import { describe, expect, it } from 'vitest';
import { openLogin } from '../support/login-client';
import { call } from '../support/worker';

/** Same-origin pages a page links to with a plain `<a href="/…">` (not the flow's own steps). */
const sitePaths = (html: string) => [...html.matchAll(/<a [^>]*href="(\/[^"#?]*)"/g)].map((m) => m[1]!);

describe('"Hai dimenticato la password?" (R-ACT-9)', () => {
  it('every page the login page links to exists, at both levels', async () => {
    for (const acr of [1, 2] as const) {
      const { page } = await openLogin({ acr });
      const paths = sitePaths(page.html);
      expect(paths).toContain('/recupero-password');
      for (const path of paths) expect([path, (await call(path)).status]).toEqual([path, 200]);
    }
  });

  it('R-ACT-9: the page says a new password comes from activating again with the card, and links there', async () => {
    const res = await call('/recupero-password');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toContain('text/html');
    expect(res.headers.get('Content-Security-Policy')).toContain("script-src 'self'");
    const body = await res.text();
    expect(body).toContain('<h1 class="h2">Hai dimenticato la password?</h1>');
    for (const needed of ['numero di serie della Carta', 'PUK', 'cellulare']) expect(body).toContain(needed);
    expect(body).toContain('sostituisce la precedente');
    expect(body).toMatch(/<a class="btn btn-primary" href="\/attivazione">Imposta una nuova password<\/a>/);
    // It asks for nothing itself: the card's data and the PUK are typed only into the activation.
    expect(body).not.toContain('<form');
  });
});
