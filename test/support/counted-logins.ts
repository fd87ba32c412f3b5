import { expect } from 'vitest';
import { latestCode } from './activation-client';
import { type Approval, expectStatus } from './app-client';
import { WAIT_HEADING, certifiedHolder } from './app-login';
import { CountingBrowser, DoCallCounter, counted } from './counting-env';
import { OTP_LABEL, type OpenLogin, holder, openLogin, rpRedirect, signIn } from './login-client';
import { qrContent } from './qr';
import { ASSERTION_TYPE } from './rp';

/**
 * Whole logins driven through the counting Worker (counting-env.ts): the browser, the relying party's
 * back channel and, for the App, the phone. Setting up the citizen, the card and the RP goes through
 * SELF and is not counted. Used by the Durable Object call budget and by the scale model.
 */
export type CountedLogin = 'level1' | 'level2Sms' | 'level2App' | 'level2Qr';

type Send = ReturnType<typeof counted>;

/** The RP's back channel, as TestRp.exchange sends it, through the counting Worker. */
async function exchangeCode(send: Send, login: OpenLogin, code: string): Promise<string> {
  const body = new URLSearchParams({
    client_id: login.rp.clientId,
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: await login.rp.assertion({}, {}, '/oidc/token'),
    grant_type: 'authorization_code',
    code,
    code_verifier: login.verifier,
  });
  const res = await send('/oidc/token', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: body.toString() });
  const tokens = await expectStatus(res, 200);
  return String(tokens.access_token);
}

async function userinfo(send: Send, accessToken: string): Promise<void> {
  const res = await send('/oidc/userinfo', { headers: { Authorization: `Bearer ${accessToken}` } });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
}

/** Consent → the redirect to the RP → code → tokens → userinfo: the end every login shares. */
async function finish(browser: CountingBrowser, send: Send, login: OpenLogin, consent: Awaited<ReturnType<typeof signIn>>): Promise<void> {
  expect(consent.text).toContain('I seguenti dati stanno per essere inviati a:');
  const answer = rpRedirect(await browser.submit(consent, 'Prosegui'));
  const code = answer.get('code');
  expect(code, answer.toString()).toBeTruthy();
  await userinfo(send, await exchangeCode(send, login, code!));
}

type Phone = { Authorization: string };

/** The phone approves `approval` with a user-verified assertion, as VirtualApp does. */
async function approveOnPhone(send: Send, phone: Phone, app: Awaited<ReturnType<typeof certifiedHolder>>['app'], approval: Approval): Promise<void> {
  const assertion = await app.authenticator.assert(approval.challenge);
  const decided = await send(`/app/approvals/${approval.id}`, {
    method: 'POST',
    headers: { ...phone, 'Content-Type': 'application/json' },
    body: JSON.stringify({ decision: 'approve', assertion }),
  });
  expect(await expectStatus(decided, 200)).toEqual({ outcome: 'approved' });
}

/** One login of `kind`, every call it makes counted; returns the counter. */
export async function countedLogin(kind: CountedLogin, options: { beforeEachRequest?: () => void } = {}): Promise<DoCallCounter> {
  const counter = new DoCallCounter();
  const browser = new CountingBrowser(counter, options.beforeEachRequest);
  const send = counted(counter, options.beforeEachRequest);
  const clientName = `Conteggio ${kind}`;
  if (kind === 'level1' || kind === 'level2Sms') {
    const h = await holder(kind === 'level1' ? {} : { mode: 'sms' });
    const login = await openLogin({ acr: kind === 'level1' ? 1 : 2, clientName }, browser);
    let page = await signIn(login, h.citizen.fiscalCode, h.password);
    if (kind === 'level2Sms') {
      expect(page.field(OTP_LABEL).name).toBe('otp');
      page = await browser.submit(page, 'Prosegui', { [OTP_LABEL]: await latestCode(h.citizen.phone) });
    }
    await finish(browser, send, login, page);
    return counter;
  }
  const { h, app } = await certifiedHolder();
  const phone = { Authorization: `Bearer ${app.token}` };
  const login = await openLogin({ acr: 2, clientName }, browser);
  if (kind === 'level2App') {
    const waiting = await signIn(login, h.citizen.fiscalCode, h.password);
    expect(waiting.text).toContain(WAIT_HEADING);
    const listed = await expectStatus(await send('/app/approvals', { headers: phone }), 200);
    const approval = (listed.approvals as Approval[]).find((a) => a.rpName === clientName);
    expect(approval).toBeTruthy();
    await approveOnPhone(send, phone, app, approval!);
  } else {
    // R-LOG-3: the phone scans the level 2 page's code; the approval it gets is its own.
    const scanned = await send('/app/qr', {
      method: 'POST',
      headers: { ...phone, 'Content-Type': 'application/json' },
      body: JSON.stringify({ content: qrContent(login.page) }),
    });
    await approveOnPhone(send, phone, app, (await expectStatus(scanned, 201)) as unknown as Approval);
  }
  // The waiting page's script polls until the step moves; one poll is the least a browser makes.
  const status = await browser.fetch(`/login/${login.flowId}/stato`);
  expect(await status.json()).toEqual({ step: 'consent' });
  await finish(browser, send, login, await browser.open(`/login/${login.flowId}`));
  return counter;
}
