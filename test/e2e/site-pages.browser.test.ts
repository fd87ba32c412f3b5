import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openCitizen, look, printLooks } from './support/looks';
import { baseUrl } from './support/server';

/**
 * The pages around the flows, reached as a person reaches them — the home page, the footer every page
 * carries (AgID: accessibility statement, privacy, help, legal notes), the skip link, a page that does
 * not exist — each looked at (support/looks).
 */
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ browser, page } = await openCitizen(baseUrl));
});

afterAll(async () => {
  printLooks('site pages');
  await browser?.close();
});

const FOOTER: [link: string, heading: RegExp, shot: string][] = [
  ['Dichiarazione di accessibilità', /Dichiarazione di accessibilità/, 'accessibilita'],
  ['Privacy', /Informativa/, 'privacy'],
  ['Assistenza', /Assistenza/, 'assistenza'],
  ['Note legali', /Note legali/, 'note-legali'],
];

async function follow(name: string): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.getByRole('contentinfo').getByRole('link', { name, exact: true }).click()]);
}

describe('the site around the flows, in Chromium', () => {
  it('the home page, and each footer link to its page', async () => {
    await page.goto('/');
    await page.getByRole('heading', { level: 1 }).waitFor();
    await look(page, 'home');
    for (const [link, heading, shot] of FOOTER) {
      await follow(link);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await look(page, shot);
    }
  });

  it('the skip link is the first thing the keyboard reaches, shows itself, and leads to the content', async () => {
    await page.goto('/attivazione');
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Vai al contenuto principale' });
    expect(await skip.evaluate((el) => el === document.activeElement)).toBe(true);
    const box = await skip.boundingBox();
    expect(box && box.width > 10 && box.height > 10, 'visible when focused').toBe(true);
    await page.keyboard.press('Enter');
    expect(new URL(page.url()).hash).toBe('#main');
    // The next Tab lands in the content, past the header.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => Boolean(document.activeElement?.closest('main'))), 'focus inside main').toBe(true);
  });

  it('the password recovery page', async () => {
    await page.goto('/recupero-password');
    await page.getByRole('heading', { level: 1, name: 'Hai dimenticato la password?' }).waitFor();
    await look(page, 'recupero-password');
  });

  it('a page that does not exist: 404 with a way back home', async () => {
    const res = await page.goto('/questa-pagina-non-esiste');
    expect(res?.status()).toBe(404);
    await page.getByRole('heading', { level: 1, name: 'Pagina non trovata' }).waitFor();
    await look(page, 'pagina-non-trovata');
    await Promise.all([page.waitForEvent('load'), page.getByRole('main').getByRole('link', { name: /home/i }).first().click()]);
    expect(new URL(page.url()).pathname).toBe('/');
  });

  it('the favicon the pages name, and the one browsers ask for by themselves', async () => {
    await page.goto('/');
    const icon = await page.locator('link[rel~="icon"]').first().getAttribute('href');
    expect(icon).toBeTruthy();
    for (const path of [icon!, '/favicon.ico']) {
      const res = await fetch(new URL(path, baseUrl));
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(/^image\//);
    }
  });
});
