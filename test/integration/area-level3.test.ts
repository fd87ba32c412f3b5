import { describe, expect, it } from 'vitest';
import { WRONG_CURRENT_PASSWORD } from '../../functions/core/area-revocation';
import { cardUseRefusalMessage } from '../../functions/core/card-registration-flow';
import { cardRefusalMessage } from '../../functions/core/login-flow';
import { noticeText } from '../../functions/core/notices';
import { cardObject } from '../../functions/platform/objects';
import type { Browser, Page } from '../support/activation-client';
import { VirtualApp, api, expectStatus } from '../support/app-client';
import { type CardCitizen, appWithCard, cardCitizen, present, registrationChallenge } from '../support/card-app';
import { inArea, noticeTo, CURRENT_PASSWORD } from '../support/area-revocation';
import { approvalFor, deepLinkCode, pcQr, phonePage, qrCode, readCard, readerPage, signApproval } from '../support/level3-login';
import { accessLog, env } from '../support/login-client';
import { loginThrough } from '../support/oidc-login';
import { TestRp } from '../support/rp';

/**
 * "Sospendi livello 3" / "Riattiva livello 3" (R-ACC-4, issue 13 §2) through the Worker: the personal
 * area's page, then every use of the card for level 3 — the three ways of a level 3 login (R-LOG-4,
 * R-LOG-5, R-LOG-6), the App's card registration (R-L3-1) and activation by card (R-ACT-1) — refused
 * at once (docs/level3.md, check 6), until the holder resumes it with the password.
 */

const SUSPENDED_LOGIN = cardRefusalMessage('level3_suspended');
const SUSPENDED_USE = cardUseRefusalMessage('level3_suspended');

const certified = (c: CardCitizen) => VirtualApp.certify({ citizen: c.citizen, serial: c.serial, pin: c.pin, puk: c.puk, password: c.password });

async function level3Page(browser: Browser): Promise<Page> {
  const page = await browser.open('/area-personale/livello3');
  expect(page.status).toBe(200);
  expect(page.heading).toBe('Credenziali livello 3');
  return page;
}

async function suspend(c: CardCitizen): Promise<{ browser: Browser; page: Page }> {
  const browser = await inArea(c);
  const page = await browser.submit(await level3Page(browser), 'Sospendi livello 3');
  return { browser, page };
}

const suspended = async (c: CardCitizen) => (await cardObject(env, c.serial).view())?.level3Suspended;

describe('Sospendi livello 3 (R-ACC-4)', () => {
  it('R-ACC-4: one button, no password; the Card says so, the holder is told, the access log keeps it', async () => {
    const c = await cardCitizen();
    const browser = await inArea(c);
    const before = await level3Page(browser);
    expect(before.text).toContain('Stato: Attive');
    expect(before.forms.find((f) => f.buttons.some((b) => b.text === 'Sospendi livello 3'))?.fields.map((f) => f.type)).not.toContain('password');
    const after = await browser.submit(before, 'Sospendi livello 3');
    expect(after.status).toBe(200);
    expect(after.text).toContain('Il livello 3 è sospeso');
    expect(after.text).toContain('Stato: Sospese');
    expect(after.hasButton('Riattiva livello 3')).toBe(true);
    expect(await suspended(c)).toBe(true);
    expect(await noticeTo(c.citizen.phone, 'è stato sospeso')).toBe(noticeText({ kind: 'level3_suspended' }));
    // A second suspension (another tab) changes nothing and is no second event.
    expect((await browser.post('/area-personale/livello3', new URLSearchParams({ csrf: csrfOf(after), azione: 'sospendi' }))).status).toBe(200);
    const events = ((await cardObject(env, c.serial).events()) as unknown as { kind: string }[]).filter((e) => e.kind === 'level3_suspended');
    expect(events).toHaveLength(1);
  });

  it("R-LOG-4: on the phone, the App's signature with a suspended card is refused (403) in the citizen's words, and logged", async () => {
    const c = await cardCitizen();
    const app = await certified(c);
    await suspend(c);
    const { page } = await phonePage('Comune di Bari');
    const approval = await approvalFor(app, deepLinkCode(page));
    const refused = await expectStatus(await signApproval(app, c, approval), 403);
    expect(refused.error_description).toBe(SUSPENDED_LOGIN);
    expect((await accessLog(c.serial))[0]).toMatchObject({ method: 'card', outcome: 'card_refused', reason: 'level3_suspended', rpName: 'Comune di Bari' });
  });

  it("R-LOG-5: on a PC with the phone, the QR code's signature with a suspended card is refused (403), and logged", async () => {
    const c = await cardCitizen();
    const app = await certified(c);
    await suspend(c);
    const { page } = await pcQr(c.serial, 'Comune di Trento');
    const refused = await expectStatus(await signApproval(app, c, await approvalFor(app, qrCode(page))), 403);
    expect(refused.error_description).toBe(SUSPENDED_LOGIN);
    expect((await accessLog(c.serial))[0]).toMatchObject({ outcome: 'card_refused', reason: 'level3_suspended', rpName: 'Comune di Trento' });
  });

  it('R-LOG-6: on the smart-card reader, a suspended card keeps the reader page with the reason (403), and is logged', async () => {
    const c = await cardCitizen();
    await suspend(c);
    const { login, page } = await readerPage('Comune di Aosta');
    const refused = await readCard(login, page, c);
    expect(refused.status).toBe(403);
    expect(refused.text).toContain(SUSPENDED_LOGIN);
    expect((await accessLog(c.serial))[0]).toMatchObject({ outcome: 'card_refused', reason: 'level3_suspended', rpName: 'Comune di Aosta' });
  });

  it('R-L3-1, R-ACT-1: the App can neither register a suspended card nor activate credentials with it', async () => {
    const { c, app } = await appWithCard();
    await suspend(c);
    const registration = await registrationChallenge(app);
    const refused = await expectStatus(await app.post(`/app/carta/${registration.flowId}`, await present(c, registration.challenge)), 403);
    expect(refused.error_description).toBe(SUSPENDED_USE);
    const { flowId, challenge } = (await expectStatus(await api('/app/attivazione/sfida', {}, app.token), 201)) as { flowId: string; challenge: string };
    const activation = await expectStatus(await api('/app/attivazione', { flowId, ...(await present(c, challenge)) }, app.token), 403);
    expect(activation.error_description).toBe(SUSPENDED_USE);
  });

  it('R-ACC-4: a level 3 login that read the card before the suspension gets no code after it (access_denied)', async () => {
    const c = await cardCitizen();
    const rp = await TestRp.create({ clientName: 'Comune di Cagliari' });
    await suspend(c);
    const login = await loginThrough(rp, { card: c, level: 3 }).catch((e: Error) => e);
    expect(login).toBeInstanceOf(Error);
    expect(String(login)).toContain('access_denied');
    // Levels 1 and 2 are untouched by it.
    expect((await loginThrough(rp, { card: c, level: 2 })).code).toBeTruthy();
  });

  it('a form with no action, or another one, is a 400 page; suspension without the CSRF token is a 403', async () => {
    const c = await cardCitizen();
    const browser = await inArea(c);
    const page = await level3Page(browser);
    expect((await browser.submit(page, 'Sospendi livello 3', {}, { raw: { azione: 'cancella' } })).status).toBe(400);
    expect((await browser.submit(page, 'Sospendi livello 3', {}, { raw: { azione: null } })).status).toBe(400);
    expect((await browser.submit(page, 'Sospendi livello 3', {}, { raw: { csrf: 'x'.repeat(43) } })).status).toBe(403);
    expect(await suspended(c)).toBe(false);
  });
});

describe('Riattiva livello 3 (R-ACC-4)', () => {
  it("R-ACC-4: a wrong password resumes nothing; the right one does, the holder is told, and the phone's level 3 login works again", async () => {
    const c = await cardCitizen();
    const app = await certified(c);
    const { browser, page } = await suspend(c);
    const wrong = await browser.submit(page, 'Riattiva livello 3', { [CURRENT_PASSWORD]: 'Sbagliata!123' });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain(WRONG_CURRENT_PASSWORD);
    expect(await suspended(c)).toBe(true);
    const resumed = await browser.submit(wrong, 'Riattiva livello 3', { [CURRENT_PASSWORD]: c.password });
    expect(resumed.status).toBe(200);
    expect(resumed.text).toContain('Il livello 3 è di nuovo attivo');
    expect(resumed.text).toContain('Stato: Attive');
    expect(await suspended(c)).toBe(false);
    expect(await noticeTo(c.citizen.phone, 'è stato riattivato')).toBe(noticeText({ kind: 'level3_resumed' }));

    const { login, page: phone } = await phonePage('Comune di Matera');
    expect(await expectStatus(await signApproval(app, c, await approvalFor(app, deepLinkCode(phone))), 200)).toEqual({ outcome: 'approved' });
    const consent = await login.browser.open(`/login/${login.flowId}`);
    expect(consent.text).toContain('I seguenti dati stanno per essere inviati a: Comune di Matera');
  });

  it('R-ACC-4: without level 1–2 credentials there is no password to resume with: the page says to activate them, and a forged post resumes nothing', async () => {
    const c = await cardCitizen({ credentials: false });
    const { browser, page } = await suspend(c);
    expect(page.text).toContain('Stato: Sospese');
    expect(page.hasButton('Riattiva livello 3')).toBe(false);
    expect(page.text).toContain('attivale');
    const res = await browser.post('/area-personale/livello3', new URLSearchParams({ csrf: csrfOf(page), azione: 'riattiva', password: 'Qualsiasi!123' }));
    expect(res.status).toBe(400);
    expect(await suspended(c)).toBe(true);
  });
});

/** The session's CSRF token, as every area form carries it. */
function csrfOf(page: Page): string {
  const token = /name="csrf" value="([^"]+)"/.exec(page.html)?.[1];
  if (!token) throw new Error('no CSRF token on the page');
  return token;
}
