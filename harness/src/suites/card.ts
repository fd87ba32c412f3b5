import { expectEqual, expectIncludes, expectJson, expectStatus, expectTrue, fail } from '../core/assert.ts';
import { defineCheck, type Check, type CheckContext } from '../core/check.ts';
import { VirtualApp, appCall, expectApiError } from '../actors/app.ts';
import {
  CARD_REGISTERED,
  PIN_BLOCKED_WAY,
  type CardHolder,
  cardApproval,
  cardHolder,
  cardOnlyStart,
  certifyByCard,
  chipOf,
  deepLinkCode,
  foreignCertificate,
  presentWithPin,
  registerCard,
  registrationChallenge,
  sendCardAnswer,
  signApproval,
} from '../actors/app-card.ts';
import { SoftwareAuthenticator } from '../actors/authenticator.ts';
import { type AppCard, PIN_TRIES, PUK_MAX_WRONG, lastFourDigits } from '../actors/card.ts';
import { Citizen } from '../actors/citizen.ts';
import { L3, L3_REFUSAL, authorizeToIdToken, openLevel3, reloadLogin, toPhonePage } from '../actors/level3-pages.ts';
import { ACR } from '../actors/relying-party.ts';

/**
 * The card in the App CieID (R-L3-1, R-L3-2, R-L3-3, R-PUK-1, R-PUK-3, R-CARD-4; docs/level3.md):
 * "Registra la tua carta" with the full PIN, then level 3 logins with its last 4 digits; the chip's
 * PIN and PUK as the virtual card keeps them — the PIN never reaches the deployment, which sees only
 * signatures, a certificate, and the App's word that the chip's PIN is blocked.
 */
const suite = 'card';

const NEW_PIN = '24681357';
/** A PIN or PUK surely not the card's: its digits each moved by one. */
const otherDigits = (code: string) => code.replace(/\d/g, (d) => String((Number(d) + 1) % 10));

/** A citizen with level 1/2 credentials, their chip, and a device certified with password and SMS (R-APP-1). */
async function certifiedHolder(ctx: CheckContext): Promise<CardHolder & { app: VirtualApp }> {
  const citizen = await Citizen.withCredentials(ctx);
  return { citizen, chip: await chipOf(citizen), app: await VirtualApp.certify(citizen) };
}

/** A level 3 login on this phone (R-LOG-4) signed with the last 4 digits `lastFour`; returns the App's answer or the chip's refusal. */
async function phoneLogin(ctx: CheckContext, app: VirtualApp, card: AppCard, lastFour: string) {
  const login = await openLevel3(ctx);
  const approval = await cardApproval(app, deepLinkCode((await toPhonePage(login)).html));
  return { login, approval, answer: await signApproval(app, card, approval, lastFour) };
}

export const cardChecks: Check[] = [
  defineCheck({
    id: 'R-L3-1',
    suite,
    covers: ['R-L3-1', 'R-LOG-4'],
    title: '"Registra la tua carta" with the full 8-digit PIN → "Carta registrata correttamente"; then a level 3 login with the last 4 digits → acr SpidL3',
    async run(ctx) {
      const h = await certifiedHolder(ctx);
      const card = await registerCard(h.app, h);
      const { login, answer } = await phoneLogin(ctx, h.app, card, lastFourDigits(h.citizen.card.pin));
      if (!('status' in answer)) fail(`the chip refused the last 4 PIN digits after registration: ${JSON.stringify(answer)}`);
      expectStatus(answer, 200);
      expectEqual((await authorizeToIdToken(login, await reloadLogin(login))).acr, ACR[3], "the ID token's acr");
    },
  }),
  defineCheck({
    id: 'R-L3-1.replay',
    suite,
    covers: ['R-L3-1'],
    title: "the registration's signature is single use: posted again 410, over another registration's challenge 403 card_refused",
    async run(ctx) {
      const h = await certifiedHolder(ctx);
      const first = await registrationChallenge(h.app);
      const signed = await presentWithPin(h.chip, h.citizen.card.pin, first.challenge);
      expectStatus(await h.app.call('POST', `/app/carta/${first.flowId}`, signed), 200);
      expectApiError(await h.app.call('POST', `/app/carta/${first.flowId}`, signed), 410, 'flow_gone');
      const second = await registrationChallenge(h.app);
      expectApiError(await h.app.call('POST', `/app/carta/${second.flowId}`, signed), 403, 'card_refused');
    },
  }),
  defineCheck({
    id: 'R-L3-1.registration-foreign-ca',
    suite,
    covers: ['R-L3-1'],
    title: 'a certificate of another CA is not registered: 403 card_refused',
    async run(ctx) {
      const h = await certifiedHolder(ctx);
      const { flowId, challenge } = await registrationChallenge(h.app);
      const genuine = await presentWithPin(h.chip, h.citizen.card.pin, challenge);
      expectApiError(
        await h.app.call('POST', `/app/carta/${flowId}`, { ...genuine, certificate: foreignCertificate(genuine.certificate) }),
        403,
        'card_refused',
      );
    },
  }),
  defineCheck({
    id: 'R-L3-2',
    suite,
    covers: ['R-L3-2'],
    title: 'a card with no level 1/2 credentials certifies the device: WebAuthn options beside the challenge, 201 with a device session',
    async run(ctx) {
      const h = await cardHolder(ctx);
      const { app } = await certifyByCard(h, 'Telefono di prova');
      const devices = await app.devices();
      expectEqual(
        devices.map((d) => ({ id: d.id, status: d.status, current: d.current })),
        [{ id: app.deviceId, status: 'certificato', current: true }],
        'the devices listed by the new session',
      );
    },
  }),
  defineCheck({
    id: 'R-CARD-4.registration',
    suite,
    covers: ['R-CARD-4', 'R-L3-2'],
    title: "a minor's card registers nothing and certifies no device: 403 card_refused in the login's words",
    async run(ctx) {
      const minor = await cardHolder(ctx, { age: 16 });
      const { flowId, challenge, registrationOptions } = await cardOnlyStart(ctx);
      const response = await (await SoftwareAuthenticator.create()).register(registrationOptions);
      const presentation = await presentWithPin(minor.chip, minor.citizen.card.pin, challenge);
      const res = await appCall(ctx, 'POST', `/app/carta/${flowId}`, { json: { ...presentation, response, deviceName: 'Telefono', notifications: true } });
      expectEqual(expectApiError(res, 403, 'card_refused').error_description, L3_REFUSAL.minor, 'the refusal');
    },
  }),
  defineCheck({
    id: 'R-L3-3',
    suite,
    covers: ['R-L3-3', 'R-L3-1'],
    title: '3 wrong PINs block the chip\'s PIN; the App reports it and is told 423 pin_blocked with "Gestione carta → Sblocco carta"; the login waits',
    async run(ctx) {
      const h = await cardHolder(ctx);
      const { app, card } = await certifyByCard(h);
      const pin = h.citizen.card.pin;
      const wrong = otherDigits(lastFourDigits(pin));
      const { login, approval, answer } = await phoneLogin(ctx, app, card, wrong);
      expectEqual(answer, { refused: 'wrong_pin', remaining: PIN_TRIES - 1 }, "the chip's answer to the 1st wrong PIN");
      expectEqual(await card.unlockWithLastFour(wrong, approval.challenge), { refused: 'wrong_pin', remaining: 1 }, "the chip's answer to the 2nd");
      expectEqual(await card.unlockWithLastFour(wrong, approval.challenge), { refused: 'pin_blocked' }, "the chip's answer to the 3rd");
      expectEqual(
        await card.unlockWithLastFour(lastFourDigits(pin), approval.challenge),
        { refused: 'pin_blocked' },
        "the chip's answer to the right PIN once blocked",
      );
      const blocked = expectApiError(await sendCardAnswer(app, approval.id, { pinBlocked: true }), 423, 'pin_blocked');
      expectIncludes(blocked.error_description ?? '', PIN_BLOCKED_WAY, 'the way out the App shows');
      expectTrue(!(await reloadLogin(login)).text.includes(L3.authorize), 'a blocked PIN moved the login to consent');
    },
  }),
  defineCheck({
    id: 'R-PUK-1',
    suite,
    covers: ['R-PUK-1', 'R-L3-3'],
    title: 'the PUK unblocks the PIN with a new one ("Sblocco carta"); the card then signs with the new PIN and the login goes on',
    async run(ctx) {
      const h = await certifiedHolder(ctx);
      const pin = h.citizen.card.pin;
      const { flowId, challenge } = await registrationChallenge(h.app);
      for (let i = 0; i < PIN_TRIES; i++) await h.chip.presentation(otherDigits(pin), challenge);
      expectTrue(h.chip.pinBlocked, 'the chip after 3 wrong PINs: not blocked');
      expectApiError(await h.app.call('POST', `/app/carta/${flowId}`, { pinBlocked: true }), 423, 'pin_blocked');
      expectEqual(h.chip.unblock(h.citizen.card.puk, NEW_PIN), { unblocked: true }, '"Sblocco carta" with the right PUK');
      expectEqual(await h.chip.presentation(pin, challenge), { refused: 'wrong_pin', remaining: PIN_TRIES - 1 }, 'the old PIN after the unblock');
      // The same challenge: a refused PIN never reached the deployment, and 423 spent nothing.
      const res = await h.app.call('POST', `/app/carta/${flowId}`, await presentWithPin(h.chip, NEW_PIN, challenge));
      expectStatus(res, 200);
      expectEqual(expectJson(res).message, CARD_REGISTERED, 'the registration with the new PIN');
    },
  }),
  defineCheck({
    id: 'R-PUK-3',
    suite,
    covers: ['R-PUK-3'],
    title: 'more than 10 wrong PUKs block the chip for good: the 10th leaves one try, the 11th blocks; then neither the PUK nor the PIN opens it',
    async run(ctx) {
      const h = await cardHolder(ctx);
      const { app, card } = await certifyByCard(h);
      const { puk, pin } = h.citizen.card;
      const { approval } = await phoneLogin(ctx, app, card, otherDigits(lastFourDigits(pin)));
      for (let i = 1; i < PIN_TRIES; i++) await card.unlockWithLastFour(otherDigits(lastFourDigits(pin)), approval.challenge);
      expectTrue(h.chip.pinBlocked, 'the chip after 3 wrong PINs: not blocked');
      for (let n = 1; n <= PUK_MAX_WRONG; n++) {
        expectEqual(h.chip.unblock(otherDigits(puk), NEW_PIN), { refused: 'wrong_puk', remaining: PUK_MAX_WRONG + 1 - n }, `wrong PUK n. ${n}`);
      }
      expectEqual(h.chip.unblock(otherDigits(puk), NEW_PIN), { refused: 'chip_blocked' }, 'wrong PUK n. 11');
      expectEqual(h.chip.unblock(puk, NEW_PIN), { refused: 'chip_blocked' }, 'the right PUK after 11 wrong');
      expectEqual(await h.chip.presentation(pin, approval.challenge), { refused: 'chip_blocked' }, 'the PIN after 11 wrong PUKs');
      // All the App can still say is that the chip refuses: the deployment keeps the login waiting.
      expectApiError(await sendCardAnswer(app, approval.id, { pinBlocked: true }), 423, 'pin_blocked');
    },
  }),
];
