import { describe, expect, it } from 'vitest';
import { Browser, GDPR, GOOD_PASSWORD, issueCard, latestCode, pukDigits, walkTo } from '../support/activation-client';
import { expectFocusedErrorBox, expectInvalidFields } from '../support/markup';

/**
 * Every refused activation form (docs/activation-pages.md): the message is the focused error box
 * (`id="errore"`, WCAG 4.1.3), and exactly the fields it is about say so (WCAG 3.3.1).
 */
const CF = 'Codice Fiscale';
const SERIAL = 'Numero di serie';
const OTP = 'Codice di verifica OTP';
const SERIAL_HINT = { serial: 'serial-hint' };
const PASSWORD_HINT = { password: 'password-hint' };
const otherCode = (code: string) => (code === '0000' ? '1111' : '0000');

describe('refused activation forms: the message is focused and tied to its fields (R-ACT-1, R-ACT-2, R-ACT-3, R-ACT-4, R-ACT-5, R-ACT-6, WCAG 3.3.1, 4.1.3)', () => {
  it('R-ACT-1: a wrong codice fiscale marks that field only; a wrong serial that one, with its hint kept', async () => {
    const browser = new Browser();
    const start = await browser.open();
    // Before any refusal: no message, nothing focused by the page, no field marked.
    expect(start.html).not.toContain('autofocus');
    expectInvalidFields(start, [], SERIAL_HINT);
    const badCf = await browser.submit(start, 'Continua', { [CF]: 'RSSMRA80A01H501X', [SERIAL]: 'CA12345AB' });
    expect(badCf.status).toBe(400);
    expectFocusedErrorBox(badCf);
    expectInvalidFields(badCf, ['fiscalCode'], SERIAL_HINT);

    const badSerial = await browser.submit(badCf, 'Continua', { [CF]: 'RSSMRA80A01H501U', [SERIAL]: 'ca12' });
    expectFocusedErrorBox(badSerial);
    expectInvalidFields(badSerial, ['serial'], SERIAL_HINT);

    const both = await browser.submit(badSerial, 'Continua', { [CF]: '', [SERIAL]: '' });
    expectInvalidFields(both, ['fiscalCode', 'serial'], SERIAL_HINT);
  });

  it('R-ACT-1: "I dati inseriti non corrispondono a una CIE valida" is about both fields', async () => {
    const card = await issueCard();
    const other = await issueCard();
    const browser = new Browser();
    const res = await browser.submit(await browser.open(), 'Continua', { [CF]: card.citizen.fiscalCode, [SERIAL]: other.serial });
    expect(res.alert).toContain('I dati inseriti non corrispondono a una CIE valida');
    expectFocusedErrorBox(res);
    expectInvalidFields(res, ['fiscalCode', 'serial'], SERIAL_HINT);
  });

  it('R-ACT-2: wrong or malformed PUK digits mark both boxes, which come back empty', async () => {
    const card = await issueCard();
    const { browser, page } = await walkTo(card, 'puk');
    const wrong = await browser.submit(page, 'Continua', pukDigits(page, card.puk, true));
    expect(wrong.alert).toContain('Tentativi rimasti');
    expectFocusedErrorBox(wrong);
    expectInvalidFields(wrong, ['pukDigitA', 'pukDigitB']);
    const malformed = await browser.submit(wrong, 'Continua', {}, { raw: { pukDigitA: 'x', pukDigitB: '' } });
    expect(malformed.status).toBe(400);
    expectFocusedErrorBox(malformed);
    expectInvalidFields(malformed, ['pukDigitA', 'pukDigitB']);
  });

  it('R-ACT-3 / R-OTP-2: a wrong SMS code marks the code field; a re-send asked too soon marks nothing', async () => {
    const card = await issueCard();
    const { browser, page } = await walkTo(card, 'otp-sms');
    const wrong = await browser.submit(page, 'Continua', { [OTP]: otherCode(await latestCode(card.citizen.phone)) });
    expect(wrong.status).toBe(400);
    expectFocusedErrorBox(wrong);
    expectInvalidFields(wrong, ['otp']);
    const typo = await browser.submit(wrong, 'Continua', { [OTP]: '12' });
    expectInvalidFields(typo, ['otp']);

    const soon = await browser.submit(typo, 'Invia SMS di nuovo');
    expect(soon.status).toBe(429);
    expectFocusedErrorBox(soon);
    expectInvalidFields(soon, []);
  });

  it('R-ACT-4: an invalid address marks the address; a wrong email code marks the code', async () => {
    const card = await issueCard();
    const { browser, page } = await walkTo(card, 'email');
    const bad = await browser.submit(page, 'Invia codice', { 'Indirizzo email': 'non-un-indirizzo' });
    expect(bad.status).toBe(400);
    expectFocusedErrorBox(bad);
    expectInvalidFields(bad, ['email']);

    const email = `errori.${card.serial.toLowerCase()}@example.it`;
    const code = await browser.submit(bad, 'Invia codice', { 'Indirizzo email': email });
    expect(code.alert).toBeNull();
    expectInvalidFields(code, []);
    const wrong = await browser.submit(code, 'Continua', { [OTP]: otherCode(await latestCode(email)) });
    expect(wrong.status).toBe(400);
    expectFocusedErrorBox(wrong);
    expectInvalidFields(wrong, ['otp']);
  });

  it('R-ACT-5: each of password, confirmation and GDPR box is marked only when a message is about it', async () => {
    const card = await issueCard();
    const { browser, page } = await walkTo(card, 'password');
    const weak = await browser.submit(page, 'Continua', { 'Scegli Password': 'passwordpassword', 'Conferma Password': 'passwordpassword', [GDPR]: true });
    expectFocusedErrorBox(weak);
    expectInvalidFields(weak, ['password'], PASSWORD_HINT);

    const mismatch = await browser.submit(weak, 'Continua', { 'Scegli Password': GOOD_PASSWORD, 'Conferma Password': `${GOOD_PASSWORD}x`, [GDPR]: true });
    expectInvalidFields(mismatch, ['passwordConfirm'], PASSWORD_HINT);

    const noGdpr = await browser.submit(mismatch, 'Continua', { 'Scegli Password': GOOD_PASSWORD, 'Conferma Password': GOOD_PASSWORD, [GDPR]: false });
    expectFocusedErrorBox(noGdpr);
    expectInvalidFields(noGdpr, ['gdpr'], PASSWORD_HINT);

    const all = await browser.submit(noGdpr, 'Continua', { 'Scegli Password': 'abc', 'Conferma Password': 'abd', [GDPR]: false });
    expectInvalidFields(all, ['password', 'passwordConfirm', 'gdpr'], PASSWORD_HINT);
  });

  it('R-ACT-6: a post without a mode is refused with the focused message (there is no field to mark)', async () => {
    const card = await issueCard();
    const { browser, page } = await walkTo(card, 'configura');
    const none = await browser.submit(page, 'Scegli SMS', {}, { raw: { mode: null } });
    expect(none.status).toBe(400);
    expect(none.alert).toContain('App CieID oppure SMS');
    expectFocusedErrorBox(none);
  });
});
