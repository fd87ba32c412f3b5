import { describe, expect, it } from 'vitest';
import { env, runInDurableObject } from 'cloudflare:test';
import { completeLogin, denyLogin } from '../../functions/oidc/handoff';
import type { LoginOutcome } from '../../functions/core/login-request';
import { HttpError } from '../../functions/core/errors';
import { issueCard, type IssuedCard } from '../support/activation-client';
import { registry } from '../support/worker';
import { ACR, ISSUER, TestRp, rpAnswer, startLogin } from '../support/rp';
import { completeAs, readFlowAs, toConsent } from '../support/oidc-login';

const outcome = (card: IssuedCard, level: 1 | 2 | 3 = 2): LoginOutcome => ({
  serial: card.serial,
  fiscalCode: card.citizen.fiscalCode,
  level,
  method: level === 3 ? 'card' : level === 2 ? 'sms' : 'password',
  authTime: Date.now(),
});

async function expectDenied(res: Response, rp: TestRp, state: string, error = 'access_denied') {
  const answer = await rpAnswer(res);
  expect(answer.target).toBe(rp.redirectUri);
  expect(answer.get('error')).toBe(error);
  expect(answer.get('state')).toBe(state);
  expect(answer.get('iss')).toBe(ISSUER);
  expect(answer.get('code')).toBeNull();
}

describe('handoff: completeLogin (C-5, C-14, R-LVL-4)', () => {
  it('C-5: issues a code once; the flow is then closed to the pages and a second completion is refused (410)', async () => {
    const rp = await TestRp.create();
    const card = await issueCard();
    const { flowId, cookie, auth } = await startLogin(rp);
    await toConsent(flowId);
    const read = await readFlowAs(flowId, cookie);
    const answer = await rpAnswer(await completeLogin(env, read!, outcome(card)));
    expect(answer.get('code')).toBeTruthy();
    expect(answer.get('state')).toBe(auth.state);
    expect(await readFlowAs(flowId, cookie)).toBeNull();
    // The same read handed back again (a double click within one page's life) cannot give a second code:
    // whether the flow is still open is the FlowSession's decision when the code is issued.
    const again = await completeLogin(env, read!, outcome(card)).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(HttpError);
    expect((again as HttpError).status).toBe(410);
  });

  it('C-5: a login that has not reached consent gets no code, whatever its caller claims (410)', async () => {
    const rp = await TestRp.create();
    const card = await issueCard();
    const { flowId, cookie } = await startLogin(rp);
    const read = await readFlowAs(flowId, cookie);
    expect(read?.step).toBe('credentials');
    const refused = await completeLogin(env, read!, outcome(card)).catch((e: unknown) => e);
    expect((refused as HttpError).status).toBe(410);
    expect((await readFlowAs(flowId, cookie))?.step).toBe('credentials');
  });

  it('C-14: a login at a higher level than asked satisfies the request', async () => {
    const rp = await TestRp.create();
    const card = await issueCard();
    const login = await startLogin(rp, { acr_values: ACR[1] });
    expect((await rpAnswer(await completeAs(login, outcome(card, 2)))).get('code')).toBeTruthy();
  });

  it('R-LVL-4: a login at a lower level than asked is denied, never a code', async () => {
    const rp = await TestRp.create();
    const card = await issueCard();
    const login = await startLogin(rp, { acr_values: ACR[2] });
    await expectDenied(await completeAs(login, outcome(card, 1)), rp, login.auth.state);
  });

  it('C-5: one read serves a request: readLoginFlow gives the request and the state together', async () => {
    const rp = await TestRp.create();
    const { flowId, cookie, auth } = await startLogin(rp);
    const read = await readFlowAs(flowId, cookie);
    expect(read?.request).toMatchObject({ clientId: rp.clientId, redirectUri: rp.redirectUri, state: auth.state, nonce: auth.nonce });
    expect(read?.kind.type).toBe('login');
    expect(read?.step).toBe('credentials');
  });

  it('R-CARD-3: a flow read before the card was blocked still gets no code', async () => {
    const rp = await TestRp.create();
    const card = await issueCard();
    const { flowId, cookie, auth } = await startLogin(rp);
    await toConsent(flowId);
    const read = await readFlowAs(flowId, cookie);
    expect((await registry(`/cards/${card.serial}/block`, { reason: 'stolen' })).status).toBe(200);
    await expectDenied(await completeLogin(env, read!, outcome(card)), rp, auth.state);
  });

  it('an unknown flow id reads as no flow, and the browser without the cookie of authorize reads none either', async () => {
    for (const id of ['nope', 'A'.repeat(43)]) expect(await readFlowAs(id, 'A'.repeat(43))).toBeNull();
    const { flowId } = await startLogin(await TestRp.create());
    expect(await readFlowAs(flowId, 'A'.repeat(43))).toBeNull();
  });
});

describe('handoff: denyLogin (C-20)', () => {
  it('C-20: "Annulla" → access_denied with state and iss, and the flow is gone', async () => {
    const rp = await TestRp.create();
    const { flowId, cookie, auth } = await startLogin(rp);
    await expectDenied(await denyLogin(env, flowId, 'access_denied', "Accesso annullato dall'utente"), rp, auth.state);
    expect(await readFlowAs(flowId, cookie)).toBeNull();
    const err = await denyLogin(env, flowId, 'access_denied', 'again').catch((e: unknown) => e);
    expect((err as HttpError).status).toBe(410);
  });

  it('C-20: login_required is passed on as such; an Italian description stays ASCII', async () => {
    const rp = await TestRp.create();
    const { flowId, auth } = await startLogin(rp);
    const res = await denyLogin(env, flowId, 'login_required', 'Sessione è scaduta');
    await expectDenied(res.clone(), rp, auth.state, 'login_required');
    expect((await rpAnswer(res)).get('error_description')).toBe('Sessione e scaduta');
  });

  it('C-20: with form_post the denial is a self-posting form', async () => {
    const rp = await TestRp.create();
    const { flowId, auth } = await startLogin(rp, { response_mode: 'form_post' });
    const res = await denyLogin(env, flowId, 'access_denied', 'Annullato');
    expect(res.status).toBe(200);
    await expectDenied(res, rp, auth.state);
  });
});

describe('handoff: cards that cannot pass (C-21, R-CARD-3, R-CARD-4)', () => {
  it('C-21 / R-CARD-3: a blocked card → access_denied', async () => {
    const rp = await TestRp.create();
    const card = await issueCard();
    expect((await registry(`/cards/${card.serial}/block`, { reason: 'stolen' })).status).toBe(200);
    const login = await startLogin(rp);
    await expectDenied(await completeAs(login, outcome(card)), rp, login.auth.state);
  });

  it('C-21 / R-CARD-2: an expired card → access_denied', async () => {
    const rp = await TestRp.create();
    const card = await issueCard();
    const stub = env.CARD.get(env.CARD.idFromName(card.serial));
    await runInDurableObject(stub, (_, state) => {
      state.storage.sql.exec(`UPDATE card SET record = json_set(record, '$.expiresAt', ?)`, Date.now() - 3 * 86_400_000);
    });
    expect((await stub.view())?.status).toBe('expired');
    const login = await startLogin(rp);
    await expectDenied(await completeAs(login, outcome(card)), rp, login.auth.state);
  });

  it('C-21 / R-CARD-4: a minor cannot pass at level 3, but can at level 2', async () => {
    const rp = await TestRp.create();
    const card = await issueCard({ age: 12 });
    const l3 = await startLogin(rp, { acr_values: ACR[3] });
    await expectDenied(await completeAs(l3, outcome(card, 3)), rp, l3.auth.state);
    const l2 = await startLogin(rp, { acr_values: ACR[2] });
    expect((await rpAnswer(await completeAs(l2, outcome(card, 2)))).get('code')).toBeTruthy();
  });

  it('C-21 / R-CARD-4: under 5, no digital identity at all', async () => {
    const rp = await TestRp.create();
    const card = await issueCard({ age: 3 });
    const login = await startLogin(rp, { acr_values: ACR[1] });
    await expectDenied(await completeAs(login, outcome(card, 1)), rp, login.auth.state);
  });

  it("C-21: an outcome whose fiscal code is not the card holder's → access_denied", async () => {
    const rp = await TestRp.create();
    const card = await issueCard();
    const other = await issueCard();
    const login = await startLogin(rp);
    await expectDenied(await completeAs(login, { ...outcome(card), fiscalCode: other.citizen.fiscalCode }), rp, login.auth.state);
  });
});
