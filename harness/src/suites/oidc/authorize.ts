import { UnsecuredJWT, generateKeyPair } from 'jose';
import { expectEqual, expectTrue, fail } from '../../core/assert.ts';
import { defineCheck, type Check } from '../../core/check.ts';
import { Citizen } from '../../actors/citizen.ts';
import { LABEL } from '../../actors/login-pages.ts';
import { login, startLogin, type StartOptions } from '../../actors/login.ts';
import { expectErrorPage, expectErrorRedirect } from '../../actors/oidc-expect.ts';
import { ACR, RelyingParty, type Overrides } from '../../actors/relying-party.ts';
import { uuid } from '../../actors/random.ts';

/** C-5 … C-19: the authorization endpoint, judged by where it sends the browser. */
const suite = 'oidc';

type Params = Record<string, string | undefined>;

/** The request is refused back to the RP with `error` and, unless the state itself is at fault, its state. */
async function refused(rp: RelyingParty, error: string, overrides: Overrides = {}, params: Params = {}, echoState = true): Promise<void> {
  const { page, auth } = await startLogin(rp, { overrides, params });
  // A member set to undefined is one the check left out: say so, JSON would drop it silently.
  const shown = (changes: object) => JSON.stringify(changes, (_key, value: unknown) => (value === undefined ? '(left out)' : value)).slice(0, 120);
  const what = `a request with ${shown(overrides)} in the request object and ${shown(params)} in the query`;
  if (page.hasField(LABEL.password)) fail(`${what} was accepted (the login page opened), expected the error "${error}"`);
  expectErrorRedirect(page, rp, error, echoState ? auth.state : undefined);
}

/** The request is accepted: the browser lands on the login page. */
async function accepted(rp: RelyingParty, options: StartOptions = {}): Promise<void> {
  const { page } = await startLogin(rp, options);
  if (!page.hasField(LABEL.password)) {
    const error = page.location?.searchParams.get('error');
    fail(
      `a valid request ${JSON.stringify({ ...options.overrides, ...options.params }).slice(0, 120)} was refused: ${error ? `${error} (${page.location?.searchParams.get('error_description')})` : page.describe()}`,
    );
  }
}

async function pageRefusal(rp: RelyingParty, what: string, overrides: Overrides = {}, params: Params = {}): Promise<void> {
  const { page } = await startLogin(rp, { overrides, params });
  try {
    expectErrorPage(page, 400);
  } catch (err) {
    fail(`${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** C-5: a whole login, and the answer the RP receives. */
async function fullLogin(ctxRp: RelyingParty, citizen: Citizen, options: StartOptions) {
  const done = await login(ctxRp, citizen, options);
  expectEqual(done.callback.target, ctxRp.redirectUri, 'where the OP sends the citizen back');
  expectTrue(done.code.length >= 32, `the code is too short to be unguessable: ${done.code}`);
  expectEqual(done.callback.params.get('state'), done.auth.state, "the answer's state");
  expectEqual(done.callback.params.get('iss'), ctxRp.issuer, "the answer's iss");
  expectEqual(done.callback.params.get('error'), null, "the answer's error");
  return done;
}

export const authorizeChecks: Check[] = [
  defineCheck({
    id: 'C-5',
    suite,
    covers: ['C-5'],
    title: 'a valid L2 request by GET leads through login and consent to a redirect with code, state and iss',
    async run(ctx) {
      const [rp, citizen] = await Promise.all([RelyingParty.create(ctx), Citizen.withCredentials(ctx)]);
      const done = await fullLogin(rp, citizen, {});
      expectTrue(done.page.status === 302 || done.page.status === 303, `the answer to the RP must be a redirect, got ${done.page.status}`);
    },
  }),
  defineCheck({
    id: 'C-5.post',
    suite,
    covers: ['C-5'],
    title: 'the same request by POST form leads to the same redirect',
    async run(ctx) {
      const [rp, citizen] = await Promise.all([RelyingParty.create(ctx), Citizen.withCredentials(ctx)]);
      await fullLogin(rp, citizen, { method: 'POST' });
    },
  }),
  defineCheck({
    id: 'C-5.form_post',
    suite,
    covers: ['C-5'],
    title: 'response_mode=form_post answers with a page that posts code, state and iss to the redirect_uri',
    async run(ctx) {
      const [rp, citizen] = await Promise.all([RelyingParty.create(ctx), Citizen.withCredentials(ctx)]);
      const done = await fullLogin(rp, citizen, { overrides: { response_mode: 'form_post' } });
      expectEqual(done.page.status, 200, 'the status of the form_post page');
    },
  }),
  defineCheck({
    id: 'C-6',
    suite,
    covers: ['C-6'],
    title: 'no request object → invalid_request; a request that is not a JWT → invalid_request_object',
    async run(ctx) {
      const rp = await RelyingParty.create(ctx);
      const state = 's'.repeat(32);
      const { page } = await startLogin(rp, { params: { request: undefined, redirect_uri: rp.redirectUri, state } });
      expectErrorRedirect(page, rp, 'invalid_request', state);
      // Not a JWT: there is no state to echo.
      await refused(rp, 'invalid_request_object', {}, { request: 'this.is-not.a-jwt', redirect_uri: rp.redirectUri }, false);
    },
  }),
  defineCheck({
    id: 'C-6.signature',
    suite,
    covers: ['C-6'],
    title: 'a request object whose payload was changed after signing → invalid_request_object',
    async run(ctx) {
      const rp = await RelyingParty.create(ctx);
      const auth = await rp.authorizeRequest();
      const [header, payload, signature] = auth.request.split('.') as [string, string, string];
      const changed = { ...JSON.parse(Buffer.from(payload, 'base64url').toString()), acr_values: ACR[1] };
      const forged = `${header}.${Buffer.from(JSON.stringify(changed)).toString('base64url')}.${signature}`;
      const { page } = await startLogin(rp, { params: { request: forged } });
      // The forged object keeps the state the RP signed.
      expectErrorRedirect(page, rp, 'invalid_request_object', String(changed.state));
    },
  }),
  defineCheck({
    id: 'C-6.key',
    suite,
    covers: ['C-6'],
    title: "signed with a key not in the client's JWKS (its kid, another key; or an unknown kid) → invalid_request_object",
    async run(ctx) {
      const rp = await RelyingParty.create(ctx);
      const { privateKey } = await generateKeyPair('RS256');
      for (const header of [{ key: privateKey }, { kid: 'not-registered' }]) {
        const auth = await rp.authorizeRequest({}, {}, header);
        const { page } = await startLogin(rp, { params: { request: auth.request } });
        expectErrorRedirect(page, rp, 'invalid_request_object', auth.state);
      }
    },
  }),
  defineCheck({
    id: 'C-6.none',
    suite,
    covers: ['C-6', 'C-4'],
    title: 'an unsigned request object (alg none) → invalid_request_object',
    async run(ctx) {
      const rp = await RelyingParty.create(ctx);
      const auth = await rp.authorizeRequest();
      const unsigned = new UnsecuredJWT(auth.claims).encode();
      const { page } = await startLogin(rp, { params: { request: unsigned } });
      expectErrorRedirect(page, rp, 'invalid_request_object', auth.state);
    },
  }),
  defineCheck({
    id: 'C-7',
    suite,
    covers: ['C-7'],
    title: "client_id in the query differs from the request object's → invalid_request",
    async run(ctx) {
      const [rp, other] = await Promise.all([RelyingParty.create(ctx), RelyingParty.create(ctx)]);
      await refused(rp, 'invalid_request', { client_id: other.clientId }, { client_id: rp.clientId });
    },
  }),
  defineCheck({
    id: 'C-7.query',
    suite,
    covers: ['C-7'],
    title: 'client_id missing from the query, though the request object has it → invalid_request (OpenID Connect Core §6.1)',
    async run(ctx) {
      const rp = await RelyingParty.create(ctx);
      await refused(rp, 'invalid_request', {}, { client_id: undefined });
    },
  }),
  defineCheck({
    id: 'C-7.unknown',
    suite,
    covers: ['C-7'],
    title: 'an unknown client gets the 400 page, never a redirect',
    async run(ctx) {
      const rp = await RelyingParty.create(ctx, { register: false });
      await pageRefusal(rp, 'a request from an unregistered client');
    },
  }),
  defineCheck({
    id: 'C-8',
    suite,
    covers: ['C-8'],
    title: 'scope missing → invalid_request; without openid, or differing from the object → invalid_scope; order does not matter',
    async run(ctx) {
      const rp = await RelyingParty.create(ctx);
      await refused(rp, 'invalid_request', {}, { scope: undefined });
      await refused(rp, 'invalid_scope', { scope: 'profile' }, { scope: 'profile' });
      await refused(rp, 'invalid_scope', { scope: 'openid profile' }, { scope: 'openid email' });
      await accepted(rp, { overrides: { scope: 'openid profile email' }, params: { scope: 'email openid profile' } });
    },
  }),
  defineCheck({
    id: 'C-9',
    suite,
    covers: ['C-9'],
    title: 'response_type missing → invalid_request; not code → unsupported_response_type',
    async run(ctx) {
      const rp = await RelyingParty.create(ctx);
      await refused(rp, 'invalid_request', { response_type: undefined }, { response_type: undefined });
      await refused(rp, 'unsupported_response_type', { response_type: 'id_token' }, { response_type: 'id_token' });
    },
  }),
  defineCheck({
    id: 'C-9.query',
    suite,
    covers: ['C-9'],
    title: 'response_type missing from the query, though the request object has it → invalid_request (OpenID Connect Core §6.1)',
    async run(ctx) {
      const rp = await RelyingParty.create(ctx);
      await refused(rp, 'invalid_request', {}, { response_type: undefined });
    },
  }),
  defineCheck({
    id: 'C-10',
    suite,
    covers: ['C-10'],
    title: 'no code_challenge, or a method other than S256 → invalid_request',
    async run(ctx) {
      const rp = await RelyingParty.create(ctx);
      await refused(rp, 'invalid_request', { code_challenge: undefined }, { code_challenge: undefined });
      await refused(rp, 'invalid_request', { code_challenge_method: 'plain' }, { code_challenge_method: 'plain' });
    },
  }),
  defineCheck({
    id: 'C-11',
    suite,
    covers: ['C-11'],
    title: 'state or nonce missing or under 32 characters → invalid_request; exactly 32 is fine',
    async run(ctx) {
      const rp = await RelyingParty.create(ctx);
      const short = 'a'.repeat(31);
      const { page } = await startLogin(rp, { overrides: { state: short } });
      expectErrorRedirect(page, rp, 'invalid_request', short);
      await refused(rp, 'invalid_request', { state: undefined }, {}, false);
      await refused(rp, 'invalid_request', { nonce: undefined });
      await refused(rp, 'invalid_request', { nonce: short });
      await accepted(rp, { overrides: { state: 'b'.repeat(32), nonce: 'c'.repeat(32) } });
    },
  }),
  defineCheck({
    id: 'C-12',
    suite,
    covers: ['C-12'],
    title: 'prompt missing or none → invalid_request; consent alone is fine',
    async run(ctx) {
      const rp = await RelyingParty.create(ctx);
      await refused(rp, 'invalid_request', { prompt: undefined });
      await refused(rp, 'invalid_request', { prompt: 'none' });
      await accepted(rp, { overrides: { prompt: 'consent' } });
    },
  }),
  defineCheck({
    id: 'C-13',
    suite,
    covers: ['C-13'],
    title: 'a redirect_uri missing, not registered, or differing from the object → the 400 page, no redirect',
    async run(ctx) {
      const rp = await RelyingParty.create(ctx);
      await pageRefusal(rp, 'a request without redirect_uri', { redirect_uri: undefined });
      for (const uri of ['https://evil.example/cb', `${rp.redirectUri}/x`]) await pageRefusal(rp, `redirect_uri ${uri}`, { redirect_uri: uri });
      await pageRefusal(rp, 'a query redirect_uri that differs from the object', {}, { redirect_uri: 'https://evil.example/cb' });
    },
  }),
  defineCheck({
    id: 'C-14',
    suite,
    covers: ['C-14'],
    title: 'acr_values missing or unknown → invalid_request',
    async run(ctx) {
      const rp = await RelyingParty.create(ctx);
      await refused(rp, 'invalid_request', { acr_values: undefined });
      await refused(rp, 'invalid_request', { acr_values: 'https://www.spid.gov.it/SpidL4' });
    },
  }),
  defineCheck({
    id: 'C-15',
    suite,
    covers: ['C-15'],
    title: 'claims that are not JSON, or name unknown claims → invalid_request',
    async run(ctx) {
      const rp = await RelyingParty.create(ctx);
      await refused(rp, 'invalid_request', { claims: '{not json' });
      await refused(rp, 'invalid_request', { claims: { userinfo: { favourite_colour: null } } });
    },
  }),
  defineCheck({
    id: 'C-16',
    suite,
    covers: ['C-16'],
    title: 'a request object expired, or with a wrong or missing iss or aud → invalid_request_object',
    async run(ctx) {
      const rp = await RelyingParty.create(ctx);
      const now = Math.floor(Date.now() / 1000);
      await refused(rp, 'invalid_request_object', { iat: now - 600, exp: now - 300 });
      await refused(rp, 'invalid_request_object', { iss: 'https://someone-else.example.it' });
      await refused(rp, 'invalid_request_object', { iss: undefined });
      await refused(rp, 'invalid_request_object', { aud: 'https://other-op.example.it' });
      await refused(rp, 'invalid_request_object', { aud: undefined });
    },
  }),
  defineCheck({
    id: 'C-17',
    suite,
    covers: ['C-17'],
    title: 'a nonce already used by the client → invalid_request; another client may use the same value',
    async run(ctx) {
      const [rp, other] = await Promise.all([RelyingParty.create(ctx), RelyingParty.create(ctx)]);
      const nonce = `nonce-${uuid()}`;
      await accepted(rp, { overrides: { nonce } });
      await refused(rp, 'invalid_request', { nonce });
      await accepted(other, { overrides: { nonce } });
    },
  }),
  defineCheck({
    id: 'C-18',
    suite,
    covers: ['C-18'],
    title: 'offline_access without prompt consent → invalid_request; with consent it is accepted',
    async run(ctx) {
      const rp = await RelyingParty.create(ctx);
      const scope = 'openid offline_access';
      await refused(rp, 'invalid_request', { scope, prompt: 'login' }, { scope });
      await accepted(rp, { overrides: { scope, prompt: 'consent' }, params: { scope } });
    },
  }),
  defineCheck({
    id: 'C-19',
    suite,
    covers: ['C-19'],
    title: 'unknown extra parameters, in the query and in the request object, are ignored',
    async run(ctx) {
      const rp = await RelyingParty.create(ctx);
      await accepted(rp, { overrides: { favourite_colour: 'blue', extra: { nested: true } }, params: { foo: 'bar', display: 'page' } });
    },
  }),
];
