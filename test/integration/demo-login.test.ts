import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import worker from '../../functions/index';
import type { Env } from '../../functions/env';
import { outboxCount } from '../support/activation-client';
import { DemoBrowser, sendDemoStart, signInToConsent, startDemoLogin } from '../support/demo-client';
import { holder } from '../support/login-client';
import { ORIGIN, call, registry } from '../support/worker';

/**
 * The demo relying party at /demo ("Comune di Esempio"): a whole login as a newcomer makes it,
 * through the real authorize endpoint, login pages, token and userinfo endpoints.
 */
const CLIENT_ID = `${ORIGIN}/demo`;

/** The result page's table as claim → value. */
function claimsTable(html: string): Map<string, string> {
  const rows = new Map<string, string>();
  for (const m of html.matchAll(/<tr><td>[^<]*<\/td><td><code>([^<]+)<\/code><\/td><td>([^<]*)<\/td><\/tr>/g)) rows.set(m[1]!, m[2]!);
  return rows;
}

/** The state the demo put in its request object, as the OP would read it. */
async function startedState(browser: DemoBrowser): Promise<string> {
  const request = new URL((await sendDemoStart(browser)).headers.get('Location')!).searchParams.get('request')!;
  return String(decodeJwt(request).state);
}

async function fetchWith(overrides: Partial<Env>, path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${ORIGIN}${path}`, init), { ...env, ...overrides } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

describe('demo relying party (/demo)', () => {
  it('takes a citizen from "Entra con CIE" at level 2 to the claims the Comune received', async () => {
    const h = await holder();
    const browser = new DemoBrowser();
    const start = await browser.open('/demo');
    expect(start.status).toBe(200);
    expect(start.heading).toBe('Servizi online del Comune di Esempio');
    expect(start.hasButton('Entra con CIE')).toBe(true);

    const credentials = await startDemoLogin(browser, { level: 2 });
    expect(credentials.status).toBe(200);
    expect(credentials.heading).toBe("RICHIESTA D'ACCESSO CIE LIVELLO 2");
    expect(credentials.text).toContain('Comune di Esempio');

    const consent = await signInToConsent(browser, credentials, h.citizen.fiscalCode, h.password, h.citizen.phone);
    expect(await outboxCount(h.citizen.phone)).toBe(1);
    expect(consent.text).toContain('I seguenti dati stanno per essere inviati a: Comune di Esempio');
    const result = await browser.settle(await browser.submit(consent, 'Prosegui'));

    expect(result.status, result.text.slice(0, 400)).toBe(200);
    expect(result.heading).toBe('Accesso effettuato');
    const claims = claimsTable(result.html);
    expect(claims.get('given_name')).toBe(h.citizen.givenName);
    expect(claims.get('family_name')).toBe(h.citizen.familyName);
    expect(claims.get('birthdate')).toBe(h.citizen.birthDate);
    expect(claims.get('https://attributes.eid.gov.it/fiscal_number')).toBe(`TINIT-${h.citizen.fiscalCode}`);
    expect(claims.get('sub')).toMatch(/\S{16,}/);
    expect(result.text).toContain('Livello 2');
    expect(result.text).toContain('https://www.spid.gov.it/SpidL2');
    // The login's secrets are spent with the answer.
    expect(browser.cookies.has('cie_demo')).toBe(false);
  });

  it('at level 1 asks no SMS code, and reports SpidL1', async () => {
    const h = await holder();
    const browser = new DemoBrowser();
    const credentials = await startDemoLogin(browser, { level: 1 });
    expect(credentials.heading).toBe("RICHIESTA D'ACCESSO CIE LIVELLO 1");
    const consent = await signInToConsent(browser, credentials, h.serial, h.password, h.citizen.phone);
    expect(await outboxCount(h.citizen.phone)).toBe(0);
    const result = await browser.settle(await browser.submit(consent, 'Prosegui'));
    expect(result.heading).toBe('Accesso effettuato');
    expect(result.text).toContain('https://www.spid.gov.it/SpidL1');
    expect(claimsTable(result.html).get('family_name')).toBe(h.citizen.familyName);
  });

  it('with only openid asked, the Comune receives the subject and nothing else', async () => {
    const h = await holder();
    const browser = new DemoBrowser();
    const credentials = await startDemoLogin(browser, { level: 1, profile: false });
    const consent = await signInToConsent(browser, credentials, h.serial, h.password, h.citizen.phone);
    const result = await browser.settle(await browser.submit(consent, 'Prosegui'));
    expect([...claimsTable(result.html).keys()]).toEqual(['sub']);
  });

  it('a citizen who presses Annulla comes back to the Comune with an Italian explanation of access_denied', async () => {
    const h = await holder();
    const browser = new DemoBrowser();
    const credentials = await startDemoLogin(browser);
    const consent = await signInToConsent(browser, credentials, h.citizen.fiscalCode, h.password, h.citizen.phone);
    const result = await browser.settle(await browser.submit(consent, 'Annulla'));
    expect(result.status).toBe(400);
    expect(result.alert).toContain('Accesso non autorizzato: la richiesta è stata annullata');
    expect(result.alert).toContain('access_denied');
    expect(result.html).not.toContain('<table');
  });

  it('refuses an answer that does not carry the state this browser sent, or comes without its session', async () => {
    const browser = new DemoBrowser();
    const authorize = new URL((await sendDemoStart(browser)).headers.get('Location')!);
    expect(authorize.pathname).toBe('/oidc/authorize');
    const forged = await browser.open(`/demo/callback?code=abc&state=${'x'.repeat(43)}&iss=${encodeURIComponent(ORIGIN)}`);
    expect(forged.status).toBe(400);
    expect(forged.alert).toContain('La risposta non corrisponde alla richiesta inviata da questo browser');

    const stranger = await new DemoBrowser().open(`/demo/callback?code=abc&state=abc`);
    expect(stranger.status).toBe(400);
    expect(stranger.alert).toContain('Sessione del servizio assente o scaduta');
  });

  it('shows a code the token endpoint refuses as a failed login, naming the OAuth error', async () => {
    const browser = new DemoBrowser();
    const state = await startedState(browser);
    const res = await browser.open(`/demo/callback?code=not-a-code&state=${state}&iss=${encodeURIComponent(ORIGIN)}`);
    expect(res.status).toBe(502);
    expect(res.alert).toContain('La risposta di CieID non è valida');
    expect(res.alert).toContain('invalid_grant');
  });

  it('refuses an answer that does not name this provider as its issuer (RFC 9207), even an error', async () => {
    for (const iss of [null, 'https://other-op.example.it']) {
      const browser = new DemoBrowser();
      const state = await startedState(browser);
      const res = await browser.open(`/demo/callback?error=access_denied&state=${state}${iss ? `&iss=${encodeURIComponent(iss)}` : ''}`);
      expect(res.status).toBe(502);
      expect(res.alert).toContain('La risposta di CieID non è valida');
      expect(res.alert).not.toContain('Accesso non autorizzato');
    }
  });

  it('sends a signed request object with PKCE S256, a 32+ character state and nonce, and a sealed HttpOnly cookie', async () => {
    const browser = new DemoBrowser();
    const sent = await sendDemoStart(browser, { email: true });
    expect(sent.status).toBe(303);
    const query = new URL(sent.headers.get('Location')!).searchParams;
    expect(query.get('client_id')).toBe(CLIENT_ID);
    expect(query.get('code_challenge_method')).toBe('S256');
    expect(query.get('scope')).toBe('openid profile email');
    const header = decodeProtectedHeader(query.get('request')!);
    const payload = decodeJwt(query.get('request')!) as { state: string; nonce: string; code_challenge: string };
    expect(header.alg).toBe('RS256');
    expect(payload).toMatchObject({ iss: CLIENT_ID, aud: ORIGIN, redirect_uri: `${ORIGIN}/demo/callback`, acr_values: 'https://www.spid.gov.it/SpidL2' });
    expect(payload.state.length).toBeGreaterThanOrEqual(32);
    expect(payload.nonce.length).toBeGreaterThanOrEqual(32);
    expect(payload.code_challenge).toBe(query.get('code_challenge'));
    const cookie = sent.headers.getSetCookie().find((c) => c.startsWith('cie_demo='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toContain(payload.state);
    expect(cookie).not.toContain(payload.nonce);
  });

  it('registers itself once, through the registry rules, with public keys only', async () => {
    const browser = new DemoBrowser();
    for (let i = 0; i < 2; i++) expect((await sendDemoStart(browser)).status).toBe(303);
    const res = await registry(`/clients/${encodeURIComponent(CLIENT_ID)}`);
    expect(res.status).toBe(200);
    const client = (await res.json()) as { client_name: string; redirect_uris: string[]; jwks: { keys: Record<string, unknown>[] } };
    expect(client.client_name).toBe('Comune di Esempio');
    expect(client.redirect_uris).toEqual([`${ORIGIN}/demo/callback`]);
    expect(client.jwks.keys.map((k) => k.use).sort()).toEqual(['enc', 'sig']);
    for (const key of client.jwks.keys) expect(key).not.toHaveProperty('d');
  });

  it('replaces a registration whose keys are not its own any more (a fresh DEMO_RP_KEYS)', async () => {
    const browser = new DemoBrowser();
    await sendDemoStart(browser);
    const before = (await (await registry(`/clients/${encodeURIComponent(CLIENT_ID)}`)).json()) as { jwks: unknown };
    expect((await registry(`/clients/${encodeURIComponent(CLIENT_ID)}`, undefined, { method: 'DELETE' })).status).toBe(204);
    const stale = {
      client_id: CLIENT_ID,
      client_name: 'Comune di Esempio',
      redirect_uris: [`${ORIGIN}/demo/callback`],
      jwks: { keys: [{ ...(before.jwks as { keys: Record<string, unknown>[] }).keys[0], kid: 'old' }] },
    };
    expect((await registry('/clients', stale)).status).toBe(201);
    expect((await sendDemoStart(browser)).status).toBe(303);
    const after = (await (await registry(`/clients/${encodeURIComponent(CLIENT_ID)}`)).json()) as { jwks: unknown };
    expect(after.jwks).toEqual(before.jwks);
  });

  it('pages carry the strict CSP and no inline script or style', async () => {
    const res = await call('/demo');
    expect(res.headers.get('Content-Security-Policy')).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).not.toMatch(/<script|<style|style="/);
  });

  it('does not exist in production: 404 for every route, and nothing gets registered', async () => {
    for (const [path, init] of [
      ['/demo', {}],
      ['/demo/callback?code=a&state=b', {}],
      ['/demo/entra', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN }, body: 'level=2&profile=on' }],
    ] as const) {
      const res = await fetchWith({ ENVIRONMENT: 'production', ISSUER: 'https://cieid.example.it' }, path, init);
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain('Comune di Esempio');
    }
    expect((await fetchWith({ ENVIRONMENT: 'development' }, '/demo')).status).toBe(200);
  });
});
