import { describe, expect, it } from 'vitest';
import { USERNAME_LABEL, openLogin, rpRedirect } from '../support/login-client';

describe('login page (R-LOG-1)', () => {
  it('R-LOG-1: names the level and the service, offers the credentials form and the links', async () => {
    const { page } = await openLogin({ acr: 2, clientName: 'INPS' });
    expect(page.status).toBe(200);
    expect(page.heading).toBe("RICHIESTA D'ACCESSO CIE LIVELLO 2");
    expect(page.html).toContain("<title>RICHIESTA D&#39;ACCESSO CIE LIVELLO 2 · INPS · CieID</title>");
    expect(page.text).toContain("RICHIESTA D'ACCESSO CIE LIVELLO 2 INPS");
    expect(page.text).toContain('Entra con le tue credenziali CIE');
    expect(page.field(USERNAME_LABEL).name).toBe('username');
    expect(page.field('Password')).toMatchObject({ name: 'password', type: 'password', value: '' });
    expect(page.hasButton('Procedi')).toBe(true);
    expect(page.hasButton('Annulla')).toBe(true);
    expect(page.html).toMatch(/<a href="\/recupero-password">Hai dimenticato la password\?<\/a>/);
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

  it('R-LOG-1 / R-LOG-3: at level 2 the App CieID QR code with its validity, and card reading as not yet available', async () => {
    const { page } = await openLogin({ acr: 2 });
    expect(page.text).toContain('Entra con App CieID');
    expect(page.text).toContain(`Validità codice: 2'00"`);
    expect(page.html).toMatch(/<div id="qr"[^>]*><svg /);
    expect(page.text).toContain('Entra con lettura carta');
    expect(page.text.match(/Non ancora disponibile/g)).toHaveLength(1);
    expect(page.html).toMatch(/<button type="button" class="btn btn-outline-primary" disabled>Entra con lettura carta<\/button>/);
  });

  it('R-LVL-1: a level 1 page asks for credentials only', async () => {
    const { page } = await openLogin({ acr: 1 });
    expect(page.heading).toBe("RICHIESTA D'ACCESSO CIE LIVELLO 1");
    expect(page.text).toContain('LIVELLO 1 | BASSO');
    expect(page.text).not.toContain('Validità codice');
    expect(page.text).not.toContain('Entra con lettura carta');
  });

  it('R-LVL-3: a level 3 request is refused for now, and the service receives access_denied', async () => {
    const login = await openLogin({ acr: 3, state: 'stato-livello-3-abcdefghijklmnopqrstuvwxyz' });
    expect(login.page.status).toBe(403);
    expect(login.page.text).toContain('livello 3');
    expect(login.page.text).toContain('non è ancora disponibile');
    const back = await login.browser.submit(login.page, 'Torna al servizio');
    const params = rpRedirect(back);
    expect(params.origin + params.path).toBe(login.request.redirectUri);
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('state')).toBe('stato-livello-3-abcdefghijklmnopqrstuvwxyz');
  });
});
