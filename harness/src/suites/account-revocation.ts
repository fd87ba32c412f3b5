import { expectEqual, expectIncludes, expectJson, expectStatus, expectTrue, fail } from '../core/assert.ts';
import { defineCheck, type Check } from '../core/check.ts';
import { VirtualApp } from '../actors/app.ts';
import { type CardApproval, cardApproval, chipOf, deepLinkCode, registerCard, signApproval } from '../actors/app-card.ts';
import { type InArea, enterArea, openProfile } from '../actors/area.ts';
import { type AppCard, lastFourDigits } from '../actors/card.ts';
import { Citizen } from '../actors/citizen.ts';
import type { HttpResponse } from '../core/http.ts';
import type { Page } from '../actors/html-page.ts';
import { openLevel3, toPhonePage } from '../actors/level3-pages.ts';
import { loginWithTokens, openLogin, signIn } from '../actors/login.ts';
import { TEXT } from '../actors/login-pages.ts';
import { RelyingParty } from '../actors/relying-party.ts';

/**
 * R-ACC-4 in the personal area, as a citizen uses it: "Revoca livello 1 e livello 2" ends what every
 * relying party holds (introspection, the refresh grant) and the next login; "Sospendi livello 3"
 * refuses the card's next level 3 login and "Riattiva livello 3" (with the password) lets it through
 * again. Spread into the `account` suite.
 */
const suite = 'account';
const OFFLINE = { scope: 'openid profile offline_access', prompt: 'consent login' };

const REVOCATION = {
  button: 'Revoca livello 1 e livello 2',
  currentPassword: 'Password attuale',
  done: 'Credenziali revocate',
  level3: 'Credenziali livello 3',
  suspend: 'Sospendi livello 3',
  resume: 'Riattiva livello 3',
  suspended: 'Il livello 3 è sospeso',
  resumed: 'Il livello 3 è di nuovo attivo',
  suspendedLogin: 'è sospeso per questa carta',
} as const;

function activeOf(res: HttpResponse, what: string): boolean {
  expectStatus(res, 200);
  const active = expectJson<{ active?: unknown }>(res).active;
  if (typeof active !== 'boolean') fail(`introspection of ${what}: "active" must be a boolean, got ${JSON.stringify(active)}`);
  return active;
}

/** "Credenziali livello 3" from Gestione CieID, by the button the guide's screen shows there. */
async function openLevel3Page(area: InArea, button: string): Promise<Page> {
  const page = await area.browser.open((await openProfile(area)).link(button));
  expectEqual(page.heading, REVOCATION.level3, `the page behind "${button}"`);
  return page;
}

/** A level 3 login on the phone (R-LOG-4) up to the App's answer with the card. */
async function phoneLogin(citizen: Citizen, app: VirtualApp, card: AppCard): Promise<HttpResponse> {
  const login = await openLevel3(citizen.ctx);
  const approval: CardApproval = await cardApproval(app, deepLinkCode((await toPhonePage(login)).html));
  const res = await signApproval(app, card, approval, lastFourDigits(citizen.card.pin));
  if (!('status' in res)) fail(`the virtual chip refused the last 4 PIN digits: ${JSON.stringify(res)}`);
  return res;
}

export const accountRevocationChecks: Check[] = [
  defineCheck({
    id: 'R-ACC-4.revoke',
    suite,
    covers: ['R-ACC-4', 'R-LOG-8'],
    title:
      "Revoca livello 1 e livello 2: after the confirmation and the password, the RP's tokens are inactive, its refresh is refused, and the password logs in no more",
    async run(ctx) {
      const citizen = await Citizen.withCredentials(ctx);
      const rp = await RelyingParty.create(ctx, { clientName: 'Servizio del controllo di revoca' });
      const { tokens } = await loginWithTokens(rp, citizen, { overrides: OFFLINE });
      if (typeof tokens.refresh_token !== 'string') fail('no refresh_token for offline_access with prompt consent');
      expectTrue(activeOf(await rp.introspect(tokens.refresh_token), 'the refresh token before'), 'the refresh token is inactive before any revocation');

      const area = await enterArea(citizen);
      const confirm = await area.browser.open((await openProfile(area)).link(REVOCATION.button));
      expectEqual(confirm.heading, REVOCATION.button, 'the confirmation page heading');
      expectIncludes(confirm.text, 'nuova attivazione', 'the confirmation page');
      const wrong = await area.browser.submit(confirm, REVOCATION.button, { [REVOCATION.currentPassword]: `${citizen.password}x` });
      expectEqual(wrong.status, 400, 'the status after a wrong current password');
      expectTrue(activeOf(await rp.introspect(tokens.refresh_token), 'the refresh token after a wrong password'), 'a wrong password revoked the tokens');
      const done = await area.browser.submit(wrong, REVOCATION.button, { [REVOCATION.currentPassword]: citizen.password });
      expectEqual(done.status, 200, 'the status after the revocation');
      expectEqual(done.heading, REVOCATION.done, 'the heading after the revocation');

      expectTrue(!activeOf(await rp.introspect(tokens.access_token), 'the access token after'), 'the access token is still active after the revocation');
      expectTrue(!activeOf(await rp.introspect(tokens.refresh_token), 'the refresh token after'), 'the refresh token is still active after the revocation');
      const refresh = await rp.refresh(tokens.refresh_token);
      expectStatus(refresh, 400);
      expectEqual(expectJson<{ error?: string }>(refresh).error, 'invalid_grant', 'the refresh grant after the revocation');
      const login = await openLogin(rp);
      const refused = await signIn(login.browser, login.page, citizen.fiscalCode, citizen.password);
      expectEqual(refused.status, 400, 'the status of a login after the revocation');
      expectIncludes(refused.text, TEXT.wrongCredentials, 'the login page after the revocation');
    },
  }),
  defineCheck({
    id: 'R-ACC-4.level3',
    suite,
    covers: ['R-ACC-4', 'R-LOG-4'],
    title: "Sospendi livello 3 (no password) refuses the card's next level 3 login on the phone; Riattiva livello 3 (with the password) lets it through again",
    async run(ctx) {
      const citizen = await Citizen.withCredentials(ctx);
      const app = await VirtualApp.certify(citizen);
      const card = await registerCard(app, { citizen, chip: await chipOf(citizen) });
      const area = await enterArea(citizen);

      const suspend = await openLevel3Page(area, REVOCATION.suspend);
      const suspended = await area.browser.submit(suspend, REVOCATION.suspend);
      expectEqual(suspended.status, 200, 'the status after "Sospendi livello 3"');
      expectIncludes(suspended.text, REVOCATION.suspended, 'the page after "Sospendi livello 3"');
      const refused = await phoneLogin(citizen, app, card);
      expectStatus(refused, 403);
      expectIncludes(
        String(expectJson<{ error_description?: string }>(refused).error_description),
        REVOCATION.suspendedLogin,
        "the App's refusal of a suspended card",
      );

      const resume = await openLevel3Page(area, REVOCATION.resume);
      const resumed = await area.browser.submit(resume, REVOCATION.resume, { [REVOCATION.currentPassword]: citizen.password });
      expectEqual(resumed.status, 200, 'the status after "Riattiva livello 3"');
      expectIncludes(resumed.text, REVOCATION.resumed, 'the page after "Riattiva livello 3"');
      const approved = await phoneLogin(citizen, app, card);
      expectStatus(approved, 200);
      expectEqual(expectJson<{ outcome?: string }>(approved).outcome, 'approved', "the App's answer once level 3 is resumed");
    },
  }),
];
