import { describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { Browser, latestCode } from '../support/activation-client';
import { OTP_LABEL, USERNAME_LABEL, holder } from '../support/login-client';
import { ACR, ISSUER, TestRp } from '../support/rp';

/**
 * C-5 end to end through the real login pages: the RP's signed request, the citizen's credentials
 * (and SMS code at level 2), consent, the code back at the RP, and the code exchanged for tokens.
 */
async function fullLogin(method: 'GET' | 'POST', level: 1 | 2) {
  const rp = await TestRp.create({ clientName: 'Comune di Latina' });
  const citizen = await holder();
  const browser = new Browser();
  const auth = await rp.authorizeRequest({ acr_values: ACR[level] });
  const body = new URLSearchParams(auth.params).toString();
  const started =
    method === 'GET'
      ? await browser.fetch(`/oidc/authorize?${body}`)
      : await browser.fetch('/oidc/authorize', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });
  expect(started.status).toBe(303);
  let page = await browser.open(started.headers.get('Location')!);
  page = await browser.submit(page, 'Procedi', { [USERNAME_LABEL]: citizen.citizen.fiscalCode, Password: citizen.password });
  if (level === 2) page = await browser.submit(page, 'Prosegui', { [OTP_LABEL]: await latestCode(citizen.citizen.phone) });
  expect(page.text).toContain('I seguenti dati stanno per essere inviati a: Comune di Latina');
  const back = await browser.submit(page, 'Prosegui');
  expect(back.status).toBe(302);
  const answer = new URL(back.headers.get('Location')!);
  expect(`${answer.origin}${answer.pathname}`).toBe(rp.redirectUri);
  expect(answer.searchParams.get('state')).toBe(auth.state);
  expect(answer.searchParams.get('iss')).toBe(ISSUER);
  const res = await rp.exchange(answer.searchParams.get('code')!, auth.verifier);
  expect(res.status).toBe(200);
  const tokens = (await res.json()) as { id_token: string };
  return { citizen, idToken: decodeJwt(tokens.id_token) };
}

describe('authorization code flow through the login pages (C-5)', () => {
  it('C-5: GET, level 2 (password + SMS), consent → code, state, iss → tokens with acr SpidL2', async () => {
    const { idToken } = await fullLogin('GET', 2);
    expect(idToken.acr).toBe(ACR[2]);
  });

  it('C-5: POST form, level 1 → code, state, iss → tokens with the profile claims', async () => {
    const { citizen, idToken } = await fullLogin('POST', 1);
    expect(idToken.acr).toBe(ACR[1]);
    expect(idToken.family_name).toBe(citizen.citizen.familyName);
  });
});
