import { describe, expect, it } from 'vitest';
import { Browser, type Page, latestCode, unescapeHtml } from '../support/activation-client';
import { VirtualApp, expectStatus } from '../support/app-client';
import { pending, waitingForApp } from '../support/app-login';
import { areaLogin } from '../support/area-session';
import { appWithCard, cardCitizen, certifyByCard, present } from '../support/card-app';
import { OTP_LABEL, env, holder, openLogin, relyingParty, rpRedirect, signIn } from '../support/login-client';
import { call } from '../support/worker';
import { cardObject } from '../../functions/platform/objects';
import { ACCESS_LOG_PAGE_SIZE } from '../../functions/core/access-log-view';

/**
 * "Dispositivi" and "Elenco accessi" in the personal area (R-ACC-5, R-APP-4, R-LOG-9), through the Worker's fetch as
 * a browser uses them, with an area session opened by the area's own CieID login.
 */

const outbox = async (to: string): Promise<string[]> => {
  const res = await call(`/__test/outbox?to=${encodeURIComponent(to)}`);
  return ((await res.json()) as { text: string }[]).map((m) => m.text);
};

/** An SMS login granted at the RP named `clientName` (R-LOG-9 logs it). */
async function smsLoginAt(h: Awaited<ReturnType<typeof holder>>, clientName: string): Promise<void> {
  const login = await openLogin({ acr: 2, clientName });
  const otp = await signIn(login, h.citizen.fiscalCode, h.password);
  const consent = await login.browser.submit(otp, 'Prosegui', { [OTP_LABEL]: await latestCode(h.citizen.phone) });
  rpRedirect(await login.browser.submit(consent, 'Prosegui'));
}

const textOf = (fragment: string) =>
  unescapeHtml(fragment.replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();

/** The text of the log's lines only (the filter's options hold every outcome's words too). */
const lines = (page: Page): string => textOf(/<ul class="list-group[\s\S]*?<\/ul>/.exec(page.html)?.[0] ?? '');

describe('personal area: every activity page needs the area session (R-ACC-5)', () => {
  it.each([
    '/area-personale/dispositivi',
    '/area-personale/accessi',
    '/area-personale/accessi/csv',
    '/area-personale/dispositivi/AAAAAAAAAAAAAAAAAAAAAA/revoca',
  ])('R-ACC-5: GET %s without a session goes to the landing page', async (path) => {
    const res = await call(path);
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('/area-personale');
  });

  it('R-APP-4: a revocation posted without a session is refused and revokes nothing', async () => {
    const h = await holder();
    const app = await VirtualApp.certify(h);
    const res = await new Browser().post(`/area-personale/dispositivi/${app.deviceId}/revoca`, 'csrf=x');
    expect(res.status).toBe(401);
    await expectStatus(await app.get('/app/approvals'), 200);
  });
});

describe('personal area: "Dispositivi" (R-ACC-5, R-APP-4)', () => {
  it('R-ACC-5: the certified device with its name, date of certification, last use and status; last use moves when it approves a login', async () => {
    const h = await holder();
    const { browser } = await areaLogin(h);
    const app = await VirtualApp.certify(h, { name: 'Telefono di Anna' });
    // R-ACC-5 notice: the holder is told a device was added.
    expect((await outbox(h.citizen.phone)).some((t) => t.includes('"Telefono di Anna" è stato certificato'))).toBe(true);
    let page = await browser.open('/area-personale/dispositivi');
    expect(page.status).toBe(200);
    expect(page.heading).toBe('Dispositivi');
    expect(page.text).toContain('Telefono di Anna');
    expect(page.text).toContain('Certificato il');
    expect(page.text).toMatch(/Ultimo utilizzo\s*Mai utilizzato/);
    expect(page.html).toContain(`href="/area-personale/dispositivi/${app.deviceId}/revoca"`);

    await cardObject(env, h.serial).setMode('app');
    const w = await waitingForApp('Comune di Prova', { h, app });
    await expectStatus(await app.approve(await pending(w)), 200);
    page = await browser.open('/area-personale/dispositivi');
    expect(page.text).toMatch(/Ultimo utilizzo\s*\d{2}\/\d{2}\/\d{4}, \d{2}:\d{2}/);
    const [listed] = await cardObject(env, h.serial).listDevices();
    expect(listed!.lastUsedAt).toBeGreaterThan(listed!.createdAt);
  });

  it('R-L3-2: a device certified by the card itself is announced to the holder too', async () => {
    const c = await cardCitizen({ credentials: false });
    await certifyByCard(c, 'Telefono con la sola carta');
    expect((await outbox(c.citizen.phone)).some((t) => t.includes('"Telefono con la sola carta" è stato certificato'))).toBe(true);
  });

  it('R-ACC-5: a level 3 login signed with the card in the App is a use of the device too', async () => {
    const { c, app } = await appWithCard();
    expect((await cardObject(env, c.serial).listDevices())[0]!.lastUsedAt).toBeNull();
    const login = await openLogin({ acr: 3, clientName: 'Comune di Livello Tre' });
    const phone = await login.browser.submit(login.page, 'Prosegui con smartphone');
    const href = /<a [^>]*id="apri-app" href="([^"]+)"/.exec(phone.html)?.[1];
    const content = new URL(unescapeHtml(href!)).searchParams.get('codice')!;
    const approval = await expectStatus(await app.post('/app/l3', { content }), 201);
    await expectStatus(await app.post(`/app/l3/${approval.id}`, await present(c, String(approval.challenge))), 200);
    const [listed] = await cardObject(env, c.serial).listDevices();
    expect(listed!.lastUsedAt).toBeGreaterThanOrEqual(listed!.createdAt);
  });

  it('R-APP-4: "Revoca" asks first, then revokes at once: the App session dies, the holder is told, the list says "Revocato"', async () => {
    const h = await holder();
    const { browser } = await areaLogin(h);
    const app = await VirtualApp.certify(h, { name: 'Vecchio telefono' });
    const confirm = await browser.open(`/area-personale/dispositivi/${app.deviceId}/revoca`);
    expect(confirm.status).toBe(200);
    expect(confirm.heading).toBe('Revoca dispositivo');
    expect(confirm.text).toContain('«Vecchio telefono»');
    // Looking at the confirmation revokes nothing.
    await expectStatus(await app.get('/app/approvals'), 200);
    const done = await browser.submit(confirm, 'Revoca dispositivo');
    expect(done.postStatus).toBe(303);
    expect(done.status).toBe(200);
    expect(done.text).toContain('Il dispositivo «Vecchio telefono» è stato revocato');
    expect(done.text).toContain('Revocato il');
    expect(done.html).not.toContain(`/dispositivi/${app.deviceId}/revoca`);
    await expectStatus(await app.get('/app/approvals'), 401);
    expect((await outbox(h.citizen.phone)).some((t) => t.includes('"Vecchio telefono" è stato revocato'))).toBe(true);
    // A second post of the same form: already revoked, a 404 page.
    const again = await browser.post(`/area-personale/dispositivi/${app.deviceId}/revoca`, new URLSearchParams({ csrf: confirm.csrf }));
    expect(again.status).toBe(404);
    expect(again.heading).toBe('Pagina non trovata');
  });

  it('R-APP-4: a wrong CSRF token, another card’s device, a malformed id: refused, nothing revoked', async () => {
    const h = await holder();
    const other = await holder();
    const { browser } = await areaLogin(h);
    const mine = await VirtualApp.certify(h);
    const theirs = await VirtualApp.certify(other);
    const confirm = await browser.open(`/area-personale/dispositivi/${mine.deviceId}/revoca`);
    expect((await browser.submit(confirm, 'Revoca dispositivo', {}, { raw: { csrf: 'x'.repeat(43) } })).status).toBe(403);
    const foreign = await browser.open(`/area-personale/dispositivi/${theirs.deviceId}/revoca`);
    expect(foreign.status).toBe(404);
    expect(foreign.html).toContain('<html lang="it">');
    const posted = await browser.post(`/area-personale/dispositivi/${theirs.deviceId}/revoca`, new URLSearchParams({ csrf: confirm.csrf }));
    expect(posted.status).toBe(404);
    for (const bad of ['short', `${'a'.repeat(65)}`, '..%2F..%2Fx', '%00aaaaaaaaaaaaaaaaaaaa']) {
      expect((await browser.open(`/area-personale/dispositivi/${bad}/revoca`)).status).toBe(404);
    }
    expect((await browser.open('/area-personale/dispositivi?revocato=%3Cscript%3E')).status).toBe(400);
    await expectStatus(await mine.get('/app/approvals'), 200);
    await expectStatus(await theirs.get('/app/approvals'), 200);
    const revocations = ((await cardObject(env, other.serial).events()) as { kind: string }[]).filter((e) => e.kind === 'device_revoked');
    expect(revocations).toEqual([]);
  });
});

describe('personal area: "Elenco accessi" (R-ACC-5, R-LOG-9)', () => {
  it('R-LOG-9: the page and the CSV show the logins just made at two relying parties, newest first, in Italian', async () => {
    const h = await holder();
    await smsLoginAt(h, 'INPS');
    await smsLoginAt(h, 'Comune di Esempio');
    const { browser } = await areaLogin(h);
    const page = await browser.open('/area-personale/accessi');
    expect(page.status).toBe(200);
    expect(page.heading).toBe('Elenco accessi');
    const text = page.text;
    expect(text).toContain('INPS');
    expect(text).toContain('Comune di Esempio');
    expect(text.indexOf('Comune di Esempio')).toBeLessThan(text.lastIndexOf('INPS'));
    expect(text).toContain('Accesso consentito');
    expect(text).toContain('Livello 2');
    expect(text).toContain('Password e SMS');
    expect(text).toMatch(/\d{2}\/\d{2}\/\d{4}, \d{2}:\d{2}/);

    const csv = await browser.fetch('/area-personale/accessi/csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('Content-Disposition')).toMatch(/^attachment; filename="elenco-accessi-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = (await csv.text()).split('\r\n');
    expect(lines[0]).toBe('Data e ora (Italia),Data e ora (UTC),Servizio,Livello,Metodo,Esito');
    expect(lines.filter((l) => l.includes(',INPS,Livello 2,Password e SMS,Accesso consentito'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes(',Comune di Esempio,Livello 2,Password e SMS,Accesso consentito'))).toHaveLength(1);
  });

  it('R-ACC-5: filtered by service and by outcome; the service filter offers the services in the log; an empty result says so', async () => {
    const h = await holder();
    await smsLoginAt(h, 'INPS');
    const failed = await openLogin({ acr: 2, clientName: 'Agenzia delle Entrate' });
    expect((await signIn(failed, h.citizen.fiscalCode, 'Sbagliata!12')).status).toBeGreaterThanOrEqual(400);
    const { browser } = await areaLogin(h);
    const all = await browser.open('/area-personale/accessi');
    const inps = (await relyingParty('INPS')).clientId;
    expect(all.html).toContain(`<option value="${inps}">INPS</option>`);
    expect(all.html).toContain('>Agenzia delle Entrate</option>');

    const byService = await browser.open(`/area-personale/accessi?servizio=${encodeURIComponent(inps)}`);
    expect(lines(byService)).toContain('Accesso consentito');
    expect(lines(byService)).not.toContain('Password errata');
    expect(byService.html).toContain(`<option value="${inps}" selected>INPS</option>`);
    expect(byService.html).toContain(`href="/area-personale/accessi/csv?servizio=${encodeURIComponent(inps)}"`);

    const refused = await browser.open('/area-personale/accessi?esito=negati');
    expect(lines(refused)).toContain('Password errata');
    expect(lines(refused)).toContain('Agenzia delle Entrate');
    expect(lines(refused)).not.toContain('Accesso consentito');

    const none = await browser.open(`/area-personale/accessi?servizio=${encodeURIComponent(inps)}&esito=cancelled`);
    expect(none.status).toBe(200);
    expect(none.text).toContain('Nessun accesso corrisponde ai filtri scelti.');

    const csv = await (await browser.fetch('/area-personale/accessi/csv?esito=negati')).text();
    expect(csv).toContain('Password errata');
    expect(csv).not.toContain('Accesso consentito');
  });

  it('R-LOG-9: pages of 20 by keyset, the next link carrying filter and cursor; other cards’ lines never show', async () => {
    const h = await holder();
    const other = await holder();
    const card = cardObject(env, h.serial);
    const t0 = Date.now() - 3600_000;
    for (let i = 0; i < 25; i++)
      await card.logAccess({ at: t0 + i * 1000, rp: 'https://rp.example', rpName: `Servizio ${i}`, level: 2, method: 'sms', outcome: 'granted' });
    await cardObject(env, other.serial).logAccess({ at: t0, rp: 'https://x.example', rpName: 'Servizio altrui', level: 2, method: 'sms', outcome: 'granted' });
    const { browser } = await areaLogin(h);
    const first = await browser.open('/area-personale/accessi?esito=consentiti');
    const entries = (p: Page) => [...p.html.matchAll(/<li class="list-group-item/g)].length;
    expect(entries(first)).toBe(ACCESS_LOG_PAGE_SIZE);
    // The area login itself is the newest line; then Servizio 24 down to Servizio 6.
    expect(lines(first)).toContain('Servizio 24');
    expect(lines(first)).not.toMatch(/Servizio 5\b/);
    const next = /href="(\/area-personale\/accessi\?esito=consentiti&amp;prima=(\d+))"/.exec(first.html);
    expect(next).not.toBeNull();
    const second = await browser.open(next![1]!.replaceAll('&amp;', '&'));
    expect(second.status).toBe(200);
    expect(entries(second)).toBe(26 - ACCESS_LOG_PAGE_SIZE);
    expect(lines(second)).toMatch(/Servizio 0\b/);
    expect(second.text).toContain('Torna ai più recenti');
    expect(second.html).not.toContain('prima=');
    expect(lines(first) + lines(second)).not.toContain('Servizio altrui');
  });

  it('R-ACC-5: hostile query parameters get a 400 page in Italian, never a 5xx', async () => {
    const h = await holder();
    const { browser } = await areaLogin(h);
    for (const search of [
      'esito=__proto__',
      'prima=-1',
      'prima=1e9',
      'prima=1&prima=2',
      `servizio=${'x'.repeat(2000)}`,
      'pagina=2',
      'esito=granted&esito=cancelled',
    ]) {
      for (const path of ['/area-personale/accessi', '/area-personale/accessi/csv']) {
        const page = await browser.open(`${path}?${search}`);
        expect(page.status, `${path}?${search.slice(0, 40)}`).toBe(400);
        expect(page.html).toContain('<html lang="it">');
      }
    }
  });

  it('R-LOG-9: the CSV escapes a service name that a spreadsheet would run as a formula', async () => {
    const h = await holder();
    await cardObject(env, h.serial).logAccess({
      at: Date.now(),
      rp: 'https://evil.example',
      rpName: '=HYPERLINK("http://evil.example","x")',
      level: 2,
      method: 'sms',
      outcome: 'granted',
    });
    const { browser } = await areaLogin(h);
    const csv = await (await browser.fetch('/area-personale/accessi/csv')).text();
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(csv).not.toMatch(/(^|,)=HYPERLINK/m);
  });
});
