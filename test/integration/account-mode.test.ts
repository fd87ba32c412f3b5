import { describe, expect, it } from 'vitest';
import { latestCode } from '../support/activation-client';
import { cardView } from '../support/activation-state';
import { VirtualApp, api, expectStatus } from '../support/app-client';
import { OTP_LABEL, holder, openLogin, signIn } from '../support/login-client';
import type { Holder } from '../support/login-client';

async function switchMode(h: Holder, mode: 'app' | 'sms'): Promise<Response> {
  const started = await expectStatus(await api('/account/modalita', { username: h.citizen.fiscalCode, password: h.password, mode }), 201);
  return api(`/account/modalita/${String(started.flowId)}`, { otp: await latestCode(h.citizen.phone) });
}

describe('personal area: the level 2 mode (R-ACC-3)', () => {
  it('R-ACC-3: password and SMS code switch the mode, and the next level 2 login follows it', async () => {
    const h = await holder({ mode: 'sms' });
    await VirtualApp.certify(h);
    expect(await expectStatus(await switchMode(h, 'app'), 200)).toEqual({ mode: 'app' });
    expect((await cardView(h.serial)).credentials?.mode).toBe('app');
    const push = await signIn(await openLogin({ acr: 2 }), h.citizen.fiscalCode, h.password);
    expect(push.text).toContain('Controlla adesso il tuo cellulare');

    await expectStatus(await switchMode(h, 'sms'), 200);
    const sms = await signIn(await openLogin({ acr: 2 }), h.citizen.fiscalCode, h.password);
    expect(sms.field(OTP_LABEL).name).toBe('otp');
  });

  it('R-ACC-3: not from the App — a device session alone switches nothing', async () => {
    const h = await holder({ mode: 'app' });
    const app = await VirtualApp.certify(h);
    const res = await api('/account/modalita', { mode: 'sms' }, app.token);
    expect(res.status).toBe(400);
    expect((await cardView(h.serial)).credentials?.mode).toBe('app');
  });

  it('R-ACC-3: a wrong password (401) or a wrong code (400) leaves the mode as it was', async () => {
    const h = await holder({ mode: 'sms' });
    expect((await api('/account/modalita', { username: h.serial, password: 'Sbagliata!234', mode: 'app' })).status).toBe(401);
    const started = await expectStatus(await api('/account/modalita', { username: h.serial, password: h.password, mode: 'app' }), 201);
    const code = await latestCode(h.citizen.phone);
    const other = String((Number(code) + 1) % 10_000).padStart(4, '0');
    expect((await api(`/account/modalita/${String(started.flowId)}`, { otp: other })).status).toBe(400);
    expect((await cardView(h.serial)).credentials?.mode).toBe('sms');
    expect((await api('/account/modalita', { username: h.serial, password: h.password, mode: 'push' })).status).toBe(400);
  });

  it('R-ACC-3: the code is single use — the finished request names nothing', async () => {
    const h = await holder({ mode: 'sms' });
    const started = await expectStatus(await api('/account/modalita', { username: h.serial, password: h.password, mode: 'app' }), 201);
    const code = await latestCode(h.citizen.phone);
    await expectStatus(await api(`/account/modalita/${String(started.flowId)}`, { otp: code }), 200);
    expect((await api(`/account/modalita/${String(started.flowId)}`, { otp: code })).status).toBe(410);
  });
});
