import { createExecutionContext, env, runInDurableObject, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import worker from '../../functions/index';
import type { Env } from '../../functions/env';
import { areaSurface } from '../../functions/account/routes';
import type { WorkerRouter } from '../../functions/platform/surface';
import { areaSessionCookie } from '../../functions/account/area/session';
import { cardObject } from '../../functions/platform/objects';
import { AreaBrowser, areaCookie, loginToArea, openAreaLogin } from '../support/area-client';
import { holder } from '../support/login-client';
import { signInToConsent } from '../support/demo-client';
import { ORIGIN, call, registry } from '../support/worker';

/** Every route the area mounts, all three groups, as [method, path]. */
function areaRoutes(): [string, string][] {
  const routes: [string, string][] = [];
  const recorder: WorkerRouter = new Proxy({} as WorkerRouter, {
    get: (_target, method) => (path: string) => {
      routes.push([String(method).toUpperCase(), path]);
      return recorder;
    },
  });
  areaSurface.mount(recorder);
  return routes;
}

const testEnv = env as Env;

/** The three routes that are the way in, and need no session. */
const OPEN = new Set(['GET /area-personale', 'GET /area-personale/accedi', 'GET /area-personale/callback']);

async function fetchWith(overrides: Partial<Env>, path: string): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${ORIGIN}${path}`), { ...env, ...overrides } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

describe('personal area: entry with CieID and the session (issue 13 §1)', () => {
  it('without a session /area-personale is the landing page with "Accedi", and nothing of anyone', async () => {
    const page = await new AreaBrowser().open('/area-personale');
    expect(page.status).toBe(200);
    expect(page.heading).toBe('Accedi all’area personale');
    expect(page.html).toContain('href="/area-personale/accedi"');
    expect(page.text).not.toContain('Esci');
  });

  it('"Accedi" is a real RP login at /oidc/authorize: signed request object at SpidL2, PKCE, consent asked, the area registered once as its own client', async () => {
    const browser = new AreaBrowser();
    const sent = await browser.fetch('/area-personale/accedi');
    expect(sent.status).toBe(303);
    const location = new URL(sent.headers.get('Location')!);
    expect(location.origin + location.pathname).toBe(`${ORIGIN}/oidc/authorize`);
    const request = decodeJwt(location.searchParams.get('request')!);
    expect(request).toMatchObject({
      iss: `${ORIGIN}/area-personale`,
      client_id: `${ORIGIN}/area-personale`,
      redirect_uri: `${ORIGIN}/area-personale/callback`,
      acr_values: 'https://www.spid.gov.it/SpidL2',
      prompt: 'consent login',
      code_challenge_method: 'S256',
      scope: 'openid',
    });
    const pending = sent.headers.getSetCookie().find((c) => c.startsWith('cie_area_login='))!;
    expect(pending).toMatch(/HttpOnly/);
    expect(pending).not.toContain(String(request.state));
    const client = (await (await registry(`/clients/${encodeURIComponent(`${ORIGIN}/area-personale`)}`)).json()) as {
      client_name: string;
      jwks: { keys: object[] };
    };
    expect(client.client_name).toBe('CieID – Area personale');
    for (const key of client.jwks.keys) expect(key).not.toHaveProperty('d');
  });

  it('a level 2 SMS login through the same pages every RP gets, consent included, opens the session on the ID token’s identity', async () => {
    const h = await holder();
    const browser = new AreaBrowser();
    const credentials = await openAreaLogin(browser);
    expect(credentials.heading).toBe("RICHIESTA D'ACCESSO CIE LIVELLO 2");
    expect(credentials.text).toContain('CieID – Area personale');
    const { page } = await loginToArea(h);
    expect(page.status, page.text.slice(0, 300)).toBe(200);
    expect(page.text).toContain(`Benvenuto, ${h.citizen.givenName} ${h.citizen.familyName}`);
    expect(page.html).toContain('aria-current="page">Home');
    expect(page.hasButton('Esci')).toBe(true);
    const gestione = await (await loginToArea(h)).browser.open('/area-personale/gestione');
    expect(gestione.heading).toBe('Gestione CieID');
  });

  it('the session cookie is HttpOnly, SameSite=Lax, Path=/, holds only a random id; over https it is __Host- and Secure', async () => {
    const h = await holder();
    const browser = new AreaBrowser();
    const consent = await signInToConsent(browser, await openAreaLogin(browser), h.serial, h.password, h.citizen.phone);
    // The consent's post goes back to the callback, whose answer (a 303 to Home) sets the session.
    const toCallback = await browser.submit(consent, 'Prosegui');
    expect(toCallback.status).toBe(302);
    const atCallback = await browser.open(toCallback.headers.get('Location')!);
    expect(atCallback.status).toBe(303);
    expect(atCallback.headers.get('Location')).toBe('/area-personale');
    const cookie = atCallback.headers.getSetCookie().find((c) => c.startsWith('cie_area='))!;
    expect(cookie).toMatch(/; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    const value = areaCookie(browser)!;
    expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie).not.toContain(h.serial);
    const https = areaSessionCookie(new Request('https://cieid.example.it/area-personale/callback'), {
      id: value,
      serial: h.serial,
      fiscalCode: '',
      csrf: '',
      authTime: 0,
    });
    expect(https).toMatch(/^__Host-cie_area=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+; Secure$/);
  });

  it('nothing under /area-personale but the way in answers without a session: every mounted route gives the landing redirect or a 401 page', async () => {
    const routes = areaRoutes();
    expect(routes.length).toBeGreaterThan(10);
    const id = 'A'.repeat(43);
    for (const [method, pattern] of routes) {
      if (OPEN.has(`${method} ${pattern}`)) continue;
      const path = pattern.replace(/:[A-Za-z]+/g, id);
      const init: RequestInit =
        method === 'GET' || method === 'HEAD'
          ? { method }
          : { method, headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN }, body: 'csrf=x' };
      const res = await call(path, init);
      const body = await res.text();
      if (method === 'GET') {
        expect(res.status, `${method} ${path}`).toBe(303);
        expect(res.headers.get('Location'), `${method} ${path}`).toBe('/area-personale');
      } else if (path === '/area-personale/esci') {
        // Nothing to end: "Esci" without a session is simply out, on the landing page.
        expect(res.status).toBe(303);
        expect(res.headers.get('Location')).toBe('/area-personale?uscita');
      } else {
        expect(res.status, `${method} ${path}`).toBe(401);
        expect(body, `${method} ${path}`).toContain('accedi di nuovo');
      }
      expect(body).not.toContain('Esci');
    }
  });

  it('a cookie naming another kind of flow, a malformed one, or a gone session is no session', async () => {
    const h = await holder();
    const { browser } = await loginToArea(h);
    const mode = await browser.post(
      '/area-personale/modalita',
      new URLSearchParams({ csrf: (await browser.open('/area-personale/modalita')).csrf, mode: 'app' }),
    );
    const modeFlowId = /\/area-personale\/modalita\/([A-Za-z0-9_-]{43})/.exec(mode.html)?.[1];
    expect(modeFlowId).toBeDefined();
    for (const value of [modeFlowId!, 'x', 'A'.repeat(43), `${areaCookie(browser)}x`]) {
      const res = await call('/area-personale/gestione', { headers: { Cookie: `cie_area=${value}` } });
      expect(res.status, value).toBe(303);
    }
  });

  it('15 minutes idle end it; a use restarts the clock', async () => {
    const h = await holder();
    const { browser } = await loginToArea(h);
    const flow = testEnv.FLOW.get(testEnv.FLOW.idFromName(areaCookie(browser)!));
    const expiresAt = () => runInDurableObject(flow, (_o, state) => Number(state.storage.sql.exec('SELECT expires_at FROM flow').one().expires_at));
    // Ten minutes left: the next use gives the session its whole 15 minutes again.
    await runInDurableObject(flow, (_o, state) => state.storage.sql.exec('UPDATE flow SET expires_at = ?', Date.now() + 10 * 60_000));
    const before = Date.now();
    expect((await browser.open('/area-personale/gestione')).status).toBe(200);
    expect(await expiresAt()).toBeGreaterThanOrEqual(before + 15 * 60_000);
    // Past its idle time it is gone, whatever the cookie says.
    await runInDurableObject(flow, (_o, state) => state.storage.sql.exec('UPDATE flow SET expires_at = ?', Date.now() - 1));
    const gone = await browser.open('/area-personale/gestione');
    expect(gone.status).toBe(303);
    expect(gone.headers.get('Location')).toBe('/area-personale');
  });

  it('"Esci" (POST, CSRF) ends the session at once: the same cookie opens nothing afterwards', async () => {
    const h = await holder();
    const { browser, page } = await loginToArea(h);
    const cookie = areaCookie(browser)!;
    const forged = await browser.post('/area-personale/esci', new URLSearchParams({ csrf: 'x'.repeat(43) }));
    expect(forged.status).toBe(403);
    expect((await browser.open('/area-personale/gestione')).status).toBe(200);
    const out = await browser.submit(page, 'Esci');
    expect(out.postStatus).toBe(303);
    expect(out.heading).toBe('Accedi all’area personale');
    expect(out.text).toContain('Sei uscito dall’area personale');
    expect(areaCookie(browser)).toBeUndefined();
    const replay = await call('/area-personale/gestione', { headers: { Cookie: `cie_area=${cookie}` } });
    expect(replay.status).toBe(303);
  });

  it('a form from another site is refused (403) even with the session and its token', async () => {
    const h = await holder();
    const { browser } = await loginToArea(h);
    const csrf = (await browser.open('/area-personale/gestione')).csrf;
    const res = await browser.fetch('/area-personale/esci', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'https://evil.example' },
      body: new URLSearchParams({ csrf }).toString(),
    });
    expect(res.status).toBe(403);
    expect((await browser.open('/area-personale/gestione')).status).toBe(200);
  });

  it('R-ACC-4: endAreaSessions ends every session of the identity whose login authenticated until then, and only those', async () => {
    const h = await holder();
    const first = await loginToArea(h);
    const second = await loginToArea(h);
    await cardObject(env as Env, h.serial).endAreaSessions(Date.now());
    expect((await first.browser.open('/area-personale/gestione')).status).toBe(303);
    expect((await second.browser.open('/area-personale/gestione')).status).toBe(303);
    // auth_time has whole seconds: a login in the same second as the end is refused too (core/area-session).
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));
    const later = await loginToArea(h);
    expect((await later.browser.open('/area-personale/gestione')).status).toBe(200);
  });

  it('a login refused at the OP, a forged state or a code the token endpoint refuses open nothing (400, Italian page)', async () => {
    const h = await holder();
    const browser = new AreaBrowser();
    const consent = await signInToConsent(browser, await openAreaLogin(browser), h.serial, h.password, h.citizen.phone);
    const cancelled = await browser.settle(await browser.submit(consent, 'Annulla'));
    expect(cancelled.status).toBe(400);
    expect(cancelled.alert).toContain('L’accesso è stato annullato');
    expect(areaCookie(browser)).toBeUndefined();

    const other = new AreaBrowser();
    const sent = await other.fetch('/area-personale/accedi');
    const state = String(decodeJwt(new URL(sent.headers.get('Location')!).searchParams.get('request')!).state);
    const forged = await other.open(`/area-personale/callback?code=abc&state=${'x'.repeat(43)}&iss=${encodeURIComponent(ORIGIN)}`);
    expect(forged.status).toBe(400);
    const again = await other.fetch('/area-personale/accedi');
    const state2 = String(decodeJwt(new URL(again.headers.get('Location')!).searchParams.get('request')!).state);
    expect(state2).not.toBe(state);
    const badCode = await other.open(`/area-personale/callback?code=not-a-code&state=${state2}&iss=${encodeURIComponent(ORIGIN)}`);
    expect(badCode.status).toBe(400);
    expect(badCode.alert).toContain('La risposta di CieID non è valida');
    expect(areaCookie(other)).toBeUndefined();
    const stranger = await new AreaBrowser().open('/area-personale/callback?code=a&state=b');
    expect(stranger.status).toBe(400);
  });

  it('exists in production too; without AREA_RP_KEYS it answers 503 with an Italian page', async () => {
    const production = { ENVIRONMENT: 'production', ISSUER: ORIGIN.replace('http:', 'https:'), TEST_HOOKS: undefined };
    const missing = await fetchWith({ ...production, AREA_RP_KEYS: undefined }, '/area-personale');
    expect(missing.status).toBe(503);
    const text = await missing.text();
    expect(text).toContain('Servizio non disponibile');
    expect(text).toContain('L’area personale non è disponibile');
    expect((await fetchWith({ ...production, AREA_RP_KEYS: undefined }, '/area-personale/accedi')).status).toBe(503);
    expect((await fetchWith(production, '/area-personale')).status).toBe(200);
  });
});
