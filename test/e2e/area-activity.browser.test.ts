import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { latestCode, outbox } from '../../scripts/lib/citizen-flows.mjs';
import { activatedCitizen, certifyDevice } from './support/app-citizen';
import { snapshot } from './support/browser';
import { CONSENT, press, startDemoLogin, typeCredentials } from './support/login-page';
import { look, openCitizen, printLooks } from './support/looks';
import { baseUrl } from './support/server';

/**
 * "Dispositivi" and "Elenco accessi" of the personal area in Chromium (R-ACC-5, R-APP-4, R-LOG-9): a citizen with a
 * phone certified through the App API logs in at the demo Comune, then enters the area with CieID
 * itself, revokes the phone and reads the log — filtered, empty, its second page — each state looked
 * at both widths (screenshots in test-results/pages/, axe).
 */
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ browser, page } = await openCitizen(baseUrl));
});

afterAll(async () => {
  printLooks('area: dispositivi, elenco accessi');
  await browser?.close();
});

type Holder = Awaited<ReturnType<typeof activatedCitizen>>;

/** Credentials, the SMS code, consent: the login pages every RP gets, the area's included. */
async function smsLogin(holder: Holder, consentText: string | RegExp): Promise<void> {
  await typeCredentials(page, holder.citizen.fiscalCode, holder.password);
  const sent = (await outbox(baseUrl, holder.citizen.phone)).length;
  await press(page, 'Procedi');
  await page.getByLabel('Codice di verifica OTP', { exact: true }).fill(await latestCode(baseUrl, holder.citizen.phone, sent));
  await press(page, 'Prosegui');
  await page.getByText(consentText).waitFor();
  await press(page, 'Prosegui');
}

/** A scan of a QR code no login showed: the App is refused, and the holder's log has one more line. */
async function refusedScan(sessionToken: string): Promise<void> {
  const content = `CIEID-QR1.${randomBytes(32).toString('hex')}.${randomBytes(32).toString('base64url')}`;
  const res = await fetch(`${baseUrl}/app/qr`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${sessionToken}` },
    body: JSON.stringify({ content }),
  });
  expect(res.status).toBe(410);
}

describe('the personal area’s devices and access log in Chromium', () => {
  it('R-ACC-5, R-APP-4, R-LOG-9: Dispositivi, the revocation, Elenco accessi with rows, filtered, empty, second page', async () => {
    onTestFailed(async () => {
      await snapshot(page, 'failure-area-activity').catch(() => undefined);
    });
    const holder = await activatedCitizen();
    const { sessionToken } = await certifyDevice(holder);

    // A login at the demo Comune, and refusals of the App enough for a second page of the log.
    await startDemoLogin(page, 2);
    await smsLogin(holder, CONSENT);
    await page.getByRole('heading', { name: 'Accesso effettuato' }).waitFor();
    for (let i = 0; i < 21; i++) await refusedScan(sessionToken);

    await page.goto('/area-personale');
    await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Accedi', exact: true }).click()]);
    await smsLogin(holder, /I seguenti dati stanno per essere inviati a/);
    await page.getByRole('heading', { name: 'Area personale', level: 1 }).waitFor();

    await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Dispositivi', exact: true }).first().click()]);
    await page.getByRole('heading', { name: 'Dispositivi', level: 1 }).waitFor();
    expect(await page.getByRole('main').innerText()).toContain('Chromium');
    await look(page, 'area-dispositivi');

    await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Revoca Chromium' }).click()]);
    await page.getByRole('heading', { name: 'Revoca dispositivo', level: 1 }).waitFor();
    await look(page, 'area-dispositivo-revoca-conferma');
    await press(page, 'Revoca dispositivo');
    await page.getByText('Il dispositivo «Chromium» è stato revocato').waitFor();
    await look(page, 'area-dispositivo-revocato');
    const after = await fetch(`${baseUrl}/app/approvals`, { headers: { Authorization: `Bearer ${sessionToken}` } });
    expect(after.status).toBe(401);

    await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Elenco accessi', exact: true }).first().click()]);
    await page.getByRole('heading', { name: 'Elenco accessi', level: 1 }).waitFor();
    const lines = page.locator('main ul.list-group > li');
    expect(await lines.count()).toBe(20);
    expect(await page.getByRole('main').innerText()).toContain('CieID – Area personale');
    await look(page, 'area-accessi');

    await page.getByLabel('Servizio', { exact: true }).selectOption({ label: 'Comune di Esempio' });
    await press(page, 'Filtra');
    await lines.first().getByText('Comune di Esempio').waitFor();
    expect(await lines.count()).toBe(1);
    expect(await lines.first().innerText()).toContain('Accesso consentito');
    await look(page, 'area-accessi-filtrati');

    await page.getByLabel('Esito', { exact: true }).selectOption({ label: 'Annullato' });
    await press(page, 'Filtra');
    await page.getByText('Nessun accesso corrisponde ai filtri scelti.').waitFor();
    await look(page, 'area-accessi-nessun-risultato');

    await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Azzera filtri' }).click()]);
    // "Scarica CSV" as the citizen gets it: a download holding the logins just made at both services.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Scarica CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv).toContain('Comune di Esempio');
    expect(csv).toContain('CieID – Area personale');
    expect(csv.split('\n').filter((line) => line.includes('Accesso consentito')).length).toBeGreaterThanOrEqual(2);
    await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Accessi meno recenti' }).click()]);
    await page.getByRole('heading', { name: 'Accessi meno recenti', level: 2 }).waitFor();
    expect(await lines.count()).toBeGreaterThan(0);
    expect(await page.getByRole('main').innerText()).toContain('Dispositivo certificato: Chromium');
    await look(page, 'area-accessi-pagina-2');
    // Seven page states, each at two widths with axe: longer than one login.
  }, 240_000);
});
