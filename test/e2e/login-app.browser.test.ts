import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { citizenWithApp } from './support/app-citizen';
import { snapshot } from './support/browser';
import { CONSENT, startDemoLogin } from './support/login-page';
import { openCitizen, cspViolationsOf } from './support/looks';
import { baseUrl } from './support/server';

/**
 * The push waiting page in a real browser (R-LOG-2; the QR page's are in login-pages and login-qr): the CSP lets /login-wait.js run,
 * its WebSocket reaches the flow's Durable Object through `wrangler dev`, and the page moves on to
 * consent by itself when the App (here plain HTTP with a software authenticator) approves.
 */

let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ browser, page } = await openCitizen(baseUrl));
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
    // Every part of the page — theme, script, socket, the wait — must pass the CSP.
    expect(cspViolationsOf(page)).toEqual([]);
  });
});
