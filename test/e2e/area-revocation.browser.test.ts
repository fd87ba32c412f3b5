import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { latestCode, outbox } from '../../scripts/lib/citizen-flows.mjs';
import { activatedCitizen } from './support/app-citizen';
import { snapshot } from './support/browser';
import { press, typeCredentials } from './support/login-page';
import { citizenPage, look, printLooks } from './support/looks';
import { launchChromium } from './support/browser';
import { baseUrl } from './support/server';

/**
 * R-ACC-4 in Chromium: "Sospendi livello 3" and "Riattiva livello 3" (a wrong password first), then
 * "Revoca livello 1 e livello 2" (its confirmation, a wrong password, the page after), and "Gestione
 * CieID" in each state those actions leave — after the revocation entered again with the card on the
 * reader (R-LOG-6, the development header standing for the TLS handshake). Each state looked at both
 * widths: screenshots in test-results/pages/, axe.
 */
let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  printLooks('area: revoca, livello 3');
  await browser?.close();
});

type Holder = Awaited<ReturnType<typeof activatedCitizen>>;
const READER_HEADER = 'X-CieID-Test-Client-Cert';

const heading = (name: string) => page.getByRole('heading', { name, level: 1 }).waitFor();

async function follow(name: string): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name, exact: true }).first().click()]);
}

/** Accedi → credentials, SMS code, consent → Home: the login every RP gets, the area's included. */
async function enterArea(holder: Holder): Promise<void> {
  await page.goto('/area-personale');
  await follow('Accedi');
  await typeCredentials(page, holder.citizen.fiscalCode, holder.password);
  const sent = (await outbox(baseUrl, holder.citizen.phone)).length;
  await press(page, 'Procedi');
  await page.getByLabel('Codice di verifica OTP', { exact: true }).fill(await latestCode(baseUrl, holder.citizen.phone, sent));
  await press(page, 'Prosegui');
  await page.getByText(/I seguenti dati stanno per essere inviati a/).waitFor();
  await press(page, 'Prosegui');
  await heading('Area personale');
}

/** Accedi → "Entra con lettura carta" → the reader → consent → Home: the way in once levels 1 and 2 are revoked. */
async function enterAreaWithCard(holder: Holder): Promise<void> {
  await page.goto('/area-personale');
  await follow('Accedi');
  await press(page, 'Entra con lettura carta');
  await press(page, 'Prosegui con computer');
  await page.context().setExtraHTTPHeaders({ [READER_HEADER]: encodeURIComponent((holder.card as typeof holder.card & { certificate: string }).certificate) });
  try {
    await press(page, 'Prosegui');
  } finally {
    await page.context().setExtraHTTPHeaders({});
  }
  await page.getByText(/I seguenti dati stanno per essere inviati a/).waitFor();
  await press(page, "Autorizza l'invio dei dati");
  await heading('Area personale');
}

async function gestione(): Promise<string> {
  await follow('Gestione CieID');
  await heading('Gestione CieID');
  return page.getByRole('main').innerText();
}

describe('revocation and level 3 suspension in Chromium (R-ACC-4)', () => {
  beforeAll(async () => {
    page = await citizenPage(browser, baseUrl);
  });

  it('R-ACC-4: Sospendi livello 3, Gestione CieID says Sospese; Riattiva livello 3 after a wrong password; Gestione says Attive', async () => {
    onTestFailed(async () => {
      await snapshot(page, 'failure-area-livello3').catch(() => undefined);
    });
    const holder = await activatedCitizen();
    await enterArea(holder);
    await gestione();
    await follow('Sospendi livello 3');
    await heading('Credenziali livello 3');
    await look(page, 'area-livello3-sospendi');
    await press(page, 'Sospendi livello 3');
    expect(await page.getByRole('status').innerText()).toContain('Il livello 3 è sospeso');
    await look(page, 'area-livello3-sospeso');
    expect(await gestione()).toMatch(/Credenziali livello 3\s+● Sospese/);
    await look(page, 'area-gestione-livello3-sospeso');

    await follow('Riattiva livello 3');
    await page.getByLabel('Password attuale', { exact: true }).fill('Sbagliata!123');
    await press(page, 'Riattiva livello 3');
    expect(await page.getByRole('alert').innerText()).toContain('La password attuale non è corretta');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('errore');
    await look(page, 'area-livello3-riattiva-errore');
    await page.getByLabel('Password attuale', { exact: true }).fill(holder.password);
    await press(page, 'Riattiva livello 3');
    expect(await page.getByRole('status').innerText()).toContain('Il livello 3 è di nuovo attivo');
    await look(page, 'area-livello3-riattivato');
    expect(await gestione()).toMatch(/Credenziali livello 3\s+● Attive/);
  });

  it('R-ACC-4: Revoca livello 1 e livello 2 — the confirmation, a wrong password, the page after; then Gestione CieID says Revocate', async () => {
    onTestFailed(async () => {
      await snapshot(page, 'failure-area-revoca').catch(() => undefined);
    });
    await page.context().clearCookies();
    const holder = await activatedCitizen();
    await enterArea(holder);
    await gestione();
    await follow('Revoca livello 1 e livello 2');
    await heading('Revoca livello 1 e livello 2');
    await look(page, 'area-revoca-conferma');
    await page.getByLabel('Password attuale', { exact: true }).fill('Sbagliata!123');
    await press(page, 'Revoca livello 1 e livello 2');
    expect(await page.getByRole('alert').innerText()).toContain('La password attuale non è corretta');
    await look(page, 'area-revoca-password-errata');
    await page.getByLabel('Password attuale', { exact: true }).fill(holder.password);
    await press(page, 'Revoca livello 1 e livello 2');
    await heading('Credenziali revocate');
    await look(page, 'area-revoca-fatto');
    // The area session went with the rest.
    await page.goto('/area-personale/gestione');
    await heading('Accedi all’area personale');

    await enterAreaWithCard(holder);
    const text = await gestione();
    expect(text).toMatch(/Credenziali livello 1 e 2\s+● Revocate/);
    expect(text).toMatch(/Credenziali livello 3\s+● Attive/);
    await look(page, 'area-gestione-revocate');
  });
});
