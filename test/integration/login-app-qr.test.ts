import { describe, expect, it } from 'vitest';
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { flowSql, flowStub } from '../support/activation-state';
import { VirtualApp, api, expectStatus, type Approval } from '../support/app-client';
import { certifiedHolder } from '../support/app-login';
import { accessLog, openLogin, rpRedirect } from '../support/login-client';
import { qrContent } from '../support/qr';
import { QR_TTL_MS } from '../../functions/core/app-approvals';

const status = async (login: Awaited<ReturnType<typeof openLogin>>) =>
  (await (await login.browser.fetch(`/login/${login.flowId}/stato`)).json()) as { step: string };

async function scan(app: VirtualApp, content: string): Promise<Response> {
  return app.post('/app/qr', { content });
}

describe('login by QR code with the App CieID (R-LOG-3)', () => {
  it('R-LOG-3: the App scans the level 2 page, confirms with its key, and the page moves on to consent → code', async () => {
    const { h, app } = await certifiedHolder();
    const login = await openLogin({ acr: 2, clientName: 'Comune di Lecce' });
    const approval = (await expectStatus(await scan(app, qrContent(login.page)), 201)) as unknown as Approval;
    expect(approval).toMatchObject({ kind: 'qr', rpName: 'Comune di Lecce', level: 2 });
    expect(await app.approvals()).toEqual([expect.objectContaining({ id: approval.id })]);
    await expectStatus(await app.approve(approval), 200);
    expect(await status(login)).toEqual({ step: 'consent' });
    const consent = await login.browser.open(`/login/${login.flowId}`);
    expect(consent.text).toContain('I seguenti dati stanno per essere inviati a: Comune di Lecce');
    // Only the App said who this is: consent names the holder whose device approved (R-LOG-7).
    expect(consent.text).toContain(`Stai accedendo come ${h.citizen.givenName} ${h.citizen.familyName}`);
    expect(rpRedirect(await login.browser.submit(consent, 'Prosegui')).get('code')).toBeTruthy();
    expect((await accessLog(h.serial))[0]).toMatchObject({ method: 'app', outcome: 'granted', rpName: 'Comune di Lecce' });
  });

  it('R-LOG-3: the QR code expires by the flow\'s alarm after 120 s; the page is told, and a late scan is refused and logged', async () => {
    const { h, app } = await certifiedHolder();
    const login = await openLogin({ acr: 2 });
    const content = qrContent(login.page);
    const alarm = await runInDurableObject(flowStub(login.flowId), (_i, state) => state.storage.getAlarm());
    expect(alarm! - Date.now()).toBeGreaterThan(QR_TTL_MS - 10_000);
    expect(alarm! - Date.now()).toBeLessThanOrEqual(QR_TTL_MS);

    const res = await login.browser.fetch(`/login/${login.flowId}/attesa`, { headers: { Upgrade: 'websocket' } });
    const ws = res.webSocket!;
    const told = new Promise<unknown>((resolve) => ws.addEventListener('message', (e) => resolve(JSON.parse(String(e.data)))));
    ws.accept();

    await flowSql(login.flowId, 'UPDATE qr SET expires_at = ?', Date.now() - 1);
    expect(await runDurableObjectAlarm(flowStub(login.flowId))).toBe(true);
    expect(await told).toEqual({ qr: 'expired' });
    ws.close();
    expect(await flowSql(login.flowId, 'SELECT * FROM qr')).toEqual([]);
    expect((await scan(app, content)).status).toBe(410);
    expect((await accessLog(h.serial))[0]).toMatchObject({ outcome: 'app_refused', reason: 'qr_unknown' });
    // The login itself lives on: the citizen can still use the password or a new code.
    expect(await status(login)).toEqual({ step: 'credentials' });
  });

  it('R-LOG-3: a QR code past its 120 s is refused even before the alarm has run', async () => {
    const { h, app } = await certifiedHolder();
    const login = await openLogin({ acr: 2 });
    const content = qrContent(login.page);
    await flowSql(login.flowId, 'UPDATE qr SET expires_at = ?', Date.now() - 1);
    expect((await scan(app, content)).status).toBe(410);
    expect((await accessLog(h.serial))[0]).toMatchObject({ outcome: 'app_refused', reason: 'qr_expired' });
  });

  it('R-LOG-3: a QR code is single use — a second scan, by the same or another device, is refused and logged', async () => {
    const { h, app } = await certifiedHolder();
    const other = await certifiedHolder();
    const login = await openLogin({ acr: 2 });
    const content = qrContent(login.page);
    await expectStatus(await scan(app, content), 201);
    expect((await scan(app, content)).status).toBe(410);
    expect((await accessLog(h.serial))[0]).toMatchObject({ outcome: 'app_refused', reason: 'qr_used' });
    expect((await scan(other.app, content)).status).toBe(410);
    expect((await accessLog(other.h.serial))[0]).toMatchObject({ outcome: 'app_refused', reason: 'qr_used' });
  });

  it('R-LOG-3: the approval is useless to any device but the one that scanned', async () => {
    const { h, app } = await certifiedHolder();
    const tablet = await VirtualApp.certify(h, { name: 'Tablet' });
    const login = await openLogin({ acr: 2 });
    const approval = (await expectStatus(await scan(app, qrContent(login.page)), 201)) as unknown as Approval;
    expect(await tablet.approvals()).toEqual([]);
    expect((await tablet.approve(approval)).status).toBe(410);
    expect(await status(login)).toEqual({ step: 'credentials' });
    await expectStatus(await app.approve(approval), 200);
  });

  it('R-LOG-3: renewing the code (a new page) retires the old one', async () => {
    const { app } = await certifiedHolder();
    const login = await openLogin({ acr: 2 });
    const old = qrContent(login.page);
    const renewed = await login.browser.open(`/login/${login.flowId}`);
    const fresh = qrContent(renewed);
    expect(fresh).not.toBe(old);
    expect((await scan(app, old)).status).toBe(410);
    await expectStatus(await scan(app, fresh), 201);
  });

  it('R-APP-4: a device revoked after scanning cannot confirm', async () => {
    const { h, app } = await certifiedHolder();
    const tablet = await VirtualApp.certify(h, { name: 'Tablet' });
    const login = await openLogin({ acr: 2 });
    const approval = (await expectStatus(await scan(app, qrContent(login.page)), 201)) as unknown as Approval;
    expect((await api(`/app/dispositivi/${app.deviceId}`, undefined, tablet.token, 'DELETE')).status).toBe(204);
    expect((await app.approve(approval)).status).toBe(401);
    expect(await status(login)).toEqual({ step: 'credentials' });
  });

  it('R-LOG-3: content that is not a CieID code is a 400; no session is a 401', async () => {
    const { app } = await certifiedHolder();
    expect((await scan(app, 'https://example.org')).status).toBe(400);
    expect((await api('/app/qr', { content: 'x' })).status).toBe(401);
  });

  it('R-LVL-1: a level 1 page has no QR code', async () => {
    const login = await openLogin({ acr: 1 });
    expect(() => qrContent(login.page)).toThrow();
  });
});
