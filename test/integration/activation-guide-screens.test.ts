import { describe, expect, it } from 'vitest';
import { Browser, GDPR, issueCard, unescapeHtml, walkTo, type Page } from '../support/activation-client';
import { cardView } from '../support/activation-state';
import { attributesOf } from '../support/markup';

/** The guides' screens the activation pages must show (docs/activation-pages.md, seeds/000 §1). */

/** The anchors of the page's main content (not the site's header and footer), as text → href. */
function links(page: Page): { text: string; href: string }[] {
  const main = /<main[^>]*>([\s\S]*)<\/main>/.exec(page.html)?.[1] ?? page.html;
  return [...main.matchAll(/(<a\b[^>]*>)([\s\S]*?)<\/a>/g)].map((m) => ({
    text: unescapeHtml(m[2]!.replace(/<[^>]*>/g, ''))
      .replace(/\s+/g, ' ')
      .trim(),
    href: attributesOf(m[1]!).href ?? '',
  }));
}

function link(page: Page, text: string): string {
  const found = links(page).filter((l) => l.text === text);
  expect(found, `links "${text}" on "${page.heading}"`).toHaveLength(1);
  return found[0]!.href;
}

/** Nothing of these pages' content points to, or loads from, another host. */
function expectOwnLinksOnly(page: Page): void {
  for (const { href } of links(page)) expect(href, 'a link of the page').toMatch(/^\/(?!\/)/);
  expect(page.html).not.toMatch(/<img\b[^>]*src="(?!\/|data:)/);
}

describe('the guides screens of the activation (R-ACT-2, R-ACT-3, R-ACT-4, R-ACT-5, R-ACT-6, R-ACT-7)', () => {
  it('R-ACT-2: step 1.2 explains "Come ottenere questi dati?" — the two halves of the PUK, and the digits that vary', async () => {
    const card = await issueCard();
    const { page } = await walkTo(card, 'puk');
    const details = /<details\b[^>]*>([\s\S]*?)<\/details>/.exec(page.html)?.[1] ?? '';
    expect(details).toMatch(/<summary\b[^>]*>Come ottenere questi dati\?<\/summary>/);
    const text = unescapeHtml(details.replace(/<[^>]*>/g, '')).replace(/\s+/g, ' ');
    expect(text).toContain('prima metà del codice PUK');
    expect(text).toContain('ricevuta cartacea che il Comune ti ha consegnato');
    expect(text).toContain('la seconda metà è nella lettera');
    expect(text).toContain('Nota bene: le cifre richieste possono variare di volta in volta.');
  });

  it('R-ACT-3: step 2.1, before and after the SMS, links "Scopri come modificarlo" to the page about the Comune', async () => {
    const card = await issueCard();
    const { browser, page } = await walkTo(card, 'cellulare');
    expect(page.text).toContain('Il numero di cellulare non è corretto? Scopri come modificarlo');
    const href = link(page, 'Scopri come modificarlo');
    expect(href).toBe('/cellulare-non-corretto?torna=%2Fattivazione');
    const code = await browser.submit(page, 'Continua');
    expect(link(code, 'Scopri come modificarlo')).toBe(href);

    const help = await browser.open(href);
    expect(help.status).toBe(200);
    expect(help.heading).toBe('Il numero di cellulare non è corretto?');
    expect(help.text).toContain("quello che hai comunicato al Comune quando hai richiesto la Carta d'Identità Elettronica");
    expect(help.text).toContain("può aggiornarlo solo il Comune, presso l'ufficio anagrafe");
    expect(help.text).toContain("Rivolgiti all'ufficio anagrafe del tuo Comune");
    expect(link(help, "Torna all'attivazione")).toBe('/attivazione');
    expectOwnLinksOnly(help);
    // The flow is untouched: back to the page the citizen was on.
    expect((await browser.open(link(help, "Torna all'attivazione"))).text).toContain('Inserimento codice temporaneo OTP');
  });

  it('R-ACT-3: the phone page goes back only to our own pages', async () => {
    const browser = new Browser();
    // A login's flow id is 43 base64url characters (core/flow-id.ts FLOW_ID_SHAPE).
    const loginId = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ';
    const login = await browser.open(`/cellulare-non-corretto?torna=${encodeURIComponent(`/login/${loginId}`)}`);
    expect(link(login, "Torna all'accesso")).toBe(`/login/${loginId}`);
    expect(link(login, 'Attiva le credenziali')).toBe('/attivazione');
    for (const hostile of ['https://evil.example/', `//evil.example/login/${loginId}`, '/login/x', `/login/${loginId}x`, 'javascript:alert(1)', '']) {
      const page = await browser.open(`/cellulare-non-corretto?torna=${encodeURIComponent(hostile)}`);
      expect(page.status).toBe(200);
      expect(link(page, "Torna all'attivazione")).toBe('/attivazione');
      expectOwnLinksOnly(page);
    }
  });

  it('R-ACT-4: the email code step says to look in the spam folder', async () => {
    const card = await issueCard();
    const { page } = await walkTo(card, 'otp-email', { email: `spam.${card.serial.toLowerCase()}@example.it` });
    expect(page.text).toContain("Non hai ricevuto l'email? Controlla anche nella cartella della posta indesiderata (spam)");
  });

  it('R-ACT-5: the GDPR label keeps its text and links "dell\'Informativa" to /privacy', async () => {
    const card = await issueCard();
    const { page } = await walkTo(card, 'password');
    expect(page.field(GDPR).type).toBe('checkbox');
    expect(link(page, "dell'Informativa")).toBe('/privacy');
    const label = /<label[^>]*for="gdpr"[^>]*>([\s\S]*?)<\/label>/.exec(page.html)?.[1] ?? '';
    expect(label).toContain('<a href="/privacy">');
  });

  it("R-ACT-6: step 3 is the guide's two cards; each button sends its mode", async () => {
    const card = await issueCard();
    const { browser, page } = await walkTo(card, 'configura');
    expect(page.text).toContain(
      'MODALITÀ CONSIGLIATA App CieID Scegli questa modalità se vuoi ricevere una notifica push o vuoi accedere inquadrando il QR code. Scegli App CieID',
    );
    expect(page.text).toContain('SMS Scegli questa modalità se vuoi ricevere un codice temporaneo (OTP) via SMS ad ogni accesso. Scegli SMS');
    expect(page.html).not.toContain('type="radio"');
    expect(page.hasButton('Continua')).toBe(false);
    const modes = page.forms
      .filter((f) => f.action === '/attivazione/configura')
      .map((f) => [f.buttons.map((b) => b.text).join(), f.fields.find((x) => x.name === 'mode')?.value]);
    expect(modes).toEqual([
      ['Scegli App CieID', 'app'],
      ['Scegli SMS', 'sms'],
    ]);
    const done = await browser.submit(page, 'Scegli App CieID');
    expect(done.heading).toBe('Credenziali attivate');
    expect((await cardView(card.serial)).credentials?.mode).toBe('app');
  });

  it('R-ACT-7: App mode — "Cosa ti resta da fare?" in the guide\'s three steps, with no store link', async () => {
    const card = await issueCard();
    const { page } = await walkTo(card, 'riepilogo', { mode: 'app' });
    const steps = /<h2[^>]*>Cosa ti resta da fare\?<\/h2>\s*<ol>([\s\S]*?)<\/ol>/.exec(page.html)?.[1] ?? '';
    const items = [...steps.matchAll(/<li[^>]*>([\s\S]*?)<\/li>/g)].map((m) =>
      unescapeHtml(m[1]!.replace(/<[^>]*>/g, ' '))
        .replace(/\s+/g, ' ')
        .trim(),
    );
    expect(items).toHaveLength(3);
    expect(items[0]).toMatch(/^Scarica l'App CieID .*cercando "CieID" nell'App Store o in Google Play/);
    expect(items[1]).toMatch(/^Inserisci le tue credenziali .*certifica il tuo dispositivo/);
    expect(items[2]).toMatch(/^Attiva le notifiche /);
    expect(page.text).not.toContain('Cosa puoi fare adesso?');
    expect(page.text).not.toContain('Non sono necessari altri passaggi');
    expectOwnLinksOnly(page);
  });

  it('R-ACT-7: SMS mode — "Cosa puoi fare adesso?" and no further step needed', async () => {
    const card = await issueCard();
    const { page } = await walkTo(card, 'riepilogo', { mode: 'sms' });
    expect(page.text).toContain('Non sono necessari altri passaggi, gli OTP di verifica arriveranno direttamente via SMS');
    expect(page.text).toContain('Cosa puoi fare adesso?');
    expect(page.text).toContain("Scarica l'app CieID sul tuo dispositivo");
    expect(page.text).toContain('Utilizza subito le tue nuove credenziali');
    expect(page.text).not.toContain('Cosa ti resta da fare?');
    expectOwnLinksOnly(page);
  });
});
