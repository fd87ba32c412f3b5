import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createRp } from '../../scripts/lib/rp.mjs';
import { VirtualCard } from '../support/virtual-card';
import { activatedCitizen, api, certifyDevice } from './support/app-citizen';
import { launchChromium, snapshot } from './support/browser';
import { press as pressOn } from './support/login-page';
import { citizenPage, look, printLooks } from './support/looks';
import { decodeQrFile } from './support/qr-image';
import { baseUrl, registryToken } from './support/server';

/**
 * The level 3 pages as a citizen sees them (R-LVL-3, R-LOG-4, R-LOG-5, R-LOG-6): each state looked at —
 * screenshot at 1280×900 and 390×844, axe, nothing from another host, the asset budget — the FASE 1
 * QR code read from the screenshots as a phone's camera would and presented by a virtual App, whose
 * virtual card signs; and the reader, whose certificate the development header carries (as a local
 * TLS-terminating proxy would), set on the page's post the way such a proxy adds it.
 */
let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
});

// A page of its own per test: the RP's callback a test ends on is another host, which a later look() would count.
beforeEach(async () => {
  page = await citizenPage(browser, baseUrl);
});

afterEach(async () => {
  await page?.context().close();
});

afterAll(async () => {
  printLooks('level 3 login pages');
  await browser?.close();
});

const press = (name: string) => pressOn(page, name);

/** A citizen with credentials, the card's chip, and the App CieID certified on their phone. */
async function cardCitizen() {
  const holder = await activatedCitizen();
  const { citizen, card } = holder as unknown as {
    citizen: { fiscalCode: string; phone: string; givenName: string; familyName: string };
    card: { serial: string; pin: string; puk: string; certificate: string; cardKey: JsonWebKey };
  };
  const chip = await VirtualCard.load({ cardKey: card.cardKey, certificate: card.certificate, pin: card.pin, puk: card.puk });
  const { sessionToken } = await certifyDevice(holder);
  /** The App presents the code (deep link or QR), the card signs the challenge, the App posts it. */
  const signIn = async (content: string) => {
    const approval = (await api('/app/l3', { content }, sessionToken)) as { id: string; challenge: string; rpName: string; level: number };
    expect(approval.level).toBe(3);
    const presentation = await chip.presentation(card.pin, approval.challenge);
    if (!('signature' in presentation)) throw new Error(`the chip refused: ${JSON.stringify(presentation)}`);
    return (await api(`/app/l3/${approval.id}`, presentation, sessionToken)) as { outcome: string; otp?: string };
  };
  return { citizen, card, signIn };
}

/** A relying party asking for `level`, the browser at its login page; the RP's callback answered here, the code kept. */
async function openLevel(level: 2 | 3, name: string) {
  const rp = await createRp(baseUrl, registryToken, { name });
  const request = await rp.authorizationRequest({ level });
  let callback: URL | null = null;
  await page.route(`${rp.redirectUri}**`, async (route) => {
    callback = new URL(route.request().url());
    await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><html lang="it"><title>RP</title><h1>Servizio</h1></html>' });
  });
  await page.goto(request.url);
  await page.getByRole('heading', { name: `RICHIESTA D'ACCESSO CIE LIVELLO ${level}` }).waitFor();
  /** The RP's side once the browser is back: the code exchanged, the ID token's acr. */
  const finish = async () => {
    await page.waitForURL(`${rp.redirectUri}**`);
    const tokens = (await rp.exchange(callback!, request)) as { id_token: string };
    return JSON.parse(Buffer.from(tokens.id_token.split('.')[1]!, 'base64url').toString()) as { acr: string };
  };
  return { rp, finish };
}

const CONSENT = 'I seguenti dati stanno per essere inviati a:';

describe('level 3 pages in Chromium', () => {
  it('R-LOG-5: a PC with the phone — the choice, the serial, FASE 1 read from the screenshot and scanned, FASE 2, consent → SpidL3', async () => {
    onTestFailed(async () => {
      await snapshot(page, 'failure-login-l3-pc').catch(() => undefined);
    });
    const { card, signIn } = await cardCitizen();
    const { finish } = await openLevel(3, 'Servizio di livello 3');
    await page.getByRole('heading', { name: 'Seleziona la modalità di autenticazione' }).waitFor();
    await look(page, 'login-l3-modalita');
    await press('Prosegui con smartphone');
    await page.getByRole('link', { name: "Apri l'applicazione CieID" }).waitFor();
    await look(page, 'login-l3-smartphone');

    await page.getByLabel('Numero di serie', { exact: true }).fill(card.serial);
    await press('Procedi');
    await page.getByRole('heading', { name: 'FASE 1 – Scansiona il codice QR' }).waitFor();
    expect(await page.getByRole('timer').innerText()).toMatch(/^[45]'\d\d"/);
    const { shots } = await look(page, 'login-l3-fase1-qr');
    const desktop = decodeQrFile(shots.desktop);
    const phone = decodeQrFile(shots.phone);
    expect(desktop, 'a QR code readable in the desktop screenshot').toMatch(/^CIEID-L3\./);
    expect(phone, 'the same code readable in the phone screenshot').toBe(desktop);

    const answer = await signIn(desktop!);
    expect(answer.otp).toMatch(/^\d{4}$/);
    // The page follows the login by itself (its socket), to FASE 2.
    await page.getByText("Codice QR letto dall'App CieID").waitFor({ timeout: 15_000 });
    await look(page, 'login-l3-fase2-otp');
    await page.getByLabel('Codice OTP', { exact: true }).fill(answer.otp!);
    await press('Procedi');
    await page.getByText(CONSENT).waitFor();
    await look(page, 'login-l3-consenso');
    await page.getByRole('button', { name: "Autorizza l'invio dei dati", exact: true }).click();
    expect((await finish()).acr).toBe('https://www.spid.gov.it/SpidL3');
  });

  it('R-LOG-4: on the phone itself — "Apri l\'applicazione CieID" carries the code, the App signs, the page moves on by itself', async () => {
    onTestFailed(async () => {
      await snapshot(page, 'failure-login-l3-phone').catch(() => undefined);
    });
    const { signIn } = await cardCitizen();
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      const { finish } = await openLevel(2, 'Servizio sul telefono');
      await page.getByRole('button', { name: 'Entra con lettura carta', exact: true }).click();
      await page.getByRole('heading', { name: 'Seleziona la modalità di autenticazione' }).waitFor();
      expect(await page.getByRole('button', { name: 'Torna a Livello 2', exact: true }).isVisible()).toBe(true);
      await press('Prosegui con smartphone');
      const href = await page.getByRole('link', { name: "Apri l'applicazione CieID" }).getAttribute('href');
      const link = new URL(href!);
      expect(link.protocol).toBe('cieid:');
      expect(await signIn(link.searchParams.get('codice')!)).toEqual({ outcome: 'approved' });
      await page.getByText(CONSENT).waitFor({ timeout: 15_000 });
      await page.getByRole('button', { name: "Autorizza l'invio dei dati", exact: true }).click();
      expect((await finish()).acr).toBe('https://www.spid.gov.it/SpidL3');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('R-LOG-6: a smart-card reader — without a card the page says so; with the certificate of the TLS client authentication, consent', async () => {
    onTestFailed(async () => {
      await snapshot(page, 'failure-login-l3-reader').catch(() => undefined);
    });
    const { card } = await cardCitizen();
    const { finish } = await openLevel(3, 'Servizio con lettore');
    await press('Prosegui con computer');
    await page.getByRole('heading', { name: 'Prosegui con computer' }).waitFor();
    await look(page, 'login-l3-lettore');
    await press('Prosegui');
    await page.locator('.alert-danger[role="alert"]').filter({ hasText: 'Nessuna carta letta' }).waitFor();
    await look(page, 'login-l3-lettore-nessuna-carta');
    await page.route('**/lettore', (route) =>
      route.continue({ headers: { ...route.request().headers(), 'x-cieid-test-client-cert': encodeURIComponent(card.certificate) } }),
    );
    try {
      await press('Prosegui');
      await page.getByText(CONSENT).waitFor();
      await page.getByRole('button', { name: "Autorizza l'invio dei dati", exact: true }).click();
      expect((await finish()).acr).toBe('https://www.spid.gov.it/SpidL3');
    } finally {
      await page.unroute('**/lettore');
    }
  });
});
