import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { inject } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { activate, issueCard, latestCode, outbox } from '../../scripts/lib/citizen-flows.mjs';
import { randomCitizen } from '../../scripts/lib/citizens.mjs';
import { snapshot } from './support/browser';
import { look, openCitizen } from './support/looks';
import { baseUrl } from './support/server';

/**
 * The personal area in Chromium (issue 13 §1, §2): a citizen with credentials presses "Accedi", logs
 * in at level 2 with an SMS code on the pages every RP gets, sees Gestione CieID, changes the password
 * (its errors first), switches the mode, adds an email, and leaves with "Esci"; every page state at
 * both widths, with axe.
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
const link = (name: string) => page.getByRole('link', { name, exact: true });

async function press(name: string): Promise<void> {
  await Promise.all([page.waitForEvent('load'), button(name).click()]);
}

async function follow(name: string): Promise<void> {
  await Promise.all([page.waitForEvent('load'), link(name).click()]);
}

const heading = (name: string) => page.getByRole('heading', { name, exact: true, level: 1 }).waitFor();
const main = () => page.locator('main').innerText();

describe('the personal area in Chromium', () => {
  it('Accedi with CieID at level 2, Gestione CieID, Modifica Password, the mode switch, the email, Esci', async () => {
    onTestFailed(async () => {
      await snapshot(page, 'failure-area-profile').catch(() => undefined);
    });
    const citizen = randomCitizen();
    const holder = await activate(baseUrl, { citizen, card: await issueCard(baseUrl, registryToken, citizen) });

    await page.goto('/area-personale');
    await heading('Accedi all’area personale');
    await look(page, 'area-01-accedi');
    await follow('Accedi');

    await heading("RICHIESTA D'ACCESSO CIE LIVELLO 2");
    expect(await main()).toContain('CieID – Area personale');
    await page.getByLabel('Numero CIE o Codice fiscale o Email', { exact: true }).fill(citizen.fiscalCode);
    await page.getByLabel('Password', { exact: true }).fill(holder.password);
    let sent = (await outbox(baseUrl, citizen.phone)).length;
    await press('Procedi');
    await page.getByLabel('Codice di verifica OTP', { exact: true }).fill(await latestCode(baseUrl, citizen.phone, sent));
    await press('Prosegui');
    await page.getByText('I seguenti dati stanno per essere inviati a: CieID – Area personale').waitFor();
    await look(page, 'area-02-consenso');
    await press('Prosegui');

    await heading('Area personale');
    expect(new URL(page.url()).pathname).toBe('/area-personale');
    expect(await main()).toContain(`Benvenuto, ${citizen.givenName} ${citizen.familyName}`);
    await look(page, 'area-03-home');
    await follow('Gestione CieID');

    await heading('Gestione CieID');
    const gestione = await main();
    for (const words of ['Profilo CieID', 'Credenziali livello 1 e 2', 'Attive', 'Scegli la modalità di utilizzo delle credenziali', 'Credenziali livello 3']) {
      expect(gestione).toContain(words);
    }
    expect(await page.getByRole('link', { name: 'Gestione CieID', exact: true }).first().getAttribute('aria-current')).toBe('page');
    await look(page, 'area-04-gestione');

    await follow('Modifica Password');
    await heading('Modifica Password');
    await look(page, 'area-05-password');
    await page.getByLabel('Password attuale', { exact: true }).fill('Sbagliata#123');
    await page.getByLabel('Nuova password', { exact: true }).fill('Ginestra#2031k');
    await page.getByLabel('Conferma nuova password', { exact: true }).fill('Ginestra#2031k');
    await press('Modifica Password');
    expect(await page.getByRole('alert').innerText()).toContain('La password attuale non è corretta.');
    await look(page, 'area-06-password-errata');
    await page.getByLabel('Password attuale', { exact: true }).fill(holder.password);
    await page.getByLabel('Nuova password', { exact: true }).fill('corta');
    await page.getByLabel('Conferma nuova password', { exact: true }).fill('corta');
    await press('Modifica Password');
    expect(await page.getByRole('alert').innerText()).toContain('La password deve avere da 10 a 20 caratteri');
    await look(page, 'area-07-password-criteri');
    await page.getByLabel('Password attuale', { exact: true }).fill(holder.password);
    await page.getByLabel('Nuova password', { exact: true }).fill('Ginestra#2031k');
    await page.getByLabel('Conferma nuova password', { exact: true }).fill('Ginestra#2031k');
    await press('Modifica Password');
    await heading('Gestione CieID');
    expect(await page.getByRole('status').first().innerText()).toContain('La password è stata modificata.');
    // R-ACC-2: the other sessions end, this one stands, and the page says so.
    expect(await page.getByRole('status').first().innerText()).toContain('abbiamo chiuso le altre sessioni');
    await look(page, 'area-08-password-modificata');

    await follow("Passa all'App CieID");
    await heading('Modalità di utilizzo delle credenziali');
    await look(page, 'area-09-modalita');
    sent = (await outbox(baseUrl, citizen.phone)).length;
    await press("Passa all'App CieID");
    await page.getByLabel('Codice di verifica OTP', { exact: true }).waitFor();
    await look(page, 'area-10-modalita-codice');
    await page.getByLabel('Codice di verifica OTP', { exact: true }).fill(await latestCode(baseUrl, citizen.phone, sent));
    await press('Conferma');
    await heading('Gestione CieID');
    expect(await main()).toContain("Utilizza l'App CieID");
    expect(await link("Passa all'invio OTP tramite SMS").count()).toBe(1);

    await follow('Aggiungi email');
    await heading('Aggiungi email');
    const address = `area.${citizen.fiscalCode.toLowerCase()}@example.it`;
    await page.getByLabel('Nuovo indirizzo email', { exact: true }).fill(address);
    await look(page, 'area-11-email');
    await press('Invia codice');
    await page.getByLabel('Codice di verifica OTP', { exact: true }).fill(await latestCode(baseUrl, address, 0));
    await look(page, 'area-12-email-codice');
    await press('Conferma');
    await heading('Gestione CieID');
    expect(await main()).toContain(address);
    await look(page, 'area-13-gestione-dopo');
    await follow('Domande frequenti');
    await heading('Domande frequenti');
    await look(page, 'area-14-domande');

    await press('Esci');
    await heading('Accedi all’area personale');
    expect(await main()).toContain('Sei uscito dall’area personale');
    await look(page, 'area-15-uscita');
    await page.goto('/area-personale/gestione');
    await heading('Accedi all’area personale');
    // Fifteen page states, each at two widths with axe: longer than one login.
  }, 300_000);
});
