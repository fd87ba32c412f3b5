import type { Page } from 'playwright-core';

/** What a citizen does on our pages, by the texts docs/login-pages.md promises. */

/** Presses the button called `name` and waits for the page it leads to. */
export async function press(page: Page, name: string): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name, exact: true }).click()]);
}

/** The demo Comune's "Entra con CIE" at a level, up to the login page it lands on. */
export async function startDemoLogin(page: Page, level: 1 | 2): Promise<void> {
  await page.goto('/demo');
  await page.getByLabel(level === 1 ? 'Livello 1 — password' : 'Livello 2 — password e codice SMS').check({ force: true });
  await press(page, 'Entra con CIE');
  await page.getByRole('heading', { name: `RICHIESTA D'ACCESSO CIE LIVELLO ${level}` }).waitFor();
}

export async function typeCredentials(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('Numero CIE o Codice fiscale o Email', { exact: true }).fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
}

export const CONSENT = 'I seguenti dati stanno per essere inviati a: Comune di Esempio';
