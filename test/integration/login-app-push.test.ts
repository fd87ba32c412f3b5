import { describe, expect, it } from 'vitest';
import { outboxCount } from '../support/activation-client';
import { VirtualApp, api, expectStatus } from '../support/app-client';
import { certifiedHolder, pending, waitingForApp } from '../support/app-login';
import { OTP_LABEL, accessLog, holder, openLogin, rpRedirect, signIn } from '../support/login-client';
import { APPROVAL_BURST } from '../../functions/core/app-approvals';
import { call } from '../support/worker';
import { expectFocusedErrorBox } from '../support/markup';
import { unescapeHtml } from '../support/activation-client';

/** The paragraphs of a page, as their text with the buttons inside them. */
const paragraphs = (html: string) =>
  [...html.matchAll(/<p\b[^>]*>([\s\S]*?)<\/p>/g)].map((m) => ({
    inner: m[1]!,
    text: unescapeHtml(m[1]!.replace(/<[^>]*>/g, ''))
      .replace(/\s+/g, ' ')
      .trim(),
  }));

const CONSENT = 'I seguenti dati stanno per essere inviati a:';

describe('login by push to the App CieID (R-LOG-2, App branch)', () => {
  it('R-LOG-2: after the password the page waits for the phone, with its three ways out, and no SMS is sent', async () => {
    const citizen = await certifiedHolder();
    const sentBefore = await outboxCount(citizen.h.citizen.phone);
    const w = await waitingForApp('INPS', citizen);
    expect(w.page.status).toBe(200);
    expect(w.page.text).toContain("Ti abbiamo inviato una notifica sull'App CieID per autorizzare il tuo accesso.");
    for (const b of ['invia una nuova notifica', 'Vai al QR code', 'Autorizza tramite SMS', 'Annulla']) expect(w.page.hasButton(b), b).toBe(true);
    expect(w.page.html).toContain('<script src="/login-wait.js" defer></script>');
    expect(w.page.html).not.toMatch(/<script>(?!<)/);
    expect(await outboxCount(w.h.citizen.phone)).toBe(sentBefore);
    const script = await call('/login-wait.js');
    expect(script.status).toBe(200);
    expect(await script.text()).toContain('/attesa');
  });

  it('R-LOG-2: the App sees the RP, the level and the attributes, approves with its key, and the page moves on to consent → code', async () => {
    const w = await waitingForApp('Comune di Bari');
    const approval = await pending(w);
    expect(approval).toMatchObject({ kind: 'push', rpName: 'Comune di Bari', level: 2 });
    expect(approval.attributes).toEqual(expect.arrayContaining(['Nome', 'Cognome']));
    expect(approval.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await expectStatus(await w.app.approve(approval), 200)).toEqual({ outcome: 'approved' });
    const status = await w.login.browser.fetch(`/login/${w.login.flowId}/stato`);
    expect(await status.json()).toEqual({ step: 'consent' });
    const consent = await w.login.browser.open(`/login/${w.login.flowId}`);
    expect(consent.text).toContain(`${CONSENT} Comune di Bari`);
    const done = rpRedirect(await w.login.browser.submit(consent, 'Prosegui'));
    expect(done.get('code')).toBeTruthy();
    expect((await accessLog(w.h.serial))[0]).toMatchObject({ method: 'app', outcome: 'granted', level: 2 });
    expect(await w.app.approvals()).toEqual([]);
  });

  it('R-LOG-2: a denial in the App moves the page to a refusal, and the service gets access_denied', async () => {
    const w = await waitingForApp();
    expect(await expectStatus(await w.app.deny(await pending(w)), 200)).toEqual({ outcome: 'denied' });
    const refused = await w.login.browser.open(`/login/${w.login.flowId}`);
    expect(refused.status).toBe(403);
    expect(refused.text).toContain("Hai negato l'autorizzazione dall'App CieID");
    const back = rpRedirect(await w.login.browser.submit(refused, 'Torna al servizio'));
    expect(back.get('error')).toBe('access_denied');
    expect((await accessLog(w.h.serial))[0]).toMatchObject({ method: 'app', outcome: 'app_denied' });
  });

  it('R-LOG-2: "Controlla in App di avere le notifiche abilitate o invia una nuova notifica." is one sentence, its button inside it', async () => {
    const w = await waitingForApp();
    // A <form> opened inside a <p> closes the paragraph: the sentence would fall apart in a browser.
    expect(w.page.html).not.toMatch(/<p\b[^>]*>(?:(?!<\/p>)[\s\S])*<form/);
    const sentences = {
      'Non hai ricevuto la notifica sul tuo cellulare? Controlla in App di avere le notifiche abilitate o invia una nuova notifica.':
        'invia una nuova notifica',
      "Inquadra il QR Code con l'App CieID. Vai al QR code": 'Vai al QR code',
      "Non puoi utilizzare l'App CieID? Autorizza tramite SMS": 'Autorizza tramite SMS',
    };
    for (const [sentence, button] of Object.entries(sentences)) {
      const found = paragraphs(w.page.html).filter((p) => p.text === sentence);
      expect(found, sentence).toHaveLength(1);
      expect(found[0]!.inner).toMatch(new RegExp(`<button type="submit" class="btn btn-link btn-inline">${button}</button>`));
    }
  });

  it('R-ACT-6: the mode decides — an SMS-mode identity with a certified device gets the SMS code', async () => {
    const h = await holder({ mode: 'sms' });
    await VirtualApp.certify(h);
    const login = await openLogin({ acr: 2 });
    const page = await signIn(login, h.citizen.fiscalCode, h.password);
    expect(page.field(OTP_LABEL).name).toBe('otp');
  });

  it('R-LOG-2: "invia una nuova notifica" sends a new push; the old one can no longer be approved', async () => {
    const w = await waitingForApp();
    const first = await pending(w);
    const again = await w.login.browser.submit(w.page, 'invia una nuova notifica');
    expect(again.status).toBe(200);
    expect(again.text).toContain('Ti abbiamo inviato una nuova notifica');
    const second = await pending(w);
    expect(second.id).not.toBe(first.id);
    expect((await w.app.approve(first)).status).toBe(410);
    await expectStatus(await w.app.approve(second), 200);
  });

  it('R-LOG-2: "Autorizza tramite SMS" switches to the SMS code, and the push no longer moves the flow', async () => {
    const w = await waitingForApp();
    const approval = await pending(w);
    const sentBefore = await outboxCount(w.h.citizen.phone);
    const otp = await w.login.browser.submit(w.page, 'Autorizza tramite SMS');
    expect(otp.field(OTP_LABEL).name).toBe('otp');
    expect(await outboxCount(w.h.citizen.phone)).toBe(sentBefore + 1);
    expect((await w.app.approve(approval)).status).toBe(403);
    expect(await (await w.login.browser.fetch(`/login/${w.login.flowId}/stato`)).json()).toEqual({ step: 'otp' });
  });

  it('R-LOG-2: "Vai al QR code" goes back to the level 2 page with its QR code', async () => {
    const w = await waitingForApp();
    const page = await w.login.browser.submit(w.page, 'Vai al QR code');
    expect(page.postStatus).toBe(303);
    expect(page.text).toContain('Entra con App CieID');
    expect(page.text).toContain('Validità codice');
  });

  it("refused and logged: an assertion over another flow's challenge", async () => {
    const citizen = await certifiedHolder();
    const a = await waitingForApp('Comune A', citizen);
    const b = await waitingForApp('Comune B', citizen);
    const forA = await pending(a);
    const forB = await pending(b);
    expect((await a.app.approve(forA, { challenge: forB.challenge })).status).toBe(403);
    expect(await (await a.login.browser.fetch(`/login/${a.login.flowId}/stato`)).json()).toEqual({ step: 'app' });
    expect((await accessLog(a.h.serial))[0]).toMatchObject({ outcome: 'app_refused', reason: 'assertion_invalid', rpName: 'Comune A' });
  });

  it('refused and logged: a replayed assertion, on the same approval or on a newer one', async () => {
    const w = await waitingForApp();
    const approval = await pending(w);
    const assertion = await w.app.authenticator.assert(approval.challenge);
    await expectStatus(await w.app.post(`/app/approvals/${approval.id}`, { decision: 'approve', assertion }), 200);
    expect((await w.app.post(`/app/approvals/${approval.id}`, { decision: 'approve', assertion })).status).toBe(410);
    expect((await accessLog(w.h.serial))[0]).toMatchObject({ outcome: 'app_refused', reason: 'approval_unknown' });

    const w2 = await waitingForApp('Comune di Prova', { h: w.h, app: w.app });
    const next = await pending(w2);
    expect((await w.app.post(`/app/approvals/${next.id}`, { decision: 'approve', assertion })).status).toBe(403);
    expect((await accessLog(w.h.serial))[0]).toMatchObject({ outcome: 'app_refused', reason: 'counter_not_increasing' });
  });

  it('refused and logged: a signature counter that goes backwards (a cloned key)', async () => {
    const w = await waitingForApp();
    w.app.authenticator.counter = 10;
    const approval = await pending(w);
    // The counter the card holds is 0; first an honest assertion at 11, then one claiming 5.
    const w2 = await waitingForApp('Comune Due', { h: w.h, app: w.app });
    await expectStatus(await w.app.approve(await pending(w2)), 200);
    expect((await w.app.approve(approval, { counter: 5 })).status).toBe(403);
    expect((await accessLog(w.h.serial))[0]).toMatchObject({ outcome: 'app_refused', reason: 'counter_not_increasing' });
  });

  it('replay under load: two approvals signed with the same counter, sent at once — exactly one wins', async () => {
    const citizen = await certifiedHolder();
    const a = await waitingForApp('Comune A', citizen);
    const b = await waitingForApp('Comune B', citizen);
    const [forA, forB] = [await pending(a), await pending(b)];
    const counter = citizen.app.authenticator.counter + 1;
    const results = await Promise.all([citizen.app.approve(forA, { counter }), citizen.app.approve(forB, { counter })]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 403]);
  });

  it('refused: an assertion without user verification (no App code, no biometrics)', async () => {
    const w = await waitingForApp();
    expect((await w.app.approve(await pending(w), { userVerified: false })).status).toBe(403);
    expect((await accessLog(w.h.serial))[0]).toMatchObject({ outcome: 'app_refused', reason: 'assertion_invalid' });
  });

  it('R-APP-4: a revoked device cannot approve, at once, and sees nothing pending', async () => {
    const w = await waitingForApp();
    const approval = await pending(w);
    const other = await VirtualApp.certify(w.h, { name: 'Tablet' });
    expect((await api(`/app/dispositivi/${w.app.deviceId}`, undefined, other.token, 'DELETE')).status).toBe(204);
    expect((await w.app.approve(approval)).status).toBe(401);
    expect((await w.app.get('/app/approvals')).status).toBe(401);
  });

  it('flood: pending approvals to one identity are rate limited (429 with Retry-After)', async () => {
    const w = await waitingForApp();
    let page = w.page;
    for (let i = 1; i < APPROVAL_BURST; i++) {
      page = await w.login.browser.submit(page, 'invia una nuova notifica');
      expect(page.status).toBe(200);
    }
    const flooded = await w.login.browser.submit(page, 'invia una nuova notifica');
    expect(flooded.status).toBe(429);
    expect(Number(flooded.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(flooded.alert).toContain('Troppe notifiche');
    expectFocusedErrorBox(flooded);
    // Another login of the same identity is held to the same limit.
    const login = await openLogin({ acr: 2 });
    expect((await signIn(login, w.h.citizen.fiscalCode, w.h.password)).status).toBe(429);
  });

  it('the waiting page wakes up: its WebSocket gets the new step when the App approves', async () => {
    const w = await waitingForApp();
    const res = await w.login.browser.fetch(`/login/${w.login.flowId}/attesa`, { headers: { Upgrade: 'websocket' } });
    expect(res.status).toBe(101);
    const ws = res.webSocket!;
    const messages: unknown[] = [];
    const got = new Promise<void>((resolve) => {
      ws.addEventListener('message', (e) => {
        messages.push(JSON.parse(String(e.data)));
        if (messages.some((m) => (m as { step?: string }).step === 'consent')) resolve();
      });
    });
    ws.accept();
    ws.send('stato');
    await expectStatus(await w.app.approve(await pending(w)), 200);
    await got;
    expect(messages[0]).toEqual({ step: 'app' });
    expect(messages).toContainEqual({ step: 'consent' });
    ws.close();
  });

  it('the waiting socket and the status are for the browser that opened the login only', async () => {
    const w = await waitingForApp();
    const stranger = await openLogin({ acr: 2 });
    expect((await stranger.browser.fetch(`/login/${w.login.flowId}/stato`)).status).toBe(410);
    expect((await stranger.browser.fetch(`/login/${w.login.flowId}/attesa`, { headers: { Upgrade: 'websocket' } })).status).toBe(410);
    expect((await w.login.browser.fetch(`/login/${w.login.flowId}/attesa`)).status).toBe(426);
  });
});
