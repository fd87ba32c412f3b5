import { describe, expect, it } from 'vitest';
import { Browser } from '../support/activation-client';
import { holder, openLogin } from '../support/login-client';
import { ORIGIN } from '../support/worker';
import { randomId } from '../../functions/platform/crypto';

const form = (fields: Record<string, string>) => new URLSearchParams(fields);

describe('login pages: request hygiene (CSRF, Origin, binding, limits)', () => {
  it('refuses a post without the CSRF token, or with another one (403)', async () => {
    const h = await holder();
    const login = await openLogin();
    const path = `/login/${login.flowId}/credenziali`;
    const missing = await login.browser.post(path, form({ username: h.serial, password: h.password }));
    expect(missing.status).toBe(403);
    const forged = await login.browser.post(path, form({ csrf: randomId(), username: h.serial, password: h.password }));
    expect(forged.status).toBe(403);
    expect(forged.text).toContain('La pagina non è più valida');
    expect(forged.headers.get('Cache-Control')).toBe('no-store');
  });

  it('refuses a post from another site (Origin, Sec-Fetch-Site) even with the right token', async () => {
    const login = await openLogin();
    const path = `/login/${login.flowId}/annulla`;
    const body = form({ csrf: login.page.csrf });
    const foreign: Record<string, string>[] = [{ Origin: 'https://evil.example' }, { Origin: 'null', 'Sec-Fetch-Site': 'cross-site' }, { Origin: 'null' }];
    for (const headers of foreign) {
      const res = await login.browser.post(path, body, headers);
      expect(res.status).toBe(403);
      expect(res.text).toContain('proviene da un sito diverso');
    }
    // Browsers send Origin: null on posts from a no-referrer page; Sec-Fetch-Site then decides.
    const sameSite = await login.browser.post(path, body, { Origin: 'null', 'Sec-Fetch-Site': 'same-origin' });
    expect(sameSite.status).toBe(302);
  });

  it('login pages let browsers send their Origin on their own posts', async () => {
    const login = await openLogin();
    expect(login.page.headers.get('Referrer-Policy')).toBe('same-origin');
    expect(login.page.headers.get('Content-Security-Policy')).toContain("form-action 'self'");
  });

  it('an unknown, malformed or finished flow is a 410 page in Italian', async () => {
    const browser = new Browser();
    for (const path of [`/login/${randomId()}`, '/login/x', `/login/${'a'.repeat(300)}`, '/login/%3Cscript%3E']) {
      const page = await browser.open(path);
      expect(page.status).toBe(410);
      expect(page.text).toContain('La richiesta di accesso è scaduta');
      expect(page.headers.get('Cache-Control')).toBe('no-store');
    }
    const login = await openLogin();
    const post = await login.browser.post(`/login/${randomId()}/credenziali`, form({ csrf: login.page.csrf, username: 'a', password: 'b' }));
    expect(post.status).toBe(410);
  });

  it('a flow opened by another browser is a 410 (the flow is bound to its browser)', async () => {
    const login = await openLogin();
    const other = new Browser();
    expect((await other.open(`/login/${login.flowId}`)).status).toBe(410);
    other.cookies.set('cie_login', randomId());
    expect((await other.open(`/login/${login.flowId}`)).status).toBe(410);
    const stolenToken = await other.post(`/login/${login.flowId}/annulla`, form({ csrf: login.page.csrf }));
    expect(stolenToken.status).toBe(410);
  });

  it('a body over 64 KiB is refused with 413, a non-form body with 415', async () => {
    const login = await openLogin();
    const path = `/login/${login.flowId}/credenziali`;
    const big = await login.browser.post(path, `csrf=${login.page.csrf}&username=${'a'.repeat(70 * 1024)}&password=x`);
    expect(big.status).toBe(413);
    const json = await login.browser.fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: ORIGIN },
      body: JSON.stringify({ csrf: login.page.csrf }),
    });
    expect(json.status).toBe(415);
    expect(json.headers.get('Cache-Control')).toBe('no-store');
  });

  it('bad input is a 4xx, never a 5xx', async () => {
    const login = await openLogin();
    const csrf = login.page.csrf;
    const path = `/login/${login.flowId}/credenziali`;
    const cases: string[] = [
      form({ csrf, username: 'x'.repeat(10_000), password: 'y' }).toString(),
      form({ csrf, username: 'a', password: 'p'.repeat(5_000) }).toString(),
      form({ csrf, username: '', password: '' }).toString(),
      `csrf=${csrf}&username=%FF%FE&password=x`,
      `csrf=${csrf}&username=a&username=b&password=x&password=y`,
      `csrf=${csrf}&username=\u0000&password=\u0000`,
    ];
    for (const body of cases) {
      const res = await login.browser.post(path, body);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
  });

  it('a post for a step the flow is not at goes back to the current page', async () => {
    const login = await openLogin();
    const early = await login.browser.post(`/login/${login.flowId}/otp`, form({ csrf: login.page.csrf, otp: '1234' }));
    expect(early.postStatus).toBe(303);
    expect(early.status).toBe(200);
    expect(early.hasButton('Procedi')).toBe(true);
  });
});
