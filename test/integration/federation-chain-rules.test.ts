import { env } from 'cloudflare:test';
import { CompactSign, decodeJwt, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import type { Env } from '../../functions/env';
import {
  MAX_RESOLUTIONS_IN_FLIGHT,
  MAX_RESOLVE_ENDPOINT_IN_FLIGHT,
  RESOLUTION_DEADLINE_MS,
  UNANSWERED_REASON,
  resolveTrustChain,
} from '../../functions/platform/federation';
import { federatedClient, forgetFederatedClients } from '../../functions/platform/federation-cache';
import type { TestRp } from '../support/rp';
import { rpAnswer } from '../support/rp';
import {
  type Member,
  authorizeThrough,
  configurationUrlOf,
  federatedLogin,
  federatedRp,
  federatedWorker,
  federationKey,
  jwksOf,
  member,
  nowSeconds,
  postAs,
  publish,
  publishRp,
  publishStatement,
  publishSuperior,
  relyingPartyMetadata,
  signStatement,
  trustAnchorsVar,
  trustMark,
} from '../support/federation';

type Worker = ReturnType<typeof federatedWorker>;

async function expectAuthorizeRefusal(worker: Worker, rp: TestRp, error: string, what: string | RegExp) {
  const { res } = await authorizeThrough(worker, rp);
  const page = await res.text();
  expect(res.status, page.slice(0, 300)).toBe(400);
  expect(page).toContain(`${error}: trust chain not valid`);
  expect(page).toMatch(what);
}

async function taAndRp() {
  const ta = await member('ta');
  const leaf = await member('rp');
  const rp = await federatedRp(leaf);
  return { ta, leaf, rp, worker: federatedWorker({ FEDERATION_TRUST_ANCHORS: trustAnchorsVar(ta) }) };
}

/** A TA, one intermediate, an RP below it; the TA's statement about the intermediate as `constraints` says. */
async function throughIntermediate(constraints: Record<string, unknown>) {
  const { ta, leaf, rp, worker } = await taAndRp();
  const ia = await member('ia');
  await publishSuperior(ta);
  await publishSuperior(ia, { authorityHints: [ta.entityId] });
  await publishStatement(ta, ia, { constraints });
  await publishStatement(ia, leaf);
  await publishRp(leaf, rp, { authorityHints: [ia.entityId] });
  return { ta, ia, leaf, rp, worker };
}

const resolveUrl = (sub: string, anchor: string) => `/oidc/resolve?${new URLSearchParams({ sub, anchor })}`;
const markId = (ta: Member) => `${ta.entityId}/openid_relying_party/public`;

describe('/oidc/resolve answers verified trust marks only (OpenID Federation 1.0 §8.3)', () => {
  it('a mark claiming the Trust Anchor but signed by another key, and one of an issuer the anchor does not know, are left out; a good one is kept', async () => {
    const { ta, leaf, rp, worker } = await taAndRp();
    await publishSuperior(ta);
    await publishStatement(ta, leaf);
    const good = await trustMark({ issuer: ta.entityId, issuerKey: ta.key, subject: leaf.entityId, id: markId(ta) });
    const forged = await trustMark({
      issuer: ta.entityId,
      issuerKey: ta.key,
      signWith: await federationKey({ kid: ta.key.kid }),
      subject: leaf.entityId,
      id: `${ta.entityId}/openid_relying_party/private`,
    });
    const stranger = await member('stranger');
    const unknown = await trustMark({ issuer: stranger.entityId, issuerKey: stranger.key, subject: leaf.entityId, id: `${stranger.entityId}/tm` });
    await publishRp(leaf, rp, { authorityHints: [ta.entityId], trustMarks: [forged, good, unknown] });
    const res = await worker.call(resolveUrl(leaf.entityId, ta.entityId));
    expect(res.status).toBe(200);
    const payload = decodeJwt(await res.text());
    expect(payload.trust_marks).toEqual([good]);
  });

  it('a response with no mark that verifies carries no trust_marks', async () => {
    const { ta, leaf, rp, worker } = await taAndRp();
    await publishSuperior(ta);
    await publishStatement(ta, leaf);
    const forged = await trustMark({
      issuer: ta.entityId,
      issuerKey: ta.key,
      signWith: await federationKey({ kid: ta.key.kid }),
      subject: leaf.entityId,
      id: markId(ta),
    });
    await publishRp(leaf, rp, { authorityHints: [ta.entityId], trustMarks: [forged] });
    const res = await worker.call(resolveUrl(leaf.entityId, ta.entityId));
    expect(res.status).toBe(200);
    expect(decodeJwt(await res.text()).trust_marks).toBeUndefined();
  });
});

describe('trust chain constraints beyond max_path_length (OpenID Federation 1.0 §6.2)', () => {
  it('allowed_entity_types of the Trust Anchor without openid_relying_party: the RP below is refused (invalid_client)', async () => {
    const { rp, worker } = await throughIntermediate({ allowed_entity_types: ['openid_provider'] });
    await expectAuthorizeRefusal(worker, rp, 'invalid_client', 'does not allow entity type openid_relying_party');
  });

  it('naming_constraints of the Trust Anchor that the RP’s host is outside of: refused (invalid_client)', async () => {
    const { rp, worker } = await throughIntermediate({ naming_constraints: { permitted: ['.nowhere.example'] } });
    await expectAuthorizeRefusal(worker, rp, 'invalid_client', 'outside the naming constraints');
    const excluded = await throughIntermediate({ naming_constraints: { excluded: ['127.0.0.1'] } });
    await expectAuthorizeRefusal(excluded.worker, excluded.rp, 'invalid_client', 'outside the naming constraints');
  });

  it('constraints the chain meets: the RP logs in', async () => {
    const { rp, worker } = await throughIntermediate({
      allowed_entity_types: ['openid_relying_party'],
      naming_constraints: { permitted: ['127.0.0.1'] },
      max_path_length: 1,
    });
    expect((await authorizeThrough(worker, rp)).res.status).toBe(303);
  });
});

describe('keys: each statement verified by the keys its issuer’s superior vouches for (§10.2, C-42)', () => {
  it('an intermediate signs about the RP with a key it publishes but the Trust Anchor never vouched for: refused', async () => {
    const { ta, leaf, rp, worker } = await taAndRp();
    const ia = await member('ia');
    const extra = await federationKey();
    await publishSuperior(ta);
    await publishSuperior(ia, { authorityHints: [ta.entityId], jwks: jwksOf(ia.key, extra) });
    await publishStatement(ta, ia);
    await publishStatement(ia, leaf, { signWith: extra });
    await publishRp(leaf, rp, { authorityHints: [ia.entityId] });
    await expectAuthorizeRefusal(worker, rp, 'invalid_client', /statement of .*ia about .*rp by the keys .*ta gives it: bad signature/);
  });

  it('C-42: the Trust Anchor’s statement signed by a key not in its configuration: refused', async () => {
    const { ta, leaf, rp, worker } = await taAndRp();
    await publishSuperior(ta);
    await publishStatement(ta, leaf, { signWith: await federationKey({ kid: ta.key.kid }) });
    await publishRp(leaf, rp, { authorityHints: [ta.entityId] });
    await expectAuthorizeRefusal(worker, rp, 'invalid_client', /statement of .*ta about .*rp: bad signature/);
  });

  it('a trust mark signed by a key its issuer publishes but the Trust Anchor never vouched for: not kept by /oidc/resolve, refused when required', async () => {
    const { ta, leaf, rp } = await taAndRp();
    const issuer = await member('tm-issuer');
    const extra = await federationKey();
    await publishSuperior(ta, { trustMarkIssuers: { [markId(ta)]: [issuer.entityId] } });
    await publishSuperior(issuer, { authorityHints: [ta.entityId], jwks: jwksOf(issuer.key, extra) });
    await publishStatement(ta, leaf);
    await publishStatement(ta, issuer);
    const mark = await trustMark({ issuer: issuer.entityId, issuerKey: issuer.key, signWith: extra, subject: leaf.entityId, id: markId(ta) });
    await publishRp(leaf, rp, { authorityHints: [ta.entityId], trustMarks: [mark] });
    const worker = federatedWorker({ FEDERATION_TRUST_ANCHORS: trustAnchorsVar(ta) });
    const res = await worker.call(resolveUrl(leaf.entityId, ta.entityId));
    expect(res.status).toBe(200);
    expect(decodeJwt(await res.text()).trust_marks).toBeUndefined();
    const requiring = federatedWorker({ FEDERATION_TRUST_ANCHORS: trustAnchorsVar(ta), FEDERATION_REQUIRED_TRUST_MARKS: markId(ta) });
    await expectAuthorizeRefusal(requiring, rp, 'unauthorized_client', `trust mark ${markId(ta)}: bad signature`);
    // The key the Trust Anchor vouches for still signs a mark that is kept.
    const vouched = await trustMark({ issuer: issuer.entityId, issuerKey: issuer.key, subject: leaf.entityId, id: markId(ta) });
    await publishRp(leaf, rp, { authorityHints: [ta.entityId], trustMarks: [vouched] });
    forgetFederatedClients();
    expect((await authorizeThrough(requiring, rp)).res.status).toBe(303);
  });

  it('the Trust Anchor’s statement signed by a key its configuration lists but that is not pinned: refused', async () => {
    const { ta, leaf, rp, worker } = await taAndRp();
    const unpinned = await federationKey();
    await publishSuperior(ta, { jwks: jwksOf(ta.key, unpinned) });
    await publishStatement(ta, leaf, { signWith: unpinned });
    await publishRp(leaf, rp, { authorityHints: [ta.entityId] });
    await expectAuthorizeRefusal(worker, rp, 'invalid_client', /by the pinned keys: bad signature/);
  });
});

describe('trust marks: the header (OpenID Federation 1.0 §7)', () => {
  async function withRequiredMark(mark: (ta: Member, leaf: Member) => Promise<{ id: string; trust_mark: string }>) {
    const { ta, leaf, rp } = await taAndRp();
    await publishSuperior(ta);
    await publishStatement(ta, leaf);
    await publishRp(leaf, rp, { authorityHints: [ta.entityId], trustMarks: [await mark(ta, leaf)] });
    return { rp, worker: federatedWorker({ FEDERATION_TRUST_ANCHORS: trustAnchorsVar(ta), FEDERATION_REQUIRED_TRUST_MARKS: markId(ta) }) };
  }

  it('a mark signed by the Trust Anchor but typed entity-statement+jwt is refused', async () => {
    const { rp, worker } = await withRequiredMark((ta, leaf) =>
      trustMark({ issuer: ta.entityId, issuerKey: ta.key, subject: leaf.entityId, id: markId(ta), header: { typ: 'entity-statement+jwt' } }),
    );
    await expectAuthorizeRefusal(worker, rp, 'unauthorized_client', 'typ must be trust-mark+jwt');
  });

  it('a trust mark delegation JWT by the Trust Anchor does not pass for a mark', async () => {
    const { rp, worker } = await withRequiredMark(async (ta, leaf) => ({
      id: markId(ta),
      trust_mark: await signStatement(
        { iss: ta.entityId, sub: leaf.entityId, trust_mark_type: markId(ta), iat: nowSeconds() },
        ta.key,
        'trust-mark-delegation+jwt',
      ),
    }));
    await expectAuthorizeRefusal(worker, rp, 'unauthorized_client', 'typ must be trust-mark+jwt');
  });

  it('a mark without kid, or issued in the future, is refused', async () => {
    const noKid = await withRequiredMark((ta, leaf) =>
      trustMark({ issuer: ta.entityId, issuerKey: ta.key, subject: leaf.entityId, id: markId(ta), header: { kid: undefined } }),
    );
    await expectAuthorizeRefusal(noKid.worker, noKid.rp, 'unauthorized_client', 'kid is missing');
    const future = await withRequiredMark((ta, leaf) =>
      trustMark({ issuer: ta.entityId, issuerKey: ta.key, subject: leaf.entityId, id: markId(ta), iat: nowSeconds() + 3600 }),
    );
    await expectAuthorizeRefusal(future.worker, future.rp, 'unauthorized_client', 'issued in the future');
  });
});

describe('metadata_policy_crit (OpenID Federation 1.0 §6.1.4)', () => {
  it('a critical operator this provider does not know is a policy error: unauthorized_client', async () => {
    const { ta, leaf, rp, worker } = await taAndRp();
    await publishSuperior(ta);
    await publishStatement(ta, leaf, {
      metadataPolicy: { openid_relying_party: { client_name: { regexp: '^never$' } } },
      claims: { metadata_policy_crit: ['regexp'] },
    });
    await publishRp(leaf, rp, { authorityHints: [ta.entityId] });
    await expectAuthorizeRefusal(worker, rp, 'unauthorized_client', 'critical operator regexp');
  });
});

describe('what third parties answer, bounded', () => {
  it('C-41: an entity configuration served as application/jwt is refused', async () => {
    const { ta, leaf, rp, worker } = await taAndRp();
    await publishSuperior(ta);
    await publishStatement(ta, leaf);
    await publishRp(leaf, rp, { authorityHints: [ta.entityId] });
    const jwt = await (await fetch(configurationUrlOf(leaf))).text();
    await publish(configurationUrlOf(leaf), jwt, { type: 'application/jwt' });
    await expectAuthorizeRefusal(worker, rp, 'temporarily_unavailable', 'answered application/jwt, not application/entity-statement+jwt');
  });

  it('more than 64 KB streamed without Content-Length is cut off by the reader itself', async () => {
    const { rp, leaf, worker } = await taAndRp();
    await publish(configurationUrlOf(leaf), `${'a'.repeat(70 * 1024)}.b.c`, { chunked: true });
    await expectAuthorizeRefusal(worker, rp, 'temporarily_unavailable', 'more than 65536 bytes');
  });

  it('a statement nested 8,000 deep: /oidc/resolve answers 400, never 5xx, and authorize refuses it', async () => {
    const { ta, leaf, rp, worker } = await taAndRp();
    await publishSuperior(ta);
    await publishStatement(ta, leaf);
    const iat = nowSeconds();
    const claims = {
      iss: leaf.entityId,
      sub: leaf.entityId,
      iat,
      exp: iat + 3600,
      jwks: { keys: [leaf.key.publicJwk] },
      authority_hints: [ta.entityId],
      metadata: {
        federation_entity: { organization_name: 'x' },
        openid_relying_party: { ...relyingPartyMetadata({ entityId: leaf.entityId, redirectUris: [rp.redirectUri], jwks: rp.jwks as never }), x_deep: '@' },
      },
    };
    const text = JSON.stringify(claims).replace('"@"', `${'['.repeat(8000)}${']'.repeat(8000)}`);
    const jwt = await new CompactSign(new TextEncoder().encode(text))
      .setProtectedHeader({ alg: leaf.key.alg, kid: leaf.key.kid, typ: 'entity-statement+jwt' })
      .sign(await importJWK(leaf.key.privateJwk, leaf.key.alg));
    await publish(configurationUrlOf(leaf), jwt);
    const res = await worker.call(resolveUrl(leaf.entityId, ta.entityId));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error_description: string }).error_description).toContain('nested too deep');
    await expectAuthorizeRefusal(worker, rp, 'invalid_client', 'nested too deep');
  });

  it('in production, what an unreachable entity answered is not told, only that it did not answer', async () => {
    const ta = await member('ta');
    const vars = {
      ...(env as unknown as Env),
      ENVIRONMENT: 'production',
      FEDERATION_TRUST_ANCHORS: JSON.stringify({ 'https://ta.example.it': { keys: [ta.key.publicJwk] } }),
    } as Env;
    const resolved = await resolveTrustChain(vars, 'https://rp.unreachable.example.it/oidc', 'openid_relying_party');
    expect(resolved.ok === false && resolved.failure).toEqual({ kind: 'unreachable', reason: UNANSWERED_REASON });
  });
});

describe('resolutions bounded in number and in time, whoever asks', () => {
  it(`/oidc/resolve has its own share of ${MAX_RESOLVE_ENDPOINT_IN_FLIGHT} of the ${MAX_RESOLUTIONS_IN_FLIGHT} resolutions at once: past it, temporarily_unavailable, while client reads still start and kept answers are still served`, async () => {
    const { ta, leaf, rp, worker } = await taAndRp();
    await publishSuperior(ta);
    await publishStatement(ta, leaf);
    await publishRp(leaf, rp, { authorityHints: [ta.entityId] });
    expect((await worker.call(resolveUrl(leaf.entityId, ta.entityId))).status).toBe(200);
    const slow = await Promise.all(Array.from({ length: MAX_RESOLVE_ENDPOINT_IN_FLIGHT }, (_, i) => member(`slow-${i}`)));
    await Promise.all(slow.map((m) => publish(configurationUrlOf(m), 'a.b.c', { delayMs: 1_500 })));
    const running = slow.map((m) => worker.call(resolveUrl(m.entityId, ta.entityId)));
    await new Promise((r) => setTimeout(r, 300));
    const extra = await member('extra');
    const refused = await worker.call(resolveUrl(extra.entityId, ta.entityId));
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as { error: string; error_description: string };
    expect(body.error).toBe('temporarily_unavailable');
    expect(body.error_description).toContain('too many trust chains');
    // The answer kept from before is served without a new resolution.
    expect((await worker.call(resolveUrl(leaf.entityId, ta.entityId))).status).toBe(200);
    // A client read starts its resolution although /oidc/resolve holds its whole share.
    forgetFederatedClients();
    const read = await federatedClient({ ...(env as unknown as Env), FEDERATION_TRUST_ANCHORS: trustAnchorsVar(ta) }, leaf.entityId);
    expect(read?.ok).toBe(true);
    await Promise.all(running);
    const after = await worker.call(resolveUrl(extra.entityId, ta.entityId));
    expect(((await after.json()) as { error_description: string }).error_description).not.toContain('too many');
  });

  it(`one resolution takes at most ${RESOLUTION_DEADLINE_MS / 1000} s, however many slow fetches it needs`, async () => {
    const { ta, leaf, rp, worker } = await taAndRp();
    const ia = await member('ia');
    const slow = { delayMs: 2_500 };
    await publishSuperior(ta, {}, slow);
    await publishSuperior(ia, { authorityHints: [ta.entityId] }, slow);
    await publishStatement(ta, ia, {}, slow);
    await publishStatement(ia, leaf, {}, slow);
    await publishRp(leaf, rp, { authorityHints: [ia.entityId] });
    const started = Date.now();
    await expectAuthorizeRefusal(worker, rp, 'temporarily_unavailable', 'timeout');
    expect(Date.now() - started).toBeLessThan(RESOLUTION_DEADLINE_MS + 1_500);
  }, 20_000);
});

describe('resolved grant_types, scope and response_types limit the federated RP (issue 14 mapping)', () => {
  /** An RP whose TA sets `policy` on its openid_relying_party metadata. */
  async function underPolicy(policy: Record<string, Record<string, unknown>>, metadata: Record<string, unknown> = {}) {
    const { ta, leaf, rp, worker } = await taAndRp();
    await publishSuperior(ta);
    await publishStatement(ta, leaf, { metadataPolicy: { openid_relying_party: policy } });
    await publishRp(leaf, rp, { authorityHints: [ta.entityId], metadata });
    return { rp, worker };
  }

  it('grant_types without refresh_token: offline_access refused at authorize, no refresh token from a code, the refresh grant refused', async () => {
    const { rp, worker } = await underPolicy({ grant_types: { value: ['authorization_code'] } });
    const { res } = await authorizeThrough(worker, rp, { scope: 'openid offline_access', prompt: 'consent login' });
    const answer = await rpAnswer(res);
    expect(answer.get('error')).toBe('invalid_scope');
    expect(answer.get('error_description')).toContain('refresh_token');

    const login = await federatedLogin(worker, rp);
    const tokens = (await (
      await postAs(worker, rp, '/oidc/token', { grant_type: 'authorization_code', code: login.code, code_verifier: login.auth.verifier })
    ).json()) as Record<string, unknown>;
    expect(tokens.access_token).toBeTruthy();
    expect(tokens.refresh_token).toBeUndefined();
    const refresh = await postAs(worker, rp, '/oidc/token', { grant_type: 'refresh_token', refresh_token: 'x' });
    expect(refresh.status).toBe(400);
    expect(((await refresh.json()) as { error: string }).error).toBe('unauthorized_client');
  });

  it('scope subset_of ["openid"]: asking for profile is refused (invalid_scope), openid alone is not', async () => {
    const { rp, worker } = await underPolicy({ scope: { subset_of: ['openid'] } }, { scope: 'openid profile email' });
    const answer = await rpAnswer((await authorizeThrough(worker, rp, { scope: 'openid profile' })).res);
    expect(answer.get('error')).toBe('invalid_scope');
    expect((await authorizeThrough(worker, rp, { scope: 'openid' })).res.status).toBe(303);
  });

  it('response_types without code: the RP is refused (unauthorized_client)', async () => {
    const { rp, worker } = await underPolicy({ response_types: { value: ['id_token'] } });
    await expectAuthorizeRefusal(worker, rp, 'unauthorized_client', 'response_types must include code');
  });
});

describe('the registry’s record wins, with federation on', () => {
  it('an entity id registered through the registry uses the registry’s redirect URIs, not those its chain gives', async () => {
    const { ta, leaf, rp, worker } = await taAndRp();
    await publishSuperior(ta);
    await publishStatement(ta, leaf);
    const chainOnly = `${leaf.entityId}/only-in-the-chain`;
    await publishRp(leaf, rp, { authorityHints: [ta.entityId], metadata: { redirect_uris: [chainOnly] } });
    forgetFederatedClients();
    expect((await rp.register()).status).toBe(201);
    expect((await authorizeThrough(worker, rp)).res.status).toBe(303);
    expect((await authorizeThrough(worker, rp, { redirect_uri: chainOnly })).res.status).toBe(400);
  });
});

describe('the resolved client is kept until the lowest exp of everything it relied on', () => {
  const envWith = (vars: Partial<Env>) => ({ ...(env as unknown as Env), ...vars }) as Env;

  for (const which of ['leaf', 'anchor', 'trust mark'] as const) {
    it(`the ${which}’s exp, when it is the lowest`, async () => {
      const { ta, leaf, rp } = await taAndRp();
      const start = Date.now();
      const t0 = nowSeconds(start);
      const early = t0 + 120;
      await publishSuperior(ta, which === 'anchor' ? { exp: early } : {});
      await publishStatement(ta, leaf);
      const marks = [
        await trustMark({ issuer: ta.entityId, issuerKey: ta.key, subject: leaf.entityId, id: markId(ta), exp: which === 'trust mark' ? early : t0 + 3600 }),
      ];
      await publishRp(leaf, rp, { authorityHints: [ta.entityId], trustMarks: marks, ...(which === 'leaf' ? { exp: early } : {}) });
      const vars = envWith({ FEDERATION_TRUST_ANCHORS: trustAnchorsVar(ta), FEDERATION_REQUIRED_TRUST_MARKS: markId(ta) });
      expect((await federatedClient(vars, leaf.entityId, start))?.ok).toBe(true);
      // Broken now; still the kept client before the lowest exp, resolved again (and refused) after it.
      await publishRp(leaf, rp, { authorityHints: [ta.entityId], trustMarks: marks, signWith: await federationKey({ kid: leaf.key.kid }) });
      expect((await federatedClient(vars, leaf.entityId, start + 100_000))?.ok).toBe(true);
      const after = await federatedClient(vars, leaf.entityId, start + 121_000);
      expect(after?.ok).toBe(false);
    });
  }
});
