import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { PIN_BLOCKED_MESSAGE } from '../../functions/core/card-registration-flow';
import { REFUSAL_MESSAGES } from '../../functions/core/login-messages';
import { cardStub, cardView } from '../support/activation-state';
import { VirtualApp, api, certificationAtRegistration, expectStatus } from '../support/app-client';
import { SoftwareAuthenticator } from '../support/authenticator';
import {
  type CardCitizen,
  appWithCard,
  cardCitizen,
  cardOnlyStart,
  certifyByCard,
  foreignCertificate,
  present,
  registerCard,
  registrationChallenge,
} from '../support/card-app';
import { accessLog } from '../support/login-client';
import { call } from '../support/worker';

/**
 * "Registra la tua carta" in the App CieID through the Worker (R-L3-1, R-L3-2; docs/level3.md, "Flows"):
 * the registry's card with its key, the chip as a program (test/support/virtual-card.ts), the App's calls.
 */

const certified = (c: CardCitizen) => VirtualApp.certify({ citizen: c.citizen, serial: c.serial, pin: c.pin, puk: c.puk, password: c.password });

/** The devices the Card records as holding it (R-L3-1). */
const holdings = (serial: string) =>
  runInDurableObject(cardStub(serial), (_card, state) => state.storage.sql.exec('SELECT device_id, fingerprint FROM l3_devices').toArray());

const eventsOf = async (serial: string, kind: string) =>
  ((await cardStub(serial).events()) as unknown as { kind: string; detail: Record<string, unknown> }[]).filter((e) => e.kind === kind);

/** The card refusals in the holder's access log written by the registration. */
const registrationRefusals = async (serial: string) =>
  (await accessLog(serial)).filter((e) => e.rpName === 'App CieID: registrazione della carta' && e.outcome === 'card_refused');

describe('Card registration with a device session (R-L3-1)', () => {
  it('R-L3-1: the challenge, the chip signs it after the full PIN, "Carta registrata correttamente"; the Card records the device and the certificate', async () => {
    const c = await cardCitizen();
    const app = await certified(c);
    const { flowId, challenge } = await registrationChallenge(app);
    expect(challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(flowId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const done = await expectStatus(await app.post(`/app/carta/${flowId}`, await present(c, challenge)), 200);
    expect(done).toEqual({ message: 'Carta registrata correttamente', serial: c.serial });
    const view = await cardView(c.serial);
    expect(await holdings(c.serial)).toEqual([{ device_id: app.deviceId, fingerprint: view.certificateFingerprint }]);
    expect(await eventsOf(c.serial, 'card_registered')).toEqual([expect.objectContaining({ detail: { device: app.deviceId } })]);
  });

  it('R-L3-1: the signature is single use — posting it again, or over another flow’s challenge, is refused', async () => {
    const { c, app } = await appWithCard();
    const first = await registrationChallenge(app);
    const presentation = await present(c, first.challenge);
    await expectStatus(await app.post(`/app/carta/${first.flowId}`, presentation), 200);
    const replay = await expectStatus(await app.post(`/app/carta/${first.flowId}`, presentation), 410);
    expect(replay.error).toBe('flow_gone');
    const second = await registrationChallenge(app);
    const other = await expectStatus(await app.post(`/app/carta/${second.flowId}`, presentation), 403);
    expect(other.error_description).toBe("La firma della carta non vale per questa richiesta: ripeti la lettura della carta dall'inizio.");
    expect((await registrationRefusals(c.serial)).map((e) => e.reason)).toEqual(['signature_invalid']);
    // A refused presentation spends the flow too: the App asks for a new challenge.
    expect((await app.post(`/app/carta/${second.flowId}`, await present(c, second.challenge))).status).toBe(410);
  });

  it('R-L3-1: 20 concurrent posts of one presentation register the card once; the others find the flow spent', async () => {
    const c = await cardCitizen();
    const app = await certified(c);
    const { flowId, challenge } = await registrationChallenge(app);
    const presentation = await present(c, challenge);
    const statuses = await Promise.all(Array.from({ length: 20 }, () => app.post(`/app/carta/${flowId}`, presentation).then((r) => r.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 200).every((s) => s === 410)).toBe(true);
    expect(await eventsOf(c.serial, 'card_registered')).toHaveLength(1);
  });

  it('R-L3-1: a certificate from another CA is refused (403) and logged in the device holder’s access log', async () => {
    const c = await cardCitizen();
    const app = await certified(c);
    const { flowId, challenge } = await registrationChallenge(app);
    const genuine = await present(c, challenge);
    const res = await expectStatus(await app.post(`/app/carta/${flowId}`, { ...genuine, certificate: await foreignCertificate(c) }), 403);
    expect(res.error).toBe('card_refused');
    expect(res.error_description).toBe("La carta non è stata riconosciuta: usa la tua Carta d'Identità Elettronica in corso di validità.");
    expect((await registrationRefusals(c.serial)).map((e) => e.reason)).toEqual(['certificate_untrusted']);
    expect(await holdings(c.serial)).toEqual([]);
  });

  it('R-L3-1: another identity’s card is refused, and its holder is told in their access log', async () => {
    const mine = await cardCitizen();
    const app = await certified(mine);
    const theirs = await cardCitizen();
    const { flowId, challenge } = await registrationChallenge(app);
    const res = await expectStatus(await app.post(`/app/carta/${flowId}`, await present(theirs, challenge)), 403);
    expect(res.error_description).toBe('La carta letta non è intestata al titolare di questo dispositivo: usa la tua carta.');
    expect((await registrationRefusals(theirs.serial)).map((e) => e.reason)).toEqual(['card_other_identity']);
    expect(await holdings(mine.serial)).toEqual([]);
    expect(await holdings(theirs.serial)).toEqual([]);
  });

  it('R-CARD-3, R-CARD-4: a blocked card and a minor’s card are refused in the login’s words', async () => {
    const minor = await cardCitizen({ age: 16 });
    const minorApp = await certified(minor);
    const m = await registrationChallenge(minorApp);
    const refused = await expectStatus(await minorApp.post(`/app/carta/${m.flowId}`, await present(minor, m.challenge)), 403);
    expect(refused.error_description).toBe(REFUSAL_MESSAGES.level3_minor);
    expect((await registrationRefusals(minor.serial)).map((e) => e.reason)).toEqual(['level3_minor']);

    const c = await cardCitizen();
    const app = await certified(c);
    const b = await registrationChallenge(app);
    await cardStub(c.serial).block('smarrimento');
    const blocked = await expectStatus(await app.post(`/app/carta/${b.flowId}`, await present(c, b.challenge)), 403);
    expect(blocked.error_description).toBe(REFUSAL_MESSAGES.blocked);
  });

  it('R-L3-3: the chip’s blocked PIN ({pinBlocked: true}) is answered 423 with the way to "Sblocco carta", and logged', async () => {
    const c = await cardCitizen();
    const app = await certified(c);
    const { flowId, challenge } = await registrationChallenge(app);
    let refusal: unknown;
    for (let i = 0; i < 3; i++) refusal = await c.chip.presentation('00000000', challenge);
    expect(refusal).toEqual({ refused: 'pin_blocked' });
    // The App says what the chip said: the virtual card's pin_blocked is the App's {pinBlocked: true}.
    const res = await expectStatus(await app.post(`/app/carta/${flowId}`, { pinBlocked: (refusal as { refused: string }).refused === 'pin_blocked' }), 423);
    expect(res).toMatchObject({ error: 'pin_blocked', error_description: PIN_BLOCKED_MESSAGE });
    expect(res.error_description).toBe("Il PIN è bloccato: sbloccalo con il PUK dall'App CieID, Gestione carta → Sblocco carta");
    expect((await registrationRefusals(c.serial)).map((e) => e.reason)).toEqual(['pin_blocked']);
    // Unblocked with the PUK (R-PUK-1), the card registers on the same challenge.
    expect(c.chip.unblock(c.puk, '13572468')).toEqual({ unblocked: true });
    const presentation = await c.chip.presentation('13572468', challenge);
    await expectStatus(await app.post(`/app/carta/${flowId}`, presentation), 200);
  });

  it('a registration belongs to the device that started it; a session sent but not valid is 401, never "no session"', async () => {
    const { c, app } = await appWithCard();
    const other = await certified(await cardCitizen());
    const { flowId, challenge } = await registrationChallenge(app);
    expect((await other.post(`/app/carta/${flowId}`, await present(c, challenge))).status).toBe(410);
    expect((await api(`/app/carta/${flowId}`, await present(c, challenge))).status).toBe(401);
    expect((await api('/app/carta', {}, 'not-a-token')).status).toBe(401);
    await expectStatus(await app.post(`/app/carta/${flowId}`, await present(c, challenge)), 200);
  });

  it('a flow of another kind — a device certification, an activation challenge — is not a registration (410)', async () => {
    const c = await cardCitizen();
    const app = await certified(c);
    const certification = await certificationAtRegistration({ citizen: c.citizen, serial: c.serial, pin: c.pin, puk: c.puk, password: c.password });
    const activation = await expectStatus(await app.post('/app/attivazione/sfida', {}), 201);
    for (const flowId of [certification, String(activation.flowId)]) {
      const res = await expectStatus(await app.post(`/app/carta/${flowId}`, await present(c, String(activation.challenge))), 410);
      expect(res.error_description).toBe("La registrazione della carta è scaduta o è già conclusa: ricomincia dall'inizio.");
    }
    for (const flowId of ['x', 'a'.repeat(44), '%00', 'a'.repeat(42) + '%2F']) expect((await app.post(`/app/carta/${flowId}`, {})).status).toBe(410);
  });
});

describe('Card registration that certifies the device (R-L3-2)', () => {
  it('R-L3-2: a card with no level 1/2 credentials certifies the device; the device holds the card and has a session', async () => {
    const c = await cardCitizen({ credentials: false });
    const device = await certifyByCard(c, 'Telefono di Anna');
    expect(device.token.split('.')).toHaveLength(3);
    const listed = await expectStatus(await api('/app/dispositivi', undefined, device.token), 200);
    expect(listed.devices).toEqual([expect.objectContaining({ id: device.deviceId, name: 'Telefono di Anna', status: 'certificato', current: true })]);
    const view = await cardView(c.serial);
    expect(view.credentials).toBeNull();
    expect(await holdings(c.serial)).toEqual([{ device_id: device.deviceId, fingerprint: view.certificateFingerprint }]);
    expect((await eventsOf(c.serial, 'device_certified')).map((e) => e.detail)).toEqual([{ device: device.deviceId, name: 'Telefono di Anna', by: 'card' }]);
  });

  it('R-L3-2: the start hands out WebAuthn creation options (ES256, user verification, no attestation) beside the card’s challenge', async () => {
    const started = await cardOnlyStart();
    const options = started.options as unknown as {
      challenge: string;
      authenticatorSelection: { userVerification: string };
      attestation: string;
      pubKeyCredParams: { alg: number }[];
    };
    expect(options.challenge).not.toBe(started.challenge);
    expect(options.authenticatorSelection.userVerification).toBe('required');
    expect(options.attestation).toBe('none');
    expect(options.pubKeyCredParams.map((p) => p.alg)).toEqual([-7]);
  });

  it('R-L3-2: a WebAuthn registration that fails its checks certifies nothing, and the flow is spent', async () => {
    const c = await cardCitizen({ credentials: false });
    const { flowId, challenge, options } = await cardOnlyStart();
    const authenticator = await SoftwareAuthenticator.create();
    const noUv = await authenticator.register(options, { userVerified: false });
    const presentation = await present(c, challenge);
    const res = await expectStatus(await api(`/app/carta/${flowId}`, { ...presentation, response: noUv, deviceName: 'Telefono', notifications: false }), 400);
    expect(res.error).toBe('registration_refused');
    const good = await authenticator.register(options);
    expect((await api(`/app/carta/${flowId}`, { ...presentation, response: good, deviceName: 'Telefono', notifications: false })).status).toBe(410);
    expect(await holdings(c.serial)).toEqual([]);
    expect((await registrationRefusals(c.serial)).map((e) => e.reason)).toEqual(['registration_refused']);
  });

  it('R-L3-2: the card is checked before any device is certified — another CA’s certificate certifies nothing', async () => {
    const c = await cardCitizen({ credentials: false });
    const { flowId, challenge, options } = await cardOnlyStart();
    const response = await (await SoftwareAuthenticator.create()).register(options);
    const presentation = { ...(await present(c, challenge)), certificate: await foreignCertificate(c) };
    expect((await api(`/app/carta/${flowId}`, { ...presentation, response, deviceName: 'Telefono', notifications: true })).status).toBe(403);
    expect(await eventsOf(c.serial, 'device_certified')).toEqual([]);
  });

  it('R-L3-2: without the device’s name, its notifications choice or its WebAuthn registration, nothing is spent (400)', async () => {
    const c = await cardCitizen({ credentials: false });
    const { flowId, challenge, options } = await cardOnlyStart();
    const presentation = await present(c, challenge);
    const response = await (await SoftwareAuthenticator.create()).register(options);
    for (const body of [
      { ...presentation, response, notifications: true },
      { ...presentation, response, deviceName: 'Telefono' },
      { ...presentation, deviceName: 'Telefono', notifications: true },
      { ...presentation, response: 'x', deviceName: 'Telefono', notifications: true },
    ]) {
      expect((await api(`/app/carta/${flowId}`, body)).status).toBe(400);
    }
    await expectStatus(await api(`/app/carta/${flowId}`, { ...presentation, response, deviceName: 'Telefono', notifications: true }), 201);
  });
});

describe('Card registration: bad input of any size is a 4xx, never a 5xx', () => {
  const garbage: unknown[] = [
    '',
    'x',
    '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n',
    `-----BEGIN CERTIFICATE-----\n${'A'.repeat(12_000)}\n-----END CERTIFICATE-----\n`,
    'MIIB'.repeat(5000),
    '\u0000'.repeat(100),
    '😀'.repeat(1000),
  ];

  it('malformed certificates and signatures: 400 before the flow is spent for the wrong types, 403 for text that is no card', async () => {
    const { c, app } = await appWithCard();
    for (const certificate of garbage) {
      const { flowId, challenge } = await registrationChallenge(app);
      const genuine = await present(c, challenge);
      const res = await app.post(`/app/carta/${flowId}`, { ...genuine, certificate });
      expect(res.status, String(certificate).slice(0, 40)).toBe(403);
    }
    for (const signature of garbage) {
      const { flowId, challenge } = await registrationChallenge(app);
      const genuine = await present(c, challenge);
      const res = await app.post(`/app/carta/${flowId}`, { ...genuine, signature });
      expect(res.status, String(signature).slice(0, 40)).toBe(403);
    }
    const { flowId, challenge } = await registrationChallenge(app);
    const genuine = await present(c, challenge);
    for (const body of [
      {},
      { certificate: genuine.certificate },
      { signature: genuine.signature },
      { certificate: 42, signature: genuine.signature },
      { certificate: [genuine.certificate], signature: genuine.signature },
      { certificate: { pem: genuine.certificate }, signature: genuine.signature },
      { ...genuine, signature: null },
      { pinBlocked: 'true' },
    ]) {
      expect((await app.post(`/app/carta/${flowId}`, body)).status, JSON.stringify(body).slice(0, 60)).toBe(400);
    }
    // None of those spent the flow.
    await expectStatus(await app.post(`/app/carta/${flowId}`, genuine), 200);
  });

  it('bodies that are not JSON objects, or too large, are 4xx', async () => {
    const { app } = await appWithCard();
    const { flowId } = await registrationChallenge(app);
    const post = (body: string, type = 'application/json') =>
      call(`/app/carta/${flowId}`, { method: 'POST', headers: { 'Content-Type': type, Authorization: `Bearer ${app.token}` }, body });
    for (const [body, type] of [
      ['not json', 'application/json'],
      ['[1,2]', 'application/json'],
      ['"text"', 'application/json'],
      ['null', 'application/json'],
      ['{"certificate":"x"}', 'text/plain'],
      [JSON.stringify({ certificate: 'A'.repeat(200_000), signature: 'x' }), 'application/json'],
      [`{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`, 'application/json'],
    ] as const) {
      const res = await post(body, type);
      expect(res.status, body.slice(0, 40)).toBeGreaterThanOrEqual(400);
      expect(res.status, body.slice(0, 40)).toBeLessThan(500);
    }
  });
});

describe('Card registration: a registered card stays with its device (R-L3-1, R-APP-4)', () => {
  it('R-APP-4: revoking the device forgets that it holds the card', async () => {
    const { c, app } = await appWithCard();
    expect(await holdings(c.serial)).toHaveLength(1);
    expect((await api(`/app/dispositivi/${app.deviceId}`, undefined, app.token, 'DELETE')).status).toBeLessThan(300);
    expect(await holdings(c.serial)).toEqual([]);
  });

  it('R-L3-1: registering the same card again on the same device keeps one record', async () => {
    const { c, app } = await appWithCard();
    await registerCard(c, app);
    expect(await holdings(c.serial)).toHaveLength(1);
  });
});
