import { describe, expect, it } from 'vitest';
import { TestRp, rpAnswer } from '../support/rp';
import { registry } from '../support/worker';

/** Two registered redirect URIs, so that moving the answer to the other one is possible at all. */
async function rpWithTwoUris() {
  const rp = await TestRp.create();
  const other = `${rp.redirectUri}-other`;
  const current = (await (await registry(`/clients/${encodeURIComponent(rp.clientId)}`)).json()) as Record<string, unknown>;
  await registry(`/clients/${encodeURIComponent(rp.clientId)}`, undefined, { method: 'DELETE' });
  const res = await registry('/clients', { ...current, redirect_uris: [rp.redirectUri, other] });
  expect(res.status, await res.clone().text()).toBe(201);
  return { rp, other };
}

describe('authorization endpoint: the answer goes where the RP signed (C-13, C-5)', () => {
  it('C-13: a redirect_uri only in the unsigned query is refused, even when it is registered', async () => {
    const { rp, other } = await rpWithTwoUris();
    const auth = await rp.authorizeRequest({ redirect_uri: undefined }, { redirect_uri: other });
    const res = await rp.send(auth.params);
    expect(res.status).toBe(302);
    const answer = await rpAnswer(res);
    expect(answer.get('error')).toBe('invalid_request');
    expect(answer.get('error_description')).toContain('signed request object');
    expect(answer.get('code')).toBeNull();
  });

  it('C-5: response_mode=form_post only in the unsigned query does not change how the code travels', async () => {
    const rp = await TestRp.create();
    const auth = await rp.authorizeRequest({}, { response_mode: 'form_post' });
    const res = await rp.send(auth.params);
    const answer = await rpAnswer(res);
    expect(answer.get('error')).toBe('invalid_request');
    expect(answer.get('error_description')).toContain('response_mode');
  });

  it('C-5: the same redirect_uri and response_mode in the query and the signed object are accepted', async () => {
    const rp = await TestRp.create();
    const auth = await rp.authorizeRequest({ response_mode: 'form_post' }, { redirect_uri: rp.redirectUri, response_mode: 'form_post' });
    const res = await rp.send(auth.params);
    expect(res.status, await res.clone().text()).toBe(303);
  });
});
