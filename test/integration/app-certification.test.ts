import { describe, expect, it } from 'vitest';
import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { latestCode, outboxCount } from '../support/activation-client';
import { cardSql, cardStub, expectRetryAtItalianMidnight, flowSql, spendOtpChecks } from '../support/activation-state';
import { keyedHash } from '../../functions/platform/crypto';
import { OTP_DAILY_CAP, capDay } from '../../functions/core/otp';
import { APP_CODE, VirtualApp, api, certificationAtRegistration, expectStatus } from '../support/app-client';
import { SoftwareAuthenticator } from '../support/authenticator';
import { holder } from '../support/login-client';

async function registrationOptions(flowId: string) {
  return (await expectStatus(await api(`/app/certificazione/${flowId}/registrazione/opzioni`, {}), 200)) as {
    challenge: string;
    rp: { id: string };
    authenticatorSelection: { userVerification: string };
    attestation: string;
    pubKeyCredParams: { alg: number }[];
  };
}

describe('App CieID device certification (R-APP-1, R-APP-2, R-APP-3, R-APP-4)', () => {
  it('R-APP-1, R-APP-2, R-APP-3: password, SMS code, App code, WebAuthn registration, name and notifications → certified', async () => {
    const h = await holder({ mode: 'app' });
    const app = await VirtualApp.certify(h, { name: 'Pixel di Mario', notifications: false });
    const listed = await expectStatus(await app.get('/app/dispositivi'), 200);
    expect(listed.devices).toEqual([
      expect.objectContaining({ id: app.deviceId, name: 'Pixel di Mario', notifications: false, status: 'certificato', current: true }),
    ]);
    // The session token and the App code are nowhere in the card's storage; the token only hashed.
    const stored = await runInDurableObject(cardStub(h.serial), (_i, state) => JSON.stringify(state.storage.sql.exec('SELECT * FROM devices').toArray()));
    expect(stored).not.toContain(app.token.split('.')[2]);
    expect(stored).not.toContain(APP_CODE);
  });

  it('R-APP-1: a wrong password and an unknown username get the same 401; no SMS, no flow', async () => {
    const h = await holder();
    const wrong = await api('/app/certificazione', { username: h.citizen.fiscalCode, password: 'Sbagliata!234' });
    const unknown = await api('/app/certificazione', { username: 'ZZ99999ZZ', password: 'Sbagliata!234' });
    const a = await expectStatus(wrong, 401);
    const b = await expectStatus(unknown, 401);
    expect(a).toEqual(b);
  });

  it('R-APP-1 / R-LOG-8: the login throttle holds for the App too', async () => {
    const h = await holder();
    await cardSql(
      h.serial,
      `INSERT OR REPLACE INTO password_failures (key, failures, last_failure_at, locked_until) VALUES ('identity', 10, ?, ?)`,
      Date.now(),
      Date.now() + 60_000,
    );
    const res = await api('/app/certificazione', { username: h.citizen.fiscalCode, password: h.password });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('Retry-After'))).toBeGreaterThan(0);
  });

  it('R-APP-1: the SMS code comes first — a wrong code is counted, steps cannot be skipped', async () => {
    const h = await holder();
    const started = await expectStatus(await api('/app/certificazione', { username: h.serial, password: h.password }), 201);
    const flowId = String(started.flowId);
    expect(started.maskedPhone).toContain(h.citizen.phone.slice(-3));
    expect((await api(`/app/certificazione/${flowId}/codice`, { code: APP_CODE })).status).toBe(409);
    expect((await api(`/app/certificazione/${flowId}/registrazione/opzioni`)).status).toBe(409);
    const code = await latestCode(h.citizen.phone);
    const other = String((Number(code) + 1) % 10_000).padStart(4, '0');
    const wrong = await expectStatus(await api(`/app/certificazione/${flowId}/otp`, { otp: other }), 400);
    expect(wrong.error_description).toBe('Codice errato. Tentativi rimasti: 4.');
    await expectStatus(await api(`/app/certificazione/${flowId}/otp`, { otp: code }), 200);
    expect((await api(`/app/certificazione/${flowId}/otp`, { otp: code })).status).toBe(409);
  });

  it('R-OTP-2: past the daily cap of codes checked for the identity, the App gets 429 with Retry-After', async () => {
    const h = await holder();
    const started = await expectStatus(await api('/app/certificazione', { username: h.serial, password: h.password }), 201);
    await spendOtpChecks(h.serial);
    const res = await api(`/app/certificazione/${String(started.flowId)}/otp`, { otp: await latestCode(h.citizen.phone) });
    expect(res.status).toBe(429);
    expectRetryAtItalianMidnight(res.headers.get('Retry-After'));
    expect(((await res.json()) as { error: string }).error).toBe('too_many_requests');
  });

  it('R-OTP-3: past the daily cap of codes sent, certification and the mode switch answer 429 until midnight in Italy, and send nothing', async () => {
    const h = await holder();
    await cardSql(h.serial, 'INSERT OR REPLACE INTO sends (day, count) VALUES (?, ?)', capDay(Date.now()), OTP_DAILY_CAP);
    const credentials = { username: h.citizen.fiscalCode, password: h.password };
    for (const [path, body] of [
      ['/app/certificazione', credentials],
      ['/account/modalita', { ...credentials, mode: 'app' }],
    ] as const) {
      const res = await api(path, body);
      expect(res.status).toBe(429);
      expectRetryAtItalianMidnight(res.headers.get('Retry-After'));
      expect(((await res.json()) as { error_description: string }).error_description).toBe(
        'Hai raggiunto il numero massimo di codici inviabili oggi. Riprova domani.',
      );
    }
    expect(await outboxCount(h.citizen.phone)).toBe(0);
  });

  it('R-OTP-1: the code is kept as a keyed hash of purpose, flow id and code — the layout every flow uses', async () => {
    const h = await holder();
    const started = await expectStatus(await api('/app/certificazione', { username: h.serial, password: h.password }), 201);
    const flowId = String(started.flowId);
    const [otp] = await flowSql(flowId, 'SELECT purpose, hash FROM otp');
    expect(otp!.purpose).toBe('app-sms');
    expect(otp!.hash).toBe(await keyedHash(env.DATA_KEY!, 'otp', `app-sms:${flowId}:${await latestCode(h.citizen.phone)}`));
  });

  it('R-APP-2: a code that breaks the policy is refused with every reason, and the flow stays put', async () => {
    const h = await holder();
    const started = await expectStatus(await api('/app/certificazione', { username: h.citizen.fiscalCode, password: h.password }), 201);
    const flowId = String(started.flowId);
    await expectStatus(await api(`/app/certificazione/${flowId}/otp`, { otp: await latestCode(h.citizen.phone) }), 200);
    for (const weak of ['123abc', 'abcdef', '1a1b1c', 'a1b2c', 'a1b2c!']) {
      const res = await expectStatus(await api(`/app/certificazione/${flowId}/codice`, { code: weak }), 400);
      expect(res.error).toBe('weak_app_code');
      expect((res.problems as unknown[]).length).toBeGreaterThan(0);
    }
    await expectStatus(await api(`/app/certificazione/${flowId}/codice`, { code: APP_CODE }), 200);
  });

  it('R-APP-3: the creation options ask for ES256, user verification and no attestation', async () => {
    const flowId = await certificationAtRegistration(await holder());
    const options = await registrationOptions(flowId);
    expect(options.rp.id).toBe('localhost');
    expect(options.authenticatorSelection.userVerification).toBe('required');
    expect(options.attestation).toBe('none');
    expect(options.pubKeyCredParams.map((p) => p.alg)).toEqual([-7]);
  });

  it('R-APP-3: a registration without user verification is refused, and its challenge is spent', async () => {
    const flowId = await certificationAtRegistration(await holder());
    const authenticator = await SoftwareAuthenticator.create();
    const options = await registrationOptions(flowId);
    const noUv = await authenticator.register(options, { userVerified: false });
    expect((await api(`/app/certificazione/${flowId}/registrazione`, { response: noUv })).status).toBe(400);
    const good = await authenticator.register(options);
    expect((await api(`/app/certificazione/${flowId}/registrazione`, { response: good })).status).toBe(409);
    const fresh = await authenticator.register(await registrationOptions(flowId));
    await expectStatus(await api(`/app/certificazione/${flowId}/registrazione`, { response: fresh }), 200);
  });

  it('R-APP-3: a registration for another origin or another challenge is refused', async () => {
    const flowId = await certificationAtRegistration(await holder());
    const authenticator = await SoftwareAuthenticator.create();
    const elsewhere = await authenticator.register(await registrationOptions(flowId), { origin: 'https://evil.example' });
    expect((await api(`/app/certificazione/${flowId}/registrazione`, { response: elsewhere })).status).toBe(400);
    await registrationOptions(flowId);
    const stale = await authenticator.register({ challenge: 'c3RhbGUtY2hhbGxlbmdlLXN0YWxlLWNoYWxsZW5nZQ' });
    expect((await api(`/app/certificazione/${flowId}/registrazione`, { response: stale })).status).toBe(400);
  });

  it('R-APP-3: the device needs a name and a notification choice', async () => {
    const flowId = await certificationAtRegistration(await holder());
    const authenticator = await SoftwareAuthenticator.create();
    await expectStatus(
      await api(`/app/certificazione/${flowId}/registrazione`, { response: await authenticator.register(await registrationOptions(flowId)) }),
      200,
    );
    expect((await api(`/app/certificazione/${flowId}/dispositivo`, { deviceName: '', notifications: true })).status).toBe(400);
    expect((await api(`/app/certificazione/${flowId}/dispositivo`, { deviceName: 'Telefono', notifications: 'sì' })).status).toBe(400);
    await expectStatus(await api(`/app/certificazione/${flowId}/dispositivo`, { deviceName: 'Telefono', notifications: true }), 201);
    // The certification is over: its id names nothing any more.
    expect((await api(`/app/certificazione/${flowId}/dispositivo`, { deviceName: 'Telefono', notifications: true })).status).toBe(410);
  });

  it('R-APP-4: a revoked device loses its session at once; the other device sees it revoked', async () => {
    const h = await holder({ mode: 'app' });
    const phone = await VirtualApp.certify(h, { name: 'Telefono' });
    const tablet = await VirtualApp.certify(h, { name: 'Tablet' });
    expect((await fetchDevices(tablet)).map((d) => d.name)).toEqual(['Telefono', 'Tablet']);
    expect((await api(`/app/dispositivi/${phone.deviceId}`, undefined, tablet.token, 'DELETE')).status).toBe(204);
    expect((await phone.get('/app/dispositivi')).status).toBe(401);
    const after = await fetchDevices(tablet);
    expect(after.find((d) => d.id === phone.deviceId)?.status).toBe('revocato');
    expect((await api(`/app/dispositivi/${phone.deviceId}`, undefined, tablet.token, 'DELETE')).status).toBe(404);
  });

  it('device session: a missing, malformed or forged token is 401', async () => {
    const h = await holder();
    const app = await VirtualApp.certify(h);
    const [card, device] = app.token.split('.');
    for (const token of [undefined, 'nonsense', `${card}.${device}.${'A'.repeat(43)}`, `${'0'.repeat(64)}.${device}.${app.token.split('.')[2]}`]) {
      expect((await api('/app/dispositivi', undefined, token)).status).toBe(401);
    }
  });
});

async function fetchDevices(app: VirtualApp) {
  return (await expectStatus(await app.get('/app/dispositivi'), 200)).devices as { id: string; name: string; status: string }[];
}
