import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { Browser, GOOD_PASSWORD, flowIdOf, issueCard, latestCode, outboxCount, pukDigits, walkTo } from '../support/activation-client';
import { cardView, flowRows, flowSql, flowStub, storedPasswordHash } from '../support/activation-state';
import { ORIGIN, registry, worker } from '../support/worker';
import { ACTIVATION_IDLE_MS } from '../../functions/core/activation-steps';
import { directoryFor } from '../../functions/platform/directory';
import { verifyPassword } from '../../functions/platform/password-hash';

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

describe('the activation flow: CSRF, origin, bodies (R-ACT-8)', () => {
  it('R-ACT-2: a post without or with a wrong CSRF token is refused with 403 and changes nothing', async () => {
    const card = await issueCard();
    const { browser, page } = await walkTo(card, 'puk');
    const missing = await browser.submit(page, 'Continua', pukDigits(page, card.puk, true), { raw: { csrf: null } });
    expect(missing.status).toBe(403);
    const wrong = await browser.submit(page, 'Continua', pukDigits(page, card.puk, true), {
      raw: { csrf: `${page.csrf.slice(0, -1)}${page.csrf.endsWith('A') ? 'B' : 'A'}` },
    });
    expect(wrong.status).toBe(403);
    const huge = await browser.submit(page, 'Continua', pukDigits(page, card.puk, true), { raw: { csrf: 'x'.repeat(10_000) } });
    expect(huge.status).toBe(403);
    expect((await cardView(card.serial)).pukFailures).toBe(0);
    const again = await browser.open();
    expect(again.heading).toBe('1.2 Inserisci codice PUK');
  });

  it('R-ACT-1: step 1.1 needs its double-submit cookie to match the form', async () => {
    const card = await issueCard();
    const fields = { 'Codice Fiscale': card.citizen.fiscalCode, 'Numero di serie': card.serial };
    const b = new Browser();
    const page = await b.open();
    const noCookie = new Browser();
    expect((await noCookie.submit(page, 'Continua', fields)).status).toBe(403);
    const forged = new Browser();
    await forged.open();
    expect((await forged.submit(page, 'Continua', fields)).status).toBe(403);
    expect((await b.submit(page, 'Continua', fields, { raw: { csrf: null } })).status).toBe(403);
    expect(forged.cookies.has('cie_act')).toBe(false);
    expect((await b.submit(page, 'Continua', fields)).heading).toBe('1.2 Inserisci codice PUK');
  });

  it('R-ACT-8: a post from another origin is refused with 403, even with the right token', async () => {
    const card = await issueCard();
    const { browser, page } = await walkTo(card, 'puk');
    for (const origin of ['https://evil.example', 'null', 'http://127.0.0.1:9999']) {
      const res = await browser.submit(page, 'Continua', pukDigits(page, card.puk), { headers: { Origin: origin } });
      expect(res.status).toBe(403);
    }
    const first = new Browser();
    const form = await first.open();
    const res = await first.submit(
      form,
      'Continua',
      { 'Codice Fiscale': card.citizen.fiscalCode, 'Numero di serie': card.serial },
      { headers: { Origin: 'https://evil.example' } },
    );
    expect(res.status).toBe(403);
    expect((await cardView(card.serial)).pukFailures).toBe(0);
  });

  it('R-ACT-8: a post that is not a form is refused with 415', async () => {
    const card = await issueCard();
    const { browser, page } = await walkTo(card, 'puk');
    for (const type of ['application/json', 'text/plain', 'multipart/form-data; boundary=x']) {
      const res = await browser.fetch('/attivazione/puk', { method: 'POST', headers: { 'Content-Type': type, Origin: ORIGIN }, body: `csrf=${page.csrf}` });
      expect(res.status).toBe(415);
      expect(await res.text()).toContain('application/x-www-form-urlencoded');
    }
    const none = await browser.fetch('/attivazione/dati', { method: 'POST', headers: { Origin: ORIGIN }, body: null });
    expect(none.status).toBe(415);
  });

  it('R-ACT-8: a body over 64 KiB is refused with 413, declared or streamed', async () => {
    const card = await issueCard();
    const { browser, page } = await walkTo(card, 'puk');
    const big = `csrf=${page.csrf}&pukDigitA=${'1'.repeat(70 * 1024)}`;
    const declared = await browser.fetch('/attivazione/puk', { method: 'POST', headers: { ...FORM, Origin: ORIGIN }, body: big });
    expect(declared.status).toBe(413);
    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < bytes.length; i += 8192) c.enqueue(bytes.slice(i, i + 8192));
        c.close();
      },
    });
    const streamed = await browser.fetch('/attivazione/puk', { method: 'POST', headers: { ...FORM, Origin: ORIGIN }, body: stream });
    expect(streamed.status).toBe(413);
    expect((await cardView(card.serial)).pukFailures).toBe(0);
  });

  it('R-ACT-8: hostile form bodies never cause a 500', async () => {
    const card = await issueCard();
    const bodies = [
      '',
      'csrf',
      '%zz=%zz',
      'csrf=a&csrf=b&otp=1&otp=2',
      `fiscalCode=${'Z'.repeat(30_000)}&serial=${'€'.repeat(5000)}`,
      'mode=__proto__&constructor=1&gdpr=1',
      'email=%00%01%02@x&password=%F0%9F%98%80',
    ];
    const paths = [
      'dati',
      'puk',
      'cellulare',
      'otp-sms',
      'invia-sms',
      'email',
      'otp-email',
      'invia-email',
      'cambia-email',
      'non-adesso',
      'password',
      'configura',
      'annulla',
    ];
    const { browser } = await walkTo(card, 'puk');
    for (const path of paths) {
      for (const body of bodies) {
        const res = await browser.fetch(`/attivazione/${path}`, { method: 'POST', headers: { ...FORM, Origin: ORIGIN }, body });
        expect(res.status, `${path} ${body.slice(0, 30)}`).toBeLessThan(500);
        await res.body?.cancel();
      }
    }
    const invalidUtf8 = await browser.fetch('/attivazione/puk', {
      method: 'POST',
      headers: { ...FORM, Origin: ORIGIN },
      body: new Uint8Array([0x63, 0x3d, 0xff, 0xfe]),
    });
    expect(invalidUtf8.status).toBe(400);
  });
});

describe('the activation flow: cookie, expiry, order (R-ACT-8)', () => {
  it('R-ACT-8: the flow cookie is __Host-, Secure and HttpOnly on https; plain only on loopback http', async () => {
    const https = await worker.fetch(new Request('https://127.0.0.1/attivazione'));
    const cookie = https.headers.getSetCookie()[0]!;
    expect(cookie).toMatch(/^__Host-cie_act_csrf=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+; Secure$/);
    const card = await issueCard();
    const { browser } = await walkTo(card, 'puk');
    expect(browser.cookies.get('cie_act')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('R-ACT-8: the flow is an activation FlowSession that expires after 15 idle minutes, by alarm', async () => {
    const card = await issueCard();
    const { browser } = await walkTo(card, 'puk');
    const id = flowIdOf(browser);
    const [row] = await flowSql(id, 'SELECT type, step, created_at, expires_at FROM flow');
    expect(row).toMatchObject({ type: 'activation', step: 'puk' });
    expect(Number(row!.expires_at) - Number(row!.created_at)).toBe(ACTIVATION_IDLE_MS);
    expect(ACTIVATION_IDLE_MS).toBe(15 * 60_000);
    const alarm = await runInDurableObject(flowStub(id), (_i, state) => state.storage.getAlarm());
    expect(alarm).toBe(Number(row!.expires_at));
  });

  it('R-ACT-8: an alarm before the expiry keeps the flow; after it, the alarm deletes everything', async () => {
    const card = await issueCard();
    const { browser } = await walkTo(card, 'otp-sms');
    const id = flowIdOf(browser);
    expect(await runDurableObjectAlarm(flowStub(id))).toBe(true);
    expect(await flowRows(id)).toBe(2);
    expect((await browser.open()).heading).toBe('2.1 Verifica Numero Cellulare');

    await flowSql(id, 'UPDATE flow SET expires_at = ?', Date.now() - 1);
    expect(await runDurableObjectAlarm(flowStub(id))).toBe(true);
    expect(await flowRows(id)).toBe(0);
    const gone = await browser.open();
    expect(gone.status).toBe(410);
    expect(gone.html).toContain('href="/attivazione">Ricomincia</a>');
    expect(browser.cookies.has('cie_act')).toBe(false);
    // "Ricomincia" really starts again.
    expect((await browser.open()).heading).toBe('1.1 Inserisci i dati della tua CIE');
  });

  it('R-ACT-8: an idle flow is gone (410) even before its alarm has run', async () => {
    const card = await issueCard();
    const { browser, page } = await walkTo(card, 'puk');
    await flowSql(flowIdOf(browser), 'UPDATE flow SET expires_at = ?', Date.now() - 1);
    const res = await browser.submit(page, 'Continua', pukDigits(page, card.puk));
    expect(res.status).toBe(410);
    expect((await cardView(card.serial)).pukFailures).toBe(0);
  });

  it('R-ACT-8: each step pushes the idle expiry forward', async () => {
    const card = await issueCard();
    const { browser, page } = await walkTo(card, 'puk');
    const id = flowIdOf(browser);
    await flowSql(id, 'UPDATE flow SET expires_at = expires_at - 600000');
    const [before] = await flowSql(id, 'SELECT expires_at FROM flow');
    await browser.submit(page, 'Continua', pukDigits(page, card.puk));
    const [after] = await flowSql(id, 'SELECT expires_at FROM flow');
    expect(Number(after!.expires_at)).toBeGreaterThan(Number(before!.expires_at) + 500_000);
  });

  it('R-ACT-8: an unknown, malformed or missing flow answers 410 with "Ricomincia"', async () => {
    const unknown = new Browser();
    unknown.cookies.set('cie_act', 'A'.repeat(43));
    const page = await unknown.open();
    expect(page.status).toBe(410);
    expect(page.html).toContain('>Ricomincia</a>');
    expect(unknown.cookies.has('cie_act')).toBe(false);

    const malformed = new Browser();
    malformed.cookies.set('cie_act', '../../etc');
    expect((await malformed.open()).status).toBe(410);

    const none = new Browser();
    const res = await none.post('/attivazione/puk', 'csrf=x&pukDigitA=1&pukDigitB=2');
    expect(res.status).toBe(410);
  });

  it('R-ACT-1, R-ACT-2, R-ACT-3, R-ACT-4, R-ACT-5, R-ACT-6: a post for a step the flow is not on goes back to the current step and changes nothing', async () => {
    const card = await issueCard();
    const { browser, page } = await walkTo(card, 'puk');
    const csrf = page.csrf;
    for (const path of ['configura', 'password', 'otp-sms', 'cellulare', 'non-adesso']) {
      const res = await browser.post(
        `/attivazione/${path}`,
        new URLSearchParams({ csrf, mode: 'sms', password: GOOD_PASSWORD, passwordConfirm: GOOD_PASSWORD, gdpr: '1' }),
      );
      expect(res.postStatus).toBe(303);
      expect(res.heading).toBe('1.2 Inserisci codice PUK');
    }
    expect(await latestCode(card.citizen.phone).catch(() => null)).toBeNull();
    expect((await cardView(card.serial)).credentials).toBeNull();
  });

  it('R-ACT-8: a GET of a form target (reload, bookmark) lands on the current step', async () => {
    const card = await issueCard();
    const { browser } = await walkTo(card, 'puk');
    const res = await browser.fetch('/attivazione/puk');
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/attivazione');
    expect((await cardView(card.serial)).pukFailures).toBe(0);
  });

  it('R-CARD-3: a card blocked during the flow stops it before any SMS and before saving', async () => {
    const card = await issueCard();
    const sms = await walkTo(card, 'cellulare');
    const conf = await walkTo(card, 'configura');
    const confFlow = flowIdOf(conf.browser);
    expect((await registry(`/cards/${card.serial}/block`, { reason: 'lost' })).status).toBe(200);
    const sent = await outboxCount(card.citizen.phone);
    const refused = await sms.browser.submit(sms.page, 'Continua');
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('La carta risulta bloccata');
    const notSaved = await conf.browser.submit(conf.page, 'Scegli SMS');
    expect(notSaved.status).toBe(403);
    expect(notSaved.text).toContain('La carta risulta bloccata');
    expect((await cardView(card.serial)).credentials).toBeNull();
    expect(await flowRows(confFlow)).toBe(0);
    expect(await outboxCount(card.citizen.phone)).toBe(sent);
  });
});

describe('cancel and re-activation (R-ACT-8, R-ACT-9)', () => {
  it('R-ACT-8: "Annulla attivazione" deletes the flow, clears the cookie and leaves the card untouched', async () => {
    const card = await issueCard();
    const before = await cardView(card.serial);
    const { browser, page } = await walkTo(card, 'configura');
    const id = flowIdOf(browser);
    expect(page.hasButton('Annulla attivazione')).toBe(true);
    const res = await browser.submit(page, 'Annulla attivazione');
    expect(res.status).toBe(200);
    expect(res.heading).toBe('Attivazione annullata');
    expect(res.html).toContain('href="/attivazione">Ricomincia</a>');
    expect(browser.cookies.has('cie_act')).toBe(false);
    expect(await flowRows(id)).toBe(0);
    const after = await cardView(card.serial);
    expect(after.credentials).toBeNull();
    expect(after.status).toBe(before.status);
    expect(await storedPasswordHash(card.serial)).toBeNull();
    expect((await browser.open()).heading).toBe('1.1 Inserisci i dati della tua CIE');
    // The posted-to flow is gone for good.
    const late = await browser.post('/attivazione/configura', new URLSearchParams({ csrf: page.csrf, mode: 'sms' }), { Cookie: `cie_act=${id}` });
    expect(late.status).toBe(410);
  });

  it('R-ACT-8: cancelling needs the flow’s CSRF token; at step 1.1 there is nothing to undo', async () => {
    const card = await issueCard();
    const { browser, page } = await walkTo(card, 'password');
    const forged = await browser.submit(page, 'Annulla attivazione', {}, { raw: { csrf: 'nope' } });
    expect(forged.status).toBe(403);
    expect((await browser.open()).heading).toBe('2.3 Crea Credenziali');

    const fresh = new Browser();
    const first = await fresh.open();
    const res = await fresh.submit(first, 'Annulla attivazione');
    expect(res.status).toBe(200);
    expect(res.heading).toBe('Attivazione annullata');
  });

  it('R-ACT-9: activating again replaces the password hash, the mode and the email username', async () => {
    const card = await issueCard();
    const first = `prima.${card.serial.toLowerCase()}@example.it`;
    await walkTo(card, 'riepilogo', { email: first, mode: 'app' });
    const oldHash = await storedPasswordHash(card.serial);
    const directory = directoryFor(env);
    expect(await directory.resolveUsername(first)).toBe(card.serial);

    const second = 'Altra#Password9';
    const { page } = await walkTo(card, 'riepilogo', { mode: 'sms', password: second });
    expect(page.text).toContain('ATTIVAZIONE COMPLETATA');
    const newHash = await storedPasswordHash(card.serial);
    expect(newHash).not.toBe(oldHash);
    expect(await verifyPassword(env.PEPPER!, second, newHash!)).toBe(true);
    expect(await verifyPassword(env.PEPPER!, GOOD_PASSWORD, newHash!)).toBe(false);
    const view = await cardView(card.serial);
    expect(view.credentials).toMatchObject({ mode: 'sms', verifiedEmail: null });
    expect(await directory.resolveUsername(first)).toBeNull();
    expect(await directory.resolveUsername(card.citizen.fiscalCode)).toBe(card.serial);

    const third = `terza.${card.serial.toLowerCase()}@example.it`;
    await walkTo(card, 'riepilogo', { email: third, mode: 'app' });
    expect(await directory.resolveUsername(third)).toBe(card.serial);
    // The holder may verify an address they already own again.
    await walkTo(card, 'riepilogo', { email: third, mode: 'app' });
    expect(await directory.resolveUsername(third)).toBe(card.serial);
  });

  it('R-ACT-8/R-ACT-9: cancelling a re-activation keeps the previous credentials', async () => {
    const card = await issueCard();
    await walkTo(card, 'riepilogo', { mode: 'app' });
    const hash = await storedPasswordHash(card.serial);
    const { browser, page } = await walkTo(card, 'configura', { password: 'Nuova#Parola77' });
    await browser.submit(page, 'Annulla attivazione');
    expect(await storedPasswordHash(card.serial)).toBe(hash);
    expect((await cardView(card.serial)).credentials).toMatchObject({ mode: 'app' });
  });

  it('R-ACT-8: a double submit of step 3 saves the choice and lands on the summary', async () => {
    const card = await issueCard();
    const { browser, page } = await walkTo(card, 'configura');
    const body = new URLSearchParams({ csrf: page.csrf, mode: 'sms' });
    const [a, b] = await Promise.all([browser.post('/attivazione/configura', body), browser.post('/attivazione/configura', body)]);
    expect([a.status, b.status]).toContain(200);
    expect([a.heading, b.heading]).toContain('Credenziali attivate');
    expect((await cardView(card.serial)).credentials).toMatchObject({ mode: 'sms' });
  });
});
