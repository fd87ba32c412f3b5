import { expectEqual, expectIncludes, fail } from '../../core/assert.ts';
import { defineCheck, type Check } from '../../core/check.ts';
import type { Browser } from '../../actors/browser.ts';
import { Citizen } from '../../actors/citizen.ts';
import type { Page } from '../../actors/html-page.ts';
import { BUTTON, TEXT } from '../../actors/login-pages.ts';
import { openLogin, signIn, type Started } from '../../actors/login.ts';
import { expectErrorRedirect } from '../../actors/oidc-expect.ts';
import { ACR, RelyingParty } from '../../actors/relying-party.ts';
import { Registry } from '../../actors/registry.ts';

/** C-20, C-21: logins that end without a code — the citizen's choice, or a card that cannot pass. */
const suite = 'oidc';

/** The refusal page after a right password, then "Torna al servizio": access_denied with the state. */
async function expectRefusedBack(rp: RelyingParty, started: Started, page: Page, reason: string): Promise<void> {
  if (page.status !== 403 || !page.text.includes(TEXT.refused)) fail(`expected the 403 page "${TEXT.refused}", got ${page.describe()}`);
  expectIncludes(page.text, reason, 'the reason on the refusal page');
  const back = await started.browser.submit(page, BUTTON.backToService);
  expectErrorRedirect(back, rp, 'access_denied', started.auth.state);
}

async function signedIn(rp: RelyingParty, citizen: Citizen, browser?: Browser) {
  const started = await openLogin(rp, { overrides: { acr_values: ACR[1] }, ...(browser ? { browser } : {}) });
  return { started, page: await signIn(started.browser, started.page, citizen.fiscalCode, citizen.password) };
}

export const outcomeChecks: Check[] = [
  defineCheck({
    id: 'C-20',
    suite,
    covers: ['C-20', 'R-LOG-7'],
    title: '"Annulla" on consent → access_denied with state and iss, here through response_mode=form_post',
    async run(ctx) {
      const [rp, citizen] = await Promise.all([RelyingParty.create(ctx), Citizen.withCredentials(ctx)]);
      const started = await openLogin(rp, { overrides: { acr_values: ACR[1], response_mode: 'form_post' } });
      const consent = await signIn(started.browser, started.page, citizen.fiscalCode, citizen.password);
      expectIncludes(consent.text, TEXT.consentTo, `the page after the password (${consent.describe()})`);
      const answer = await started.browser.submit(consent, BUTTON.cancel);
      expectEqual(answer.status, 200, 'the status of the form_post answer');
      expectErrorRedirect(answer, rp, 'access_denied', started.auth.state);
    },
  }),
  defineCheck({
    id: 'C-21',
    suite,
    covers: ['C-21', 'R-CARD-3'],
    title: 'a blocked card cannot pass: 403 "Accesso non consentito", then access_denied to the RP',
    async run(ctx) {
      const [rp, citizen] = await Promise.all([RelyingParty.create(ctx), Citizen.withCredentials(ctx)]);
      await new Registry(ctx).block(citizen.serial, 'lost');
      const { started, page } = await signedIn(rp, citizen);
      await expectRefusedBack(rp, started, page, 'bloccata');
    },
  }),
  defineCheck({
    id: 'C-21.consent',
    suite,
    covers: ['C-21', 'R-CARD-3'],
    title: 'a card blocked while its holder is on the consent page is refused at "Prosegui"',
    async run(ctx) {
      const [rp, citizen] = await Promise.all([RelyingParty.create(ctx), Citizen.withCredentials(ctx)]);
      const { started, page } = await signedIn(rp, citizen);
      expectIncludes(page.text, TEXT.consentTo, `the page after the password (${page.describe()})`);
      await new Registry(ctx).block(citizen.serial, 'stolen');
      const refused = await started.browser.submit(page, BUTTON.proceed);
      if (refused.location?.searchParams.get('code')) fail('a card blocked during consent still got an authorization code');
      await expectRefusedBack(rp, started, refused, 'bloccata');
    },
  }),
  defineCheck({
    id: 'C-21.puk',
    suite,
    covers: ['C-21', 'R-PUK-3'],
    title: 'a card blocked for good by 11 wrong PUK answers cannot log in any more',
    async run(ctx) {
      const [rp, citizen] = await Promise.all([RelyingParty.create(ctx), Citizen.withCredentials(ctx)]);
      const { browser, page } = await citizen.activation('puk');
      await citizen.wrongPukAnswers(browser, page, 11);
      expectEqual((await new Registry(ctx).card(citizen.serial)).status, 'puk_blocked', "the card's status after 11 wrong PUK answers");
      const { started, page: refused } = await signedIn(rp, citizen);
      await expectRefusedBack(rp, started, refused, 'bloccata definitivamente');
    },
  }),
];
