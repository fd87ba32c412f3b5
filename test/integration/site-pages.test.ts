import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../functions/index';
import type { Env } from '../../functions/env';
import { Browser, unescapeHtml } from '../support/activation-client';
import { openLogin } from '../support/login-client';
import { ORIGIN, call } from '../support/worker';

/**
 * What every page carries besides its own content: the skip link, the
 * public-sector footer with its four pages, the favicon; and those pages themselves, with the help
 * and privacy contacts as configured (HELP_*, PRIVACY_*).
 */
async function fetchWith(overrides: Partial<Env>, path: string): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${ORIGIN}${path}`, { redirect: 'manual' }), { ...env, ...overrides } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const FOOTER_LINKS: readonly [string, string][] = [
  ['/accessibilita', 'Dichiarazione di accessibilità'],
  ['/privacy', 'Privacy'],
  ['/assistenza', 'Assistenza'],
  ['/note-legali', 'Note legali'],
];

const textOf = (fragment: string) =>
  unescapeHtml(fragment.replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
const bodyOf = (page: string) => /<body[^>]*>([\s\S]*)<\/body>/.exec(page)?.[1] ?? '';
const mainOf = (page: string) => textOf(/<main[^>]*>([\s\S]*)<\/main>/.exec(page)?.[1] ?? '');
const headings = (page: string, level: number) => [...page.matchAll(new RegExp(`<h${level}[^>]*>([\\s\\S]*?)</h${level}>`, 'g'))].map((m) => textOf(m[1]!));

/** The skip link first, a `<main id="main">` to skip to, the footer with its links, the favicon. */
function expectSiteChrome(page: string, where: string) {
  const firstFocusable = /<(?:a|button|input|select|textarea)\b[^>]*>/.exec(bodyOf(page))?.[0];
  expect(firstFocusable, where).toBe('<a class="visually-hidden-focusable" href="#main">');
  expect(page, where).toContain('>Vai al contenuto principale</a>');
  expect(page, where).toMatch(/<main [^>]*id="main"/);
  const footer = /<footer class="it-footer"[^>]*>([\s\S]*?)<\/footer>/.exec(page)?.[1];
  expect(footer, `${where}: no footer`).toBeTruthy();
  const nav = /<nav aria-label="([^"]+)">([\s\S]*?)<\/nav>/.exec(footer!);
  expect(nav?.[1], where).toBe('Informazioni sul servizio');
  const links = [...nav![2]!.matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map((m) => [m[1], m[2]]);
  expect(links, where).toEqual(FOOTER_LINKS);
  expect(page, where).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml">');
  // The footer comes after the page's content, as the last landmark.
  expect(page.indexOf('</main>'), where).toBeLessThan(page.indexOf('<footer'));
}

async function html(path: string, overrides?: Partial<Env>): Promise<{ status: number; page: string; res: Response }> {
  const res = overrides ? await fetchWith(overrides, path) : await call(path);
  return { status: res.status, page: await res.text(), res };
}

describe('every page: skip link, footer, favicon', () => {
  it('the home, activation, recovery, footer, demo and error pages all carry them', async () => {
    const paths = [
      '/',
      '/attivazione',
      '/recupero-password',
      '/privacy',
      '/accessibilita',
      '/note-legali',
      '/assistenza',
      '/demo',
      '/non-esiste',
      '/oidc/authorize',
    ];
    for (const path of paths) {
      const { status, page } = await html(path);
      expect([path, status < 500]).toEqual([path, true]);
      expectSiteChrome(page, path);
    }
  });

  it('the login pages carry them too', async () => {
    const { page } = await openLogin({ acr: 2 });
    expectSiteChrome(page.html, 'login level 2');
    const expired = await new Browser().open('/login/flusso-inesistente');
    expect(expired.status).toBeGreaterThanOrEqual(400);
    expectSiteChrome(expired.html, 'login error page');
  });

  it('each footer link answers 200 with a page whose heading says what it is', async () => {
    const titles: Record<string, string> = {
      '/accessibilita': 'Dichiarazione di accessibilità',
      '/privacy': 'Informativa sul trattamento dei dati personali',
      '/assistenza': 'Assistenza',
      '/note-legali': 'Note legali',
    };
    for (const [path] of FOOTER_LINKS) {
      const { status, page, res } = await html(path);
      expect([path, status]).toEqual([path, 200]);
      expect(res.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('Content-Security-Policy')).toContain("script-src 'self'");
      expect(headings(page, 1)).toEqual([titles[path]]);
      expect(page).toContain(`<title>${titles[path]} · CieID</title>`);
      // Headings in order: the page's sections are h2 under its one h1, none skipped.
      expect(page).not.toMatch(/<main[\s\S]*<h[4-6][\s\S]*<\/main>/);
    }
  });
});

describe('/privacy: the notice the activation asks to acknowledge (artt. 13 e 14 GDPR, R-LOG-9 retention)', () => {
  it('names the controller, purposes, legal basis, data, recipients, retention and rights', async () => {
    const { page } = await html('/privacy');
    expect(headings(page, 2)).toEqual([
      'Titolare del trattamento',
      'Finalità del trattamento',
      'Base giuridica',
      'Dati trattati',
      'Destinatari dei dati',
      'Conservazione dei dati',
      'I tuoi diritti',
      'Come esercitare i diritti',
    ]);
    const text = mainOf(page);
    expect(text).toContain('artt. 13 e 14 del Regolamento (UE) 2016/679');
    expect(text).toContain("Il titolare del trattamento è l'ente che gestisce questo servizio: Ministero dell'Interno");
    expect(text).toContain('art. 6, par. 1, lett. c) ed e)');
    expect(text).toContain('art. 64');
    // R-LOG-9: the access log's two bounds, as core/access-log-retention keeps them.
    expect(text).toContain('24 mesi');
    expect(text).toContain('1.000 eventi più recenti');
    expect(text).toContain('5 minuti');
    for (const right of ['accesso', 'rettifica', 'cancellazione', 'limitazione', 'opposizione']) expect(text).toContain(right);
    expect(text).toContain('Garante per la protezione dei dati personali');
    expect(text).toContain('pagina di consenso');
    // No privacy address configured: requests go to the help desk.
    expect(page).toContain('<a href="mailto:cie.cittadini@interno.it">cie.cittadini@interno.it</a>');
  });

  it('shows a configured controller and privacy contact instead of the defaults', async () => {
    const { page } = await html('/privacy', { PRIVACY_CONTROLLER: 'Comune di Esempio', PRIVACY_CONTACT: 'dpo@comune.esempio.it' });
    const text = mainOf(page);
    expect(text).toContain("Il titolare del trattamento è l'ente che gestisce questo servizio: Comune di Esempio");
    expect(text).not.toContain("Ministero dell'Interno");
    expect(page).toContain('<a href="mailto:dpo@comune.esempio.it">dpo@comune.esempio.it</a>');
  });

  it('a hostile controller name is shown as text, never as markup', async () => {
    const { page } = await html('/privacy', { PRIVACY_CONTROLLER: '<script>alert(1)</script><img src=x onerror=alert(2)>' });
    expect(page).not.toContain('<script>alert(1)');
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;');
  });
});

describe("/assistenza: the guides' help contacts, configurable (HELP_EMAIL, HELP_PHONE, HELP_HOURS)", () => {
  it("by default the guides' email and card-block number, and the Comune for phone number and PIN/PUK", async () => {
    const { page } = await html('/assistenza');
    const text = mainOf(page);
    expect(page).toContain('<a href="mailto:cie.cittadini@interno.it">cie.cittadini@interno.it</a>');
    expect(page).toContain('<a href="tel:800263388">800 263 388</a>');
    expect(text).toContain('Numero per il blocco carta: 800 263 388');
    expect(headings(page, 2)).toContain('Il tuo Comune');
    expect(text).toContain('numero di cellulare');
    expect(text).toContain('PIN e PUK');
    expect(page).toContain('id="cellulare"');
    expect(page).toContain('href="/recupero-password"');
  });

  it('shows configured contacts and hours instead of the defaults', async () => {
    const { page } = await html('/assistenza', { HELP_EMAIL: 'aiuto@comune.esempio.it', HELP_PHONE: '+39 06 1234 5678', HELP_HOURS: 'attivo 24 ore su 24' });
    expect(page).toContain('<a href="mailto:aiuto@comune.esempio.it">aiuto@comune.esempio.it</a>');
    expect(page).toContain('<a href="tel:+390612345678">+39 06 1234 5678</a>');
    expect(mainOf(page)).toContain('attivo 24 ore su 24');
    expect(page).not.toContain('cie.cittadini@interno.it');
    expect(page).not.toContain('800 263 388');
  });

  it('a malformed email or number is not shown; hostile hours are escaped', async () => {
    const { page } = await html('/assistenza', {
      HELP_EMAIL: '"><script>x</script>@a.it',
      HELP_PHONE: 'javascript:alert(1)',
      HELP_HOURS: '<b onclick="x">sempre</b>',
    });
    expect(page).not.toContain('mailto:');
    expect(page).not.toContain('tel:');
    expect(page).not.toContain('javascript:');
    expect(page).not.toContain('<script>x');
    expect(page).not.toContain('<b onclick');
    // Without the phone number the hours have nothing to qualify.
    expect(page).not.toContain('sempre');
    // With no contact configured the page still says where to go.
    expect(mainOf(page)).toContain('Il tuo Comune');
    const hours = await html('/assistenza', { HELP_HOURS: '<b onclick="x">sempre</b>' });
    expect(hours.page).toContain('&lt;b onclick=&quot;x&quot;&gt;sempre&lt;/b&gt;');
  });
});

describe('/accessibilita and /note-legali', () => {
  it('the accessibility statement follows the AgID model: conformity, exceptions, feedback, enforcement', async () => {
    const { page } = await html('/accessibilita');
    expect(headings(page, 2)).toEqual([
      'Stato di conformità',
      'Contenuti non accessibili',
      'Redazione della dichiarazione',
      'Feedback e recapiti',
      'Procedura di attuazione',
    ]);
    const text = mainOf(page);
    expect(text).toContain('legge 9 gennaio 2004, n. 4');
    expect(text).toContain('parzialmente conforme');
    expect(text).toContain('Difensore civico per il digitale');
    expect(page).toContain('<a href="mailto:cie.cittadini@interno.it">cie.cittadini@interno.it</a>');
    expect(text).toContain(`${ORIGIN}`);
  });

  it('the legal notes say what licence the content has, disclaim third-party services and link to the notice', async () => {
    const { page } = await html('/note-legali');
    const text = mainOf(page);
    expect(headings(page, 2)).toEqual(['Copyright e licenze', 'Servizi di terzi e collegamenti esterni', 'Trattamento dei dati personali']);
    expect(text).toContain('CC BY 4.0');
    expect(text).toContain('Bootstrap Italia');
    expect(/<main[\s\S]*href="\/privacy"[\s\S]*<\/main>/.test(page)).toBe(true);
  });
});

describe('404 and favicon', () => {
  it('an unknown page is "Pagina non trovata" with a way back home and to the activation', async () => {
    const { status, page, res } = await html('/pagina/che-non-esiste');
    expect(status).toBe(404);
    expect(res.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    expect(headings(page, 1)).toEqual(['Pagina non trovata']);
    expect(page).toContain('<title>Pagina non trovata · CieID</title>');
    expect(page).toMatch(/<main[\s\S]*<a class="btn btn-primary" href="\/">Torna alla home<\/a>[\s\S]*<\/main>/);
    expect(page).toMatch(/<main[\s\S]*<a class="btn btn-outline-primary" href="\/attivazione">Attiva le credenziali<\/a>[\s\S]*<\/main>/);
  });

  it('machines still get JSON for an unknown path of theirs', async () => {
    for (const path of ['/registry/nulla', '/app/nulla', '/oidc/nulla', '/.well-known/nulla']) {
      const res = await call(path, { headers: { Authorization: 'Bearer test-registry-token' } });
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.headers.get('Content-Type')).toContain('application/json');
      expect(((await res.json()) as { error: string }).error).toBe('not_found');
    }
  });

  it('/favicon.svg and /favicon.ico are served, small and from this origin', async () => {
    const svg = await call('/favicon.svg');
    expect(svg.status).toBe(200);
    expect(svg.headers.get('Content-Type')).toContain('image/svg+xml');
    const text = await svg.text();
    expect(text).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(text.length).toBeLessThan(2048);
    expect(text).not.toMatch(/href="http|<script|<image/);
    const ico = await call('/favicon.ico');
    expect(ico.status).toBe(200);
    expect(ico.headers.get('Content-Type')).toMatch(/^image\//);
    const bytes = new Uint8Array(await ico.arrayBuffer());
    expect([...bytes.slice(0, 4)]).toEqual([0, 0, 1, 0]); // an ICO header
    expect(bytes.length).toBeLessThan(8192);
  });
});
