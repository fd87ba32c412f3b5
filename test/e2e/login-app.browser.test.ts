import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { citizenWithApp } from './support/app-citizen';
import { launchChromium, snapshot } from './support/browser';
import { CONSENT, startDemoLogin } from './support/login-page';
import { readQrOnScreen } from './support/qr-image';
import { baseUrl } from './support/server';

/**
 * The waiting pages in a real browser (R-LOG-2 push, R-LOG-3 QR): the CSP lets /login-wait.js run,
 * its WebSocket reaches the flow's Durable Object through `wrangler dev`, and the page moves on to
 * consent by itself when the App (here plain HTTP with a software authenticator) approves.
 */

let browser: Browser;
let page: Page;
const cspViolations: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  page = await (await browser.newContext({ baseURL: baseUrl, locale: 'it-IT', viewport: { width: 1280, height: 900 } })).newPage();
  page.on('console', (message) => {
    // Every part of these pages — theme, script, socket, polling, the SVG — must pass the CSP.
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
});

afterAll(async () => {
  await browser?.close();
});

const toLoginPage = () => startDemoLogin(page, 2);

describe('the App CieID waiting pages in Chromium', () => {
  it('R-LOG-2: the push page moves on to consent by itself when the App approves', async () => {
    onTestFailed(async () => {
      await snapshot(page, 'failure-login-app-push').catch(() => undefined);
    });
    const { citizen, holder, approve, pending } = await citizenWithApp();
    await toLoginPage();
    await page.getByLabel('Numero CIE o Codice fiscale o Email', { exact: true }).fill(citizen.fiscalCode);
    await page.getByLabel('Password', { exact: true }).fill(holder.password);
    const socket = page.waitForEvent('websocket', (ws) => ws.url().endsWith('/attesa'));
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Procedi', exact: true }).click()]);
    await page.getByRole('heading', { name: 'Controlla adesso il tuo cellulare' }).waitFor();
    const ws = await socket;
    const woken = ws.waitForEvent('framereceived', { predicate: (frame) => String(frame.payload).includes('"consent"'), timeout: 15_000 });

    const approvals = await pending();
    expect(approvals.map((a) => a.rpName)).toEqual(['Comune di Esempio']);
    await approve(approvals[0]!);
    // Woken by the Durable Object over the socket, not by the polling fallback.
    await woken;
    await page.getByText(CONSENT).waitFor({ timeout: 15_000 });
  });

  it('R-LOG-3: the QR page counts down, and moves on to consent by itself when the App scans and confirms', async () => {
    onTestFailed(async () => {
      await snapshot(page, 'failure-login-app-qr').catch(() => undefined);
    });
    const { approve, scan } = await citizenWithApp();
    await toLoginPage();
    const countdown = page.locator('#qr-countdown');
    const first = await countdown.innerText();
    await page.waitForFunction((start) => document.getElementById('qr-countdown')?.textContent !== start, first, { timeout: 5_000 });
    const content = await readQrOnScreen(page);
    expect(content, 'a QR code on screen').toMatch(/^CIEID-QR1\./);
    await approve(await scan(content!));
    await page.getByText(CONSENT).waitFor({ timeout: 15_000 });
    expect(cspViolations, cspViolations.join("\n")).toEqual([]);
  });
});
