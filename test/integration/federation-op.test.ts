import { env } from 'cloudflare:test';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import type { Env } from '../../functions/env';
import { FAILED_RESOLUTION_MAX_AGE_MS, MAX_RESOLUTIONS_IN_FLIGHT, federatedClient } from '../../functions/platform/federation-cache';
import { ISSUER, verifyOp } from '../support/rp';
import {
  authorizeThrough,
  configurationUrlOf,
  federatedLogin,
  federatedRp,
  federatedWorker,
  federationKey,
  member,
  nowSeconds,
  postAs,
  publish,
  publishRp,
  publishStatement,
  publishSuperior,
  smallFederation,
  trustAnchorsVar,
} from '../support/federation';

describe('OpenID Federation: our entity configuration (issue 14 §3)', () => {
  it('served as application/entity-statement+jwt, typ entity-statement+jwt, with authority_hints, trust_marks, the resolve endpoint and automatic registration', async () => {
    const worker = federatedWorker({
      FEDERATION_AUTHORITY_HINTS: 'https://ta.example.it',
      FEDERATION_TRUST_MARKS: JSON.stringify([{ id: 'https://ta.example.it/openid_provider/public', trust_mark: 'a.b.c' }]),
    });
    const res = await worker.call('/.well-known/openid-federation');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('application/entity-statement+jwt');
    const jwt = await res.text();
    expect(decodeProtectedHeader(jwt).typ).toBe('entity-statement+jwt');
    const claims = decodeJwt(jwt) as {
      authority_hints: string[];
      trust_marks: unknown;
      metadata: Record<string, Record<string, unknown>>;
    };
    expect(claims.authority_hints).toEqual(['https://ta.example.it']);
    expect(claims.trust_marks).toEqual([{ id: 'https://ta.example.it/openid_provider/public', trust_mark: 'a.b.c' }]);
    expect(claims.metadata.federation_entity!.federation_resolve_endpoint).toBe(`${ISSUER}/oidc/resolve`);
    expect(claims.metadata.openid_provider!.client_registration_types_supported).toEqual(['automatic']);
  });

  it('FEDERATION_TRUST_MARKS malformed: 503, never a configuration without the marks it should carry', async () => {
    const res = await federatedWorker({ FEDERATION_TRUST_MARKS: '[{"id": "x"}]' }).call('/.well-known/openid-federation');
    expect(res.status).toBe(503);
  });
});

describe('OpenID Federation: GET /oidc/resolve', () => {
  it('answers the chain we resolve ourselves, signed by us as resolve-response+jwt, the policy applied', async () => {
    const ta = await member('ta');
    const leaf = await member('rp');
    const rp = await federatedRp(leaf);
    await publishSuperior(ta);
    await publishStatement(ta, leaf, { metadataPolicy: { openid_relying_party: { contacts: { add: ['ta@example.it'] } } } });
    await publishRp(leaf, rp, { authorityHints: [ta.entityId] });
    const worker = federatedWorker({ FEDERATION_TRUST_ANCHORS: trustAnchorsVar(ta) });
    const res = await worker.call(`/oidc/resolve?${new URLSearchParams({ sub: leaf.entityId, anchor: ta.entityId })}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('application/resolve-response+jwt');
    const jwt = await res.text();
    const { payload, protectedHeader } = await verifyOp(jwt, { typ: 'resolve-response+jwt' });
    expect(protectedHeader.typ).toBe('resolve-response+jwt');
    expect(payload.iss).toBe(ISSUER);
    expect(payload.sub).toBe(leaf.entityId);
    const metadata = (payload.metadata as Record<string, Record<string, unknown>>).openid_relying_party!;
    expect(metadata.contacts).toEqual(['ta@example.it']);
    const chain = payload.trust_chain as string[];
    expect(chain.map((s) => [decodeJwt(s).iss, decodeJwt(s).sub])).toEqual([
      [leaf.entityId, leaf.entityId],
      [ta.entityId, leaf.entityId],
      [ta.entityId, ta.entityId],
    ]);
    expect(payload.exp).toBeLessThanOrEqual(Math.min(...chain.map((s) => decodeJwt(s).exp!)));
  });

  it('errors in the words of §8.9: 400 invalid_request, 404 invalid_trust_anchor, 400 invalid_trust_chain, 400 invalid_metadata, 400 temporarily_unavailable', async () => {
    const { ta, leaf, worker } = await smallFederation();
    const errorOf = async (query: Record<string, string>) => {
      const res = await worker.call(`/oidc/resolve?${new URLSearchParams(query)}`);
      const body = (await res.json()) as { error: string; error_description: string };
      return [res.status, body.error, body.error_description] as const;
    };
    expect((await errorOf({ sub: leaf.entityId })).slice(0, 2)).toEqual([400, 'invalid_request']);
    expect((await errorOf({ sub: leaf.entityId, anchor: 'https://stranger.example.it' })).slice(0, 2)).toEqual([404, 'invalid_trust_anchor']);
    const nobody = await errorOf({ sub: `${ta.entityId}-nobody`, anchor: ta.entityId });
    expect(nobody.slice(0, 2)).toEqual([400, 'temporarily_unavailable']);
    expect(nobody[2]).toContain('trust chain not valid');

    await publishStatement(ta, leaf, { iat: nowSeconds() - 7200, exp: nowSeconds() - 60 });
    const expired = await errorOf({ sub: leaf.entityId, anchor: ta.entityId, type: 'openid_provider' });
    expect(expired.slice(0, 2)).toEqual([400, 'invalid_trust_chain']);
    expect(expired[2]).toContain('expired');

    const other = await smallFederation();
    await publishStatement(other.ta, other.leaf, { metadataPolicy: { openid_relying_party: { token_endpoint_auth_method: { one_of: ['private_key_jwt'] } } } });
    await publishRp(other.leaf, other.rp, { authorityHints: [other.ta.entityId], metadata: { token_endpoint_auth_method: 'client_secret_basic' } });
    const refused = await other.worker.call(`/oidc/resolve?${new URLSearchParams({ sub: other.leaf.entityId, anchor: other.ta.entityId })}`);
    expect([refused.status, ((await refused.json()) as { error: string }).error]).toEqual([400, 'invalid_metadata']);
  });
});

describe('OpenID Federation: the mapping of the resolved metadata to a client', () => {
  it('encryption keys given only by the superior (its statement’s metadata): userinfo is encrypted to them', async () => {
    const ta = await member('ta');
    const leaf = await member('rp');
    const rp = await federatedRp(leaf);
    const sigOnly = { keys: rp.jwks.keys.filter((k) => k.use === 'sig') };
    await publishSuperior(ta);
    await publishStatement(ta, leaf, { metadata: { openid_relying_party: { jwks: rp.jwks } } });
    await publishRp(leaf, rp, { authorityHints: [ta.entityId], metadata: { jwks: sigOnly } });
    const worker = federatedWorker({ FEDERATION_TRUST_ANCHORS: trustAnchorsVar(ta) });
    const login = await federatedLogin(worker, rp);
    const tokens = (await (
      await postAs(worker, rp, '/oidc/token', { grant_type: 'authorization_code', code: login.code, code_verifier: login.auth.verifier })
    ).json()) as {
      access_token: string;
    };
    const info = await worker.call('/oidc/userinfo', { headers: { Authorization: `Bearer ${tokens.access_token}` } });
    expect(info.status).toBe(200);
    const { header } = await rp.decrypt(await info.text());
    expect(header.kid).toBe(rp.jwks.keys.find((k) => k.use === 'enc')!.kid);
  });

  it('a redirect URI added by the trust anchor’s policy is one the RP may use', async () => {
    const ta = await member('ta');
    const leaf = await member('rp');
    const rp = await federatedRp(leaf);
    const added = `${leaf.entityId}/added-by-policy`;
    await publishSuperior(ta);
    await publishStatement(ta, leaf, { metadataPolicy: { openid_relying_party: { redirect_uris: { add: [added] } } } });
    await publishRp(leaf, rp, { authorityHints: [ta.entityId] });
    const worker = federatedWorker({ FEDERATION_TRUST_ANCHORS: trustAnchorsVar(ta) });
    expect((await authorizeThrough(worker, rp, { redirect_uri: added })).res.status).toBe(303);
    expect((await authorizeThrough(worker, rp, { redirect_uri: `${leaf.entityId}/not-listed` })).res.status).toBe(400);
  });

  it('entity ids ending in a slash (as the reference implementation writes them) are compared as written, found without the slash', async () => {
    const ta = await member('ta/');
    const leaf = await member('rp/');
    const rp = await federatedRp(leaf);
    await publishSuperior(ta);
    await publishStatement(ta, leaf);
    await publishRp(leaf, rp, { authorityHints: [ta.entityId] });
    const worker = federatedWorker({ FEDERATION_TRUST_ANCHORS: trustAnchorsVar(ta) });
    expect((await authorizeThrough(worker, rp)).res.status).toBe(303);
  });

  it('a federated RP that also exists in the registry is the registry’s: no chain is fetched', async () => {
    const { rp } = await smallFederation();
    expect((await rp.register()).status).toBe(201);
    // The registry's record wins even with federation off for this Worker (nothing to resolve with).
    const worker = federatedWorker({ FEDERATION_TRUST_ANCHORS: '{}' });
    expect((await authorizeThrough(worker, rp)).res.status).toBe(303);
  });
});

describe('OpenID Federation: the resolved client is kept until the chain’s lowest exp', () => {
  const envWith = (vars: Partial<Env>) => ({ ...(env as unknown as Env), ...vars });

  it('kept while the chain is current, re-resolved after its earliest exp; a failure is kept briefly, then retried', async () => {
    const ta = await member('ta');
    const leaf = await member('rp');
    const rp = await federatedRp(leaf);
    const start = Date.now();
    const t0 = nowSeconds(start);
    await publishSuperior(ta);
    await publishStatement(ta, leaf, { exp: t0 + 120 });
    await publishRp(leaf, rp, { authorityHints: [ta.entityId] });
    const vars = envWith({ FEDERATION_TRUST_ANCHORS: trustAnchorsVar(ta) });

    expect((await federatedClient(vars, leaf.entityId, start))?.ok).toBe(true);
    // The RP now publishes a configuration no key of its verifies: not seen while the chain is current.
    await publishRp(leaf, rp, { authorityHints: [ta.entityId], signWith: await federationKey({ kid: leaf.key.kid }) });
    expect((await federatedClient(vars, leaf.entityId, start + 60_000))?.ok).toBe(true);
    // Past the statement's exp (120 s), resolved again: refused now.
    const later = start + 121_000;
    const refused = await federatedClient(vars, leaf.entityId, later);
    expect(refused?.ok === false && refused.failure.reason).toContain('bad signature');

    // Mended, but the failure is remembered for FAILED_RESOLUTION_MAX_AGE_MS, then resolved anew.
    await publishStatement(ta, leaf, { exp: t0 + 3600 });
    await publishRp(leaf, rp, { authorityHints: [ta.entityId] });
    expect((await federatedClient(vars, leaf.entityId, later + 1_000))?.ok).toBe(false);
    expect((await federatedClient(vars, leaf.entityId, later + FAILED_RESOLUTION_MAX_AGE_MS + 1))?.ok).toBe(true);
  });

  it(`at most ${MAX_RESOLUTIONS_IN_FLIGHT} resolutions at once per isolate: the next entity id is refused for now, and not remembered`, async () => {
    const ta = await member('ta');
    const vars = envWith({ FEDERATION_TRUST_ANCHORS: trustAnchorsVar(ta) });
    const slow = await Promise.all(Array.from({ length: MAX_RESOLUTIONS_IN_FLIGHT }, (_, i) => member(`slow-${i}`)));
    await Promise.all(slow.map(async (m) => publish(configurationUrlOf(m), 'a.b.c', { delayMs: 1_000 })));
    const running = slow.map((m) => federatedClient(vars, m.entityId));
    const leaf = await member('rp');
    const refused = await federatedClient(vars, leaf.entityId);
    expect(refused?.ok === false && refused.failure.reason).toContain('too many trust chains');
    await Promise.all(running);
    const retried = await federatedClient(vars, leaf.entityId);
    expect(retried?.ok === false && retried.failure.reason).not.toContain('too many');
  });

  it('not an entity id, or federation off: not resolved at all', async () => {
    const ta = await member('ta');
    expect(federatedClient(envWith({ FEDERATION_TRUST_ANCHORS: trustAnchorsVar(ta) }), 'not-a-url')).toBeNull();
    expect(federatedClient(envWith({ FEDERATION_TRUST_ANCHORS: trustAnchorsVar(ta) }), 'ftp://rp.example.it')).toBeNull();
    expect(federatedClient(envWith({ FEDERATION_TRUST_ANCHORS: undefined }), ta.entityId)).toBeNull();
    expect(federatedClient(envWith({ FEDERATION_TRUST_ANCHORS: 'not json' }), ta.entityId)).toBeNull();
  });

  it('in production, an http entity id is not fetched', async () => {
    const ta = await member('ta');
    expect(federatedClient(envWith({ ENVIRONMENT: 'production', FEDERATION_TRUST_ANCHORS: trustAnchorsVar(ta) }), `${ta.entityId}/rp`)).toBeNull();
  });
});
