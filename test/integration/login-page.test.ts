import { describe, expect, it } from 'vitest';
import { encode } from 'uqr';
import { USERNAME_LABEL, openLogin, rpRedirect, signIn } from '../support/login-client';
import { qrContent } from '../support/qr';

describe('login page (R-LOG-1)', () => {
  it('R-LOG-1: names the level and the service, offers the credentials form and the links', async () => {
    const { page } = await openLogin({ acr: 2, clientName: 'INPS' });
    expect(page.status).toBe(200);
    expect(page.heading).toBe("RICHIESTA D'ACCESSO CIE LIVELLO 2");
    expect(page.html).toContain('<title>RICHIESTA D&#39;ACCESSO CIE LIVELLO 2 · INPS · CieID</title>');
    expect(page.text).toContain("RICHIESTA D'ACCESSO CIE LIVELLO 2 INPS");
    expect(page.text).toContain('Entra con le tue credenziali CIE');
    expect(page.field(USERNAME_LABEL).name).toBe('username');
    expect(page.field('Password')).toMatchObject({ name: 'password', type: 'password', value: '' });
    expect(page.hasButton('Procedi')).toBe(true);
    expect(page.hasButton('Annulla')).toBe(true);
    // R-ACC-2: the recovery keeps this login, so the citizen comes back to it.
    expect(page.html).toMatch(/<a href="\/recupero-password\?login=[A-Za-z0-9_-]{43}">Hai dimenticato la password\?<\/a>/);
    expect(page.html).toMatch(/<a href="\/attivazione">Attiva ora le credenziali<\/a>/);
    expect(page.headers.get('Cache-Control')).toBe('no-store');
  });

  it('R-LOG-1: the service name is escaped, in the page and in its title', async () => {
    const { page } = await openLogin({ clientName: '<script>alert(1)</script> Comune' });
    expect(page.status).toBe(200);
    expect(page.html).not.toContain('<script>alert(1)</script>');
    expect(page.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Comune');
    expect(page.text).toContain('<script>alert(1)</script> Comune');
  });

  it('R-LOG-1 / R-LOG-3: at level 2 the App CieID QR code with its validity, and card reading (level 3) as a button', async () => {
    const { page } = await openLogin({ acr: 2 });
    expect(page.text).toContain('Entra con App CieID');
    expect(page.text).toContain(`Validità codice: 2'00"`);
    expect(page.html).toMatch(/<div id="qr"[^>]*><svg /);
    expect(page.text).toContain('Entra con lettura carta');
    expect(page.text).not.toContain('Non ancora disponibile');
    expect(page.hasButton('Entra con lettura carta')).toBe(true);
    expect(page.forms.find((f) => f.buttons.some((b) => b.text === 'Entra con lettura carta'))?.action).toMatch(/^\/login\/[A-Za-z0-9_-]{43}\/l3$/);
  });

  it('R-LVL-1: a level 1 page asks for credentials only', async () => {
    const { page } = await openLogin({ acr: 1 });
    expect(page.heading).toBe("RICHIESTA D'ACCESSO CIE LIVELLO 1");
    expect(page.text).toContain('LIVELLO 1 | BASSO');
    expect(page.text).not.toContain('Validità codice');
    expect(page.text).not.toContain('Entra con lettura carta');
  });

  it('R-LVL-3: a level 3 request opens the choice of the way (test/integration/login-level3.test.ts), and Annulla gives the service access_denied', async () => {
    const login = await openLogin({ acr: 3, state: 'stato-livello-3-abcdefghijklmnopqrstuvwxyz' });
    expect(login.page.status).toBe(200);
    expect(login.page.text).toContain('Seleziona la modalità di autenticazione');
    const back = await login.browser.submit(login.page, 'Annulla');
    const params = rpRedirect(back);
    expect(params.origin + params.path).toBe(login.request.redirectUri);
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('state')).toBe('stato-livello-3-abcdefghijklmnopqrstuvwxyz');
  });

  it('R-LOG-3: the QR code has a size of its own — about 225 px, whole pixels per module — and a white quiet zone of at least 4 modules', async () => {
    const { page } = await openLogin({ acr: 2 });
    const content = qrContent(page);
    const svg = /<div id="qr"([^>]*)>(<svg[^>]*>)/.exec(page.html)!;
    const width = Number(/ width="(\d+)"/.exec(svg[2]!)?.[1]);
    const height = Number(/ height="(\d+)"/.exec(svg[2]!)?.[1]);
    expect(width).toBe(height);
    expect(width).toBeGreaterThanOrEqual(200);
    expect(width).toBeLessThanOrEqual(260);
    const modules = encode(content, { border: 2 }).size;
    const modulePx = width / modules;
    expect(Number.isInteger(modulePx)).toBe(true);
    expect(svg[2]).toContain('shape-rendering="crispEdges"');
    // The image's own 2 white modules and the box's white padding (p-3: 16 px) make the 4 of the standard.
    expect(svg[1]).toMatch(/class="[^"]*\bp-3\b[^"]*\bbg-white\b/);
    expect(2 * modulePx + 16).toBeGreaterThanOrEqual(4 * modulePx);
    expect(page.html).toMatch(/<rect fill="#fff"[^>]*\/><path fill="#000"/);
  });

  it('R-LOG-3: the countdown is a timer with words for screen readers, and a polite live region for the last 30 s and the expiry', async () => {
    const { page } = await openLogin({ acr: 2 });
    const timer = /<span id="qr-countdown" role="timer" data-expires-in="120">([\s\S]*?)<\/span><\/p>/.exec(page.html);
    expect(timer).not.toBeNull();
    expect(timer![1]).toBe(
      `<span aria-hidden="true" data-countdown="visual">2&#39;00&quot;</span><span class="visually-hidden" data-countdown="spoken">2 minuti e 0 secondi</span>`,
    );
    expect(page.html).toContain('<p id="qr-annuncio" class="visually-hidden" role="status" aria-live="polite"></p>');
    expect(page.html).toContain('<script src="/login-wait.js" defer></script>');
  });

  it('R-LOG-3: "Genera un nuovo codice" is a button that posts with the CSRF token, not a link', async () => {
    const { page, flowId } = await openLogin({ acr: 2 });
    const form = page.forms.find((f) => f.buttons.some((b) => b.text === 'Genera un nuovo codice'));
    expect(form?.action).toBe(`/login/${flowId}/qr/nuovo`);
    expect(form?.fields.find((f) => f.name === 'csrf')?.value).toBe(page.csrf);
    expect(page.html).not.toMatch(/<a [^>]*>Genera un nuovo codice<\/a>/);
  });

  it('R-LOG-1: at level 2 the credentials and "Entra con App CieID" stand side by side from lg up, card reading below; level 1 is one column', async () => {
    const { page } = await openLogin({ acr: 2 });
    const row =
      /<div class="row[^"]*">\s*<div class="col-12 col-lg-6"><section aria-labelledby="cred-title">[\s\S]*?<\/section><\/div>\s*<div class="col-12 col-lg-6"><section aria-labelledby="app-title">[\s\S]*?<\/section><\/div>\s*<\/div>\s*<p class="mt-4">oppure<\/p>\s*<section aria-labelledby="card-title"/;
    expect(page.html).toMatch(row);
    const level1 = await openLogin({ acr: 1 });
    expect(level1.page.html).not.toContain('col-lg-6');
    expect(level1.page.text).toContain('Attiva ora le credenziali');
  });

  it('R-LOG-1: after a refusal both fields are marked invalid and described by the message (WCAG 3.3.1); not before', async () => {
    const login = await openLogin({ acr: 2 });
    expect(login.page.html).not.toContain('aria-invalid');
    const refused = await signIn(login, 'RSSMRA80A01H501U', 'sbagliata-Password1');
    expect(refused.status).toBe(400);
    expect(refused.html).toMatch(/<div [^>]*id="errore"[^>]*>Credenziali non valide/);
    for (const id of ['username', 'password']) {
      expect(refused.html).toMatch(new RegExp(`<input [^>]*id="${id}"[^>]* aria-invalid="true" aria-describedby="errore"`));
    }
    expect(refused.field(USERNAME_LABEL).value).toBe('RSSMRA80A01H501U');
  });

  it("R-LOG-1: the labels stand above their fields (Bootstrap Italia's `active`), not inside them over what is typed or kept", async () => {
    const login = await openLogin({ acr: 2 });
    const refused = await signIn(login, 'RSSMRA80A01H501U', 'sbagliata-Password1');
    for (const page of [login.page, refused]) {
      expect(page.html).toContain('<label for="username" class="form-label active">');
      expect(page.html).toContain('<label for="password" class="form-label active">');
    }
  });
});
