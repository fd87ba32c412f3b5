import { describe, expect, it } from 'vitest';
import { Browser, issueCard, walkTo } from '../support/activation-client';
import { cardSql, cardView, flowRows } from '../support/activation-state';
import { newCitizen } from '../support/citizens';
import { ORIGIN, registry } from '../support/worker';
import { env } from 'cloudflare:workers';
import { createExecutionContext } from 'cloudflare:test';
import handler from '../../functions/index';
import type { Env } from '../../functions/env';

const CF = 'Codice Fiscale';
const SERIAL = 'Numero di serie';
const MISMATCH = 'I dati inseriti non corrispondono a una CIE valida';

async function firstStep() {
  const browser = new Browser();
  const page = await browser.open();
  return { browser, page };
}

describe('step 1.1: the card data (R-ACT-1, R-CARD-3, R-CARD-4, R-CARD-7)', () => {
  it('R-ACT-1: shows the contract page with a double-submit CSRF token and no flow yet', async () => {
    const { browser, page } = await firstStep();
    expect(page.status).toBe(200);
    expect(page.headers.get('Cache-Control')).toBe('no-store');
    expect(page.headers.get('Content-Security-Policy')).toContain("script-src 'self'");
    expect(page.heading).toBe('1.1 Inserisci i dati della tua CIE');
    expect(page.currentStage).toBe('1 I TUOI DATI');
    expect(page.field(CF).name).toBe('fiscalCode');
    expect(page.field(SERIAL).name).toBe('serial');
    expect(page.hasButton('Continua')).toBe(true);
    expect(page.hasButton('Annulla attivazione')).toBe(true);
    expect(browser.cookies.get('cie_act_csrf')).toBe(page.csrf);
    expect(browser.cookies.has('cie_act')).toBe(false);
    expect(page.html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(page.html).not.toMatch(/\sstyle=/);
  });

  it('R-ACT-1: an invalid codice fiscale or serial is refused with the input kept', async () => {
    const { browser, page } = await firstStep();
    const res = await browser.submit(page, 'Continua', { [CF]: 'RSSMRA80A01H501X', [SERIAL]: 'ca12' });
    expect(res.status).toBe(400);
    expect(res.alert).toContain('Il codice fiscale non è valido');
    expect(res.alert).toContain('Il numero di serie non è valido');
    expect(res.field(CF).value).toBe('RSSMRA80A01H501X');
    expect(res.field(SERIAL).value).toBe('ca12');
    expect(browser.cookies.has('cie_act')).toBe(false);
    const empty = await browser.submit(res, 'Continua', { [CF]: '', [SERIAL]: '' });
    expect(empty.status).toBe(400);
    expect(empty.alert).toContain('Inserisci il codice fiscale');
  });

  it('R-ACT-1: a codice fiscale and serial that do not belong together get one generic message', async () => {
    const card = await issueCard();
    const other = await issueCard();
    const nobody = newCitizen();
    const { browser, page } = await firstStep();
    const cases = [
      [card.citizen.fiscalCode, other.serial],
      [nobody.fiscalCode, card.serial],
      [other.citizen.fiscalCode, card.serial],
      [card.citizen.fiscalCode, 'CA00000AA'],
    ] as const;
    const alerts = new Set<string | null>();
    for (const [cf, serial] of cases) {
      const res = await browser.submit(page, 'Continua', { [CF]: cf, [SERIAL]: serial });
      expect(res.status).toBe(400);
      expect(res.alert).toContain(MISMATCH);
      expect(res.field(CF).value).toBe(cf);
      expect(res.field(SERIAL).value).toBe(serial);
      alerts.add(res.alert);
    }
    // Which half was wrong, or whether the codice fiscale is known at all, is not told.
    expect(alerts.size).toBe(1);
    expect(browser.cookies.has('cie_act')).toBe(false);
  });

  it('R-ACT-1: the card data are accepted in lower case and with spaces', async () => {
    const card = await issueCard();
    const { browser, page } = await firstStep();
    const res = await browser.submit(page, 'Continua', {
      [CF]: ` ${card.citizen.fiscalCode.toLowerCase().replace(/(.{4})/g, '$1 ')} `,
      [SERIAL]: card.serial.toLowerCase(),
    });
    expect(res.heading).toBe('1.2 Inserisci codice PUK');
    expect(browser.cookies.get('cie_act')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('R-CARD-7: the serial of a superseded card is refused like any other mismatch', async () => {
    const card = await issueCard();
    const renewed = await registry('/cards', card.citizen);
    expect(renewed.status).toBe(201);
    const { browser, page } = await firstStep();
    const res = await browser.submit(page, 'Continua', { [CF]: card.citizen.fiscalCode, [SERIAL]: card.serial });
    expect(res.status).toBe(400);
    expect(res.alert).toContain(MISMATCH);
  });

  it('R-CARD-3: a blocked card is refused at once with a clear message', async () => {
    const card = await issueCard();
    expect((await registry(`/cards/${card.serial}/block`, { reason: 'stolen' })).status).toBe(200);
    const { browser, page } = await firstStep();
    const res = await browser.submit(page, 'Continua', { [CF]: card.citizen.fiscalCode, [SERIAL]: card.serial });
    expect(res.status).toBe(403);
    expect(res.text).toContain('La carta risulta bloccata');
    expect(browser.cookies.has('cie_act')).toBe(false);
    const log = await env.CARD.get(env.CARD.idFromName(card.serial)).events();
    expect(log[0]).toMatchObject({ kind: 'activation', detail: { outcome: 'refused', reason: 'blocked' } });
    expect(log[1]).toMatchObject({ kind: 'card_blocked', detail: { reason: 'stolen' } });
  });

  it('R-CARD-2: an expired card is refused', async () => {
    const card = await issueCard();
    await cardSql(card.serial, `UPDATE card SET record = json_set(record, '$.expiresAt', ?)`, Date.now() - 2 * 86_400_000);
    expect((await cardView(card.serial)).status).toBe('expired');
    const { browser, page } = await firstStep();
    const res = await browser.submit(page, 'Continua', { [CF]: card.citizen.fiscalCode, [SERIAL]: card.serial });
    expect(res.status).toBe(403);
    expect(res.text).toContain('La carta risulta scaduta');
  });

  it('R-CARD-4: a holder under 5 gets no digital identity; a 5-year-old does', async () => {
    const young = await issueCard({ age: 4 });
    const { browser, page } = await firstStep();
    const res = await browser.submit(page, 'Continua', { [CF]: young.citizen.fiscalCode, [SERIAL]: young.serial });
    expect(res.status).toBe(403);
    expect(res.text).toContain('meno di 5 anni');

    const five = await issueCard({ age: 5 });
    const ok = await walkTo(five, 'puk');
    expect(ok.page.heading).toBe('1.2 Inserisci codice PUK');
  });

  it('R-ACT-1: starting again in the same browser abandons the earlier flow', async () => {
    const card = await issueCard();
    const { browser } = await walkTo(card, 'puk');
    const first = browser.cookies.get('cie_act')!;
    // The 1.1 form is still open in another tab.
    const tab = new Browser();
    const form = await tab.open();
    browser.cookies.set('cie_act_csrf', form.csrf);
    const again = await browser.submit(form, 'Continua', { [CF]: card.citizen.fiscalCode, [SERIAL]: card.serial });
    expect(again.heading).toBe('1.2 Inserisci codice PUK');
    expect(browser.cookies.get('cie_act')).not.toBe(first);
    expect(await flowRows(first)).toBe(0);
  });

  it('R-ACT-1: with the captcha on, step 1.1 shows Turnstile and refuses a post without a passing token', async () => {
    const card = await issueCard();
    const captchaEnv = { ...env, CAPTCHA: 'turnstile', TURNSTILE_SITE_KEY: '0x4AAAAAAA-test', TURNSTILE_SECRET: undefined } as Env;
    const ctx = createExecutionContext();
    const get = await handler.fetch(new Request(`${ORIGIN}/attivazione`), captchaEnv, ctx);
    const html = await get.text();
    expect(html).toContain('<div class="cf-turnstile" data-sitekey="0x4AAAAAAA-test"');
    const csp = get.headers.get('Content-Security-Policy')!;
    expect(csp).toContain("script-src 'self' https://challenges.cloudflare.com");
    expect(csp).toContain('frame-src https://challenges.cloudflare.com');
    const token = /^cie_act_csrf=([^;]+)/.exec(get.headers.getSetCookie()[0]!)![1]!;
    const post = await handler.fetch(
      new Request(`${ORIGIN}/attivazione/dati`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: `cie_act_csrf=${token}`, Origin: ORIGIN },
        body: new URLSearchParams({ csrf: token, fiscalCode: card.citizen.fiscalCode, serial: card.serial, 'cf-turnstile-response': 'forged' }),
      }),
      captchaEnv,
      ctx,
    );
    expect(post.status).toBe(400);
    expect(await post.text()).toContain('Non sono un robot');
    expect(post.headers.getSetCookie().some((c) => c.startsWith('cie_act='))).toBe(false);
  });

  it('R-ACT-1: without the captcha (development), no Turnstile script is loaded', async () => {
    const { page } = await firstStep();
    expect(page.html).not.toContain('cf-turnstile');
    expect(page.headers.get('Content-Security-Policy')).not.toContain('challenges.cloudflare.com');
  });
});
