import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { GDPR, GOOD_PASSWORD, issueCard, walkTo } from '../support/activation-client';
import { cardView, storedPasswordHash } from '../support/activation-state';
import { directoryFor } from '../../functions/platform/directory';
import { verifyPassword } from '../../functions/platform/password-hash';

describe('activation end to end', () => {
  it('R-ACT-1, R-ACT-2, R-ACT-3, R-ACT-4, R-ACT-5, R-ACT-6, R-ACT-7: SMS mode without email — every step in order, then the summary', async () => {
    const card = await issueCard();
    const { page } = await walkTo(card, 'riepilogo', { mode: 'sms' });
    expect(page.status).toBe(200);
    expect(page.heading).toBe('Credenziali attivate');
    expect(page.text).toContain('ATTIVAZIONE COMPLETATA');
    expect(page.text).toContain(card.citizen.fiscalCode);
    expect(page.text).toContain(card.serial);
    expect(page.text).toContain('Codice temporaneo OTP via SMS');
    expect(page.text).not.toContain("L'indirizzo e-mail che hai verificato");
    expect(page.currentStage).toBe('4 RIEPILOGO');

    const view = await cardView(card.serial);
    expect(view.status).toBe('active');
    expect(view.credentials).toMatchObject({ mode: 'sms', verifiedEmail: null });
    const hash = await storedPasswordHash(card.serial);
    expect(hash).toMatch(/^pbkdf2-sha256\$/);
    expect(await verifyPassword(env.PEPPER!, GOOD_PASSWORD, hash!)).toBe(true);
  });

  it('R-ACT-4/R-ACT-6/R-ACT-7: App mode with a verified email — the email becomes a username', async () => {
    const card = await issueCard();
    const email = `mario.${card.serial.toLowerCase()}@example.it`;
    const { page } = await walkTo(card, 'riepilogo', { mode: 'app', email });
    expect(page.heading).toBe('Credenziali attivate');
    expect(page.text).toContain('ATTIVAZIONE COMPLETATA');
    expect(page.text).toContain(email);
    expect(page.text).toContain('App CieID');

    const view = await cardView(card.serial);
    expect(view.credentials).toMatchObject({ mode: 'app', verifiedEmail: email });
    expect(await directoryFor(env).resolveUsername(email)).toBe(card.serial);
  });

  it('R-ACT-6: App mode without email, SMS mode with email', async () => {
    const a = await issueCard();
    await walkTo(a, 'riepilogo', { mode: 'app' });
    expect((await cardView(a.serial)).credentials).toMatchObject({ mode: 'app', verifiedEmail: null });

    const b = await issueCard();
    const email = `b.${b.serial.toLowerCase()}@example.it`;
    await walkTo(b, 'riepilogo', { mode: 'sms', email });
    expect((await cardView(b.serial)).credentials).toMatchObject({ mode: 'sms', verifiedEmail: email });
  });

  it('R-ACT-1: the stepper shows the four stages and marks the current one', async () => {
    const card = await issueCard();
    const { page } = await walkTo(card, 'puk');
    expect(page.text).toMatch(/1 I TUOI DATI 2 CONTATTI E PASSWORD 3 CONFIGURA 4 RIEPILOGO/);
    expect(page.currentStage).toBe('1 I TUOI DATI');
    const { page: pw } = await walkTo(card, 'password');
    expect(pw.currentStage).toBe('2 CONTATTI E PASSWORD');
    expect(pw.field(GDPR).type).toBe('checkbox');
    const { page: conf } = await walkTo(card, 'configura');
    expect(conf.currentStage).toBe('3 CONFIGURA');
  });

  it('R-ACT-7: the summary is shown once; the flow then ends and the next visit starts again', async () => {
    const card = await issueCard();
    const { browser } = await walkTo(card, 'riepilogo');
    expect(browser.cookies.has('cie_act')).toBe(false);
    const again = await browser.open();
    expect(again.status).toBe(200);
    expect(again.heading).toBe('1.1 Inserisci i dati della tua CIE');
  });
});
