import { describe, expect, it } from 'vitest';
import { Browser, askedPositions, flowIdOf, issueCard, pukDigits, walkTo, type Page } from '../support/activation-client';
import { cardView, flowRows, flowSql } from '../support/activation-state';

async function pukPageFor(card: Awaited<ReturnType<typeof issueCard>>): Promise<{ browser: Browser; page: Page }> {
  return walkTo(card, 'puk');
}

describe('step 1.2: PUK digits (R-ACT-2, R-PUK-3)', () => {
  it('R-ACT-2: asks for two distinct positions of the first half and keeps them in the flow', async () => {
    const card = await issueCard();
    const { browser, page } = await pukPageFor(card);
    const [a, b] = askedPositions(page);
    expect(a).toBeGreaterThanOrEqual(1);
    expect(b).toBeLessThanOrEqual(4);
    expect(a).toBeLessThan(b);
    expect(page.text).toContain(`Inserisci la ${a}° e ${b}° cifra della prima parte del codice PUK`);
    const [row] = await flowSql(flowIdOf(browser), 'SELECT data FROM flow');
    expect(JSON.parse(String(row!.data)).pukPositions).toEqual([a, b]);
  });

  it('R-ACT-2: a wrong PUK digit counts against the card and tells the remaining attempts', async () => {
    const card = await issueCard();
    const { browser, page } = await pukPageFor(card);
    const wrong = await browser.submit(page, 'Continua', pukDigits(page, card.puk, true));
    expect(wrong.status).toBe(400);
    expect(wrong.heading).toBe('1.2 Inserisci codice PUK');
    expect(wrong.alert).toContain('Tentativi rimasti: 10');
    expect((await cardView(card.serial)).pukFailures).toBe(1);
    // What was typed is a secret: the boxes come back empty.
    expect(wrong.field(`${askedPositions(wrong)[0]}° cifra del PUK`).value).toBe('');
  });

  it('R-ACT-2: the positions are drawn again at every attempt', async () => {
    const card = await issueCard();
    let { browser, page } = await pukPageFor(card);
    const seen = new Set<string>([askedPositions(page).join()]);
    for (let i = 0; i < 6; i++) {
      page = await browser.submit(page, 'Continua', pukDigits(page, card.puk, true));
      const [row] = await flowSql(flowIdOf(browser), 'SELECT data FROM flow');
      expect(JSON.parse(String(row!.data)).pukPositions).toEqual(askedPositions(page));
      seen.add(askedPositions(page).join());
    }
    // Six fresh draws out of six possible pairs all equal to the first: about 1 in 47,000.
    expect(seen.size).toBeGreaterThan(1);
    const right = await browser.submit(page, 'Continua', pukDigits(page, card.puk));
    expect(right.heading).toBe('2.1 Verifica Numero Cellulare');
    expect((await cardView(card.serial)).pukFailures).toBe(6);
  });

  it('R-ACT-2: malformed digits are refused without counting, and no 500', async () => {
    const card = await issueCard();
    const { browser, page } = await pukPageFor(card);
    const [a, b] = askedPositions(page);
    for (const [da, db] of [
      ['', ''],
      ['x', '1'],
      ['12', '3'],
      ['٣', '1'],
      ['1'.repeat(5000), '2'],
    ] as const) {
      const res = await browser.submit(page, 'Continua', { [`${a}° cifra del PUK`]: da, [`${b}° cifra del PUK`]: db });
      expect(res.status).toBe(400);
      expect(res.alert).toContain('una sola cifra');
    }
    const res = await browser.submit(page, 'Continua', {}, { raw: { pukDigitA: null, pukDigitB: null } });
    expect(res.status).toBe(400);
    expect((await cardView(card.serial)).pukFailures).toBe(0);
  });

  it('R-PUK-3: the 11th wrong answer blocks the card for good; the flow ends and a new one is refused', async () => {
    const card = await issueCard();
    let { browser, page } = await pukPageFor(card);
    const flowId = flowIdOf(browser);
    for (let i = 1; i <= 10; i++) {
      page = await browser.submit(page, 'Continua', pukDigits(page, card.puk, true));
      expect(page.status).toBe(400);
      expect(page.alert).toContain(`Tentativi rimasti: ${11 - i}`);
    }
    expect((await cardView(card.serial)).status).toBe('issued');
    const blocked = await browser.submit(page, 'Continua', pukDigits(page, card.puk, true));
    expect(blocked.status).toBe(403);
    expect(blocked.text).toContain('bloccata in modo permanente');
    const view = await cardView(card.serial);
    expect(view.pukFailures).toBe(11);
    expect(view.status).toBe('puk_blocked');
    expect(browser.cookies.has('cie_act')).toBe(false);
    expect(await flowRows(flowId)).toBe(0);

    // Even the right digits, through a new flow, cannot get past step 1.1 now.
    const again = new Browser();
    const first = await again.open();
    const refused = await again.submit(first, 'Continua', { 'Codice Fiscale': card.citizen.fiscalCode, 'Numero di serie': card.serial });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('bloccata in modo permanente');
  });

  it('R-PUK-3: a flow opened before the block cannot answer after it', async () => {
    const card = await issueCard();
    const early = await pukPageFor(card);
    let { browser, page } = await pukPageFor(card);
    for (let i = 0; i < 11; i++) page = await browser.submit(page, 'Continua', pukDigits(page, card.puk, true));
    expect(page.status).toBe(403);
    const late = await early.browser.submit(early.page, 'Continua', pukDigits(early.page, card.puk));
    expect(late.status).toBe(403);
    expect(late.text).toContain('bloccata in modo permanente');
    expect((await cardView(card.serial)).pukFailures).toBe(11);
  });

  it('R-PUK-3: 100 concurrent wrong PUK answers on one card record exactly 11 failures and block it', async () => {
    const card = await issueCard();
    const flows: { browser: Browser; page: Page }[] = [];
    for (let i = 0; i < 100; i++) flows.push(await pukPageFor(card));
    const answers = await Promise.all(flows.map(({ browser, page }) => browser.submit(page, 'Continua', pukDigits(page, card.puk, true))));
    const statuses = answers.map((p) => p.status);
    expect(statuses.filter((s) => s === 400)).toHaveLength(10);
    expect(statuses.filter((s) => s === 403)).toHaveLength(90);
    const view = await cardView(card.serial);
    expect(view.pukFailures).toBe(11);
    expect(view.status).toBe('puk_blocked');
  });
});
