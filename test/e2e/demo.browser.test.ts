import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { inject } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { activate, issueCard, latestCode, outbox } from '../../scripts/lib/citizen-flows.mjs';
import { randomCitizen } from '../../scripts/lib/citizens.mjs';
import { snapshot } from './support/browser';
import { openCitizen, look } from './support/looks';
import { baseUrl } from './support/server';

/**
 * The newcomer's experience: a fresh `npm start`, a citizen with credentials, and "Entra con CIE" on
 * the demo Comune's page in a real browser — nothing registered by hand, no key copied anywhere.
 */
const registryToken = inject('registryToken');

let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ browser, page } = await openCitizen(baseUrl));
});

afterAll(async () => {
  await browser?.close();
});

const button = (name: string) => page.getByRole('button', { name, exact: true });

async function press(name: string): Promise<void> {
  await Promise.all([page.waitForEvent('load'), button(name).click()]);
}

describe('the demo Comune in Chromium', () => {
  it('logs a citizen in at level 2 and shows the data CieID sent', async () => {
    onTestFailed(async () => {
      await snapshot(page, 'failure-demo').catch(() => undefined);
    });
    const citizen = randomCitizen();
    const holder = await activate(baseUrl, { citizen, card: await issueCard(baseUrl, registryToken, citizen) });

    await page.goto('/demo');
    await page.getByRole('heading', { name: 'Servizi online del Comune di Esempio' }).waitFor();
    expect(await page.getByLabel('Livello 2 — password e codice SMS').isChecked()).toBe(true);
    await look(page, 'demo-01-comune');
    await press('Entra con CIE');

    await page.getByRole('heading', { name: "RICHIESTA D'ACCESSO CIE LIVELLO 2" }).waitFor();
    expect(await page.locator('main').innerText()).toContain('Comune di Esempio');
    await page.getByLabel('Numero CIE o Codice fiscale o Email', { exact: true }).fill(citizen.fiscalCode);
    await page.getByLabel('Password', { exact: true }).fill(holder.password);
    await look(page, 'demo-02-credenziali');
    const sent = (await outbox(baseUrl, citizen.phone)).length;
    await press('Procedi');

    await page.getByLabel('Codice di verifica OTP', { exact: true }).fill(await latestCode(baseUrl, citizen.phone, sent));
    await press('Prosegui');
    await page.getByText('I seguenti dati stanno per essere inviati a: Comune di Esempio').waitFor();
    await look(page, 'demo-03-consenso');
    await press('Prosegui');

    await page.getByRole('heading', { name: 'Accesso effettuato' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/demo/callback');
    const table = await page.locator('table').innerText();
    expect(table).toContain(citizen.givenName);
    expect(table).toContain(citizen.familyName);
    expect(table).toContain(`TINIT-${citizen.fiscalCode}`);
    expect(await page.locator('main').innerText()).toContain('https://www.spid.gov.it/SpidL2');
    await look(page, 'demo-04-dati-ricevuti');
  });
});
