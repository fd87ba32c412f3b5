import { describe, expect, it } from 'vitest';
import { latestCode } from '../support/activation-client';
import { OTP_LABEL, holder, openLogin, rpRedirect, signIn, type Holder, type OpenLogin } from '../support/login-client';
import { ACR, FISCAL_NUMBER, verifyOp } from '../support/rp';

/** Through the pages to the RP's callback, then the RP's code exchange: the verified ID token. */
async function idTokenAfter(login: OpenLogin, h: Holder) {
  let page = await signIn(login, h.citizen.fiscalCode, h.password);
  if (login.request.acr === 2) {
    page = await login.browser.submit(page, 'Prosegui', { [OTP_LABEL]: await latestCode(h.citizen.phone) });
  }
  const code = rpRedirect(await login.browser.submit(page, 'Prosegui')).get('code')!;
  const res = await login.rp.exchange(code, login.verifier);
  expect(res.status).toBe(200);
  const { id_token } = (await res.json()) as { id_token: string };
  return (await verifyOp(id_token, { audience: login.rp.clientId })).payload;
}

describe('login pages to tokens: the level proven is the level the RP is told (R-LVL-1, R-LVL-2, R-LVL-4)', () => {
  it('R-LVL-2: password + SMS code yields an ID token at SpidL2 for the holder', async () => {
    const h = await holder();
    const login = await openLogin({ acr: 2 });
    const claims = await idTokenAfter(login, h);
    expect(claims.acr).toBe(ACR[2]);
    expect(claims.nonce).toBe(login.request.nonce);
    expect(claims[FISCAL_NUMBER]).toBe(`TINIT-${h.citizen.fiscalCode}`);
  });

  it('R-LVL-1: password alone yields an ID token at SpidL1', async () => {
    const h = await holder();
    const login = await openLogin({ acr: 1 });
    const claims = await idTokenAfter(login, h);
    expect(claims.acr).toBe(ACR[1]);
  });
});
