import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it, onTestFailed } from 'vitest';
import { activate, issueCard, latestCode, outbox } from '../../scripts/lib/citizen-flows.mjs';
import { randomCitizen } from '../../scripts/lib/citizens.mjs';
import { launchChromium, snapshot } from './support/browser';
import { citizenPage, look, watchPage } from './support/looks';
import { baseUrl } from './support/server';

/**
 * Issue 14 §4: the development Trust Anchor's demo relying party ("Servizio federato di prova", hosted
 * at /e/demo/ by the TA the global setup starts) logs a citizen in through federation alone — never
 * registered through the registry, its keys and redirect URI known to the OP only by its trust chain.
 */
const registryToken = inject('registryToken');
const demo = `${inject('trustAnchor').url}/e/demo/`;

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  page = await citizenPage(browser, new URL(demo).origin);
});

afterAll(async () => {
  await browser?.close();
});

async function press(name: string): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name, exact: true }).click()]);
}

describe('the federated demo relying party in Chromium', () => {
  it('logs a citizen in at level 2 by its trust chain and shows the data received', async () => {
    onTestFailed(async () => {
      await snapshot(page, 'failure-federation-demo').catch(() => undefined);
    });
    const citizen = randomCitizen();
    const holder = await activate(baseUrl, { citizen, card: await issueCard(baseUrl, registryToken, citizen) });

    await page.goto(demo);
    await page.getByRole('heading', { name: 'Servizio federato di prova' }).waitFor();
    await look(page, 'federation-01-servizio');
    await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Entra con CIE' }).click()]);

    await page.getByRole('heading', { name: "RICHIESTA D'ACCESSO CIE LIVELLO 2" }).waitFor();
    expect(new URL(page.url()).origin).toBe(baseUrl);
    expect(await page.locator('main').innerText()).toContain('Servizio federato di prova');
    await page.getByLabel('Numero CIE o Codice fiscale o Email', { exact: true }).fill(citizen.fiscalCode);
    await page.getByLabel('Password', { exact: true }).fill(holder.password);
    const sent = (await outbox(baseUrl, citizen.phone)).length;
    await press('Procedi');
    await page.getByLabel('Codice di verifica OTP', { exact: true }).fill(await latestCode(baseUrl, citizen.phone, sent));
    await press('Prosegui');
    await page.getByText('I seguenti dati stanno per essere inviati a: Servizio federato di prova').waitFor();
    await press('Prosegui');

    await page.getByRole('heading', { name: 'Accesso effettuato' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/e/demo/callback');
    const data = await page.locator('dl').innerText();
    expect(data).toContain(citizen.givenName);
    expect(data).toContain(citizen.familyName);
    expect(data).toContain(`TINIT-${citizen.fiscalCode}`);
    expect(data).toContain('https://www.spid.gov.it/SpidL2');
    // Back on the relying party's own host: judged as its page from here on.
    watchPage(page, new URL(demo).origin);
    await look(page, 'federation-02-accesso-effettuato');
  });
});
