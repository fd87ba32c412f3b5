import { describe, expect, it } from 'vitest';
import { areaPage } from '../../../../functions/account/area/layout';
import { html } from '../../../../functions/platform/html';

const session = { id: 'A'.repeat(43), serial: 'CA12345AB', fiscalCode: 'RSSMRA85H15H501D', csrf: 'token-123', authTime: 0 };

describe('the personal area shell (areaPage)', () => {
  it('has the guide’s menu, the current item marked, the breadcrumb and "Esci" posting the session’s token', async () => {
    const res = areaPage({ title: 'Modifica Password', current: null, parent: 'gestione', session, body: html`<p>corpo</p>` });
    expect(res.status).toBe(200);
    const page = await res.text();
    const menu = /<nav aria-label="Menu dell’area personale">([\s\S]*?)<\/nav>/.exec(page)![1]!;
    expect([...menu.matchAll(/<a [^>]*>([^<]+)<\/a>/g)].map((m) => m[1])).toEqual([
      'Home',
      'Gestione CieID',
      'Dispositivi',
      'Elenco accessi',
      'Domande frequenti',
    ]);
    expect(menu).not.toContain('aria-current');
    expect(page).toMatch(/<form method="post" action="\/area-personale\/esci"><input type="hidden" name="csrf" value="token-123"><button[^>]*>Esci<\/button>/);
    const crumbs = /<ol class="breadcrumb">([\s\S]*?)<\/ol>/
      .exec(page)![1]!
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    expect(crumbs).toBe('Area personale / Gestione CieID / Modifica Password');
    expect(page).toContain('<h1 class="h2 mb-4">Modifica Password</h1>');
    expect(res.headers.get('Content-Security-Policy')).toContain("script-src 'self'");
  });

  it('marks the current menu item with aria-current="page", and only that one; Home’s breadcrumb is the area alone', async () => {
    const page = await areaPage({ title: 'Area personale', current: 'home', session, body: html``, status: 200 }).text();
    expect(page.match(/aria-current="page"/g)).toHaveLength(2);
    expect(page).toContain('href="/area-personale" aria-current="page">Home</a>');
    expect(/<ol class="breadcrumb">([\s\S]*?)<\/ol>/.exec(page)![1]).not.toContain('/</span>');
  });

  it('escapes the title it is given and answers the status asked for', async () => {
    const res = areaPage({ title: '<script>x</script>', current: 'gestione', session, body: html``, status: 409 });
    expect(res.status).toBe(409);
    const page = await res.text();
    expect(page).not.toContain('<script>x');
    expect(page).toContain('&lt;script&gt;x&lt;/script&gt;');
  });
});
