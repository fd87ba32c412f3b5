import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { citizenWithApp } from './support/app-citizen';
import { launchChromium, snapshot } from './support/browser';
import { CONSENT, startDemoLogin } from './support/login-page';
import { citizenPage, look } from './support/looks';
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

const newPage = (javaScriptEnabled = true) => citizenPage(browser, baseUrl, { javaScriptEnabled });

/** The code on screen, scrolled into view first as a citizen would hold the phone to it. */
async function codeOnScreen(page: Page): Promise<string> {
  await page.locator('#qr').scrollIntoViewIfNeeded();
  const content = await readQrOnScreen(page);
  expect(content, 'a QR code readable on screen').toMatch(/^CIEID-QR1\./);
  return content!;
}

/**
 * Waits for a condition polled from here: under a paused page clock the page's own timers and
 * animation frames (which waitForFunction relies on) stand still.
 */
async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
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
    // The page's clock is ours, and stands still but when the test moves it: two minutes pass in a moment.
    const start = Date.now();
    await page.clock.install({ time: start });
    await page.clock.pauseAt(start + 1_000);
    await startDemoLogin(page, 2);
    // Every time the live region changes (a screen reader speaks then), in order.
    await page.evaluate(() => {
      const live = document.querySelector('[role="status"][aria-live="polite"]')!;
      const said: string[] = [];
      (window as unknown as { said: string[] }).said = said;
      new MutationObserver(() => said.push(live.textContent ?? '')).observe(live, { childList: true, characterData: true, subtree: true });
    });
    // What was said, word for word; `raw` as the region held it (a screen reader reads only a change).
    const raw = () => page.evaluate(() => (window as unknown as { said: string[] }).said);
    const said = async () => (await raw()).map((text) => text.trim());
    const timer = page.getByRole('timer');
    expect(await timer.ariaSnapshot()).toMatch(/timer: 2 minuti e 0 secondi/);
    expect(await page.locator('#qr-countdown').innerText()).toContain(`2'00"`);

    await page.clock.runFor(60_000);
    expect(await timer.ariaSnapshot()).toMatch(/timer: 1 minuto e 0 secondi/);
    expect(await page.locator('#qr-countdown').innerText()).toContain(`1'00"`);
    expect(await said(), 'silent while there is time').toEqual([]);

    await page.clock.runFor(30_000);
    expect(await said()).toEqual(['Il codice scade tra 30 secondi']);
    await page.clock.runFor(10_000);
    expect(await said(), 'said once, not every second').toEqual(['Il codice scade tra 30 secondi']);

    await page.clock.runFor(20_000);
    expect((await page.locator('#qr-countdown').innerText()).trim()).toContain('scaduto');
    expect(await said()).toEqual(['Il codice scade tra 30 secondi', 'Codice scaduto: genera un nuovo codice']);
    // axe schedules its work on the page's timers: time flows again from here on.
    await page.clock.resume();
    await look(page, 'login-qr-scaduto');

    await renew(page).click();
    await until(() => page.evaluate(() => /2'00"|1'59"/.test(document.getElementById('qr-countdown')?.textContent ?? '')));
    expect(await timer.ariaSnapshot()).toMatch(/timer: (2 minuti e 0 secondi|1 minuto e 59 secondi)/);
    expect((await said()).at(-1)).toBe('Nuovo codice generato');
    // A second renewal is announced again, though the words are the same.
    const before = (await said()).length;
    const shown = await page.locator('#qr').getAttribute('data-qr-content');
    await renew(page).click();
    await until(() => page.evaluate((old) => document.getElementById('qr')?.dataset.qrContent !== old, shown));
    expect((await said()).slice(before)).toEqual(['Nuovo codice generato']);
    const [previous, last] = (await raw()).slice(-2);
    expect(last, "the region's text changed, so it is read again").not.toBe(previous);
    await codeOnScreen(page);
  });
});
