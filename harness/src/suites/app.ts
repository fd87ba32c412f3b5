import { expectEqual, expectIncludes, expectJson, expectMatch, expectStatus, expectTrue } from '../core/assert.ts';
import { defineCheck, type Check } from '../core/check.ts';
import { APP_CODE, Certification, VirtualApp, appCall, expectApiError } from '../actors/app.ts';
import { Citizen } from '../actors/citizen.ts';
import { openLogin, signIn } from '../actors/login.ts';
import { LABEL } from '../actors/login-pages.ts';
import { otherCode } from '../actors/outbox.ts';
import { RelyingParty } from '../actors/relying-party.ts';

/**
 * R-APP-1, R-APP-2, R-APP-3, R-APP-4: certifying the App CieID on a device through the JSON API the App calls — username and
 * password, the SMS code, the App code's policy, a WebAuthn registration with user verification, the
 * device's name — and revoking devices.
 */
const suite = 'app';

/** Codes the R-APP-2 policy refuses, each for one reason (functions' messages are the guides'). */
const WEAK_CODES: { code: string; why: string }[] = [
  { code: 'a1b2c', why: 'five characters' },
  { code: 'a1b2c3d', why: 'seven characters' },
  { code: 'a1b2c!', why: 'a symbol' },
  { code: 'abcdef', why: 'no digit' },
  { code: '135792', why: 'no letter' },
  { code: 'a1b1c1', why: 'the digit 1 three times' },
  { code: 'ab123c', why: 'the ascending run 123' },
  { code: 'ab987c', why: 'the descending run 987' },
];

export const appChecks: Check[] = [
  defineCheck({
    id: 'R-APP-1',
    suite,
    covers: ['R-APP-1', 'R-APP-2', 'R-APP-3'],
    title: 'certification end to end: password → SMS code → App code → WebAuthn (ES256, UV required, attestation none) → name → device session',
    async run(ctx) {
      const citizen = await Citizen.withCredentials(ctx, { mode: 'app' });
      const cert = await Certification.start(citizen);
      expectEqual(cert.started.step, 'otp', 'the step after the password');
      expectMatch(String(cert.started.maskedPhone ?? ''), new RegExp(`${citizen.phone.number.slice(-3)}$`), 'the masked phone number');
      expectTrue(!String(cert.started.maskedPhone).includes(citizen.phone.number.slice(3)), 'the answer shows the whole phone number');
      expectEqual(expectJson(await cert.sendOtp()).step, 'codice', 'the step after the SMS code');
      expectEqual(expectJson(await cert.sendAppCode(APP_CODE)).step, 'registrazione', 'the step after the App code');
      const options = await cert.options();
      const o = options as {
        attestation?: string;
        pubKeyCredParams?: { alg: number }[];
        authenticatorSelection?: { userVerification?: string };
        rp?: { id?: string };
      };
      expectEqual(o.attestation, 'none', "the options' attestation");
      expectEqual(
        (o.pubKeyCredParams ?? []).map((p) => p.alg),
        [-7],
        "the options' algorithms (ES256 only)",
      );
      expectEqual(o.authenticatorSelection?.userVerification, 'required', "the options' user verification");
      expectTrue(o.rp?.id, 'the options name no relying party id');
      const registered = await cert.sendRegistration(await cert.register(options));
      expectStatus(registered, 200);
      expectEqual(expectJson(registered).step, 'dispositivo', 'the step after the registration');
      const device = await cert.sendDevice({ deviceName: 'Il mio telefono', notifications: true });
      expectStatus(device, 201);
      const body = expectJson<Record<string, unknown>>(device);
      expectEqual(body.status, 'certificato', "the device's status");
      expectEqual(body.name, 'Il mio telefono', "the device's name");
      const app = new VirtualApp(citizen, cert.authenticator, String(body.sessionToken), String(body.deviceId), 'Il mio telefono');
      const devices = await app.devices();
      expectEqual(
        devices.map((d) => ({ id: d.id, name: d.name, status: d.status, current: d.current })),
        [{ id: app.deviceId, name: 'Il mio telefono', status: 'certificato', current: true }],
        'the devices listed by the new session',
      );
      expectEqual(await app.approvals(), [], 'the approvals pending on a new device');
      // The finished certification cannot be used again.
      expectApiError(await cert.sendDevice({ deviceName: 'Un altro', notifications: false }), 410, 'flow_gone');
    },
  }),
  defineCheck({
    id: 'R-APP-1.password',
    suite,
    covers: ['R-APP-1'],
    title: 'a wrong password starts no certification: 401 invalid_credentials and no SMS',
    async run(ctx) {
      const citizen = await Citizen.withCredentials(ctx);
      const sent = await citizen.phone.count();
      expectApiError(
        await appCall(ctx, 'POST', '/app/certificazione', { json: { username: citizen.fiscalCode, password: 'Sbagliata!99' } }),
        401,
        'invalid_credentials',
      );
      expectEqual(await citizen.phone.count(), sent, 'the SMS sent after a wrong password');
    },
  }),
  defineCheck({
    id: 'R-APP-1.wrong-otp',
    suite,
    covers: ['R-APP-1', 'R-OTP-2'],
    title: 'a wrong SMS code: 400 wrong_otp with the attempts left, the flow stays at the code, the right code then works',
    async run(ctx) {
      const citizen = await Citizen.withCredentials(ctx);
      const cert = await Certification.start(citizen);
      const code = await citizen.phone.latestCode(cert.sentBefore);
      const wrong = expectApiError(await cert.sendOtp(otherCode(code)), 400, 'wrong_otp');
      expectIncludes(wrong.error_description ?? '', 'Tentativi rimasti: 4', 'the refusal');
      expectApiError(await cert.sendAppCode(), 409, 'conflict');
      expectStatus(await cert.sendOtp(code), 200);
      expectStatus(await cert.sendAppCode(), 200);
    },
  }),
  defineCheck({
    id: 'R-APP-2',
    suite,
    covers: ['R-APP-2'],
    title: 'the App code policy: wrong length, symbols, no digit, no letter, a digit thrice, runs like 123/987 → 400 weak_app_code; a good code passes',
    async run(ctx) {
      const citizen = await Citizen.withCredentials(ctx);
      const cert = await Certification.start(citizen);
      expectStatus(await cert.sendOtp(), 200);
      for (const { code, why } of WEAK_CODES) {
        const res = await cert.sendAppCode(code);
        const body = expectApiError(res, 400, 'weak_app_code');
        expectTrue(
          (body.problems ?? []).some((p) => p.field === 'code' && p.message),
          `the refusal of "${code}" (${why}) names no problem with the code`,
        );
        ctx.log(`"${code}" (${why}): ${(body.problems ?? []).map((p) => p.message).join(' ')}`);
      }
      // Still at the App code: the registration is not open yet.
      expectApiError(await appCall(ctx, 'GET', `/app/certificazione/${cert.flowId}/registrazione/opzioni`), 409, 'conflict');
      expectEqual(expectJson(await cert.sendAppCode('x7k2m9')).step, 'registrazione', 'the step after a good App code');
    },
  }),
  defineCheck({
    id: 'R-APP-2.uv',
    suite,
    covers: ['R-APP-2', 'R-APP-3'],
    title: 'a registration without user verification (no App code, no biometrics) is refused: 400 registration_refused',
    async run(ctx) {
      const cert = await Certification.toRegistration(await Citizen.withCredentials(ctx));
      expectApiError(await cert.sendRegistration(await cert.register(await cert.options(), { userVerified: false })), 400, 'registration_refused');
      // The App can try again with new options, and then the device is certified.
      await cert.finish();
    },
  }),
  defineCheck({
    id: 'R-APP-3.replay',
    suite,
    covers: ['R-APP-3'],
    title: 'registration challenges are single use: an old challenge, another origin, a replayed response are refused',
    async run(ctx) {
      const cert = await Certification.toRegistration(await Citizen.withCredentials(ctx));
      const old = await cert.options();
      const current = await cert.options();
      expectTrue(old.challenge !== current.challenge, 'two option requests gave the same challenge');
      expectApiError(await cert.sendRegistration(await cert.register(old)), 400, 'registration_refused');
      // The refused attempt spent the challenge: the current one is gone too.
      expectApiError(await cert.sendRegistration(await cert.register(current)), 409, 'conflict');
      expectApiError(await cert.sendRegistration(await cert.register(await cert.options(), { origin: 'https://evil.example' })), 400, 'registration_refused');
      const response = await cert.register(await cert.options());
      expectStatus(await cert.sendRegistration(response), 200);
      expectApiError(await cert.sendRegistration(response), 409, 'conflict');
    },
  }),
  defineCheck({
    id: 'R-APP-3.device',
    suite,
    covers: ['R-APP-3'],
    title: 'the device needs a name (1–40 characters) and a notification choice: 400 invalid_request otherwise',
    async run(ctx) {
      const cert = await Certification.toRegistration(await Citizen.withCredentials(ctx));
      expectStatus(await cert.sendRegistration(await cert.register(await cert.options())), 200);
      for (const body of [{ deviceName: '', notifications: true }, { deviceName: 'x'.repeat(41), notifications: true }, { deviceName: 'Telefono' }]) {
        const refused = expectApiError(await cert.sendDevice(body), 400, 'invalid_request');
        ctx.log(`${JSON.stringify(body).slice(0, 60)} → ${refused.error_description}`);
      }
      expectStatus(await cert.sendDevice({ deviceName: 'Telefono', notifications: false }), 201);
    },
  }),
  defineCheck({
    id: 'R-APP-4',
    suite,
    covers: ['R-APP-4'],
    title: "revocation is effective at once: the revoked device's session is refused (401) and it cannot approve a pending login",
    async run(ctx) {
      const [rp, citizen] = await Promise.all([RelyingParty.create(ctx, { clientName: 'Comune di Revoca' }), Citizen.withCredentials(ctx, { mode: 'app' })]);
      const phone = await VirtualApp.certify(citizen, { name: 'Telefono' });
      const { browser, page } = await openLogin(rp);
      const waiting = await signIn(browser, page, citizen.fiscalCode, citizen.password);
      expectIncludes(waiting.text, 'Controlla adesso il tuo cellulare', 'the page after the password');
      const approval = await phone.pendingFor('Comune di Revoca');
      const tablet = await VirtualApp.certify(citizen, { name: 'Tablet' });
      expectStatus(await tablet.revoke(phone.deviceId), 204);
      expectApiError(await phone.approve(approval), 401, 'unauthorized');
      expectApiError(await phone.call('GET', '/app/approvals'), 401, 'unauthorized');
      expectApiError(await phone.call('GET', '/app/dispositivi'), 401, 'unauthorized');
      const listed = await tablet.devices();
      expectEqual(listed.find((d) => d.id === phone.deviceId)?.status, 'revocato', 'the revoked phone in the list');
      expectEqual(listed.find((d) => d.id === tablet.deviceId)?.status, 'certificato', 'the tablet in the list');
      expectApiError(await tablet.revoke(phone.deviceId), 404, 'not_found');
      const still = await browser.open(waiting.url);
      expectIncludes(still.text, 'Controlla adesso il tuo cellulare', 'the login page after the revoked device tried to approve');
    },
  }),
  defineCheck({
    id: 'R-APP-4.last',
    suite,
    covers: ['R-APP-4', 'R-ACT-6'],
    title: 'a device can revoke itself; with no device left, a level 2 login of an App-mode identity asks for the SMS code',
    async run(ctx) {
      const [rp, citizen] = await Promise.all([RelyingParty.create(ctx), Citizen.withCredentials(ctx, { mode: 'app' })]);
      const app = await VirtualApp.certify(citizen);
      expectStatus(await app.revoke(app.deviceId), 204);
      expectApiError(await app.call('GET', '/app/approvals'), 401, 'unauthorized');
      const { browser, page } = await openLogin(rp);
      const next = await signIn(browser, page, citizen.fiscalCode, citizen.password);
      expectTrue(next.hasField(LABEL.otp), `expected the SMS code page after the password, got ${next.describe()}`);
    },
  }),
];
