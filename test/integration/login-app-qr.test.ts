import { describe, expect, it } from 'vitest';
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { flowSql, flowStub } from '../support/activation-state';
import { VirtualApp, api, expectStatus, type Approval } from '../support/app-client';
import { certifiedHolder } from '../support/app-login';
import { Browser, Page } from '../support/activation-client';
import { accessLog, holder, openLogin, rpRedirect, signIn, type OpenLogin } from '../support/login-client';
import { qrContent } from '../support/qr';
import { ORIGIN } from '../support/worker';
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

  it("R-LOG-3: the QR code expires by the flow's alarm after 120 s; the page is told, and a late scan is refused and logged", async () => {
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

/** "Genera un nuovo codice" as its form posts it; `json` as public/login-wait.js posts it. */
function renew(login: OpenLogin, options: { json?: boolean; csrf?: string | null; browser?: Browser; headers?: Record<string, string>; body?: string } = {}) {
  const { json = false, csrf = login.page.csrf, browser = login.browser, headers = {} } = options;
  const body = options.body ?? (csrf === null ? '' : new URLSearchParams({ csrf }).toString());
  return browser.fetch(`/login/${login.flowId}/qr/nuovo`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN, ...(json ? { Accept: 'application/json' } : {}), ...headers },
    body,
  });
}

interface RenewedQr {
  content: string;
  svg: string;
  seconds: number;
}

/** The JSON answer's image held to its content, as the page's would be once the script swaps it in. */
async function renewedCode(res: Response): Promise<RenewedQr> {
  expect(res.status).toBe(200);
  expect(res.headers.get('Content-Type')).toMatch(/^application\/json/);
  expect(res.headers.get('Cache-Control')).toBe('no-store');
  const body = (await res.json()) as RenewedQr;
  const asShown = new Page(200, `<div id="qr" data-qr-content="${body.content}">${body.svg}</div>`, new Headers());
  expect(qrContent(asShown)).toBe(body.content);
  return body;
}

describe('"Genera un nuovo codice" (R-LOG-3, WCAG 2.2.1: the time limit can be extended)', () => {
  it('R-LOG-3: without JavaScript the button posts, the answer is a 303 to the page, which shows a new code; the old one is refused', async () => {
    const { h, app } = await certifiedHolder();
    const login = await openLogin({ acr: 2 });
    const old = qrContent(login.page);
    const res = await renew(login);
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe(`/login/${login.flowId}#app-title`);
    const renewed = await login.browser.submit(login.page, 'Genera un nuovo codice');
    expect(renewed.postStatus).toBe(303);
    expect(renewed.text).toContain(`Validità codice: 2'00"`);
    const fresh = qrContent(renewed);
    expect(fresh).not.toBe(old);
    expect((await scan(app, old)).status).toBe(410);
    expect((await accessLog(h.serial))[0]).toMatchObject({ outcome: 'app_refused', reason: 'qr_unknown' });
    await expectStatus(await scan(app, fresh), 201);
  });

  it('R-LOG-3: a scan in progress survives a reload of the page, but not "Genera un nuovo codice": the phone holding the old code cannot log the browser in', async () => {
    const { app } = await certifiedHolder();
    const login = await openLogin({ acr: 2 });
    const kept = (await expectStatus(await scan(app, qrContent(login.page)), 201)) as unknown as Approval;
    await login.browser.open(`/login/${login.flowId}`);
    await expectStatus(await app.approve(kept), 200);
    expect(await status(login)).toEqual({ step: 'consent' });

    const other = await openLogin({ acr: 2 });
    const abandoned = (await expectStatus(await scan(app, qrContent(other.page)), 201)) as unknown as Approval;
    await renewedCode(await renew(other, { json: true }));
    const refused = await app.approve(abandoned);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: 'approval_refused' });
    expect(await status(other)).toEqual({ step: 'credentials' });
  });

  it("R-LOG-3: with JavaScript (Accept: application/json) a new code comes as JSON — image, content, 120 s — and the page's old code is refused", async () => {
    const { app } = await certifiedHolder();
    const login = await openLogin({ acr: 2 });
    const old = qrContent(login.page);
    const fresh = await renewedCode(await renew(login, { json: true }));
    expect(fresh.seconds).toBe(QR_TTL_MS / 1000);
    expect(fresh.content).not.toBe(old);
    expect(fresh.svg).toMatch(/^<svg [^>]*width="\d+" height="\d+"/);
    expect((await scan(app, old)).status).toBe(410);
    await expectStatus(await scan(app, fresh.content), 201);
  });

  it('R-LOG-3: each renewal retires the code before it, and restarts the 120 s', async () => {
    const { app } = await certifiedHolder();
    const login = await openLogin({ acr: 2 });
    const first = await renewedCode(await renew(login, { json: true }));
    await flowSql(login.flowId, 'UPDATE qr SET expires_at = ?', Date.now() + 5_000);
    const second = await renewedCode(await renew(login, { json: true }));
    const [row] = await flowSql(login.flowId, 'SELECT expires_at FROM qr');
    expect(Number(row!.expires_at) - Date.now()).toBeGreaterThan(QR_TTL_MS - 10_000);
    expect((await scan(app, first.content)).status).toBe(410);
    await expectStatus(await scan(app, second.content), 201);
  });

  it('R-LOG-3: after "Validità codice: scaduto" (the alarm dropped the code) the button still gives a working code', async () => {
    const { app } = await certifiedHolder();
    const login = await openLogin({ acr: 2 });
    await flowSql(login.flowId, 'UPDATE qr SET expires_at = ?', Date.now() - 1);
    expect(await runDurableObjectAlarm(flowStub(login.flowId))).toBe(true);
    expect(await flowSql(login.flowId, 'SELECT * FROM qr')).toEqual([]);
    const fresh = await renewedCode(await renew(login, { json: true }));
    await expectStatus(await scan(app, fresh.content), 201);
    const page = await login.browser.submit(login.page, 'Genera un nuovo codice');
    expect(page.text).toContain(`Validità codice: 2'00"`);
  });

  it('R-LOG-3: a missing or wrong CSRF token, or a post from another site, is a 403 and issues nothing', async () => {
    const login = await openLogin({ acr: 2 });
    const before = await flowSql(login.flowId, 'SELECT token_hash FROM qr');
    for (const json of [false, true]) {
      expect((await renew(login, { json, csrf: null })).status).toBe(403);
      expect((await renew(login, { json, csrf: 'x'.repeat(43) })).status).toBe(403);
      expect((await renew(login, { json, headers: { Origin: 'https://evil.example' } })).status).toBe(403);
    }
    const refused = await renew(login, { json: true, csrf: 'nope' });
    expect(await refused.json()).toMatchObject({ error: 'forbidden' });
    expect(await flowSql(login.flowId, 'SELECT token_hash FROM qr')).toEqual(before);
  });

  it("R-LOG-3: another browser — even with the page's token — gets 410, as /stato does", async () => {
    const login = await openLogin({ acr: 2 });
    const stranger = new Browser();
    for (const json of [false, true]) expect((await renew(login, { json, browser: stranger })).status).toBe(410);
    const refused = await renew(login, { json: true, browser: stranger });
    expect(await refused.json()).toMatchObject({ error: 'flow_gone' });
    const other = await openLogin({ acr: 2 });
    expect((await renew(login, { json: true, browser: other.browser })).status).toBe(410);
  });

  it('R-LOG-3: once the flow has left the credentials step, the form goes to the current page and the script is told 410', async () => {
    const h = await holder({ mode: 'sms' });
    const login = await openLogin({ acr: 2 });
    const otp = await signIn(login, h.citizen.fiscalCode, h.password);
    expect(otp.text).toContain('Inserisci un codice di verifica.');
    const res = await renew(login);
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe(`/login/${login.flowId}`);
    const moved = await renew(login, { json: true });
    expect(moved.status).toBe(410);
    expect(await moved.json()).toMatchObject({ error: 'flow_moved' });
    expect(await status(login)).toEqual({ step: 'otp' });
  });

  it('R-LOG-3: a finished or unknown flow is 410, in both forms', async () => {
    const login = await openLogin({ acr: 2 });
    await login.browser.submit(login.page, 'Annulla');
    for (const json of [false, true]) expect((await renew(login, { json })).status).toBe(410);
    const res = await login.browser.fetch('/login/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/qr/nuovo', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN, Accept: 'application/json' },
      body: 'csrf=x',
    });
    expect(res.status).toBe(410);
  });

  it('R-LOG-3 / R-LVL-1: a level 1 flow has no QR code to renew: the form shows the page, the script gets a 400', async () => {
    const login = await openLogin({ acr: 1 });
    expect((await renew(login)).status).toBe(303);
    const res = await renew(login, { json: true });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request' });
    expect(() => qrContent(login.page)).toThrow();
  });

  it('R-LOG-3: hostile bodies are 4xx, never 5xx: not a form (415), too big (413), not UTF-8 (400)', async () => {
    const login = await openLogin({ acr: 2 });
    for (const json of [false, true]) {
      expect((await renew(login, { json, headers: { 'Content-Type': 'application/json' }, body: '{"csrf":"x"}' })).status).toBe(415);
      expect((await renew(login, { json, body: `csrf=${'a'.repeat(70 * 1024)}` })).status).toBe(413);
      const bad = await login.browser.fetch(`/login/${login.flowId}/qr/nuovo`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN, ...(json ? { Accept: 'application/json' } : {}) },
        body: new Uint8Array([0x63, 0x73, 0x72, 0x66, 0x3d, 0xff, 0xfe]),
      });
      expect(bad.status).toBe(400);
    }
    const big = await renew(login, { json: true, body: `csrf=${'a'.repeat(70 * 1024)}` });
    expect(await big.json()).toHaveProperty('error');
  });
});
