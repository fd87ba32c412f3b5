import { describe, expect, it } from 'vitest';
import { call } from '../support/worker';

/**
 * Each capability's routes.ts says how its surface answers (platform/surface); the Worker's edge
 * renders what reaches it (an unknown path, a refusal) the way the surface owning the path says.
 */
async function expectJson(res: Response, status: number, error: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('Content-Type')).toContain('application/json');
  expect(((await res.json()) as { error: string }).error).toBe(error);
}

async function expectPage(res: Response, status: number, title: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('Content-Type')).toContain('text/html');
  expect(await res.text()).toContain(`<title>${title} · CieID</title>`);
}

const NO_FLOW = 'A'.repeat(43);

describe('routing: the surface that owns a path decides JSON or page', () => {
  it('machines: an unknown path under the registry, the App, the account, OIDC, metadata, test hooks is a JSON 404', async () => {
    for (const path of ['/registry/nope', '/app/nope', '/account/nope', '/oidc/nope', '/.well-known/nope', '/__test/nope']) {
      await expectJson(await call(path), 404, 'not_found');
    }
  });

  it('citizens: an unknown path under the site, the activation, the login, the demo is the Italian 404 page', async () => {
    for (const [path, method] of [
      ['/non-esiste', 'GET'],
      ['/attivazione/nope', 'POST'],
      [`/login/${NO_FLOW}/nope`, 'GET'],
      ['/demo/nope', 'GET'],
    ] as const) {
      await expectPage(await call(path, { method }), 404, 'Pagina non trovata');
    }
  });

  it('a path only sharing the first letters of a JSON surface belongs to the site', async () => {
    await expectPage(await call('/registryx'), 404, 'Pagina non trovata');
  });

  it('the registry routes, moved to registry/routes.ts, still ask for the token first', async () => {
    await expectJson(await call('/registry/cards/CA00000AA'), 401, 'unauthorized');
    await expectJson(await call('/registry/cards', { method: 'POST' }), 401, 'unauthorized');
    await expectJson(await call('/registry/clients/x', { method: 'DELETE' }), 401, 'unauthorized');
  });
});

describe("routing: error pages take their titles from their surface's declaration", () => {
  it('login: a flow that is not there is "Richiesta di accesso scaduta"; its script gets refusals as JSON', async () => {
    await expectPage(await call(`/login/${NO_FLOW}`), 410, 'Richiesta di accesso scaduta');
    const fromScript = await call(`/login/${NO_FLOW}/qr/nuovo`, { method: 'POST', headers: { Accept: 'application/json' } });
    await expectJson(fromScript, 415, 'unsupported_media_type');
  });

  it('activation: a post from another site is "Richiesta non autorizzata"', async () => {
    const res = await call('/attivazione/dati', {
      method: 'POST',
      headers: { Origin: 'https://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    await expectPage(res, 403, 'Richiesta non autorizzata');
  });
});
