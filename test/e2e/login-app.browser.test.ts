import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { inject } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { activate, issueCard, latestCode, outbox } from '../../scripts/lib/citizen-flows.mjs';
import { randomCitizen } from '../../scripts/lib/citizens.mjs';
import { SoftwareAuthenticator } from '../support/authenticator';
import { launchChromium, snapshot } from './support/browser';
import { baseUrl } from './support/server';

/**
 * The waiting pages in a real browser (R-LOG-2 push, R-LOG-3 QR): the CSP lets /login-wait.js run,
 * its WebSocket reaches the flow's Durable Object through `wrangler dev`, and the page moves on to
 * consent by itself when the App (here plain HTTP with a software authenticator) approves.
 */
const registryToken = inject('registryToken');

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

async function api(path: string, body?: unknown, token?: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${baseUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** An SMS-mode citizen certifies a phone (R-APP-1…3), then switches to App mode (R-ACC-3). */
async function citizenWithApp() {
  const citizen = randomCitizen();
  const holder = await activate(baseUrl, { citizen, card: await issueCard(baseUrl, registryToken, citizen) });
  const credentials = { username: citizen.fiscalCode, password: holder.password };
  let sent = (await outbox(baseUrl, citizen.phone)).length;
  const { flowId } = (await api('/app/certificazione', credentials)) as { flowId: string };
  await api(`/app/certificazione/${flowId}/otp`, { otp: await latestCode(baseUrl, citizen.phone, sent) });
  await api(`/app/certificazione/${flowId}/codice`, { code: 'a1b2c3' });
  const authenticator = await SoftwareAuthenticator.create();
  const options = (await api(`/app/certificazione/${flowId}/registrazione/opzioni`, {})) as { challenge: string };
  await api(`/app/certificazione/${flowId}/registrazione`, { response: await authenticator.register(options) });
  const { sessionToken } = (await api(`/app/certificazione/${flowId}/dispositivo`, { deviceName: 'Chromium', notifications: true })) as { sessionToken: string };
  sent = (await outbox(baseUrl, citizen.phone)).length;
  const change = (await api('/account/modalita', { ...credentials, mode: 'app' })) as { flowId: string };
  await api(`/account/modalita/${change.flowId}`, { otp: await latestCode(baseUrl, citizen.phone, sent) });
  const approve = async (approval: { id: string; challenge: string }) =>
    api(`/app/approvals/${approval.id}`, { decision: 'approve', assertion: await authenticator.assert(approval.challenge) }, sessionToken);
  return { citizen, holder, sessionToken, approve };
}

async function toLoginPage(): Promise<void> {
  await page.goto('/demo');
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Entra con CIE', exact: true }).click()]);
  await page.getByRole('heading', { name: "RICHIESTA D'ACCESSO CIE LIVELLO 2" }).waitFor();
}

const CONSENT = 'I seguenti dati stanno per essere inviati a: Comune di Esempio';

describe('the App CieID waiting pages in Chromium', () => {
  it('R-LOG-2: the push page moves on to consent by itself when the App approves', async () => {
    onTestFailed(async () => {
      await snapshot(page, 'failure-login-app-push').catch(() => undefined);
    });
    const { citizen, holder, sessionToken, approve } = await citizenWithApp();
    await toLoginPage();
    await page.getByLabel('Numero CIE o Codice fiscale o Email', { exact: true }).fill(citizen.fiscalCode);
    await page.getByLabel('Password', { exact: true }).fill(holder.password);
    const socket = page.waitForEvent('websocket', (ws) => ws.url().endsWith('/attesa'));
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Procedi', exact: true }).click()]);
    await page.getByRole('heading', { name: 'Controlla adesso il tuo cellulare' }).waitFor();
    const ws = await socket;
    const woken = ws.waitForEvent('framereceived', { predicate: (frame) => String(frame.payload).includes('"consent"'), timeout: 15_000 });
    await snapshot(page, 'login-app-01-attesa');

    const { approvals } = (await api('/app/approvals', undefined, sessionToken)) as { approvals: { id: string; challenge: string; rpName: string }[] };
    expect(approvals.map((a) => a.rpName)).toEqual(['Comune di Esempio']);
    await approve(approvals[0]!);
    // Woken by the Durable Object over the socket, not by the polling fallback.
    await woken;
    await page.getByText(CONSENT).waitFor({ timeout: 15_000 });
    await snapshot(page, 'login-app-02-consenso');
  });

  it('R-LOG-3: the QR page counts down, and moves on to consent by itself when the App scans and confirms', async () => {
    onTestFailed(async () => {
      await snapshot(page, 'failure-login-app-qr').catch(() => undefined);
    });
    const { sessionToken, approve } = await citizenWithApp();
    await toLoginPage();
    const countdown = page.locator('#qr-countdown');
    const first = await countdown.innerText();
    await page.waitForFunction((start) => document.getElementById('qr-countdown')?.textContent !== start, first, { timeout: 5_000 });
    await snapshot(page, 'login-app-03-qr');
    const content = await page.locator('#qr').getAttribute('data-qr-content');
    const approval = (await api('/app/qr', { content }, sessionToken)) as { id: string; challenge: string };
    await approve(approval);
    await page.getByText(CONSENT).waitFor({ timeout: 15_000 });
    expect(cspViolations, cspViolations.join("\n")).toEqual([]);
  });
});
