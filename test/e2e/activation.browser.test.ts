import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { newCitizen } from '../support/citizens';
import { launchChromium, snapshot } from './support/browser';
import { citizenPage, look, printLooks } from './support/looks';
import { baseUrl, blockCard, issueCard, latestCode, outbox } from './support/server';

/**
 * R-ACT-1, R-ACT-2, R-ACT-3, R-ACT-4, R-ACT-5, R-ACT-6, R-ACT-7 as a citizen goes through them in a real browser, finding every field by its label and
 * every button by its text as docs/activation-pages.md promises, with one wrong turn per step.
 */

const GDPR = "Ho preso visione dell'Informativa ai sensi degli artt. 13 e 14 del GDPR - Regolamento (UE) 2016/679 per la protezione dei dati personali (GDPR)";
const PASSWORD = 'Vento!Mare42Sole';

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

const button = (name: string) => page.getByRole('button', { name, exact: true });
const heading = (name: string | RegExp) => page.getByRole('heading', { name });
const alert = () => page.locator('.alert-danger[role="alert"]');

/** Submits and waits for the page that answers (a redirect to /attivazione or the same step again). */
async function press(name: string): Promise<void> {
  await Promise.all([page.waitForEvent('load'), button(name).click()]);
}

/**
 * Bootstrap Italia draws checkboxes and radios on the label and hides the input under it, so a
 * person (and this test) clicks the label text; the input is then checked for the state.
 */
async function tick(label: string): Promise<void> {
  await page.locator('label').filter({ hasText: label }).first().click();
  expect(await page.getByLabel(label, { exact: true }).isChecked(), label).toBe(true);
}

const shown = (locator: Locator) => locator.first().waitFor({ state: 'visible', timeout: 10_000 });

/**
 * A refused form, as WCAG 3.3.1 and 4.1.3 want it: the message is shown, has the focus (a screen
 * reader reads it at once), and every field marked invalid points to it.
 */
async function refused(): Promise<void> {
  await shown(alert());
  expect(await page.evaluate(() => document.activeElement?.id), 'the focus is on the message').toBe('errore');
  const invalid = await page.locator('[aria-invalid="true"]').all();
  expect(invalid.length, 'the fields the message is about say so').toBeGreaterThan(0);
  for (const field of invalid) expect(await field.getAttribute('aria-describedby')).toMatch(/\berrore\b/);
}

async function currentStep(): Promise<string> {
  return (await page.locator('[aria-current="step"]').innerText()).replace(/\s+/g, ' ').trim();
}

/** The positions asked for change every attempt: read them from the labels ("2° cifra del PUK"). */
async function askedPukPositions(): Promise<[number, number]> {
  const labels = await page
    .locator('label')
    .filter({ hasText: /° cifra del PUK/ })
    .allInnerTexts();
  const positions = labels.map((l) => Number(/(\d)°/.exec(l)?.[1]));
  expect(positions, `PUK labels: ${labels.join(' | ')}`).toHaveLength(2);
  return positions as [number, number];
}

async function fillPuk(firstHalf: string, wrong = false): Promise<void> {
  for (const position of await askedPukPositions()) {
    const right = firstHalf[position - 1]!;
    const digit = wrong ? String((Number(right) + 1) % 10) : right;
    await page.getByLabel(`${position}° cifra del PUK`, { exact: true }).fill(digit);
  }
}

const otherCode = (code: string) => (code === '0000' ? '1111' : '0000');

describe('activation of level 1 and 2 credentials in the browser (R-ACT-1, R-ACT-2, R-ACT-3, R-ACT-4, R-ACT-5, R-ACT-6, R-ACT-7)', () => {
  beforeAll(async () => {
    page = await citizenPage(browser, baseUrl);
  });

  afterAll(async () => {
    printLooks('activation pages');
    await page?.context().close();
  });

  it('takes a citizen from the card data to the summary, keeping input across mistakes', async () => {
    onTestFailed(async () => {
      await snapshot(page, 'failure-activation').catch(() => undefined);
    });
    const email = `e2e.${Date.now()}@example.it`;
    const { citizen, card } = await issueCard(newCitizen({ email }));

    // 1.1 — an unknown serial number is refused; the codice fiscale stays typed.
    await page.goto('/attivazione');
    await shown(heading('1.1 Inserisci i dati della tua CIE'));
    expect(await currentStep()).toMatch(/I TUOI DATI/i);
    await look(page, 'attivazione-01-dati');
    expect((await page.locator('ol li').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim().toUpperCase())).toEqual(
      expect.arrayContaining(['1 I TUOI DATI', '2 CONTATTI E PASSWORD', '3 CONFIGURA', '4 RIEPILOGO']),
    );
    await shown(button('Annulla attivazione'));
    const wrongSerial = card.serial.startsWith('CA00000') ? 'CA99999ZZ' : 'CA00000ZZ';
    await page.getByLabel('Codice Fiscale', { exact: true }).fill(citizen.fiscalCode);
    await page.getByLabel('Numero di serie', { exact: true }).fill(wrongSerial);
    await press('Continua');
    await refused();
    expect(await alert().innerText()).not.toBe('');
    expect(await page.getByLabel('Codice Fiscale', { exact: true }).inputValue()).toBe(citizen.fiscalCode);
    await look(page, 'attivazione-01-dati-errore');
    await page.getByLabel('Numero di serie', { exact: true }).fill(card.serial);
    await press('Continua');

    // 1.2 — wrong PUK digits count against the card and say how many attempts remain.
    await shown(heading('1.2 Inserisci codice PUK'));
    await shown(page.getByText(/Inserisci la \d° e \d° cifra della prima parte del codice PUK/));
    await look(page, 'attivazione-02-puk');
    await fillPuk(card.receipt.pukFirstHalf, true);
    await press('Continua');
    await refused();
    expect(await alert().innerText()).toMatch(/tentativ/i);
    expect(await alert().innerText()).toMatch(/\d/);
    await look(page, 'attivazione-02-puk-errore');
    await fillPuk(card.receipt.pukFirstHalf);
    await press('Continua');

    // 2.1 — the number on record, masked; confirming sends the SMS.
    await shown(heading('2.1 Verifica Numero Cellulare'));
    expect(await currentStep()).toMatch(/CONTATTI E PASSWORD/i);
    const body = await page.locator('main').innerText();
    expect(body).toContain('Numero cellulare');
    expect(body, 'the number is masked').not.toContain(citizen.phone.slice(-9));
    await look(page, 'attivazione-03-cellulare');
    const smsBefore = (await outbox(citizen.phone)).length;
    await press('Continua');
    await shown(page.getByText('Inserimento codice temporaneo OTP'));
    const smsCode = await latestCode(citizen.phone, smsBefore);
    expect(smsCode).toMatch(/^[0-9]{4}$/);
    await look(page, 'attivazione-04-otp-sms');
    await shown(button('Invia SMS di nuovo'));
    await shown(button('Annulla attivazione'));
    await page.getByLabel('Codice di verifica OTP', { exact: true }).fill(otherCode(smsCode));
    await press('Continua');
    await refused();
    expect(await alert().innerText()).toMatch(/codice|OTP/i);
    await look(page, 'attivazione-04-otp-sms-errore');
    await page.getByLabel('Codice di verifica OTP', { exact: true }).fill(smsCode);
    await press('Continua');

    // 2.2 — optional email, prefilled from the card; verified with its own OTP.
    await shown(heading('2.2 Verifica Indirizzo E-mail'));
    await shown(page.getByText(/Passaggio FACOLTATIVO/i));
    expect(await page.getByLabel('Indirizzo email', { exact: true }).inputValue()).toBe(email);
    await look(page, 'attivazione-05-email');
    await shown(button('Non adesso'));
    await shown(button('Annulla attivazione'));
    await press('Invia codice');
    await shown(button('Invia email di nuovo'));
    const emailCode = await latestCode(email);
    await page.getByLabel('Codice di verifica OTP', { exact: true }).fill(otherCode(emailCode));
    await press('Continua');
    await refused();
    expect(await alert().innerText()).toMatch(/codice|OTP/i);
    await look(page, 'attivazione-06-otp-email-errore');
    await page.getByLabel('Codice di verifica OTP', { exact: true }).fill(emailCode);
    await press('Continua');

    // 2.3 — a weak password lists what it lacks; the GDPR acknowledgement stays ticked.
    await shown(heading('2.3 Crea Credenziali'));
    await look(page, 'attivazione-07-password');
    await page.getByLabel('Scegli Password', { exact: true }).fill('passwordpassword');
    await page.getByLabel('Conferma Password', { exact: true }).fill('passwordpassword');
    await tick(GDPR);
    await press('Continua');
    await refused();
    const violations = await alert().innerText();
    expect(violations).toMatch(/maiuscola/i);
    expect(violations).toMatch(/numero/i);
    expect(violations).toMatch(/simbolo/i);
    expect(await page.getByLabel(GDPR, { exact: true }).isChecked()).toBe(true);
    expect(await page.getByLabel('Scegli Password', { exact: true }).inputValue()).toBe('');
    await look(page, 'attivazione-07-password-errore');
    await page.getByLabel('Scegli Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Conferma Password', { exact: true }).fill(PASSWORD);
    await press('Continua');

    // 3 — level 2 by SMS.
    await shown(heading('Scegli come autorizzare i tuoi accessi online'));
    expect(await currentStep()).toMatch(/CONFIGURA/i);
    await look(page, 'attivazione-08-configura');
    await shown(button('Annulla attivazione'));
    await shown(button('Scegli App CieID'));
    await press('Scegli SMS');

    // 4 — the summary names every username.
    await shown(heading('Credenziali attivate'));
    expect(await currentStep()).toMatch(/RIEPILOGO/i);
    const summary = await page.locator('main').innerText();
    expect(summary).toMatch(/ATTIVAZIONE COMPLETATA/i);
    expect(summary).toContain(citizen.fiscalCode);
    expect(summary).toContain(card.serial);
    expect(summary).toContain(email);
    expect(await page.getByRole('button', { name: 'Annulla attivazione' }).count()).toBe(0);
    await look(page, 'attivazione-09-riepilogo');
  });

  it("shows the guides' other screens: how to get the data, a wrong phone number, the App summary, cancelling", async () => {
    onTestFailed(async () => {
      await snapshot(page, 'failure-activation-guide').catch(() => undefined);
    });
    const { citizen, card } = await issueCard(newCitizen());
    await page.goto('/attivazione');
    await page.getByLabel('Codice Fiscale', { exact: true }).fill(citizen.fiscalCode);
    await page.getByLabel('Numero di serie', { exact: true }).fill(card.serial);
    await press('Continua');

    // 1.2 — "Come ottenere questi dati?" opens where the two halves of the PUK are.
    await shown(heading('1.2 Inserisci codice PUK'));
    await page.getByText('Come ottenere questi dati?', { exact: true }).click();
    await shown(page.getByText(/ricevuta/i));
    await look(page, 'attivazione-02-puk-come-ottenere');
    await fillPuk(card.receipt.pukFirstHalf);
    await press('Continua');

    // 2.1 — "Scopri come modificarlo": a page saying the Comune changes it, and the way back.
    await shown(heading('2.1 Verifica Numero Cellulare'));
    await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Scopri come modificarlo' }).click()]);
    await shown(heading('Il numero di cellulare non è corretto?'));
    expect(await page.locator('main').innerText()).toMatch(/Comune/);
    await look(page, 'cellulare-non-corretto');
    await Promise.all([page.waitForEvent('load'), page.getByRole('main').getByRole('link', { name: "Torna all'attivazione" }).click()]);
    await shown(heading('2.1 Verifica Numero Cellulare'));
    const sent = (await outbox(citizen.phone)).length;
    await press('Continua');
    await page.getByLabel('Codice di verifica OTP', { exact: true }).fill(await latestCode(citizen.phone, sent));
    await press('Continua');

    // 2.2 — the email code page says to look in the spam folder too.
    await shown(heading('2.2 Verifica Indirizzo E-mail'));
    await page.getByLabel('Indirizzo email', { exact: true }).fill(`e2e.spam.${Date.now()}@example.it`);
    await press('Invia codice');
    await shown(page.getByText(/posta indesiderata/i));
    await look(page, 'attivazione-06-otp-email');
    await press('Non adesso');

    await shown(heading('2.3 Crea Credenziali'));
    await page.getByLabel('Scegli Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Conferma Password', { exact: true }).fill(PASSWORD);
    await tick(GDPR);
    await press('Continua');

    // 3 → 4 in App mode: "Cosa ti resta da fare?" with the guide's three steps.
    await shown(heading('Scegli come autorizzare i tuoi accessi online'));
    await press('Scegli App CieID');
    await shown(heading('Credenziali attivate'));
    await shown(page.getByText('Cosa ti resta da fare?'));
    await look(page, 'attivazione-09-riepilogo-app');

    // A second activation of the same card, abandoned at 1.2: "Attivazione annullata", and "Ricomincia".
    await page.goto('/attivazione');
    await page.getByLabel('Codice Fiscale', { exact: true }).fill(citizen.fiscalCode);
    await page.getByLabel('Numero di serie', { exact: true }).fill(card.serial);
    await press('Continua');
    await shown(heading('1.2 Inserisci codice PUK'));
    await press('Annulla attivazione');
    await shown(heading('Attivazione annullata'));
    await look(page, 'attivazione-annullata');
  });

  it('R-CARD-3: a blocked card cannot be activated — the refusal page at step 1.1 says why and what to do', async () => {
    onTestFailed(async () => {
      await snapshot(page, 'failure-activation-blocked').catch(() => undefined);
    });
    const { citizen, card } = await issueCard(newCitizen());
    await blockCard(card.serial);
    await page.goto('/attivazione');
    await page.getByLabel('Codice Fiscale', { exact: true }).fill(citizen.fiscalCode);
    await page.getByLabel('Numero di serie', { exact: true }).fill(card.serial);
    await press('Continua');
    // Refused at 1.1: a blocked card gets no flow at all.
    await shown(heading('Attivazione non possibile'));
    expect(await page.locator('main').innerText()).toMatch(/bloccata/);
    await look(page, 'attivazione-non-possibile');
  });

  it("a form whose page is no longer valid (its CSRF token replaced) is refused with the activation surface's 403 page", async () => {
    onTestFailed(async () => {
      await snapshot(page, 'failure-activation-csrf').catch(() => undefined);
    });
    const { citizen, card } = await issueCard(newCitizen());
    await page.goto('/attivazione');
    await page.getByLabel('Codice Fiscale', { exact: true }).fill(citizen.fiscalCode);
    await page.getByLabel('Numero di serie', { exact: true }).fill(card.serial);
    await press('Continua');
    await shown(heading('1.2 Inserisci codice PUK'));
    // What a stale tab or a forged form sends: the right flow cookie, another page's token.
    await page.locator('form:has(button:text-is("Continua")) input[name="csrf"]').evaluate((el) => {
      (el as HTMLInputElement).value = 'A'.repeat(43);
    });
    await press('Continua');
    await shown(heading('Richiesta non autorizzata'));
    expect(await page.locator('main').innerText()).toContain('La pagina non è più valida');
    await look(page, 'attivazione-richiesta-non-autorizzata');
  });
});
