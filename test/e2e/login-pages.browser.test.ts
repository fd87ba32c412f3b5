import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { latestCode, outbox } from '../../scripts/lib/citizen-flows.mjs';
import { createRp } from '../../scripts/lib/rp.mjs';
import { activatedCitizen, citizenWithApp } from './support/app-citizen';
import { snapshot } from './support/browser';
import { CONSENT, press as pressOn, startDemoLogin, typeCredentials as typeOn } from './support/login-page';
import { openCitizen, look, printLooks } from './support/looks';
import { decodeQrFile } from './support/qr-image';
import { baseUrl, blockCard, registryToken } from './support/server';

/**
 * Every branch of "Entra con CIE" as a citizen sees it (R-LOG-1, R-LOG-2, R-LOG-3, R-LOG-7, R-CARD-3, R-LVL-3), each
 * state looked at — screenshot at desktop and phone width, axe, nothing from another host, asset budget
 * (support/looks) — and the level 2 QR code read from the screenshot, as a phone's camera would, then
 * scanned by the virtual App.
 */
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ browser, page } = await openCitizen(baseUrl));
});

afterAll(async () => {
  printLooks('login pages');
  await browser?.close();
});

const alert = () => page.locator('.alert-danger[role="alert"]');
const press = (name: string) => pressOn(page, name);
const startLogin = (level: 1 | 2) => startDemoLogin(page, level);
const typeCredentials = (username: string, password: string) => typeOn(page, username, password);

describe('the login pages in Chromium, every branch looked at', () => {
  it('level 1: a wrong password, then the right one, consent, and back to the Comune', async () => {
    onTestFailed(async () => {
      await snapshot(page, 'failure-login-l1').catch(() => undefined);
    });
    const holder = await activatedCitizen();
    await startLogin(1);
    await look(page, 'login-l1-credenziali');
    await typeCredentials(holder.citizen.fiscalCode, `${holder.password}x`);
    await press('Procedi');
    await alert().waitFor();
    expect(await alert().innerText()).toMatch(/Credenziali non valide/);
    await look(page, 'login-l1-credenziali-errore');
    await typeCredentials(holder.citizen.fiscalCode, holder.password);
    await press('Procedi');
    await page.getByText(CONSENT).waitFor();
    await look(page, 'login-l1-consenso');
    await press('Prosegui');
    await page.getByRole('heading', { name: 'Accesso effettuato' }).waitFor();
    await look(page, 'demo-accesso-effettuato');
  });

  it('level 2 by SMS: the code page, a wrong code, a resend refused too soon, then consent; Annulla goes back', async () => {
    onTestFailed(async () => {
      await snapshot(page, 'failure-login-sms').catch(() => undefined);
    });
    const holder = await activatedCitizen();
    const { phone } = holder.citizen;
    await startLogin(2);
    await typeCredentials(holder.citizen.fiscalCode, holder.password);
    const sent = (await outbox(baseUrl, phone)).length;
    await press('Procedi');
    await page.getByRole('heading', { name: 'Inserisci un codice di verifica.' }).waitFor();
    const code = await latestCode(baseUrl, phone, sent);
    // The post was answered with the code page itself; /login-page.js puts the flow's own address in
    // the bar, so a reload is a GET of the current step, not the password posted again.
    await page.waitForURL((url) => /^\/login\/[^/]+$/.test(url.pathname));
    await page.reload();
    await page.getByRole('heading', { name: 'Inserisci un codice di verifica.' }).waitFor();
    expect((await outbox(baseUrl, phone)).length).toBe(sent + 1);
    await look(page, 'login-sms-codice');
    await page.getByLabel('Codice di verifica OTP', { exact: true }).fill(code === '0000' ? '1111' : '0000');
    await press('Prosegui');
    await alert().waitFor();
    await look(page, 'login-sms-codice-errore');
    await press('Invia di nuovo');
    await alert().waitFor();
    expect(await alert().innerText()).toMatch(/Riprova|attendi|secondi/i);
    await look(page, 'login-sms-reinvio-troppo-presto');
    await page.getByLabel('Codice di verifica OTP', { exact: true }).fill(code);
    await press('Prosegui');
    await page.getByText(CONSENT).waitFor();
    await look(page, 'login-sms-consenso');
    await press('Annulla');
    await page.getByRole('heading', { name: 'Accesso non completato' }).waitFor();
    expect(new URL(page.url()).searchParams.get('error')).toBe('access_denied');
    await look(page, 'demo-accesso-annullato');
  });

  it('R-LOG-3: the level 2 QR code is read from the screenshot at both widths, and the App that scans it logs the citizen in', async () => {
    onTestFailed(async () => {
      await snapshot(page, 'failure-login-qr').catch(() => undefined);
    });
    const app = await citizenWithApp();
    await startLogin(2);
    const { shots } = await look(page, 'login-l2-credenziali-qr');
    const desktop = decodeQrFile(shots.desktop);
    const phone = decodeQrFile(shots.phone);
    expect(desktop, 'a QR code readable in the desktop screenshot').toMatch(/^CIEID-QR1\./);
    expect(phone, 'the same code readable in the phone screenshot').toBe(desktop);
    const approval = await app.scan(desktop!);
    await app.approve(approval);
    await page.getByText(CONSENT).waitFor({ timeout: 15_000 });
    await look(page, 'login-qr-consenso');
  });

  it('R-LOG-2: the push page, and the App saying no: the refusal page, and back to the Comune', async () => {
    onTestFailed(async () => {
      await snapshot(page, 'failure-login-push').catch(() => undefined);
    });
    const app = await citizenWithApp();
    await startLogin(2);
    await typeCredentials(app.citizen.fiscalCode, app.holder.password);
    await press('Procedi');
    await page.getByRole('heading', { name: 'Controlla adesso il tuo cellulare' }).waitFor();
    await look(page, 'login-push-attesa');
    const [approval] = await app.pending();
    await app.deny(approval!);
    await page.getByText("Hai negato l'autorizzazione dall'App CieID", { exact: false }).waitFor({ timeout: 15_000 });
    await look(page, 'login-push-negato');
    await press('Torna al servizio');
    await page.getByRole('heading', { name: 'Accesso non completato' }).waitFor();
  });

  it('R-CARD-3: a blocked card is refused after the password, in words the citizen can act on', async () => {
    onTestFailed(async () => {
      await snapshot(page, 'failure-login-blocked').catch(() => undefined);
    });
    const holder = await activatedCitizen();
    await blockCard(holder.card.serial);
    await startLogin(1);
    await typeCredentials(holder.citizen.fiscalCode, holder.password);
    await press('Procedi');
    await page.getByRole('heading', { name: 'Accesso non consentito' }).waitFor();
    expect(await page.locator('[data-refusal]').getAttribute('data-refusal')).toBe('blocked');
    await look(page, 'login-carta-bloccata');
  });

  it('R-LVL-3: a level 3 request starts at the choice of the way (login-level3.browser.test.ts walks each way)', async () => {
    const rp = await createRp(baseUrl, registryToken, { name: 'Servizio di livello 3' });
    const { url } = await rp.authorizationRequest({ level: 3 });
    await page.goto(url);
    await page.getByRole('heading', { name: "RICHIESTA D'ACCESSO CIE LIVELLO 3" }).waitFor();
    await page.getByRole('heading', { name: 'Seleziona la modalità di autenticazione' }).waitFor();
    expect(await page.getByRole('button', { name: 'Torna a Livello 2', exact: true }).count()).toBe(0);
  });

  it('a login that no longer exists: a 410 page with a way out', async () => {
    const res = await page.goto(`/login/${'A'.repeat(43)}`);
    expect(res?.status()).toBe(410);
    await look(page, 'login-scaduto');
  });
});
