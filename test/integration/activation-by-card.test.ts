import { describe, expect, it } from 'vitest';
import { PIN_BLOCKED_MESSAGE } from '../../functions/core/card-registration-flow';
import { Browser, GDPR, GOOD_PASSWORD, type Page, flowIdOf, latestCode } from '../support/activation-client';
import { cardView, flowRows } from '../support/activation-state';
import { VirtualApp, api, expectStatus } from '../support/app-client';
import {
  type CardCitizen,
  type CardDevice,
  appWithCard,
  cardCitizen,
  certifyByCard,
  foreignCertificate,
  present,
  registrationChallenge,
} from '../support/card-app';
import { accessLog } from '../support/login-client';
import { ORIGIN } from '../support/worker';

/**
 * R-ACT-1's alternative "Entra con CIE" through the Worker: the citizen whose card is registered in
 * the App (R-L3-1) activates level 1/2 credentials by the card's signature instead of the PUK digits,
 * so step 1.2 is skipped; the App hands the browser a single-use link to step 2.1.
 */

type Session = { token: string };
const post = (s: Session, path: string, body: unknown) => api(path, body, s.token);

async function challenge(s: Session): Promise<{ flowId: string; challenge: string }> {
  const got = await expectStatus(await post(s, '/app/attivazione/sfida', {}), 201);
  return { flowId: String(got.flowId), challenge: String(got.challenge) };
}

/** The App's part: a challenge, the card's signature, the link for the browser. */
async function activationLink(c: CardCitizen, s: Session): Promise<string> {
  const { flowId, challenge: signed } = await challenge(s);
  const done = await expectStatus(await post(s, '/app/attivazione', { flowId, ...(await present(c, signed)) }), 201);
  const url = new URL(String(done.url));
  expect(url.origin).toBe(ORIGIN);
  expect(url.pathname).toBe(`/attivazione/carta/${flowId}`);
  return url.pathname;
}

/** The browser opens the link: 303 to /attivazione, which shows where the activation stands. */
async function openLink(browser: Browser, path: string): Promise<{ status: number; page: Page }> {
  const res = await browser.fetch(path);
  if (res.status !== 303) return { status: res.status, page: await browser.open(path) };
  expect(res.headers.get('Location')).toBe('/attivazione');
  return { status: 303, page: await browser.open() };
}

const activationRefusals = async (serial: string) =>
  (await accessLog(serial)).filter((e) => e.rpName === 'Attivazione delle credenziali con la carta' && e.outcome === 'card_refused').map((e) => e.reason);

/** Steps 2.1 to 4 as the citizen walks them, from the page the link opened. */
async function walkFromPhone(browser: Browser, page: Page, c: CardCitizen): Promise<Page> {
  expect(page.heading).toBe('2.1 Verifica Numero Cellulare');
  page = await browser.submit(page, 'Continua');
  page = await browser.submit(page, 'Continua', { 'Codice di verifica OTP': await latestCode(c.citizen.phone) });
  expect(page.heading).toBe('2.2 Verifica Indirizzo E-mail');
  page = await browser.submit(page, 'Non adesso');
  page = await browser.submit(page, 'Continua', { 'Scegli Password': GOOD_PASSWORD, 'Conferma Password': GOOD_PASSWORD, [GDPR]: true });
  return browser.submit(page, 'Scegli SMS');
}

describe('Activation by card (R-ACT-1 "Entra con CIE", R-L3-2)', () => {
  it('R-ACT-1, R-L3-2: a card registered in the App with no credentials activates them by its signature — step 1.2 is skipped', async () => {
    const c = await cardCitizen({ credentials: false });
    const device = await certifyByCard(c);
    const browser = new Browser();
    const { status, page } = await openLink(browser, await activationLink(c, device));
    expect(status).toBe(303);
    const done = await walkFromPhone(browser, page, c);
    expect(done.heading).toBe('Credenziali attivate');
    const view = await cardView(c.serial);
    expect(view.credentials).toMatchObject({ mode: 'sms' });
    expect(view.pukFailures).toBe(0);
  });

  it('R-ACT-9: a citizen with credentials activates again by card (device certified with password and SMS)', async () => {
    const { c, app } = await appWithCard();
    const browser = new Browser();
    const { page } = await openLink(browser, await activationLink(c, app));
    expect((await walkFromPhone(browser, page, c)).heading).toBe('Credenziali attivate');
  });

  it('R-ACT-1: the link is single use — opened again (a reload, a copy) it is a gone activation, and sets no cookie', async () => {
    const c = await cardCitizen({ credentials: false });
    const device = await certifyByCard(c);
    const path = await activationLink(c, device);
    const first = new Browser();
    expect((await openLink(first, path)).status).toBe(303);
    const activationId = flowIdOf(first);
    const second = new Browser();
    const again = await second.fetch(path);
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('La procedura di attivazione è scaduta o non è più valida.');
    expect(second.cookies.has('cie_act')).toBe(false);
    // The first browser's activation goes on untouched.
    expect((await first.open()).heading).toBe('2.1 Verifica Numero Cellulare');
    expect(flowIdOf(first)).toBe(activationId);
  });

  it('R-ACT-1: 10 concurrent openings of one link give the activation to exactly one browser', async () => {
    const c = await cardCitizen({ credentials: false });
    const device = await certifyByCard(c);
    const path = await activationLink(c, device);
    const browsers = Array.from({ length: 10 }, () => new Browser());
    const statuses = await Promise.all(browsers.map((b) => b.fetch(path).then((r) => r.status)));
    expect(statuses.filter((s) => s === 303)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 303).every((s) => s === 410)).toBe(true);
    expect(browsers.filter((b) => b.cookies.has('cie_act'))).toHaveLength(1);
  });

  it('R-ACT-1: an activation already open in the browser is abandoned for the card’s, as step 1.1 does', async () => {
    const { c, app } = await appWithCard();
    const browser = new Browser();
    await openLink(browser, await activationLink(c, app));
    const earlier = flowIdOf(browser);
    await openLink(browser, await activationLink(c, app));
    expect(flowIdOf(browser)).not.toBe(earlier);
    expect(await flowRows(earlier)).toBe(0);
  });

  it('a handle that names no waiting link — random, of another shape, another kind of flow — is a gone activation', async () => {
    const { c, app } = await appWithCard();
    const registration = await registrationChallenge(app);
    const unsigned = await challenge(app);
    const browser = new Browser();
    await openLink(browser, await activationLink(c, app));
    for (const handle of ['A'.repeat(43), 'x', 'a'.repeat(200), registration.flowId, unsigned.flowId]) {
      expect((await new Browser().fetch(`/attivazione/carta/${handle}`)).status, handle).toBe(410);
    }
    // The activation's own id is no handle either.
    expect((await new Browser().fetch(`/attivazione/carta/${flowIdOf(browser)}`)).status).toBe(410);
    // A challenge not yet signed opens nothing, and stays usable for the App.
    await expectStatus(await post(app, '/app/attivazione', { flowId: unsigned.flowId, ...(await present(c, unsigned.challenge)) }), 201);
  });
});

describe('Activation by card: refusals (R-ACT-1, R-L3-1)', () => {
  it('R-L3-1: a device that does not hold the card is refused — the card must be registered in this App first', async () => {
    const c = await cardCitizen();
    const app = await VirtualApp.certify({ citizen: c.citizen, serial: c.serial, pin: c.pin, puk: c.puk, password: c.password });
    const { flowId, challenge: signed } = await challenge(app);
    const res = await expectStatus(await app.post('/app/attivazione', { flowId, ...(await present(c, signed)) }), 403);
    expect(res.error_description).toBe('Questa carta non è registrata in questa App CieID: registrala prima con «Registra la tua carta».');
    expect(await activationRefusals(c.serial)).toEqual(['card_not_registered']);
  });

  it('R-ACT-1: the signature is single use — posted again, or over another challenge, it is refused', async () => {
    const c = await cardCitizen({ credentials: false });
    const device = await certifyByCard(c);
    const first = await challenge(device);
    const presentation = await present(c, first.challenge);
    await expectStatus(await post(device, '/app/attivazione', { flowId: first.flowId, ...presentation }), 201);
    expect((await post(device, '/app/attivazione', { flowId: first.flowId, ...presentation })).status).toBe(410);
    const second = await challenge(device);
    expect((await post(device, '/app/attivazione', { flowId: second.flowId, ...presentation })).status).toBe(403);
    expect(await activationRefusals(c.serial)).toEqual(['signature_invalid']);
    // Refused, the challenge is spent: a right signature over it now finds it gone.
    expect((await post(device, '/app/attivazione', { flowId: second.flowId, ...(await present(c, second.challenge)) })).status).toBe(410);
  });

  it('R-ACT-1: 20 concurrent posts of one presentation start one activation', async () => {
    const c = await cardCitizen({ credentials: false });
    const device = await certifyByCard(c);
    const { flowId, challenge: signed } = await challenge(device);
    const body = { flowId, ...(await present(c, signed)) };
    const statuses = await Promise.all(Array.from({ length: 20 }, () => post(device, '/app/attivazione', body).then((r) => r.status)));
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 201).every((s) => s === 410)).toBe(true);
  });

  it('R-ACT-1: another CA’s certificate and another identity’s card are refused, and logged', async () => {
    const c = await cardCitizen({ credentials: false });
    const device = await certifyByCard(c);
    const a = await challenge(device);
    const forged = { ...(await present(c, a.challenge)), certificate: await foreignCertificate(c) };
    expect((await post(device, '/app/attivazione', { flowId: a.flowId, ...forged })).status).toBe(403);
    const stranger = await cardCitizen();
    const b = await challenge(device);
    const theirs = await expectStatus(await post(device, '/app/attivazione', { flowId: b.flowId, ...(await present(stranger, b.challenge)) }), 403);
    expect(theirs.error_description).toBe('La carta letta non è intestata al titolare di questo dispositivo: usa la tua carta.');
    expect(await activationRefusals(c.serial)).toEqual(['certificate_untrusted']);
    expect(await activationRefusals(stranger.serial)).toEqual(['card_other_identity']);
  });

  it('R-L3-3: a blocked PIN ({pinBlocked: true}) is 423 with the way to "Sblocco carta"', async () => {
    const c = await cardCitizen({ credentials: false });
    const device = await certifyByCard(c);
    const { flowId, challenge: signed } = await challenge(device);
    for (let i = 0; i < 3; i++) await c.chip.presentation('99999999', signed);
    expect(await c.chip.presentation(c.pin, signed)).toEqual({ refused: 'pin_blocked' });
    const res = await expectStatus(await post(device, '/app/attivazione', { flowId, pinBlocked: true }), 423);
    expect(res.error_description).toBe(PIN_BLOCKED_MESSAGE);
    expect(await activationRefusals(c.serial)).toEqual(['pin_blocked']);
  });

  it('a challenge belongs to the device that asked; a flow of another kind is no challenge; no session is 401', async () => {
    const c = await cardCitizen({ credentials: false });
    const device: CardDevice = await certifyByCard(c);
    const other = await certifyByCard(await cardCitizen({ credentials: false }));
    const { flowId, challenge: signed } = await challenge(device);
    const presentation = await present(c, signed);
    expect((await post(other, '/app/attivazione', { flowId, ...presentation })).status).toBe(410);
    expect((await api('/app/attivazione', { flowId, ...presentation })).status).toBe(401);
    expect((await api('/app/attivazione/sfida')).status).toBe(401);
    const { c: holder, app } = await appWithCard();
    const registration = await registrationChallenge(app);
    const res = await expectStatus(
      await app.post('/app/attivazione', { flowId: registration.flowId, ...(await present(holder, registration.challenge)) }),
      410,
    );
    expect(res.error_description).toBe("La richiesta di attivazione con la carta è scaduta o è già stata usata: ricomincia dall'App CieID.");
    // The challenge asked by `device` is still there for it.
    await expectStatus(await post(device, '/app/attivazione', { flowId, ...presentation }), 201);
  });

  it('GET /app/attivazione/sfida answers as POST does', async () => {
    const { app } = await appWithCard();
    const got = await expectStatus(await app.get('/app/attivazione/sfida'), 201);
    expect(String(got.challenge)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('bad input of any size is a 4xx, never a 5xx', async () => {
    const { c, app } = await appWithCard();
    const { flowId, challenge: signed } = await challenge(app);
    const genuine = await present(c, signed);
    for (const body of [
      {},
      { flowId },
      { flowId: 42, ...genuine },
      { flowId: [flowId], ...genuine },
      { flowId: 'x'.repeat(10_000), ...genuine },
      { flowId, certificate: genuine.certificate },
      { flowId, certificate: { x: 1 }, signature: genuine.signature },
      { flowId, pinBlocked: 1 },
    ]) {
      const res = await app.post('/app/attivazione', body);
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBeGreaterThanOrEqual(400);
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBeLessThan(500);
    }
    for (const certificate of ['', 'x', 'A'.repeat(9000), `-----BEGIN CERTIFICATE-----\n${'/'.repeat(4000)}\n-----END CERTIFICATE-----`]) {
      const fresh = await challenge(app);
      const res = await app.post('/app/attivazione', { flowId: fresh.flowId, ...(await present(c, fresh.challenge)), certificate });
      expect(res.status).toBe(403);
    }
    // None of the first ones spent the challenge.
    await expectStatus(await app.post('/app/attivazione', { flowId, ...genuine }), 201);
  });
});
