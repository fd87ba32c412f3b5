import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { citizenWithApp } from './support/app-citizen';
import { launchChromium, snapshot } from './support/browser';
import { CONSENT, startDemoLogin } from './support/login-page';
import { look, watchPage } from './support/looks';
import { readQrOnScreen } from './support/qr-image';
import { baseUrl } from './support/server';

/**
 * R-LOG-3 and WCAG 2.2.1 on the level 2 page: the QR code is read from the screen; "Genera un nuovo
 * codice" gives a new one — in place when scripts run, by a reload when they do not — and the old one
 * stops working; the countdown speaks to screen readers in words, and only when it matters.
 */
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

async function newPage(javaScriptEnabled = true): Promise<Page> {
  const context = await browser.newContext({ baseURL: baseUrl, locale: 'it-IT', viewport: { width: 1280, height: 900 }, javaScriptEnabled });
  const page = await context.newPage();
  watchPage(page, baseUrl);
  return page;
}

/** The code on screen, scrolled into view first as a citizen would hold the phone to it. */
async function codeOnScreen(page: Page): Promise<string> {
  await page.locator('#qr').scrollIntoViewIfNeeded();
  const content = await readQrOnScreen(page);
  expect(content, 'a QR code readable on screen').toMatch(/^CIEID-QR1\./);
  return content!;
}

const renew = (page: Page) => page.getByRole('button', { name: 'Genera un nuovo codice', exact: true });
const scanRefused = async (scan: (content: string) => Promise<unknown>, content: string) => {
  await expect(scan(content)).rejects.toThrow(/^\/app\/qr: 410/);
};

describe('the level 2 QR code in Chromium', () => {
  it('"Genera un nuovo codice" swaps the code in place, without a reload, and retires the old one', async () => {
    const page = await newPage();
    onTestFailed(async () => {
      await snapshot(page, 'failure-qr-renew').catch(() => undefined);
    });
    const app = await citizenWithApp();
    await startDemoLogin(page, 2);
    const first = await codeOnScreen(page);
    let loads = 0;
    page.on('load', () => loads++);
    await renew(page).click();
    await page.waitForFunction((old) => document.getElementById('qr')?.dataset.qrContent !== old, first);
    const second = await codeOnScreen(page);
    expect(second).not.toBe(first);
    expect(loads, 'no reload').toBe(0);
    await page.getByRole('status').filter({ hasText: 'Nuovo codice generato' }).waitFor();
    await look(page, 'login-qr-nuovo-codice');
    await scanRefused(app.scan, first);
    await app.approve(await app.scan(second));
    await page.getByText(CONSENT).waitFor({ timeout: 15_000 });
  });

  it('without scripts, "Genera un nuovo codice" reloads the page with a new code', async () => {
    const page = await newPage(false);
    onTestFailed(async () => {
      await snapshot(page, 'failure-qr-renew-nojs').catch(() => undefined);
    });
    const app = await citizenWithApp();
    await startDemoLogin(page, 2);
    const first = await codeOnScreen(page);
    await Promise.all([page.waitForEvent('load'), renew(page).click()]);
    const second = await codeOnScreen(page);
    expect(second).not.toBe(first);
    // axe needs scripts, so this state is only photographed; with scripts it is looked at above.
    await snapshot(page, 'pages/login-qr-senza-script-desktop');
    await scanRefused(app.scan, first);
    await app.scan(second);
  });

  it('the countdown is a timer read in words, warns once at 30 s, says when the code expired, and a new code restarts it', async () => {
    const page = await newPage();
    onTestFailed(async () => {
      await snapshot(page, 'failure-qr-countdown').catch(() => undefined);
    });
    // The page's clock is ours to move: two minutes pass in a moment.
    await page.clock.install();
    await startDemoLogin(page, 2);
    const timer = page.getByRole('timer');
    expect(await timer.ariaSnapshot()).toMatch(/timer: 2 minuti e 0 secondi/);
    expect(await page.locator('#qr-countdown').innerText()).toContain(`2'00"`);
    const announced = () => page.locator('[role="status"][aria-live="polite"]').innerText();

    await page.clock.runFor(60_000);
    expect(await timer.ariaSnapshot()).toMatch(/timer: 1 minuto e 0 secondi/);
    expect((await announced()).trim(), 'silent while there is time').toBe('');

    await page.clock.runFor(30_000);
    await page.waitForFunction(() => /30 secondi/.test(document.querySelector('[role="status"][aria-live="polite"]')?.textContent ?? ''));
    expect((await announced()).trim()).toBe('Il codice scade tra 30 secondi');
    await page.clock.runFor(10_000);
    expect((await announced()).trim(), 'said once, not every second').toBe('Il codice scade tra 30 secondi');

    await page.clock.runFor(21_000);
    expect((await page.locator('#qr-countdown').innerText()).trim()).toContain('scaduto');
    expect((await announced()).trim()).toBe('Codice scaduto: genera un nuovo codice');
    await look(page, 'login-qr-scaduto');

    await renew(page).click();
    await page.waitForFunction(() => /2'00"|1'59"/.test(document.getElementById('qr-countdown')?.textContent ?? ''));
    expect(await timer.ariaSnapshot()).toMatch(/timer: (2 minuti e 0 secondi|1 minuto e 59 secondi)/);
    await codeOnScreen(page);
  });
});
