import { describe, expect, it } from 'vitest';
import type { TestRp } from '../support/rp';
import {
  type Member,
  authorizeThrough,
  configurationUrlOf,
  entityConfiguration,
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
  trustMark,
} from '../support/federation';

type Worker = ReturnType<typeof federatedWorker>;

/** The authorize endpoint's 400 page for `rp`, with the profile's error and what failed. */
async function expectAuthorizeRefusal(worker: Worker, rp: TestRp, error: string, what: string | RegExp) {
  const { res } = await authorizeThrough(worker, rp);
  expect(res.status).toBe(400);
  expect(res.headers.get('Location')).toBeNull();
  const page = await res.text();
  expect(page).toContain(`${error}: trust chain not valid`);
  expect(page).toMatch(what);
  expect(page).not.toContain('not registered');
}

/** A TA and an RP directly below it, published by the test itself (each piece can be broken). */
async function taAndRp() {
  const ta = await member('ta');
  const leaf = await member('rp');
  const rp = await federatedRp(leaf);
  return { ta, leaf, rp, worker: federatedWorker({ FEDERATION_TRUST_ANCHORS: trustAnchorsVar(ta) }) };
}

describe('OpenID Federation: chains that do not validate → invalid_client at authorize (errors_federation)', () => {
  it("the RP's entity configuration signed by a key not in its own jwks: bad signature", async () => {
    const { ta, leaf, rp, worker } = await taAndRp();
    await publishSuperior(ta);
    await publishStatement(ta, leaf);
    await publishRp(leaf, rp, { authorityHints: [ta.entityId], signWith: await federationKey({ kid: leaf.key.kid }) });
    await expectAuthorizeRefusal(worker, rp, 'invalid_client', 'bad signature');
  });

  it("the superior's statement gives other keys than those the RP signs with: its configuration does not verify by them", async () => {
    const { ta, leaf, rp, worker } = await taAndRp();
    await publishSuperior(ta);
    const other = await federationKey({ kid: leaf.key.kid });
    await publishStatement(ta, leaf, { subjectJwks: { keys: [other.publicJwk] } });
    await publishRp(leaf, rp, { authorityHints: [ta.entityId] });
    await expectAuthorizeRefusal(worker, rp, 'invalid_client', /by the keys .* gives: bad signature/);
  });

  it("the trust anchor's configuration not signed by its pinned keys", async () => {
    const { ta, leaf, rp } = await taAndRp();
    await publishSuperior(ta);
    await publishStatement(ta, leaf);
    await publishRp(leaf, rp, { authorityHints: [ta.entityId] });
    const impostor: Member = { entityId: ta.entityId, key: await federationKey() };
    const worker = federatedWorker({ FEDERATION_TRUST_ANCHORS: trustAnchorsVar(impostor) });
    await expectAuthorizeRefusal(worker, rp, 'invalid_client', 'pinned keys');
  });

  it('an expired subordinate statement, and an expired entity configuration', async () => {
    const { ta, leaf, rp, worker } = await taAndRp();
    await publishSuperior(ta);
    await publishStatement(ta, leaf, { iat: nowSeconds() - 7200, exp: nowSeconds() - 60 });
    await publishRp(leaf, rp, { authorityHints: [ta.entityId] });
    await expectAuthorizeRefusal(worker, rp, 'invalid_client', 'expired');

    const second = await taAndRp();
    await publishSuperior(second.ta);
    await publishStatement(second.ta, second.leaf);
    await publishRp(second.leaf, second.rp, { authorityHints: [second.ta.entityId], iat: nowSeconds() - 7200, exp: nowSeconds() - 1 });
    await expectAuthorizeRefusal(second.worker, second.rp, 'invalid_client', 'expired');
  });

  it('a statement without typ entity-statement+jwt, or without kid', async () => {
    const { ta, leaf, rp, worker } = await taAndRp();
    await publishSuperior(ta);
    await publishStatement(ta, leaf, { header: { typ: 'JWT' } });
    await publishRp(leaf, rp, { authorityHints: [ta.entityId] });
    await expectAuthorizeRefusal(worker, rp, 'invalid_client', 'typ must be entity-statement+jwt');

    const second = await taAndRp();
    await publishSuperior(second.ta);
    await publishStatement(second.ta, second.leaf);
    await publishRp(second.leaf, second.rp, { authorityHints: [second.ta.entityId], header: { kid: undefined } });
    await expectAuthorizeRefusal(second.worker, second.rp, 'invalid_client', 'kid is missing');
  });

  it('a statement whose iss is not the superior asked', async () => {
    const { ta, leaf, rp, worker } = await taAndRp();
    await publishSuperior(ta);
    await publishStatement(ta, leaf, { claims: { iss: 'https://someone-else.example.it' } });
    await publishRp(leaf, rp, { authorityHints: [ta.entityId] });
    await expectAuthorizeRefusal(worker, rp, 'invalid_client', 'iss is not the expected entity');
  });

  it('a loop in authority_hints: two intermediates naming each other', async () => {
    const { ta, leaf, rp, worker } = await taAndRp();
    const a = await member('ia-a');
    const b = await member('ia-b');
    await publishSuperior(ta);
    await publishSuperior(a, { authorityHints: [b.entityId] });
    await publishSuperior(b, { authorityHints: [a.entityId] });
    await publishStatement(a, leaf);
    await publishStatement(b, a);
    await publishStatement(a, b);
    await publishRp(leaf, rp, { authorityHints: [a.entityId] });
    await expectAuthorizeRefusal(worker, rp, 'invalid_client', 'loop in authority_hints');
  });

  it('a path too long: more than 3 intermediates, and a trust anchor allowing none (max_path_length 0) above one', async () => {
    const long = await smallFederation({ intermediates: 4 });
    await expectAuthorizeRefusal(long.worker, long.rp, 'invalid_client', 'path too long');

    const { ta, leaf, rp, worker } = await taAndRp();
    const ia = await member('ia');
    await publishSuperior(ta);
    await publishSuperior(ia, { authorityHints: [ta.entityId] });
    await publishStatement(ia, leaf);
    await publishStatement(ta, ia, { constraints: { max_path_length: 0 } });
    await publishRp(leaf, rp, { authorityHints: [ia.entityId] });
    await expectAuthorizeRefusal(worker, rp, 'invalid_client', 'allows 0 intermediates');
  });

  it('a chain that ends at an anchor this provider does not trust', async () => {
    const { rp } = await smallFederation();
    const stranger = await member('other-ta');
    await expectAuthorizeRefusal(federatedWorker({ FEDERATION_TRUST_ANCHORS: trustAnchorsVar(stranger) }), rp, 'invalid_client', 'not a trusted anchor');
  });
});

describe('OpenID Federation: entities that do not answer → temporarily_unavailable at authorize', () => {
  it('the superior unreachable (nothing published at its entity id)', async () => {
    const { ta, leaf, rp, worker } = await taAndRp();
    await publishRp(leaf, rp, { authorityHints: [ta.entityId] });
    await expectAuthorizeRefusal(worker, rp, 'temporarily_unavailable', /unreachable \(HTTP 404\)/);
  });

  it("the superior's fetch endpoint answering no statement about the RP", async () => {
    const { ta, leaf, rp, worker } = await taAndRp();
    await publishSuperior(ta);
    await publishRp(leaf, rp, { authorityHints: [ta.entityId] });
    await expectAuthorizeRefusal(worker, rp, 'temporarily_unavailable', /fetch\?sub=.* is unreachable/);
  });

  it('answers that are not a signed statement: another content type, more than 64 KB, a redirect (not followed)', async () => {
    const typed = await taAndRp();
    await publish(configurationUrlOf(typed.leaf), 'a.b.c', { type: 'text/html' });
    await expectAuthorizeRefusal(typed.worker, typed.rp, 'temporarily_unavailable', 'answered text/html, not application/entity-statement+jwt');

    const big = await taAndRp();
    await publish(configurationUrlOf(big.leaf), `${'a'.repeat(70 * 1024)}.b.c`);
    await expectAuthorizeRefusal(big.worker, big.rp, 'temporarily_unavailable', 'more than 65536 bytes');

    const moved = await smallFederation();
    const elsewhere = await taAndRp();
    await publish(configurationUrlOf(elsewhere.leaf), 'x', { status: 302, location: configurationUrlOf(moved.leaf) });
    await expectAuthorizeRefusal(elsewhere.worker, elsewhere.rp, 'temporarily_unavailable', 'HTTP 302');
  });

  it('an entity answering after the 3 s timeout', async () => {
    const { ta, leaf, rp, worker } = await taAndRp();
    await publishSuperior(ta, {}, { delayMs: 4_000 });
    await publishStatement(ta, leaf);
    await publishRp(leaf, rp, { authorityHints: [ta.entityId] });
    await expectAuthorizeRefusal(worker, rp, 'temporarily_unavailable', 'timeout');
  });
});

describe('OpenID Federation: chains that validate but the RP is not acceptable → unauthorized_client at authorize', () => {
  it('a metadata policy violated: the trust anchor allows only private_key_jwt, the RP says otherwise', async () => {
    const { ta, leaf, rp, worker } = await taAndRp();
    await publishSuperior(ta);
    await publishStatement(ta, leaf, { metadataPolicy: { openid_relying_party: { token_endpoint_auth_method: { one_of: ['private_key_jwt'] } } } });
    await publishRp(leaf, rp, { authorityHints: [ta.entityId], metadata: { token_endpoint_auth_method: 'client_secret_basic' } });
    await expectAuthorizeRefusal(worker, rp, 'unauthorized_client', 'metadata policy violated');
  });

  it('policies of two superiors that contradict each other', async () => {
    const { ta, leaf, rp, worker } = await taAndRp();
    const ia = await member('ia');
    await publishSuperior(ta);
    await publishSuperior(ia, { authorityHints: [ta.entityId] });
    await publishStatement(ia, leaf, { metadataPolicy: { openid_relying_party: { client_name: { value: 'A' } } } });
    await publishStatement(ta, ia, { metadataPolicy: { openid_relying_party: { client_name: { value: 'B' } } } });
    await publishRp(leaf, rp, { authorityHints: [ia.entityId] });
    await expectAuthorizeRefusal(worker, rp, 'unauthorized_client', 'metadata policy conflict');
  });

  it('resolved metadata the registry would refuse (a redirect URI subset_of emptied)', async () => {
    const { ta, leaf, rp, worker } = await taAndRp();
    await publishSuperior(ta);
    await publishStatement(ta, leaf, { metadataPolicy: { openid_relying_party: { redirect_uris: { subset_of: ['https://elsewhere.example.it/cb'] } } } });
    await publishRp(leaf, rp, { authorityHints: [ta.entityId] });
    await expectAuthorizeRefusal(worker, rp, 'unauthorized_client', 'redirect_uris');
  });

  describe('required trust marks (FEDERATION_REQUIRED_TRUST_MARKS)', () => {
    const markId = (ta: Member) => `${ta.entityId}/openid_relying_party/public`;

    async function withMark(mark: (ta: Member, leaf: Member) => Promise<{ id: string; trust_mark: string }[]>, anchorClaims: Record<string, unknown> = {}) {
      const { ta, leaf, rp } = await taAndRp();
      await publishSuperior(ta, { claims: anchorClaims });
      await publishStatement(ta, leaf);
      await publishRp(leaf, rp, { authorityHints: [ta.entityId], trustMarks: await mark(ta, leaf) });
      const worker = federatedWorker({ FEDERATION_TRUST_ANCHORS: trustAnchorsVar(ta), FEDERATION_REQUIRED_TRUST_MARKS: markId(ta) });
      return { ta, leaf, rp, worker };
    }

    it('a trust mark by the trust anchor, about the RP, current: the RP is accepted', async () => {
      const { rp, worker } = await withMark(async (ta, leaf) => [
        await trustMark({ issuer: ta.entityId, issuerKey: ta.key, subject: leaf.entityId, id: markId(ta) }),
      ]);
      const { res } = await authorizeThrough(worker, rp);
      expect(res.status).toBe(303);
    });

    it('a trust mark by an issuer the trust anchor lists in trust_mark_issuers, named by trust_mark_type: accepted', async () => {
      const issuer = await member('tm-issuer');
      const { ta, leaf, rp } = await taAndRp();
      await publishSuperior(issuer, { authorityHints: [ta.entityId] });
      await publishSuperior(ta, { trustMarkIssuers: { [markId(ta)]: [issuer.entityId] } });
      await publishStatement(ta, leaf);
      await publishStatement(ta, issuer);
      const mark = await trustMark({ issuer: issuer.entityId, issuerKey: issuer.key, subject: leaf.entityId, id: markId(ta), asTrustMarkType: true });
      await publishRp(leaf, rp, { authorityHints: [ta.entityId], trustMarks: [mark] });
      const worker = federatedWorker({ FEDERATION_TRUST_ANCHORS: trustAnchorsVar(ta), FEDERATION_REQUIRED_TRUST_MARKS: markId(ta) });
      expect((await authorizeThrough(worker, rp)).res.status).toBe(303);
    });

    it('by an issuer the trust anchor lists but whose own chain does not lead to it', async () => {
      const issuer = await member('tm-issuer');
      const { ta, leaf, rp } = await taAndRp();
      await publishSuperior(issuer);
      await publishSuperior(ta, { trustMarkIssuers: { [markId(ta)]: [issuer.entityId] } });
      await publishStatement(ta, leaf);
      const mark = await trustMark({ issuer: issuer.entityId, issuerKey: issuer.key, subject: leaf.entityId, id: markId(ta) });
      await publishRp(leaf, rp, { authorityHints: [ta.entityId], trustMarks: [mark] });
      const worker = federatedWorker({ FEDERATION_TRUST_ANCHORS: trustAnchorsVar(ta), FEDERATION_REQUIRED_TRUST_MARKS: markId(ta) });
      await expectAuthorizeRefusal(worker, rp, 'unauthorized_client', 'has no valid trust chain');
    });

    it('missing', async () => {
      const { rp, worker } = await withMark(async () => []);
      await expectAuthorizeRefusal(worker, rp, 'unauthorized_client', 'missing trust mark');
    });

    it('about another entity, expired, badly signed, or by an issuer the trust anchor does not list', async () => {
      const cases: [(ta: Member, leaf: Member) => Promise<{ id: string; trust_mark: string }[]>, string][] = [
        [
          async (ta) => [await trustMark({ issuer: ta.entityId, issuerKey: ta.key, subject: 'https://other.example.it', id: markId(ta) })],
          'not about this entity',
        ],
        [
          async (ta, leaf) => [
            await trustMark({
              issuer: ta.entityId,
              issuerKey: ta.key,
              subject: leaf.entityId,
              id: markId(ta),
              iat: nowSeconds() - 7200,
              exp: nowSeconds() - 60,
            }),
          ],
          'expired',
        ],
        [
          async (ta, leaf) => [
            await trustMark({
              issuer: ta.entityId,
              issuerKey: ta.key,
              subject: leaf.entityId,
              id: markId(ta),
              signWith: await federationKey({ kid: ta.key.kid }),
            }),
          ],
          'bad signature',
        ],
        [
          async (ta, leaf) => {
            const stranger = await member('stranger');
            return [await trustMark({ issuer: stranger.entityId, issuerKey: stranger.key, subject: leaf.entityId, id: markId(ta) })];
          },
          'issuer is not trusted',
        ],
      ];
      for (const [mark, what] of cases) {
        const { rp, worker } = await withMark(mark);
        await expectAuthorizeRefusal(worker, rp, 'unauthorized_client', what);
      }
    });
  });
});

describe('OpenID Federation: the token endpoint', () => {
  it('a client assertion from an entity id whose chain does not resolve → 401 invalid_client saying why', async () => {
    const { ta, leaf, rp, worker } = await taAndRp();
    await publishSuperior(ta);
    await publishStatement(ta, leaf, { iat: nowSeconds() - 7200, exp: nowSeconds() - 60 });
    await publishRp(leaf, rp, { authorityHints: [ta.entityId] });
    const res = await postAs(worker, rp, '/oidc/token', { grant_type: 'authorization_code', code: 'x', code_verifier: 'y'.repeat(43) });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: string; error_description: string };
    expect(body.error).toBe('invalid_client');
    expect(body.error_description).toContain('trust chain not valid');
    expect(body.error_description).toContain('expired');
  });

  it('an entity configuration with the wrong iss is refused there too', async () => {
    const { ta, leaf, rp, worker } = await taAndRp();
    await publishSuperior(ta);
    await publishStatement(ta, leaf);
    await publish(
      configurationUrlOf(leaf),
      await entityConfiguration({ entityId: leaf.entityId, key: leaf.key, authorityHints: [ta.entityId], claims: { iss: ta.entityId } }),
    );
    const res = await postAs(worker, rp, '/oidc/token', { grant_type: 'authorization_code', code: 'x', code_verifier: 'y'.repeat(43) });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error_description: string }).error_description).toContain('iss is not the expected entity');
  });
});
