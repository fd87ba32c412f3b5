import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import * as client from 'openid-client';
import { activate, issueCard, latestCode, loginToRp, outbox } from '../../scripts/lib/citizen-flows.mjs';
import { randomCitizen } from '../../scripts/lib/citizens.mjs';
import { HttpBrowser } from '../../scripts/lib/http-browser.mjs';
import { baseUrl } from './support/server';
import { authorizationUrl, discover, registerOpenIdRp } from './support/openid-rp';

/**
 * R-ACC-4 seen by a certified RP library: panva's openid-client logs a citizen in with offline_access,
 * refreshes, and after the citizen's "Revoca livello 1 e livello 2" in the personal area — reached with
 * CieID itself, over HTTP, as a browser does — its refresh token is refused (invalid_grant).
 */
const registryToken = inject('registryToken');
const SPID_L2 = 'https://www.spid.gov.it/SpidL2';

/** The personal area as a browser enters it: Accedi → the login pages (password, SMS code, consent) → the callback → Home. */
async function enterArea(holder: { fiscalCode: string; phone: string; password: string }): Promise<HttpBrowser> {
  const browser = new HttpBrowser(baseUrl);
  let page = await browser.open('/area-personale/accedi');
  expect(page.html, page.html.slice(0, 300)).toContain('name="password"');
  const sent = (await outbox(baseUrl, holder.phone)).length;
  page = await browser.submit(page, 'Procedi', { username: holder.fiscalCode, password: holder.password });
  page = await browser.submit(page, 'Prosegui', { otp: await latestCode(baseUrl, holder.phone, sent) });
  const answer = await browser.submit(page, 'Prosegui');
  expect(answer.status).toBe(302);
  const home = await browser.open(answer.headers.get('Location')!);
  expect(home.heading).toBe('Area personale');
  return browser;
}

describe('openid-client (panva, v6) as the relying party, and the citizen revoking (R-ACC-4)', () => {
  it('R-ACC-4: offline_access login → refresh works → "Revoca livello 1 e livello 2" in the area → the refresh token is refused', async () => {
    const rp = await registerOpenIdRp(baseUrl, registryToken, 'openid-client (revoca)');
    const citizen = randomCitizen();
    const holder = await activate(baseUrl, { citizen, card: await issueCard(baseUrl, registryToken, citizen) });
    const config = await discover(baseUrl, rp);

    const { url, verifier, state, nonce } = await authorizationUrl(config, rp, SPID_L2, 'openid profile offline_access');
    const callback = await loginToRp(baseUrl, url, { username: citizen.fiscalCode, password: holder.password, phone: citizen.phone });
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    expect(tokens.refresh_token).toBeTruthy();
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).toBeTruthy();
    expect(refreshed.refresh_token).toBeTruthy();
    expect((await client.tokenIntrospection(config, refreshed.access_token)).active).toBe(true);

    const area = await enterArea({ fiscalCode: citizen.fiscalCode, phone: citizen.phone, password: holder.password });
    const confirm = await area.open('/area-personale/revoca');
    expect(confirm.heading).toBe('Revoca livello 1 e livello 2');
    const done = await area.submit(confirm, 'Revoca livello 1 e livello 2', { password: holder.password });
    expect(done.heading).toBe('Credenziali revocate');

    const refused = await client.refreshTokenGrant(config, refreshed.refresh_token!).then(
      () => null,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(client.ResponseBodyError);
    expect((refused as client.ResponseBodyError).error).toBe('invalid_grant');
    expect((await client.tokenIntrospection(config, refreshed.access_token)).active).toBe(false);
    // The holder was told, after the answer: the refresh's notice, then the revocation's.
    const texts = (await outbox(baseUrl, citizen.phone)).map((m) => String(m.text));
    expect(texts.some((t) => t.includes('openid-client (revoca) ha rinnovato'))).toBe(true);
  });
});
