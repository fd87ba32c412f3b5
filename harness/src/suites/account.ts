import { expectEqual, expectIncludes, expectMatch, expectTrue } from '../core/assert.ts';
import { CheckFailure, defineCheck, type Check } from '../core/check.ts';
import { AREA, enterArea, openProfile } from '../actors/area.ts';
import { Browser } from '../actors/browser.ts';
import { Citizen } from '../actors/citizen.ts';
import { Mailbox } from '../actors/mailbox.ts';
import { otherCode } from '../actors/outbox.ts';
import { LABEL } from '../actors/login-pages.ts';
import { randomLabel } from '../actors/random.ts';
import { accountActivityChecks } from './account-activity.ts';
import { accountRevocationChecks } from './account-revocation.ts';

/**
 * The personal area (issue 13, docs/account.md): entered with CieID itself, its session, "Gestione
 * CieID" and its changes — password (R-ACC-2), mode (R-ACC-3), email — and "Esci". The devices and
 * access log checks (account-activity.ts) and the revocation checks (account-revocation.ts) are part
 * of the same suite.
 */
const suite = 'account';

/** The paths behind the area's session, as a browser without one reaches them. */
const GUARDED_PAGES = ['/area-personale/gestione', '/area-personale/password', '/area-personale/modalita', '/area-personale/email'];

const NEW_PASSWORD = 'Ginestra#2031k';

/** The JWT's payload, read without checking it: the harness looks at what the area asked for. */
function jwtPayload(jwt: string): Record<string, unknown> {
  const part = jwt.split('.')[1];
  if (!part) throw new CheckFailure('the request parameter is not a JWT');
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

const profileChecks: Check[] = [
  defineCheck({
    id: 'area.no-session',
    suite,
    covers: ['R-ACC-1'],
    title: 'Without a session nothing of the area answers: its pages send to the landing page, its forms get a 401 page',
    async run(ctx) {
      const browser = new Browser(ctx);
      for (const path of GUARDED_PAGES) {
        const page = await browser.open(path, { follow: false });
        expectEqual(page.status, 303, `the status of ${path} without a session`);
        expectEqual(page.headers.get('Location'), AREA.landing, `where ${path} sends a browser without a session`);
      }
      const post = await browser.post('/area-personale/password', new URLSearchParams({ csrf: 'x', attuale: 'x', nuova: 'x', conferma: 'x' }));
      expectEqual(post.status, 401, 'the status of a password change without a session');
      expectTrue(!post.hasButton(AREA.logout), 'a page without a session offers no "Esci"');
      const landing = await browser.open(AREA.landing);
      expectEqual(landing.heading, AREA.landingHeading, 'the landing page heading');
    },
  }),
  defineCheck({
    id: 'area.login-level2',
    suite,
    covers: ['R-ACC-1', 'R-LOG-1'],
    title: '"Accedi" is a login at /oidc/authorize for SpidL2 by the area as a relying party; the pages and consent lead to the area\'s Home',
    async run(ctx) {
      const citizen = await Citizen.withCredentials(ctx);
      const browser = new Browser(ctx);
      const landing = await browser.open(AREA.landing);
      const sent = await browser.open(landing.link(AREA.login), { follow: false });
      expectEqual(sent.status, 303, 'the status of "Accedi"');
      const location = new URL(sent.headers.get('Location') ?? '', ctx.baseUrl);
      expectEqual(location.pathname, '/oidc/authorize', 'where "Accedi" sends the browser');
      const request = jwtPayload(location.searchParams.get('request') ?? '');
      expectEqual(request.acr_values, 'https://www.spid.gov.it/SpidL2', 'the level the area asks for');
      expectEqual(request.client_id, `${ctx.baseUrl.origin}/area-personale`, "the area's client_id");
      const { home } = await enterArea(citizen);
      expectIncludes(home.text, 'Benvenuto', "the area's Home");
      expectTrue(home.hasButton(AREA.logout), 'the area offers "Esci"');
    },
  }),
  defineCheck({
    id: 'R-ACC-1.profile',
    suite,
    covers: ['R-ACC-1', 'R-ACC-3'],
    title: 'Gestione CieID shows Profilo CieID: levels 1 and 2 Attive, Modifica Password, Revoca, the mode in use and the switch, level 3, contacts',
    async run(ctx) {
      const citizen = await Citizen.withCredentials(ctx);
      const profile = await openProfile(await enterArea(citizen));
      for (const words of [
        'Profilo CieID',
        'Credenziali livello 1 e 2',
        'Attive',
        'Scegli la modalità di utilizzo delle credenziali',
        'Credenziali livello 3',
        'non indicata',
      ]) {
        expectIncludes(profile.text, words, 'Gestione CieID');
      }
      expectTrue(
        profile.links.some((l) => l.text === AREA.changePassword),
        'a "Modifica Password" link',
      );
      expectTrue(
        profile.links.some((l) => l.text === 'Revoca livello 1 e livello 2'),
        'a "Revoca livello 1 e livello 2" link',
      );
      expectTrue(
        profile.links.some((l) => l.text === "Passa all'App CieID"),
        'the switch to the App for a citizen in SMS mode',
      );
      expectTrue(
        profile.links.some((l) => l.text === 'Aggiungi email'),
        'an "Aggiungi email" link',
      );
    },
  }),
  defineCheck({
    id: 'R-ACC-2.password',
    suite,
    covers: ['R-ACC-2', 'R-ACT-5', 'R-LOG-8'],
    title:
      'Modifica Password: a wrong current password, a new one outside the policy or the current one again are refused; then it changes, and the next login takes the new one',
    async run(ctx) {
      const citizen = await Citizen.withCredentials(ctx);
      const area = await enterArea(citizen);
      const profile = await openProfile(area);
      const form = await area.browser.open(profile.link(AREA.changePassword));
      const fill = (current: string, next: string) => ({ [AREA.password.current]: current, [AREA.password.next]: next, [AREA.password.confirm]: next });
      const wrong = await area.browser.submit(form, AREA.changePassword, fill('Sbagliata#123', NEW_PASSWORD));
      expectEqual(wrong.status, 400, 'the status of a wrong current password');
      expectIncludes(wrong.alert, 'La password attuale non è corretta', 'the refusal of a wrong current password');
      const weak = await area.browser.submit(wrong, AREA.changePassword, fill(citizen.password, 'corta'));
      expectEqual(weak.status, 400, 'the status of a new password outside the policy');
      expectIncludes(weak.alert, 'La password deve avere da 10 a 20 caratteri', 'the policy refusal');
      const same = await area.browser.submit(weak, AREA.changePassword, fill(citizen.password, citizen.password));
      expectEqual(same.status, 400, 'the status of the current password as the new one');
      expectIncludes(same.alert, 'una delle ultime 5 password', 'the history refusal');
      const done = await area.browser.submit(same, AREA.changePassword, fill(citizen.password, NEW_PASSWORD));
      expectEqual(done.heading, AREA.profile, 'the page after the change');
      expectIncludes(done.text, 'La password è stata modificata.', 'the page after the change');
      const notice = (await citizen.phone.messages())[0];
      expectIncludes(notice?.text, 'la password delle tue credenziali è stata modificata', 'the security notice');
      citizen.password = NEW_PASSWORD;
      // The change ended every other session, and a login stands only if its auth_time — whole seconds —
      // is after that end: a login within the same second is refused by design. A person takes longer
      // than a second to log in again; this client waits as long (over a second after the change, so the
      // server's next whole second has begun whatever its clock says).
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await enterArea(citizen);
    },
  }),
  defineCheck({
    id: 'R-ACC-3.area-mode',
    suite,
    covers: ['R-ACC-3', 'R-OTP-1'],
    title: 'The mode switch page sends an SMS code to the phone on record; a wrong code is refused, the right one switches to the App',
    async run(ctx) {
      const citizen = await Citizen.withCredentials(ctx);
      const area = await enterArea(citizen);
      const profile = await openProfile(area);
      const choice = await area.browser.open(profile.link("Passa all'App CieID"));
      const sent = await citizen.phone.count();
      const codePage = await area.browser.submit(choice, "Passa all'App CieID");
      expectTrue(codePage.hasField(LABEL.otp), `the code page after asking for the switch, got ${codePage.describe()}`);
      const code = await citizen.phone.latestCode(sent);
      const wrong = await area.browser.submit(codePage, AREA.confirm, { [LABEL.otp]: otherCode(code) });
      expectEqual(wrong.status, 400, 'the status of a wrong code');
      expectMatch(wrong.alert, /Tentativi rimasti: 4/, 'the refusal of a wrong code');
      const done = await area.browser.submit(wrong, AREA.confirm, { [LABEL.otp]: code });
      expectEqual(done.heading, AREA.profile, 'the page after the switch');
      expectIncludes(done.text, "Utilizza l'App CieID", 'the mode now in use');
      expectTrue(
        done.links.some((l) => l.text === "Passa all'invio OTP tramite SMS"),
        'the way back to SMS',
      );
    },
  }),
  defineCheck({
    id: 'area.email',
    suite,
    covers: ['R-ACT-7', 'R-OTP-1'],
    title: 'Aggiungi email: a code goes to the new address; once typed the address is on the profile and is a username',
    async run(ctx) {
      const citizen = await Citizen.withCredentials(ctx);
      const area = await enterArea(citizen);
      const profile = await openProfile(area);
      const form = await area.browser.open(profile.link('Aggiungi email'));
      const address = `area.${randomLabel()}@example.it`;
      const mailbox = new Mailbox(ctx, address);
      const codePage = await area.browser.submit(form, AREA.sendCode, { [AREA.email]: address });
      expectTrue(codePage.hasField(LABEL.otp), `the code page after "Invia codice", got ${codePage.describe()}`);
      const done = await area.browser.submit(codePage, AREA.confirm, { [LABEL.otp]: await mailbox.latestCode() });
      expectIncludes(done.text, address, 'the profile after the email was verified');
      expectIncludes(done.text, 'Modifica email', 'the profile after the email was verified');
    },
  }),
  defineCheck({
    id: 'area.logout',
    suite,
    covers: ['R-ACC-1'],
    title: '"Esci" ends the session: the landing page says so, and Gestione CieID sends back to it',
    async run(ctx) {
      const citizen = await Citizen.withCredentials(ctx);
      const area = await enterArea(citizen);
      const out = await area.browser.submit(area.home, AREA.logout);
      expectEqual(out.heading, AREA.landingHeading, 'the page after "Esci"');
      expectIncludes(out.text, AREA.loggedOut, 'the page after "Esci"');
      const again = await area.browser.open('/area-personale/gestione', { follow: false });
      expectEqual(again.status, 303, 'Gestione CieID after "Esci"');
    },
  }),
];

export const accountChecks: Check[] = [...profileChecks, ...accountActivityChecks, ...accountRevocationChecks];
