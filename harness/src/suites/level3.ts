import { expectEqual, expectIncludes, expectJson, expectMatch, expectStatus, expectTrue, fail } from '../core/assert.ts';
import { CheckFailure, defineCheck, type Check, type CheckContext } from '../core/check.ts';
import { VirtualApp, expectApiError, qrContent } from '../actors/app.ts';
import {
  type CardHolder,
  cardApproval,
  cardHolder,
  certifyByCard,
  deepLinkCode,
  foreignCertificate,
  presentCode,
  presentWithPin,
  readerHeaders,
  sendCardAnswer,
  signApproval,
  testHooksOn,
} from '../actors/app-card.ts';
import { Browser } from '../actors/browser.ts';
import type { AppCard } from '../actors/card.ts';
import { Citizen } from '../actors/citizen.ts';
import type { Page } from '../actors/html-page.ts';
import { L3, L3_REFUSAL, authorizeToIdToken, openLevel3, reloadLogin, toPhonePage, toQrPage, toReaderPage } from '../actors/level3-pages.ts';
import { lastFourDigits } from '../actors/card.ts';
import { BUTTON, TEXT } from '../actors/login-pages.ts';
import { Registry } from '../actors/registry.ts';
import { ACR } from '../actors/relying-party.ts';

/**
 * Level 3 logins (R-LVL-3, R-LOG-4, R-LOG-5, R-LOG-6, R-L3-1, R-CARD-4; docs/level3.md): the three
 * ways end to end — the App on this phone, a PC with the phone (QR code and OTP), a smart-card
 * reader — and what the deployment must refuse: another CA's certificate, a minor's card, a blocked
 * card, a replayed signature or deep link, a QR code used twice, an OTP typed in another browser.
 *
 * The reader's certificate reaches a Worker by Cloudflare's mTLS, which no harness can present; outside
 * production a documented header stands for it, honoured only with the test hooks on, so the reader
 * checks need TEST_HOOKS. Not here: that the header is ignored in production configuration (a
 * deployment in production has no test hooks to tell the two apart from outside; the workerd tests
 * check it), and the QR code's 300 s (a check would wait five minutes; the workerd tests run the clock).
 */
const suite = 'level3';

/** A card holder with the App CieID certified by the card itself (R-L3-2): no SMS, no test outbox. */
async function holderWithApp(ctx: CheckContext, options: { age?: number } = {}): Promise<CardHolder & { app: VirtualApp; card: AppCard }> {
  const h = await cardHolder(ctx, options);
  return { ...h, ...(await certifyByCard(h)) };
}

/** The App signs with the last 4 PIN digits (R-L3-1); the chip must accept them. */
async function sign(app: VirtualApp, card: AppCard, approval: Awaited<ReturnType<typeof cardApproval>>, pin: string) {
  const res = await signApproval(app, card, approval, lastFourDigits(pin));
  if (!('status' in res)) fail(`the virtual chip refused the last 4 PIN digits: ${JSON.stringify(res)}`);
  return res;
}

/** Phone way up to the App's approval: the login, the page, the approval of its deep link. */
async function phoneApproval(ctx: CheckContext, app: VirtualApp, clientName?: string) {
  const login = await openLevel3(ctx, clientName ? { clientName } : {});
  const page = await toPhonePage(login);
  const content = deepLinkCode(page.html);
  expectTrue(content.startsWith('CIEID-L3.'), `the deep link's code is no level 3 code: ${content.slice(0, 40)}`);
  return { login, page, content, approval: await cardApproval(app, content) };
}

/** The reader checks judge a header only a deployment with test hooks honours. */
async function needsTestHooks(ctx: CheckContext): Promise<void> {
  if (!(await testHooksOn(ctx))) {
    throw new CheckFailure(
      "skipped: needs TEST_HOOKS — the reader's certificate comes from mTLS in production; outside it the header X-CieID-Test-Client-Cert stands for it, honoured only with the test hooks on (/__test answered 404)",
    );
  }
}

async function expectRefusalPage(page: Page, words: string, what: string): Promise<void> {
  expectEqual(page.status, 403, `the status of ${what}`);
  expectIncludes(page.text, TEXT.refused, what);
  expectIncludes(page.text, words, what);
}

export const level3Checks: Check[] = [
  defineCheck({
    id: 'R-LOG-4',
    suite,
    covers: ['R-LOG-4', 'R-LVL-3', 'R-L3-1'],
    title:
      'on the phone: "Apri l\'applicazione CieID" (cieid://) → the App signs with the card, last 4 PIN digits → "Autorizza l\'invio dei dati" → acr SpidL3',
    async run(ctx) {
      const h = await holderWithApp(ctx);
      const { login, approval } = await phoneApproval(ctx, h.app);
      expectEqual(approval.rpName, login.clientName, "the approval's service");
      expectEqual(await h.app.approvals(), [], 'the pushes pending: a card approval is none');
      const res = await sign(h.app, h.card, approval, h.citizen.card.pin);
      expectStatus(res, 200);
      expectEqual(expectJson(res).outcome, 'approved', "the App's answer");
      const consent = await reloadLogin(login);
      expectIncludes(consent.text, `Stai accedendo come ${h.citizen.data.givenName} ${h.citizen.data.familyName}`, 'the consent page');
      const claims = await authorizeToIdToken(login, consent);
      expectEqual(claims.acr, ACR[3], "the ID token's acr");
    },
  }),
  defineCheck({
    id: 'R-LOG-4.deep-link-replay',
    suite,
    covers: ['R-LOG-4'],
    title: "the deep link's code is single use: presented again it is 410 code_refused",
    async run(ctx) {
      const h = await holderWithApp(ctx);
      const { content } = await phoneApproval(ctx, h.app);
      expectApiError(await presentCode(h.app, content), 410, 'code_refused');
    },
  }),
  defineCheck({
    id: 'R-LOG-4.signature-replay',
    suite,
    covers: ['R-LOG-4'],
    title: "a replayed card signature is refused (410) once the login has moved on; one over another login's challenge is 403",
    async run(ctx) {
      const h = await holderWithApp(ctx);
      const first = await phoneApproval(ctx, h.app);
      const second = await phoneApproval(ctx, h.app);
      const pin = h.citizen.card.pin;
      // Over the other login's challenge: the card's key signed, but not for this flow.
      const crossed = await sendCardAnswer(h.app, first.approval.id, await presentWithPin(h.chip, pin, second.approval.challenge));
      expectApiError(crossed, 403, 'card_refused');
      const signed = await presentWithPin(h.chip, pin, first.approval.challenge);
      expectStatus(await sendCardAnswer(h.app, first.approval.id, signed), 200);
      expectStatus(await sendCardAnswer(h.app, first.approval.id, signed), 410);
      expectIncludes((await reloadLogin(first.login)).text, L3.authorize, 'the login after the replay (consent, once)');
    },
  }),
  defineCheck({
    id: 'R-LOG-4.foreign-ca',
    suite,
    covers: ['R-L3-1', 'R-LOG-4'],
    title: "a certificate of another CA (the card's own serial, subject, key and our CA's name) is refused: 403 card_refused",
    async run(ctx) {
      const h = await holderWithApp(ctx);
      const { login, approval } = await phoneApproval(ctx, h.app);
      const genuine = await presentWithPin(h.chip, h.citizen.card.pin, approval.challenge);
      const forged = { ...genuine, certificate: foreignCertificate(genuine.certificate) };
      expectApiError(await sendCardAnswer(h.app, approval.id, forged), 403, 'card_refused');
      // The login waits: the rightful card still works.
      expectStatus(await sendCardAnswer(h.app, approval.id, genuine), 200);
      expectIncludes((await reloadLogin(login)).text, L3.authorize, 'the login after the genuine signature');
    },
  }),
  defineCheck({
    id: 'R-CARD-4.level3',
    suite,
    covers: ['R-CARD-4', 'R-LOG-4'],
    title: "a minor's card is refused at level 3 (403); the login ends on the refusal page and the service gets access_denied",
    async run(ctx) {
      // A device holding no card signs with any card (as a reader reads any): the minor's on an adult's App.
      const adult = await Citizen.withCredentials(ctx);
      const app = await VirtualApp.certify(adult);
      const minor = await cardHolder(ctx, { age: 16 });
      const { login, approval } = await phoneApproval(ctx, app);
      const refused = expectApiError(
        await sendCardAnswer(app, approval.id, await presentWithPin(minor.chip, minor.citizen.card.pin, approval.challenge)),
        403,
        'card_refused',
      );
      expectEqual(refused.error_description, L3_REFUSAL.minor, 'the refusal');
      const page = await reloadLogin(login);
      await expectRefusalPage(page, L3_REFUSAL.minor, "the login after a minor's card");
      const callback = login.rp.callback(await login.browser.submit(page, BUTTON.backToService));
      expectEqual(callback.params.get('error'), 'access_denied', 'the error the service gets');
    },
  }),
  defineCheck({
    id: 'R-CARD-3.level3',
    suite,
    covers: ['R-CARD-3', 'R-LOG-4'],
    title: 'a card blocked between the approval and the signature is refused (403); the login ends on "La tua carta è bloccata"',
    async run(ctx) {
      const h = await holderWithApp(ctx);
      const { login, approval } = await phoneApproval(ctx, h.app);
      await new Registry(ctx).block(h.citizen.serial, 'stolen');
      expectApiError(await sign(h.app, h.card, approval, h.citizen.card.pin), 403, 'card_refused');
      await expectRefusalPage(await reloadLogin(login), L3_REFUSAL.blocked, 'the login after a blocked card');
    },
  }),
  defineCheck({
    id: 'R-LOG-5',
    suite,
    covers: ['R-LOG-5', 'R-LVL-3'],
    title: 'on a PC with the phone: "Numero di serie" → FASE 1 QR code → the App scans and signs, shows a 4-digit OTP → FASE 2 → consent → acr SpidL3',
    async run(ctx) {
      const h = await holderWithApp(ctx);
      const login = await openLevel3(ctx);
      const qr = await toQrPage(login, await toPhonePage(login), h.citizen.serial);
      expectIncludes(qr.text, `Numero di serie della carta: ${h.citizen.serial}`, 'FASE 1');
      expectMatch(qr.text, /il codice QR sarà valido ancora per/, "the QR code's validity on FASE 1");
      const approval = await cardApproval(h.app, qrContent(qr));
      const answer = await sign(h.app, h.card, approval, h.citizen.card.pin);
      expectStatus(answer, 200);
      const otp = expectMatch(String(expectJson(answer).otp ?? ''), /^\d{4}$/, "the App's OTP");
      const fase2 = await reloadLogin(login);
      expectIncludes(fase2.text, L3.scanned, 'the PC page after the App signed');
      const consent = await login.browser.submit(fase2, L3.proceed, { [L3.otp]: otp });
      expectEqual((await authorizeToIdToken(login, consent)).acr, ACR[3], "the ID token's acr");
    },
  }),
  defineCheck({
    id: 'R-LOG-5.qr-twice',
    suite,
    covers: ['R-LOG-5'],
    title: 'the QR code is single use: scanned a second time it is 410 code_refused',
    async run(ctx) {
      const h = await holderWithApp(ctx);
      const login = await openLevel3(ctx);
      const qr = await toQrPage(login, await toPhonePage(login), h.citizen.serial);
      const content = qrContent(qr);
      await cardApproval(h.app, content);
      expectApiError(await presentCode(h.app, content), 410, 'code_refused');
    },
  }),
  defineCheck({
    id: 'R-LOG-5.other-browser',
    suite,
    covers: ['R-LOG-5'],
    title: 'the OTP typed in a browser other than the one that showed the QR code is refused (410); the right browser then goes on',
    async run(ctx) {
      const h = await holderWithApp(ctx);
      const login = await openLevel3(ctx);
      const qr = await toQrPage(login, await toPhonePage(login), h.citizen.serial);
      const answer = await sign(h.app, h.card, await cardApproval(h.app, qrContent(qr)), h.citizen.card.pin);
      expectStatus(answer, 200);
      const otp = String(expectJson(answer).otp);
      const fase2 = await reloadLogin(login);
      const stranger = await new Browser(ctx).submit(fase2, L3.proceed, { [L3.otp]: otp });
      expectEqual(stranger.status, 410, 'the status for the OTP typed in another browser');
      const consent = await login.browser.submit(fase2, L3.proceed, { [L3.otp]: otp });
      expectIncludes(consent.text, L3.authorize, 'the page after the OTP in the right browser');
    },
  }),
  defineCheck({
    id: 'R-LOG-5.wrong-otp',
    suite,
    covers: ['R-LOG-5'],
    title: 'a wrong OTP on FASE 2 → start again: the serial page says "Il codice OTP non è corretto"',
    async run(ctx) {
      const h = await holderWithApp(ctx);
      const login = await openLevel3(ctx);
      const qr = await toQrPage(login, await toPhonePage(login), h.citizen.serial);
      const answer = await sign(h.app, h.card, await cardApproval(h.app, qrContent(qr)), h.citizen.card.pin);
      expectStatus(answer, 200);
      const otp = String(expectJson(answer).otp);
      const wrong = String((Number(otp) + 1) % 10_000).padStart(4, '0');
      const again = await login.browser.submit(await reloadLogin(login), L3.proceed, { [L3.otp]: wrong });
      expectIncludes(again.text, L3.otpWrong, 'the page after a wrong OTP');
      expectTrue(again.hasField(L3.serial), `no "${L3.serial}" to start again on ${again.describe()}`);
    },
  }),
  defineCheck({
    id: 'R-LOG-6',
    suite,
    covers: ['R-LOG-6', 'R-LVL-3'],
    title: 'with a smart-card reader: "Prosegui con computer" → the card\'s certificate (test hooks\' header for mTLS) → consent → acr SpidL3',
    async run(ctx) {
      await needsTestHooks(ctx);
      const h = await cardHolder(ctx);
      const login = await openLevel3(ctx);
      const reader = await toReaderPage(login);
      const none = await login.browser.submit(reader, L3.readerProceed);
      expectEqual(none.status, 403, 'the status without a card on the reader');
      expectIncludes(none.alert ?? '', L3.noCard, 'the reader page without a card');
      const consent = await login.browser.submit(none, L3.readerProceed, {}, { headers: readerHeaders(h.chip.certificate) });
      expectIncludes(consent.text, `Stai accedendo come ${h.citizen.data.givenName} ${h.citizen.data.familyName}`, 'the consent page');
      expectEqual((await authorizeToIdToken(login, consent)).acr, ACR[3], "the ID token's acr");
    },
  }),
  defineCheck({
    id: 'R-LOG-6.refusals',
    suite,
    covers: ['R-LOG-6', 'R-CARD-4', 'R-CARD-3'],
    title: "the reader refuses another CA's certificate (the reader page again, 403), a minor's card and a blocked card (the refusal page)",
    async run(ctx) {
      await needsTestHooks(ctx);
      const [adult, minor, blocked] = await Promise.all([cardHolder(ctx), cardHolder(ctx, { age: 16 }), cardHolder(ctx)]);
      await new Registry(ctx).block(blocked.citizen.serial, 'lost');
      const foreign = await openLevel3(ctx);
      const reader = await toReaderPage(foreign);
      const refused = await foreign.browser.submit(reader, L3.readerProceed, {}, { headers: readerHeaders(foreignCertificate(adult.chip.certificate)) });
      expectEqual(refused.status, 403, "the status for another CA's certificate");
      expectIncludes(refused.text, L3.reader, "the page after another CA's certificate (the reader page again)");
      for (const [h, words, what] of [
        [minor, L3_REFUSAL.minor, "a minor's card"],
        [blocked, L3_REFUSAL.blocked, 'a blocked card'],
      ] as const) {
        const login = await openLevel3(ctx);
        const page = await login.browser.submit(await toReaderPage(login), L3.readerProceed, {}, { headers: readerHeaders(h.chip.certificate) });
        await expectRefusalPage(page, words, `the reader with ${what}`);
      }
    },
  }),
];
