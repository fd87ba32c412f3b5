import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { inject } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { activate, issueCard, latestCode, outbox } from '../../scripts/lib/citizen-flows.mjs';
import { randomCitizen } from '../../scripts/lib/citizens.mjs';
import { createRp } from '../../scripts/lib/rp.mjs';
import { snapshot } from './support/browser';
import { openCitizen, cspViolationsOf } from './support/looks';
import { baseUrl } from './support/server';

/**
 * A real relying party lives on another origin. Browsers apply the page's CSP `form-action` to the
 * redirect that follows a form post, so the consent page must allow the RP's redirect origin, or
 * "Prosegui" and "Annulla" would leave the citizen stuck on our page. The RP's host does not exist
 * here: what matters is that Chromium sets off for it (a blocked redirect never leaves the page).
 */
const registryToken = inject('registryToken');

const RP_CALLBACK = /^https:\/\/rp-[a-z0-9]+\.example\.it\/callback\?/;

let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ browser, page } = await openCitizen(baseUrl));
});

// Each test answers for its own pages' violations.
beforeEach(() => {
  cspViolationsOf(page).length = 0;
});

afterAll(async () => {
  await browser?.close();
});

async function press(name: string): Promise<void> {
  await page.getByRole('button', { name, exact: true }).click();
}

async function loginUntilConsent(level: 1 | 2) {
  const citizen = randomCitizen();
  const holder = await activate(baseUrl, { citizen, card: await issueCard(baseUrl, registryToken, citizen) });
  const rp = await createRp(baseUrl, registryToken, { name: 'Comune di Altrove' });
  const request = await rp.authorizationRequest({ level });
  await page.goto(request.url);
  await page.getByLabel('Numero CIE o Codice fiscale o Email', { exact: true }).fill(citizen.fiscalCode);
  await page.getByLabel('Password', { exact: true }).fill(holder.password);
  const sent = (await outbox(baseUrl, citizen.phone)).length;
  await press('Procedi');
  if (level === 2) {
    await page.getByLabel('Codice di verifica OTP', { exact: true }).fill(await latestCode(baseUrl, citizen.phone, sent));
    await press('Prosegui');
  }
  await page.getByText('I seguenti dati stanno per essere inviati a: Comune di Altrove').waitFor();
  return request;
}

describe('a relying party on another origin, in Chromium (CSP form-action)', () => {
  it('R-LOG-7/C-5: "Prosegui" on consent brings the citizen to the RP with code, state and iss', async () => {
    onTestFailed(async () => {
      await snapshot(page, 'failure-cross-origin-prosegui').catch(() => undefined);
    });
    const request = await loginUntilConsent(2);
    const toRp = page.waitForRequest(RP_CALLBACK, { timeout: 10_000 });
    await press('Prosegui');
    const callback = new URL((await toRp).url());
    expect(callback.searchParams.get('code')).toBeTruthy();
    expect(callback.searchParams.get('state')).toBe(request.state);
    expect(callback.searchParams.get('iss')).toBe(baseUrl);
    expect(cspViolationsOf(page)).toEqual([]);
  });

  it('R-LOG-7/C-20: "Annulla" on consent brings the citizen back to the RP with access_denied', async () => {
    onTestFailed(async () => {
      await snapshot(page, 'failure-cross-origin-annulla').catch(() => undefined);
    });
    const request = await loginUntilConsent(1);
    const toRp = page.waitForRequest(RP_CALLBACK, { timeout: 10_000 });
    await press('Annulla');
    const callback = new URL((await toRp).url());
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('state')).toBe(request.state);
    expect(cspViolationsOf(page)).toEqual([]);
  });
});
