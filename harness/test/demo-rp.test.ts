import { compactVerify, createLocalJWKSet, decodeJwt, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountDemoRelyingParty } from '../src/federation/demo-rp.ts';
import { federationKey } from '../src/federation/statements.ts';
import { TrustAnchor } from '../src/federation/trust-anchor.ts';
import { startBrokenOp } from './support/broken-op.ts';
import type { FakeServer } from './support/fake-server.ts';

/** The demo relying party the Trust Anchor hosts for `npm start -- --trust-anchor`, up to the OP's door. */
let op: FakeServer;
let ta: TrustAnchor;
let entityId: string;

beforeAll(async () => {
  op = await startBrokenOp();
  ta = await TrustAnchor.start({ key: await federationKey(), adminToken: 'demo-rp-test-admin-token' });
  entityId = mountDemoRelyingParty(ta, op.baseUrl);
});
afterAll(async () => {
  await Promise.all([op.close(), ta.close()]);
});

describe('the demo relying party', () => {
  it('has a page with "Entra con CIE", in Italian', async () => {
    const res = await fetch(`${entityId}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<html lang="it">');
    expect(html).toContain('<a class="btn" href="/e/demo/login">Entra con CIE</a>');
  });

  it('publishes a self-signed entity configuration under the TA, with its trust mark, and the TA lists it', async () => {
    const res = await fetch(`${entityId}/.well-known/openid-federation`);
    expect(res.headers.get('content-type')).toBe('application/entity-statement+jwt');
    const jwt = await res.text();
    const claims = decodeJwt(jwt) as {
      iss: string;
      jwks: { keys: JWK[] };
      authority_hints: string[];
      trust_marks: { id: string }[];
      metadata: Record<string, Record<string, unknown>>;
    };
    await compactVerify(jwt, createLocalJWKSet(claims.jwks));
    expect(claims.iss).toBe(entityId);
    expect(claims.authority_hints).toEqual([ta.entityId]);
    expect(claims.trust_marks.map((m) => m.id)).toEqual([ta.trustMarkId]);
    expect(claims.metadata.openid_relying_party?.redirect_uris).toEqual([`${entityId}/callback`]);
    expect(claims.metadata.openid_relying_party?.client_id).toBe(entityId);
    const statement = decodeJwt(await (await fetch(`${ta.url}/fetch?sub=${encodeURIComponent(entityId)}`)).text()) as { jwks: unknown };
    expect(statement.jwks).toEqual(claims.jwks);
  });

  it('sends the browser to the OP with a request object for its entity id', async () => {
    const res = await fetch(`${entityId}/login`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.origin).toBe(op.baseUrl.origin);
    expect(location.searchParams.get('client_id')).toBe(entityId);
    expect(decodeJwt(location.searchParams.get('request') ?? '')).toMatchObject({ iss: entityId, redirect_uri: `${entityId}/callback` });
  });

  it('refuses a callback it did not start', async () => {
    const res = await fetch(`${entityId}/callback?code=x&state=never-sent`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Accesso non riuscito');
  });
});
