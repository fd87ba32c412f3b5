import { expectEqual, expectIncludes, expectMatch, expectTrue, fail } from '../core/assert.ts';
import { defineCheck, type Check, type CheckContext } from '../core/check.ts';
import { ACTIVATION_ENTRY, BUTTON, HEADING, LABEL, MISMATCH, PUK_DIGIT_LABEL, RESTART_LINK, STEPPER } from '../actors/activation-pages.ts';
import { Browser } from '../actors/browser.ts';
import { otherCode } from '../actors/outbox.ts';
import { Citizen, GOOD_PASSWORD, expectHeading, newCardRequest, uniqueEmail } from '../actors/citizen.ts';
import type { Page } from '../actors/html-page.ts';
import { openLogin, signIn } from '../actors/login.ts';
import { ACR, RelyingParty } from '../actors/relying-party.ts';
import { Registry } from '../actors/registry.ts';
import { TEXT } from '../actors/login-pages.ts';

/** R-ACT-1, R-ACT-2, R-ACT-3, R-ACT-4, R-ACT-5, R-ACT-6, R-ACT-7, R-ACT-8, R-ACT-9, R-OTP-1, R-OTP-2, R-OTP-3, R-PUK-3: the activation pages, each check with a card of its own. */
const suite = 'activation';
const PUK_ATTEMPTS_LEFT = /Tentativi rimasti: (\d+)/;
const OTP_ATTEMPTS = 5;
const PUK_LIMIT = 10;

/** A page the step re-rendered with an error: the status, the same heading, an alert. */
function expectRefusedOn(page: Page, status: number, heading: string, what: string): string {
  if (page.status !== status || page.heading !== heading || !page.alert) {
    fail(`${what}: expected ${status} on "${heading}" with an alert, got ${page.describe()}`);
  }
  return page.alert;
}

function attemptsLeft(page: Page): number {
  const m = PUK_ATTEMPTS_LEFT.exec(page.alert ?? '');
  if (!m) fail(`expected "Tentativi rimasti: N" in the alert of ${page.describe()}`);
  return Number(m[1]);
}

/** The codice fiscale and serial typed at 1.1 for a card that is not this one. */
async function firstStep(ctx: CheckContext): Promise<{ browser: Browser; page: Page }> {
  const browser = new Browser(ctx);
  return { browser, page: expectHeading(await browser.open(ACTIVATION_ENTRY), HEADING.dati) };
}

function cardData(citizen: Citizen) {
  return { [LABEL.fiscalCode]: citizen.fiscalCode, [LABEL.serial]: citizen.serial };
}

export const activationChecks: Check[] = [
  defineCheck({
    id: 'R-ACT-1',
    suite,
    covers: ['R-ACT-1'],
    title: 'step 1.1: the stepper, the card fields by label, and codice fiscale + serial lead to the PUK step',
    async run(ctx) {
      const citizen = await Citizen.issue(ctx);
      const { browser, page } = await firstStep(ctx);
      expectEqual(page.currentStep, STEPPER[0], 'the current step of the stepper');
      for (const stage of STEPPER) expectIncludes(page.text, stage, 'the stepper');
      expectEqual(page.field(LABEL.fiscalCode).type, 'text', `the type of "${LABEL.fiscalCode}"`);
      page.field(LABEL.serial);
      expectTrue(page.hasButton(BUTTON.cancel), `step 1.1 has no "${BUTTON.cancel}"`);
      expectHeading(await browser.submit(page, BUTTON.next, cardData(citizen)), HEADING.puk);
    },
  }),
  defineCheck({
    id: 'R-ACT-1.mismatch',
    suite,
    covers: ['R-ACT-1'],
    title: 'step 1.1: a codice fiscale and serial that do not belong together get one generic 400 message',
    async run(ctx) {
      const [a, b] = await Promise.all([Citizen.issue(ctx), Citizen.issue(ctx)]);
      const { browser, page } = await firstStep(ctx);
      const alerts = new Set<string>();
      for (const [cf, serial] of [
        [a.fiscalCode, b.serial],
        [newCardRequest().fiscalCode, a.serial],
      ] as const) {
        const res = await browser.submit(page, BUTTON.next, { [LABEL.fiscalCode]: cf, [LABEL.serial]: serial });
        const alert = expectRefusedOn(res, 400, HEADING.dati, `codice fiscale ${cf} with serial ${serial}`);
        expectIncludes(alert, MISMATCH, 'the alert');
        alerts.add(alert);
      }
      expectEqual(alerts.size, 1, 'the number of different messages (which half was wrong must not be told)');
    },
  }),
  defineCheck({
    id: 'R-ACT-1.csrf',
    suite,
    covers: ['R-ACT-1'],
    title: "step 1.1: a post without the form's CSRF token is refused with 403 and starts no flow",
    async run(ctx) {
      const citizen = await Citizen.issue(ctx);
      const { browser, page } = await firstStep(ctx);
      const res = await browser.submit(page, BUTTON.next, cardData(citizen), { raw: { csrf: null } });
      expectEqual(res.status, 403, `the status of a post without the CSRF token (${res.describe()})`);
      expectEqual((await browser.open(ACTIVATION_ENTRY)).heading, HEADING.dati, 'the step after the refused post');
    },
  }),
  defineCheck({
    id: 'R-ACT-2',
    suite,
    covers: ['R-ACT-2'],
    title: "step 1.2: two digits of the PUK's first half; a wrong answer is 400 and counts on the card",
    async run(ctx) {
      const citizen = await Citizen.issue(ctx);
      const { browser, page } = await citizen.activation('puk');
      const positions = page
        .labels()
        .filter((l) => PUK_DIGIT_LABEL.test(l))
        .map((l) => Number(PUK_DIGIT_LABEL.exec(l)![1]));
      expectEqual(positions.length, 2, 'the number of PUK digits asked');
      expectTrue(
        positions.every((p) => p >= 1 && p <= 4) && positions[0] !== positions[1],
        `the positions must be two distinct ones of the first half (1–4), got ${positions}`,
      );
      expectIncludes(page.text, `Inserisci la ${positions[0]}° e ${positions[1]}° cifra della prima parte del codice PUK`, 'the PUK page');
      const wrong = await browser.submit(page, BUTTON.next, citizen.pukDigits(page, true));
      expectRefusedOn(wrong, 400, HEADING.puk, 'a wrong PUK digit');
      expectEqual(attemptsLeft(wrong), PUK_LIMIT, 'the attempts left after one wrong answer');
      expectEqual((await new Registry(ctx).card(citizen.serial)).pukFailures, 1, "the card's PUK failures in the registry");
      expectHeading(await browser.submit(wrong, BUTTON.next, citizen.pukDigits(wrong)), HEADING.cellulare);
    },
  }),
  defineCheck({
    id: 'R-ACT-2.positions',
    suite,
    covers: ['R-ACT-2'],
    title: 'step 1.2: the positions asked are drawn again at each attempt',
    async run(ctx) {
      const citizen = await Citizen.issue(ctx);
      const { browser, page } = await citizen.activation('puk');
      const seen = new Set<string>();
      // Eight fresh draws of six possible pairs all equal to the first: about 1 in 1.7 million.
      await citizen.wrongPukAnswers(browser, page, 8, (p) =>
        seen.add(
          p
            .labels()
            .filter((l) => PUK_DIGIT_LABEL.test(l))
            .join(),
        ),
      );
      seen.add(
        page
          .labels()
          .filter((l) => PUK_DIGIT_LABEL.test(l))
          .join(),
      );
      expectTrue(seen.size > 1, `nine PUK pages asked for the same positions every time: ${[...seen].join(' / ')}`);
    },
  }),
  defineCheck({
    id: 'R-ACT-3',
    suite,
    covers: ['R-ACT-3', 'R-OTP-1'],
    title: 'step 2.1: the number on record is shown masked; "Continua" sends one 4-digit SMS code',
    async run(ctx) {
      const citizen = await Citizen.issue(ctx);
      const { browser, page } = await citizen.activation('cellulare');
      const phone = citizen.phone.number;
      expectIncludes(page.text, `+39${'*'.repeat(phone.length - 6)}${phone.slice(-3)}`, 'the masked number on step 2.1');
      expectTrue(!page.text.includes(phone.slice(3)), 'step 2.1 shows the whole mobile number');
      expectEqual(await citizen.phone.count(), 0, 'the SMS sent before "Continua"');
      const otp = await browser.submit(page, BUTTON.next);
      expectHeading(otp, HEADING.cellulare);
      otp.field(LABEL.otp);
      expectTrue(otp.hasButton(BUTTON.resendSms), `no "${BUTTON.resendSms}" on the code step`);
      expectEqual(await citizen.phone.count(), 1, 'the SMS sent by "Continua"');
      expectMatch(await citizen.phone.latestCode(), /^\d{4}$/, 'the SMS code');
    },
  }),
  defineCheck({
    id: 'R-ACT-4',
    suite,
    covers: ['R-ACT-4'],
    title: 'step 2.2 is optional: the card\'s address is offered, "Non adesso" skips it and sends nothing',
    async run(ctx) {
      const email = uniqueEmail('carta');
      const citizen = await Citizen.issue(ctx, { email });
      const { browser, page } = await citizen.activation('email');
      expectIncludes(page.text, 'FACOLTATIVO', 'step 2.2');
      expectEqual(page.field(LABEL.email).value, email, `the prefilled "${LABEL.email}"`);
      expectHeading(await browser.submit(page, BUTTON.notNow), HEADING.password);
      expectEqual(await citizen.mailbox(email).count(), 0, 'the emails sent after "Non adesso"');
    },
  }),
  defineCheck({
    id: 'R-ACT-4.verify',
    suite,
    covers: ['R-ACT-4', 'R-OTP-1'],
    title: 'step 2.2: a 4-digit code sent by email verifies the address; a wrong one is refused',
    async run(ctx) {
      const citizen = await Citizen.issue(ctx);
      const email = uniqueEmail('verifica');
      const { browser, page } = await citizen.activation('otp-email', { email });
      const code = expectMatch(await citizen.mailbox(email).latestCode(), /^\d{4}$/, 'the email code');
      const wrong = await browser.submit(page, BUTTON.next, { [LABEL.otp]: otherCode(code) });
      expectRefusedOn(wrong, 400, HEADING.email, 'a wrong email code');
      const next = expectHeading(await browser.submit(wrong, BUTTON.next, { [LABEL.otp]: code }), HEADING.password);
      expectIncludes(next.text, email, 'step 2.3 (the verified address)');
    },
  }),
  defineCheck({
    id: 'R-ACT-5',
    suite,
    covers: ['R-ACT-5'],
    title: 'step 2.3: passwords breaking the policy are refused; a good one moves on',
    async run(ctx) {
      const citizen = await Citizen.issue(ctx);
      let { browser, page } = await citizen.activation('password');
      const bad: [string, string][] = [
        ['9 characters', 'Ab1!efghi'],
        ['21 characters', 'Ab1!efghijklmnopqrstu'],
        ['no upper-case letter', 'ab1!efghijk'],
        ['no lower-case letter', 'AB1!EFGHIJK'],
        ['no digit', 'Abc!efghijk'],
        ['no symbol', 'Abc1efghijk'],
        ['three equal characters in a row', 'Abc1!eeefgh'],
      ];
      for (const [what, password] of bad) {
        page = await browser.submit(page, BUTTON.next, { [LABEL.password]: password, [LABEL.passwordConfirm]: password, [LABEL.gdpr]: true });
        expectRefusedOn(page, 400, HEADING.password, `a password with ${what} (${password})`);
      }
      // The limits themselves are allowed: 10 and 20 characters, two equal in a row.
      for (const password of ['Ab1!eefghi', 'Ab1!efghijklmnopqrst']) {
        const fresh = await citizen.activation('password');
        const next = await fresh.browser.submit(fresh.page, BUTTON.next, { [LABEL.password]: password, [LABEL.passwordConfirm]: password, [LABEL.gdpr]: true });
        if (next.heading !== HEADING.configura) fail(`the valid password ${password} was refused: ${next.describe()}`);
      }
    },
  }),
  defineCheck({
    id: 'R-ACT-5.confirm',
    suite,
    covers: ['R-ACT-5'],
    title: 'step 2.3: the password is typed twice and the GDPR notice must be acknowledged',
    async run(ctx) {
      const citizen = await Citizen.issue(ctx);
      const { browser, page } = await citizen.activation('password');
      const mismatch = await browser.submit(page, BUTTON.next, {
        [LABEL.password]: GOOD_PASSWORD,
        [LABEL.passwordConfirm]: `${GOOD_PASSWORD}x`,
        [LABEL.gdpr]: true,
      });
      expectRefusedOn(mismatch, 400, HEADING.password, 'two different passwords');
      expectTrue(!mismatch.html.includes(GOOD_PASSWORD), 'the refused page sends the password back');
      const noGdpr = await browser.submit(mismatch, BUTTON.next, {
        [LABEL.password]: GOOD_PASSWORD,
        [LABEL.passwordConfirm]: GOOD_PASSWORD,
        [LABEL.gdpr]: false,
      });
      expectRefusedOn(noGdpr, 400, HEADING.password, 'the GDPR notice not acknowledged');
    },
  }),
  defineCheck({
    id: 'R-ACT-6.app',
    suite,
    covers: ['R-ACT-6'],
    title: 'step 3 offers App CieID and SMS; choosing App CieID is what the card records',
    async run(ctx) {
      const citizen = await Citizen.issue(ctx);
      const { browser, page } = await citizen.activation('configura');
      expectTrue(page.hasButton(BUTTON.chooseSms), `no "${BUTTON.chooseSms}" button on ${page.describe()}`);
      expectHeading(await browser.submit(page, BUTTON.chooseApp), HEADING.riepilogo);
      expectEqual((await new Registry(ctx).card(citizen.serial)).credentials?.mode, 'app', 'the level 2 mode the registry shows');
    },
  }),
  defineCheck({
    id: 'R-ACT-6.sms',
    suite,
    covers: ['R-ACT-6'],
    title: 'step 3: choosing SMS is what the card records',
    async run(ctx) {
      const citizen = await Citizen.issue(ctx);
      await citizen.activate({ mode: 'sms' });
      expectEqual((await new Registry(ctx).card(citizen.serial)).credentials?.mode, 'sms', 'the level 2 mode the registry shows');
    },
  }),
  defineCheck({
    id: 'R-ACT-7',
    suite,
    covers: ['R-ACT-7'],
    title: 'step 4: the summary names the usernames (codice fiscale, serial, verified email) and the flow ends',
    async run(ctx) {
      const citizen = await Citizen.issue(ctx);
      const email = uniqueEmail('riepilogo');
      const { browser, page } = await citizen.activation('riepilogo', { email });
      expectIncludes(page.text, 'ATTIVAZIONE COMPLETATA', 'the summary');
      expectEqual(page.currentStep, STEPPER[3], 'the current step of the stepper');
      for (const username of [citizen.fiscalCode, citizen.serial, email]) expectIncludes(page.text, username, 'the usernames on the summary');
      expectHeading(await browser.open(ACTIVATION_ENTRY), HEADING.dati);
    },
  }),
  defineCheck({
    id: 'R-ACT-8',
    suite,
    covers: ['R-ACT-8'],
    title: '"Annulla attivazione" abandons the flow: "Attivazione annullata", nothing saved, "Ricomincia" starts over',
    async run(ctx) {
      const citizen = await Citizen.issue(ctx);
      const { browser, page } = await citizen.activation('configura');
      const cancelled = await browser.submit(page, BUTTON.cancel);
      expectEqual(cancelled.status, 200, `the status of "${BUTTON.cancel}"`);
      expectHeading(cancelled, HEADING.annullata);
      const card = await new Registry(ctx).card(citizen.serial);
      expectEqual(card.credentials, null, 'the credentials of the card after cancelling');
      expectHeading(await browser.open(cancelled.link(RESTART_LINK)), HEADING.dati);
      // The cancelled flow's last form is worthless now.
      const late = await browser.submit(page, BUTTON.chooseSms);
      expectTrue(late.heading !== HEADING.riepilogo, `the cancelled flow still saved credentials: ${late.describe()}`);
      expectEqual((await new Registry(ctx).card(citizen.serial)).credentials, null, 'the credentials after posting to the cancelled flow');
    },
  }),
  defineCheck({
    id: 'R-ACT-9',
    suite,
    covers: ['R-ACT-9'],
    title: 'activating again replaces the password: the new one logs in, the old one no longer does',
    async run(ctx) {
      const citizen = await Citizen.withCredentials(ctx);
      const old = citizen.password;
      await citizen.activate({ password: 'Altra#Parola77' });
      const rp = await RelyingParty.create(ctx);
      const first = await openLogin(rp, { overrides: { acr_values: ACR[1] } });
      const refused = await signIn(first.browser, first.page, citizen.fiscalCode, old);
      expectEqual(refused.status, 400, `the status for the replaced password (${refused.describe()})`);
      expectIncludes(refused.alert ?? '', TEXT.wrongCredentials, 'the alert for the replaced password');
      const second = await openLogin(rp, { overrides: { acr_values: ACR[1] } });
      const accepted = await signIn(second.browser, second.page, citizen.fiscalCode, citizen.password);
      expectIncludes(accepted.text, TEXT.consentTo, `the page after the new password (${accepted.describe()})`);
    },
  }),
  defineCheck({
    id: 'R-OTP-1',
    suite,
    covers: ['R-OTP-1'],
    title: 'an SMS code is bound to its flow: another flow of the same card refuses it',
    async run(ctx) {
      const citizen = await Citizen.issue(ctx);
      const a = await citizen.activation('otp-sms');
      const codeA = await citizen.phone.latestCode();
      let b = await citizen.activation('otp-sms');
      // A 1-in-10,000 coincidence would prove nothing: draw the other flow again.
      for (let i = 0; i < 3 && (await citizen.phone.latestCode()) === codeA; i++) b = await citizen.activation('otp-sms');
      if ((await citizen.phone.latestCode()) === codeA) fail('three flows got the same code as the first: codes are not drawn per flow');
      const foreign = await b.browser.submit(b.page, BUTTON.next, { [LABEL.otp]: codeA });
      expectRefusedOn(foreign, 400, HEADING.cellulare, 'the code of another flow');
      expectHeading(await a.browser.submit(a.page, BUTTON.next, { [LABEL.otp]: codeA }), HEADING.email);
    },
  }),
  defineCheck({
    id: 'R-OTP-1.malformed',
    suite,
    covers: ['R-OTP-1', 'R-OTP-2'],
    title: 'a code that is not 4 digits is refused without counting as a wrong code',
    async run(ctx) {
      const citizen = await Citizen.issue(ctx);
      const { browser, page } = await citizen.activation('otp-sms');
      const code = await citizen.phone.latestCode();
      let current = page;
      for (const typed of ['123', '12345', 'abcd']) {
        current = await browser.submit(current, BUTTON.next, { [LABEL.otp]: typed });
        expectRefusedOn(current, 400, HEADING.cellulare, `the code "${typed}"`);
      }
      const wrong = await browser.submit(current, BUTTON.next, { [LABEL.otp]: otherCode(code) });
      expectRefusedOn(wrong, 400, HEADING.cellulare, 'a wrong code');
      expectEqual(attemptsLeft(wrong), OTP_ATTEMPTS - 1, 'the attempts left after malformed codes and one wrong code');
    },
  }),
  defineCheck({
    id: 'R-OTP-2',
    suite,
    covers: ['R-OTP-2'],
    title: 'the fifth wrong code closes the flow (410, "Ricomincia"); the right code is worthless afterwards',
    async run(ctx) {
      const citizen = await Citizen.issue(ctx);
      const { browser, page } = await citizen.activation('otp-sms');
      const code = await citizen.phone.latestCode();
      let current = page;
      for (let n = 1; n < OTP_ATTEMPTS; n++) {
        current = await browser.submit(current, BUTTON.next, { [LABEL.otp]: otherCode(code) });
        expectRefusedOn(current, 400, HEADING.cellulare, `wrong code number ${n}`);
        expectEqual(attemptsLeft(current), OTP_ATTEMPTS - n, `the attempts left after ${n} wrong code(s)`);
      }
      const closed = await browser.submit(current, BUTTON.next, { [LABEL.otp]: otherCode(code) });
      expectEqual(closed.status, 410, `the status after the fifth wrong code (${closed.describe()})`);
      closed.link(RESTART_LINK);
      const late = await browser.submit(current, BUTTON.next, { [LABEL.otp]: code });
      expectTrue(late.heading !== HEADING.email, 'the right code was accepted after the flow was closed');
    },
  }),
  defineCheck({
    id: 'R-OTP-3',
    suite,
    covers: ['R-OTP-3'],
    title: '"Invia SMS di nuovo" within 30 s: 429 with Retry-After, nothing sent, the first code still good',
    async run(ctx) {
      const citizen = await Citizen.issue(ctx);
      const { browser, page } = await citizen.activation('otp-sms');
      const soon = await browser.submit(page, BUTTON.resendSms);
      expectRefusedOn(soon, 429, HEADING.cellulare, 'a re-send within 30 s');
      const retry = Number(soon.headers.get('Retry-After'));
      expectTrue(retry > 0 && retry <= 30, `Retry-After must be 1–30 seconds, got ${JSON.stringify(soon.headers.get('Retry-After'))}`);
      expectEqual(await citizen.phone.count(), 1, 'the SMS sent after a re-send within 30 s');
      expectHeading(await browser.submit(soon, BUTTON.next, { [LABEL.otp]: await citizen.phone.latestCode() }), HEADING.email);
    },
  }),
  defineCheck({
    id: 'R-OTP-3.resend',
    suite,
    covers: ['R-OTP-3'],
    title: 'after 30 s a re-send issues a new code and the old one stops working (waits 31 s)',
    async run(ctx) {
      const citizen = await Citizen.issue(ctx);
      const { browser, page } = await citizen.activation('otp-sms');
      const first = await citizen.phone.latestCode();
      ctx.log('waiting 31 s for the re-send window');
      await new Promise((resolve) => setTimeout(resolve, 31_000));
      const resent = await browser.submit(page, BUTTON.resendSms);
      expectEqual(resent.status, 200, `the status of a re-send after 30 s (${resent.describe()})`);
      const second = await citizen.phone.latestCode(1);
      if (second !== first) {
        const old = await browser.submit(resent, BUTTON.next, { [LABEL.otp]: first });
        expectRefusedOn(old, 400, HEADING.cellulare, 'the replaced code');
      } else {
        ctx.log('the new code happens to equal the old one (1 in 10,000): only the new one is tried');
      }
      expectHeading(await browser.submit(resent, BUTTON.next, { [LABEL.otp]: second }), HEADING.email);
    },
  }),
  defineCheck({
    id: 'R-OTP-3.daily-cap',
    suite,
    covers: ['R-OTP-3'],
    title: 'a daily cap of codes per identity: after 10 sends a new flow gets 429 and no SMS',
    async run(ctx) {
      const citizen = await Citizen.issue(ctx);
      const CAP = 10;
      for (let i = 0; i < CAP; i++) await citizen.activation('otp-sms');
      expectEqual(await citizen.phone.count(), CAP, 'the SMS sent by ten flows');
      const { browser, page } = await citizen.activation('cellulare');
      const capped = await browser.submit(page, BUTTON.next);
      expectRefusedOn(capped, 429, HEADING.cellulare, 'the eleventh send of the day');
      expectMatch(capped.headers.get('Retry-After'), /^\d+$/, 'the Retry-After of the capped send');
      expectEqual(await citizen.phone.count(), CAP, 'the SMS sent after the cap');
    },
  }),
  defineCheck({
    id: 'R-PUK-3.tenth',
    suite,
    covers: ['R-PUK-3', 'R-ACT-2'],
    title: 'ten wrong PUK answers do not block the card: the right digits still pass',
    async run(ctx) {
      const citizen = await Citizen.issue(ctx);
      const { browser, page } = await citizen.activation('puk');
      const last = await citizen.wrongPukAnswers(browser, page, PUK_LIMIT, (p, n) => {
        expectRefusedOn(p, 400, HEADING.puk, `wrong PUK answer number ${n}`);
        expectEqual(attemptsLeft(p), PUK_LIMIT + 1 - n, `the attempts left after ${n} wrong answer(s)`);
      });
      const card = await new Registry(ctx).card(citizen.serial);
      expectEqual(card.pukFailures, PUK_LIMIT, "the card's PUK failures");
      expectEqual(card.status, 'issued', "the card's status after ten wrong answers");
      expectHeading(await browser.submit(last, BUTTON.next, citizen.pukDigits(last)), HEADING.cellulare);
    },
  }),
  defineCheck({
    id: 'R-PUK-3.eleventh',
    suite,
    covers: ['R-PUK-3', 'R-ACT-2'],
    title: 'the eleventh wrong PUK answer blocks the card for digital identity, for good',
    async run(ctx) {
      const citizen = await Citizen.issue(ctx);
      const { browser, page } = await citizen.activation('puk');
      const blocked = await citizen.wrongPukAnswers(browser, page, PUK_LIMIT + 1);
      expectEqual(blocked.status, 403, `the status of the eleventh wrong answer (${blocked.describe()})`);
      expectIncludes(blocked.text, 'bloccata in modo permanente', 'the refusal');
      const card = await new Registry(ctx).card(citizen.serial);
      expectEqual(card.status, 'puk_blocked', "the card's status in the registry");
      expectEqual(card.pukFailures, PUK_LIMIT + 1, "the card's PUK failures");
      const { browser: again, page: first } = await firstStep(ctx);
      const refused = await again.submit(first, BUTTON.next, cardData(citizen));
      expectEqual(refused.status, 403, `a new activation with the right data (${refused.describe()})`);
      expectIncludes(refused.heading, HEADING.refused, 'the heading of the new activation');
    },
  }),
  defineCheck({
    id: 'R-CARD-3.activation',
    suite,
    covers: ['R-CARD-3'],
    title: 'a blocked card is refused at step 1.1 at once: 403 "Attivazione non possibile"',
    async run(ctx) {
      const citizen = await Citizen.issue(ctx);
      await new Registry(ctx).block(citizen.serial, 'stolen');
      const { browser, page } = await firstStep(ctx);
      const refused = await browser.submit(page, BUTTON.next, cardData(citizen));
      expectEqual(refused.status, 403, `the status for a blocked card (${refused.describe()})`);
      expectEqual(refused.heading, HEADING.refused, 'the heading for a blocked card');
      expectIncludes(refused.text, 'bloccata', 'the reason given');
    },
  }),
  defineCheck({
    id: 'R-CARD-4.activation',
    suite,
    covers: ['R-CARD-4'],
    title: 'a holder under 5 gets no digital identity: 403 at step 1.1; a 5-year-old goes on',
    async run(ctx) {
      const [four, five] = await Promise.all([Citizen.issue(ctx, { age: 4 }), Citizen.issue(ctx, { age: 5 })]);
      const { browser, page } = await firstStep(ctx);
      const refused = await browser.submit(page, BUTTON.next, cardData(four));
      expectEqual(refused.status, 403, `the status for a 4-year-old (${refused.describe()})`);
      expectEqual(refused.heading, HEADING.refused, 'the heading for a 4-year-old');
      await five.activation('puk');
    },
  }),
];
