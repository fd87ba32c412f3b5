import { expect } from 'vitest';
import { testClientCertHeader, TEST_CLIENT_CERT_HEADER } from '../../functions/login/reader';
import { type Page, unescapeHtml } from './activation-client';
import { type VirtualApp, expectStatus } from './app-client';
import { type CardCitizen, present } from './card-app';
import { type OpenLogin, openLogin } from './login-client';
import { qrContent } from './qr';

/**
 * The three ways of a level 3 login (docs/level3.md) as a test drives them through the Worker: the
 * pages in a small browser, the App's calls, the chip of test/support/virtual-card. For tests that
 * need a level 3 login as a step, not as their subject.
 */

export interface CardApproval {
  id: string;
  kind: string;
  challenge: string;
  rpName: string;
  level: number;
}

/** The App presents the code of the deep link or the QR code: the card approval it is given. */
export async function approvalFor(app: VirtualApp, content: string): Promise<CardApproval> {
  return (await expectStatus(await app.post('/app/l3', { content }), 201)) as unknown as CardApproval;
}

/** The App's answer to a card approval: the chip's signature over its challenge. */
export async function signApproval(app: VirtualApp, c: CardCitizen, approval: CardApproval): Promise<Response> {
  return app.post(`/app/l3/${approval.id}`, await present(c, approval.challenge));
}

/** The deep link's code on the phone page ("Apri l'applicazione CieID"). */
export function deepLinkCode(page: Page): string {
  const href = /<a [^>]*id="apri-app" href="([^"]+)"/.exec(page.html)?.[1];
  if (!href) throw new Error(`no "Apri l'applicazione CieID" on the page: ${page.text.slice(0, 300)}`);
  return new URL(unescapeHtml(href)).searchParams.get('codice')!;
}

/** A level 3 request at the phone page (R-LOG-4; on a PC, its "Numero di serie" starts R-LOG-5). */
export async function phonePage(clientName: string): Promise<{ login: OpenLogin; page: Page }> {
  const login = await openLogin({ acr: 3, clientName });
  const page = await login.browser.submit(login.page, 'Prosegui con smartphone');
  expect(page.text).toContain("Apri l'applicazione CieID");
  return { login, page };
}

/** A level 3 request at FASE 1 on the PC: the serial typed, the QR code shown (R-LOG-5). */
export async function pcQr(serial: string, clientName: string): Promise<{ login: OpenLogin; page: Page }> {
  const { login, page } = await phonePage(clientName);
  const qr = await login.browser.submit(page, 'Procedi', { 'Numero di serie': serial });
  expect(qr.text).toContain('FASE 1 – Scansiona il codice QR');
  return { login, page: qr };
}

/** The QR code of FASE 1 as the App scans it. */
export const qrCode = (page: Page) => qrContent(page);

/** A level 3 request at the reader page (R-LOG-6). */
export async function readerPage(clientName: string): Promise<{ login: OpenLogin; page: Page }> {
  const login = await openLogin({ acr: 3, clientName });
  const page = await login.browser.submit(login.page, 'Prosegui con computer');
  expect(page.text).toContain('Appoggia la carta sul lettore');
  return { login, page };
}

/** "Prosegui" on the reader page with the card on the reader (the development stand-in for the TLS handshake). */
export function readCard(login: OpenLogin, page: Page, c: CardCitizen): Promise<Page> {
  return login.browser.submit(page, 'Prosegui', {}, { headers: { [TEST_CLIENT_CERT_HEADER]: testClientCertHeader(c.certificate) } });
}
