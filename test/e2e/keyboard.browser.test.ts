import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { issueCard, latestCode, outbox } from '../../scripts/lib/citizen-flows.mjs';
import { randomCitizen } from '../../scripts/lib/citizens.mjs';
import { snapshot } from './support/browser';
import { openCitizen } from './support/looks';
import { baseUrl, registryToken } from './support/server';

/**
 * A citizen without a mouse (WCAG 2.1.1): activation and a level 2 login completed with Tab, Space and
 * Enter only — and typing, of course. Each control is reached by pressing Tab until it has the focus,
 * so a control that cannot be reached, or a focus lost to <body> after a refused form (WCAG 3.3.1,
 * 4.1.3), fails the test.
 */
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ browser, page } = await openCitizen(baseUrl));
});

afterAll(async () => {
  await browser?.close();
});

/** What a screen reader would call the focused element: its label, or its own text. */
function focusedName(): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return '<body>';
    const labelled = (el as HTMLInputElement).labels?.[0]?.innerText ?? el.getAttribute('aria-label') ?? el.innerText ?? '';
    return labelled.replace(/\s+/g, ' ').trim();
  });
}

/** Tab (forward) until the focused control is called `name`; fails after one lap of the page. */
async function tabTo(name: string | RegExp): Promise<void> {
  const matches = (text: string) => (typeof name === 'string' ? text === name : name.test(text));
  const seen: string[] = [];
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    const now = await focusedName();
    if (matches(now)) return;
    seen.push(now);
  }
  throw new Error(`Tab never reached "${name}"; it went through: ${seen.join(' | ')}`);
}

async function typeInto(label: string | RegExp, text: string): Promise<void> {
  await tabTo(label);
  await page.keyboard.type(text);
}

/** Enter on the focused button, waiting for the page it leads to. */
async function enterOn(name: string | RegExp): Promise<void> {
  await tabTo(name);
  await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
}

async function pukPositions(): Promise<number[]> {
  const labels = await page
    .locator('label')
    .filter({ hasText: /° cifra del PUK/ })
    .allInnerTexts();
  return labels.map((l) => Number(/(\d)°/.exec(l)?.[1]));
}

const PASSWORD = 'Tastiera!Sola42';
const GDPR = /^Ho preso visione dell'Informativa/;

describe('keyboard only, in Chromium', () => {
  it('activates credentials and logs in at level 2 with Tab, Space and Enter', async () => {
    onTestFailed(async () => {
      await snapshot(page, 'failure-keyboard').catch(() => undefined);
    });
    const citizen = randomCitizen();
    const card = await issueCard(baseUrl, registryToken, citizen);

    await page.goto('/attivazione');
    // The skip link is the first stop (site-pages follows it into the content).
    await page.keyboard.press('Tab');
    expect(await focusedName()).toBe('Vai al contenuto principale');

    await typeInto('Codice Fiscale', citizen.fiscalCode);
    await typeInto('Numero di serie', card.serial);
    await enterOn('Continua');

    await page.getByRole('heading', { name: '1.2 Inserisci codice PUK' }).waitFor();
    // A wrong digit first: the refusal takes the focus, so a screen reader reads it at once.
    const [a, b] = await pukPositions();
    const wrong = String((Number(card.receipt.pukFirstHalf[a! - 1]) + 1) % 10);
    await typeInto(`${a}° cifra del PUK`, wrong);
    await typeInto(`${b}° cifra del PUK`, card.receipt.pukFirstHalf[b! - 1]!);
    await enterOn('Continua');
    await page.locator('#errore').waitFor();
    expect(await page.evaluate(() => document.activeElement?.id), 'focus on the message after a refused form').toBe('errore');
    for (const position of await pukPositions()) await typeInto(`${position}° cifra del PUK`, card.receipt.pukFirstHalf[position - 1]!);
    await enterOn('Continua');

    await page.getByRole('heading', { name: '2.1 Verifica Numero Cellulare' }).waitFor();
    let sent = (await outbox(baseUrl, citizen.phone)).length;
    await enterOn('Continua');
    await typeInto('Codice di verifica OTP', await latestCode(baseUrl, citizen.phone, sent));
    await enterOn('Continua');

    await page.getByRole('heading', { name: '2.2 Verifica Indirizzo E-mail' }).waitFor();
    await enterOn('Non adesso');

    await page.getByRole('heading', { name: '2.3 Crea Credenziali' }).waitFor();
    await typeInto('Scegli Password', PASSWORD);
    await typeInto('Conferma Password', PASSWORD);
    await tabTo(GDPR);
    await page.keyboard.press('Space');
    expect(await page.locator('#gdpr').isChecked()).toBe(true);
    await enterOn('Continua');

    await page.getByRole('heading', { name: 'Scegli come autorizzare i tuoi accessi online' }).waitFor();
    await enterOn('Scegli SMS');
    await page.getByRole('heading', { name: 'Credenziali attivate' }).waitFor();

    // The demo Comune, then "Entra con CIE" at level 2 (its default).
    await page.goto('/demo');
    await enterOn('Entra con CIE');
    await page.getByRole('heading', { name: "RICHIESTA D'ACCESSO CIE LIVELLO 2" }).waitFor();
    await typeInto('Numero CIE o Codice fiscale o Email', citizen.fiscalCode);
    await typeInto('Password', PASSWORD);
    sent = (await outbox(baseUrl, citizen.phone)).length;
    await enterOn('Procedi');
    await page.getByRole('heading', { name: 'Inserisci un codice di verifica.' }).waitFor();
    await typeInto('Codice di verifica OTP', await latestCode(baseUrl, citizen.phone, sent));
    await enterOn('Prosegui');
    await page.getByText('I seguenti dati stanno per essere inviati a: Comune di Esempio').waitFor();
    await enterOn('Prosegui');
    await page.getByRole('heading', { name: 'Accesso effettuato' }).waitFor();
  });
});
