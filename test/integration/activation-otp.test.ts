import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { Browser, flowIdOf, issueCard, latestCode, outboxCount, walkTo, type Page } from '../support/activation-client';
import { cardSql, cardView, expectRetryAtItalianMidnight, flowRows, flowSql, spendOtpChecks } from '../support/activation-state';
import { keyedHash } from '../../functions/platform/crypto';
import { OTP_DAILY_CAP, OTP_TTL_MS, capDay } from '../../functions/core/otp';

const OTP = 'Codice di verifica OTP';
const otherCode = (code: string) => (code === '0000' ? '1111' : '0000');

/** Moves the current code's send time (and optionally its expiry) back, as if that much time had passed. */
async function age(browser: Browser, ms: number) {
  await flowSql(flowIdOf(browser), 'UPDATE otp SET sent_at = sent_at - ?, expires_at = expires_at - ?', ms, ms);
}

describe('step 2.1: SMS code (R-ACT-3, R-OTP-1, R-OTP-2, R-OTP-3)', () => {
  it('R-ACT-3: the number on record is shown masked, and nothing is sent before "Continua"', async () => {
    const card = await issueCard();
    const { page } = await walkTo(card, 'cellulare');
    expect(page.text).toContain('Numero cellulare');
    expect(page.text).toContain(`+39${'*'.repeat(card.citizen.phone.length - 6)}${card.citizen.phone.slice(-3)}`);
    expect(page.text).not.toContain(card.citizen.phone.slice(3));
    expect(await outboxCount(card.citizen.phone)).toBe(0);
  });

  it('R-OTP-1: a 4-digit code is sent by SMS and kept only as a hash bound to the flow and purpose', async () => {
    const card = await issueCard();
    const { browser, page } = await walkTo(card, 'otp-sms');
    expect(page.text).toContain('Inserimento codice temporaneo OTP');
    expect(page.hasButton('Invia SMS di nuovo')).toBe(true);
    const code = await latestCode(card.citizen.phone);
    expect(code).toMatch(/^[0-9]{4}$/);
    const flowId = flowIdOf(browser);
    const [otp] = await flowSql(flowId, 'SELECT purpose, hash, expires_at, sent_at FROM otp');
    expect(otp!.purpose).toBe('activation-sms');
    expect(otp!.hash).toBe(await keyedHash(env.DATA_KEY!, 'otp', `activation-sms:${flowId}:${code}`));
    expect(Number(otp!.expires_at) - Number(otp!.sent_at)).toBe(OTP_TTL_MS);
    const [flow] = await flowSql(flowId, 'SELECT data FROM flow');
    expect(String(flow!.data)).not.toMatch(new RegExp(`"${code}"`));
  });

  it('R-OTP-2: a wrong code tells the remaining attempts and keeps the step', async () => {
    const card = await issueCard();
    const { browser, page } = await walkTo(card, 'otp-sms');
    const code = await latestCode(card.citizen.phone);
    const wrong = await browser.submit(page, 'Continua', { [OTP]: otherCode(code) });
    expect(wrong.status).toBe(400);
    expect(wrong.heading).toBe('2.1 Verifica Numero Cellulare');
    expect(wrong.alert).toContain('Tentativi rimasti: 4');
    const right = await browser.submit(wrong, 'Continua', { [OTP]: code });
    expect(right.heading).toBe('2.2 Verifica Indirizzo E-mail');
  });

  it('R-OTP-2: past the daily cap of codes checked for this identity, even the right code is refused (429)', async () => {
    const card = await issueCard();
    const { browser, page } = await walkTo(card, 'otp-sms');
    await spendOtpChecks(card.serial);
    const refused = await browser.submit(page, 'Continua', { [OTP]: await latestCode(card.citizen.phone) });
    expect(refused.status).toBe(429);
    expect(refused.heading).toBe('2.1 Verifica Numero Cellulare');
    expect(refused.alert).toContain('troppi codici di verifica oggi');
    expectRetryAtItalianMidnight(refused.headers.get('Retry-After'));
  });

  it('R-OTP-2: a malformed code is refused without counting', async () => {
    const card = await issueCard();
    const { browser, page } = await walkTo(card, 'otp-sms');
    for (const typed of ['', '12', 'abcd', '12345', '1'.repeat(10_000)]) {
      const res = await browser.submit(page, 'Continua', { [OTP]: typed });
      expect(res.status).toBe(400);
      expect(res.alert).toContain('4 cifre');
    }
    const [otp] = await flowSql(flowIdOf(browser), 'SELECT wrong FROM otp');
    expect(Number(otp!.wrong)).toBe(0);
  });

  it('R-OTP-2: the fifth wrong code closes the flow (410) and deletes it', async () => {
    const card = await issueCard();
    let { browser, page } = await walkTo(card, 'otp-sms');
    const flowId = flowIdOf(browser);
    const code = await latestCode(card.citizen.phone);
    for (let i = 1; i <= 4; i++) {
      page = await browser.submit(page, 'Continua', { [OTP]: otherCode(code) });
      expect(page.alert).toContain(`Tentativi rimasti: ${5 - i}`);
    }
    const closed = await browser.submit(page, 'Continua', { [OTP]: otherCode(code) });
    expect(closed.status).toBe(410);
    expect(closed.text).toContain('troppe volte');
    expect(closed.forms).toHaveLength(0);
    expect(closed.html).toContain('>Ricomincia</a>');
    expect(browser.cookies.has('cie_act')).toBe(false);
    expect(await flowRows(flowId)).toBe(0);
    // The right code is worthless now.
    const late = await browser.post('/attivazione/otp-sms', new URLSearchParams({ csrf: page.csrf, otp: code }), { Cookie: `cie_act=${flowId}` });
    expect(late.status).toBe(410);
  });

  it('R-OTP-2: wrong codes count per flow — a new code does not reset the count', async () => {
    const card = await issueCard();
    let { browser, page } = await walkTo(card, 'otp-sms');
    const first = await latestCode(card.citizen.phone);
    for (let i = 0; i < 4; i++) page = await browser.submit(page, 'Continua', { [OTP]: otherCode(first) });
    await age(browser, 31_000);
    page = await browser.submit(page, 'Invia SMS di nuovo');
    expect(page.status).toBe(200);
    const second = await latestCode(card.citizen.phone);
    const closed = await browser.submit(page, 'Continua', { [OTP]: otherCode(second) });
    expect(closed.status).toBe(410);
  });

  it('R-OTP-3: "Invia SMS di nuovo" within 30 s is refused with 429 and sends nothing', async () => {
    const card = await issueCard();
    const { browser, page } = await walkTo(card, 'otp-sms');
    const before = await outboxCount(card.citizen.phone);
    const res = await browser.submit(page, 'Invia SMS di nuovo');
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(Number(res.headers.get('Retry-After'))).toBeLessThanOrEqual(30);
    expect(res.heading).toBe('2.1 Verifica Numero Cellulare');
    expect(res.alert).toMatch(/attendi \d+ secondi/);
    expect(await outboxCount(card.citizen.phone)).toBe(before);
    // The first code still works.
    const ok = await browser.submit(res, 'Continua', { [OTP]: await latestCode(card.citizen.phone) });
    expect(ok.heading).toBe('2.2 Verifica Indirizzo E-mail');
  });

  it('R-OTP-3: after 30 s a new code is sent and the old one stops working', async () => {
    const card = await issueCard();
    let { browser, page } = await walkTo(card, 'otp-sms');
    const first = await latestCode(card.citizen.phone);
    let second = first;
    for (let i = 0; i < 5 && second === first; i++) {
      await age(browser, 31_000);
      page = await browser.submit(page, 'Invia SMS di nuovo');
      expect(page.status).toBe(200);
      expect(page.text).toContain('nuovo codice');
      second = await latestCode(card.citizen.phone);
    }
    expect(second).not.toBe(first);
    const old = await browser.submit(page, 'Continua', { [OTP]: first });
    expect(old.status).toBe(400);
    const ok = await browser.submit(old, 'Continua', { [OTP]: second });
    expect(ok.heading).toBe('2.2 Verifica Indirizzo E-mail');
  });

  it('R-OTP-1: an expired code (5 min) is refused with a message, and a new one can be sent', async () => {
    const card = await issueCard();
    const { browser, page } = await walkTo(card, 'otp-sms');
    const code = await latestCode(card.citizen.phone);
    await age(browser, OTP_TTL_MS + 1000);
    const expired = await browser.submit(page, 'Continua', { [OTP]: code });
    expect(expired.status).toBe(400);
    expect(expired.alert).toContain('scaduto');
    const resent = await browser.submit(expired, 'Invia SMS di nuovo');
    expect(resent.status).toBe(200);
    const ok = await browser.submit(resent, 'Continua', { [OTP]: await latestCode(card.citizen.phone) });
    expect(ok.heading).toBe('2.2 Verifica Indirizzo E-mail');
  });

  it('R-OTP-1: a code is single use — the step cannot be replayed', async () => {
    const card = await issueCard();
    const { browser, page } = await walkTo(card, 'otp-sms');
    const code = await latestCode(card.citizen.phone);
    const body = new URLSearchParams({ csrf: page.csrf, otp: code });
    const first = await browser.post('/attivazione/otp-sms', body);
    expect(first.heading).toBe('2.2 Verifica Indirizzo E-mail');
    // A replay of the same post lands on the flow's current step, not a second verification.
    const replay = await browser.post('/attivazione/otp-sms', body);
    expect(replay.postStatus).toBe(303);
    expect(replay.heading).toBe('2.2 Verifica Indirizzo E-mail');
  });

  it('R-OTP-3: the daily cap per identity answers 429 and sends nothing', async () => {
    const card = await issueCard();
    const { browser, page } = await walkTo(card, 'cellulare');
    // One send short of the cap: this flow's send is the last one allowed today.
    await cardSql(card.serial, 'INSERT OR REPLACE INTO sends (day, count) VALUES (?, ?)', capDay(Date.now()), OTP_DAILY_CAP - 1);
    const sent = await browser.submit(page, 'Continua');
    expect(sent.heading).toBe('2.1 Verifica Numero Cellulare');
    expect(sent.text).toContain('Inserimento codice temporaneo OTP');
    const before = await outboxCount(card.citizen.phone);

    const other = await walkTo(card, 'cellulare');
    const capped = await other.browser.submit(other.page, 'Continua');
    expect(capped.status).toBe(429);
    expect(capped.alert).toContain('numero massimo di codici');
    // "Riprova domani": until midnight in Italy, as for the login and the App (one sender).
    expectRetryAtItalianMidnight(capped.headers.get('Retry-After'));
    expect(capped.heading).toBe('2.1 Verifica Numero Cellulare');
    expect(await outboxCount(card.citizen.phone)).toBe(before);
  });
});

describe('step 2.2: email (R-ACT-4, R-OTP-1, R-OTP-2, R-OTP-3)', () => {
  it('R-ACT-4: the address on the card is offered, and "Non adesso" skips the step', async () => {
    const email = `carta.${Date.now()}@example.it`;
    const card = await issueCard({ email });
    const { browser, page } = await walkTo(card, 'email');
    expect(page.text).toContain('Passaggio FACOLTATIVO');
    expect(page.field('Indirizzo email').value).toBe(email);
    const skipped = await browser.submit(page, 'Non adesso');
    expect(skipped.heading).toBe('2.3 Crea Credenziali');
    expect(await outboxCount(email)).toBe(0);
  });

  it('R-ACT-4: an invalid address is refused and kept as typed', async () => {
    const card = await issueCard();
    const { browser, page } = await walkTo(card, 'email');
    const res = await browser.submit(page, 'Invia codice', { 'Indirizzo email': 'mario@@example' });
    expect(res.status).toBe(400);
    expect(res.alert).toContain('non è valido');
    expect(res.field('Indirizzo email').value).toBe('mario@@example');
    const empty = await browser.submit(res, 'Invia codice', { 'Indirizzo email': '' });
    expect(empty.status).toBe(400);
    const huge = await browser.submit(res, 'Invia codice', { 'Indirizzo email': `${'a'.repeat(5000)}@example.it` });
    expect(huge.status).toBe(400);
    expect(huge.field('Indirizzo email').value.length).toBeLessThanOrEqual(254);
  });

  it('R-ACT-4: an address another identity uses as username is refused', async () => {
    const owner = await issueCard();
    const email = `preso.${owner.serial.toLowerCase()}@example.it`;
    await walkTo(owner, 'riepilogo', { email });
    const card = await issueCard();
    const { browser, page } = await walkTo(card, 'email');
    const res = await browser.submit(page, 'Invia codice', { 'Indirizzo email': email.toUpperCase() });
    expect(res.status).toBe(400);
    expect(res.alert).toContain("già usato come username da un'altra identità");
    expect(res.field('Indirizzo email').value).toBe(email.toUpperCase());
    expect(await outboxCount(email)).toBe(1);
  });

  it('R-OTP-1: the email code verifies the address; wrong codes count; resend within 30 s is 429', async () => {
    const card = await issueCard();
    const email = `verifica.${card.serial.toLowerCase()}@example.it`;
    const { browser, page } = await walkTo(card, 'otp-email', { email });
    expect(page.text).toContain(email);
    const code = await latestCode(email);
    const [otp] = await flowSql(flowIdOf(browser), 'SELECT purpose, hash FROM otp');
    expect(otp!.purpose).toBe('activation-email');
    expect(otp!.hash).toBe(await keyedHash(env.DATA_KEY!, 'otp', `activation-email:${flowIdOf(browser)}:${code}`));

    const wrong = await browser.submit(page, 'Continua', { [OTP]: otherCode(code) });
    expect(wrong.status).toBe(400);
    expect(wrong.alert).toContain('Tentativi rimasti: 4');
    const soon = await browser.submit(wrong, 'Invia email di nuovo');
    expect(soon.status).toBe(429);
    expect(soon.alert).toMatch(/attendi \d+ secondi/);
    const ok = await browser.submit(soon, 'Continua', { [OTP]: code });
    expect(ok.heading).toBe('2.3 Crea Credenziali');
    expect(ok.text).toContain(email);
  });

  it('R-ACT-4: "Cambia indirizzo email" goes back with the address kept; "Non adesso" also works after sending', async () => {
    const card = await issueCard();
    const email = `cambio.${card.serial.toLowerCase()}@example.it`;
    const { browser, page } = await walkTo(card, 'otp-email', { email });
    const back = await browser.submit(page, 'Cambia indirizzo email');
    expect(back.heading).toBe('2.2 Verifica Indirizzo E-mail');
    expect(back.field('Indirizzo email').value).toBe(email);
    await age(browser, 31_000);
    const again = await browser.submit(back, 'Invia codice', { 'Indirizzo email': `altro.${email}` });
    expect(again.hasButton('Invia email di nuovo')).toBe(true);
    const skipped = await browser.submit(again, 'Non adesso');
    expect(skipped.heading).toBe('2.3 Crea Credenziali');
    const done = await walkTo(card, 'riepilogo', { browser: new Browser() });
    expect(done.page.heading).toBe('Credenziali attivate');
  });

  it('R-OTP-2: five wrong email codes close the flow', async () => {
    const card = await issueCard();
    const email = `chiusa.${card.serial.toLowerCase()}@example.it`;
    let { browser, page } = await walkTo(card, 'otp-email', { email });
    const code = await latestCode(email);
    for (let i = 0; i < 4; i++) page = await browser.submit(page, 'Continua', { [OTP]: otherCode(code) });
    const closed: Page = await browser.submit(page, 'Continua', { [OTP]: otherCode(code) });
    expect(closed.status).toBe(410);
    expect((await cardView(card.serial)).credentials).toBeNull();
  });

  it('R-ACT-4/R-ACT-8: an address claimed by another identity meanwhile is not half-saved; step 3 goes on without it', async () => {
    const first = await issueCard();
    const second = await issueCard();
    const email = `conteso.${first.serial.toLowerCase()}@example.it`;
    const a = await walkTo(first, 'configura', { email });
    const b = await walkTo(second, 'configura', { email });
    await a.browser.submit(a.page, 'Scegli SMS');
    const taken = await b.browser.submit(b.page, 'Scegli SMS');
    expect(taken.status).toBe(409);
    expect(taken.heading).toBe('Scegli come autorizzare i tuoi accessi online');
    expect(taken.alert).toContain("associato a un'altra identità");
    expect(taken.alert).toContain('Scegli di nuovo la modalità per confermare');
    expect((await cardView(second.serial)).credentials).toBeNull();
    const done = await b.browser.submit(taken, 'Scegli SMS');
    expect(done.heading).toBe('Credenziali attivate');
    expect(done.text).not.toContain(email);
    expect((await cardView(second.serial)).credentials).toMatchObject({ verifiedEmail: null });
    expect((await cardView(first.serial)).credentials).toMatchObject({ verifiedEmail: email });
  });
});
