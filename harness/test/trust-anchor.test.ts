import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactVerify, createLocalJWKSet, decodeJwt, decodeProtectedHeader, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli.ts';
import { parseCommandLine } from '../src/cli/args.ts';
import { entityConfiguration, federationKey, jwksOf, type FederationKey } from '../src/federation/statements.ts';
import { TrustAnchor, deploymentConfig, loadOrCreateKey, publicJwk, trustMarkIdOf } from '../src/federation/trust-anchor.ts';
import { bufferOutput } from './support/output.ts';

interface Statement {
  iss: string;
  sub: string;
  exp: number;
  jwks: { keys: JWK[] };
  authority_hints?: string[];
  metadata: { federation_entity: Record<string, unknown> };
  metadata_policy?: unknown;
  trust_mark_issuers?: unknown;
}

const TOKEN = 'admin-token-for-the-tests-0123456789';
let dir: string;
let key: FederationKey;
let ta: TrustAnchor;
let rpKey: FederationKey;

const get = (path: string, init: RequestInit = {}) => fetch(`${ta.url}${path}`, init);
const admin = (method: string, path: string, body?: unknown, token = TOKEN) =>
  fetch(`${ta.url}/__admin${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
const verifies = async (jwt: string, jwks: { keys: JWK[] }) =>
  compactVerify(jwt, createLocalJWKSet(jwks)).then(
    () => true,
    () => false,
  );
const taJwks = () => ({ keys: [key.publicJwk] });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cie-ta-'));
  key = await loadOrCreateKey(join(dir, 'ta.jwks.json'));
  rpKey = await federationKey({ alg: 'ES256' });
  ta = await TrustAnchor.start({ key, adminToken: TOKEN, onboard: [] });
});

afterAll(async () => {
  await ta.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the Trust Anchor key and the deployment configuration', () => {
  it('makes the key once, private to its owner, and loads the same key again', async () => {
    const file = join(dir, 'ta.jwks.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const again = await loadOrCreateKey(file);
    expect(again.kid).toBe(key.kid);
    expect(again.publicJwk).toEqual(key.publicJwk);
  });

  it('gives the deployment the entity id and the public key only, and the trust mark it requires', () => {
    const config = deploymentConfig('http://127.0.0.1:8788', key);
    const anchors = JSON.parse(config.FEDERATION_TRUST_ANCHORS ?? '') as Record<string, { keys: JWK[] }>;
    expect(Object.keys(anchors)).toEqual(['http://127.0.0.1:8788']);
    expect(anchors['http://127.0.0.1:8788']?.keys).toEqual([publicJwk(key.privateJwk)]);
    expect(JSON.stringify(anchors)).not.toMatch(/"(d|p|q|dp|dq|qi)":/);
    expect(config.FEDERATION_AUTHORITY_HINTS).toBe('http://127.0.0.1:8788');
    expect(config.FEDERATION_REQUIRED_TRUST_MARKS).toBe(trustMarkIdOf('http://127.0.0.1:8788'));
  });

  it('refuses a keys file that holds no private key', async () => {
    const file = join(dir, 'public.jwks.json');
    await import('node:fs/promises').then((fs) => fs.writeFile(file, JSON.stringify({ keys: [key.publicJwk] })));
    await expect(loadOrCreateKey(file)).rejects.toThrow(/private JWK/);
  });
});

describe('the Trust Anchor entity configuration', () => {
  it('is a signed entity-statement+jwt naming its endpoints and itself as the trust mark issuer', async () => {
    const res = await get('/.well-known/openid-federation');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/entity-statement+jwt');
    const jwt = await res.text();
    expect(decodeProtectedHeader(jwt)).toMatchObject({ typ: 'entity-statement+jwt', kid: key.kid });
    expect(await verifies(jwt, taJwks())).toBe(true);
    const claims = decodeJwt(jwt) as unknown as Statement;
    expect(claims.iss).toBe(ta.entityId);
    expect(claims.sub).toBe(ta.entityId);
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000);
    expect(claims.jwks.keys).toEqual([key.publicJwk]);
    expect(claims.authority_hints).toBeUndefined();
    expect(claims.metadata.federation_entity.federation_fetch_endpoint).toBe(`${ta.entityId}/fetch`);
    expect(claims.metadata.federation_entity.federation_list_endpoint).toBe(`${ta.entityId}/list`);
    expect(claims.trust_mark_issuers).toEqual({ [ta.trustMarkId]: [ta.entityId] });
  });
});

describe('subordinate statements on demand', () => {
  const sub = (name: string) => `https://${name}.rp.example.it`;
  const fetchAbout = async (entityId: string) => {
    const res = await get(`/fetch?sub=${encodeURIComponent(entityId)}`);
    return { res, jwt: await res.text() };
  };

  it('signs what it is told about a subordinate, and lists it', async () => {
    const policy = { openid_relying_party: { redirect_uris: { add: ['https://x.example.it/cb'] } } };
    expect((await admin('POST', '/subordinates', { sub: sub('good'), jwks: jwksOf(rpKey), metadata_policy: policy })).status).toBe(201);
    const { res, jwt } = await fetchAbout(sub('good'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/entity-statement+jwt');
    expect(await verifies(jwt, taJwks())).toBe(true);
    const claims = decodeJwt(jwt) as unknown as Statement;
    expect([claims.iss, claims.sub]).toEqual([ta.entityId, sub('good')]);
    expect(claims.jwks).toEqual(jwksOf(rpKey));
    expect(claims.metadata_policy).toEqual(policy);
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000);
    expect(await (await get('/list')).json()).toContain(sub('good'));
  });

  it('signs badly, expires, or pins other keys when asked to', async () => {
    for (const fault of ['bad-signature', 'expired', 'wrong-jwks']) {
      expect((await admin('POST', '/subordinates', { sub: sub(fault), jwks: jwksOf(rpKey), fault })).status).toBe(201);
    }
    const bad = await fetchAbout(sub('bad-signature'));
    expect(decodeProtectedHeader(bad.jwt).kid).toBe(key.kid);
    expect(await verifies(bad.jwt, taJwks())).toBe(false);

    const expired = await fetchAbout(sub('expired'));
    expect(await verifies(expired.jwt, taJwks())).toBe(true);
    expect(decodeJwt(expired.jwt).exp).toBeLessThan(Date.now() / 1000);

    const wrong = await fetchAbout(sub('wrong-jwks'));
    expect(await verifies(wrong.jwt, taJwks())).toBe(true);
    expect((decodeJwt(wrong.jwt) as { jwks: { keys: JWK[] } }).jwks.keys.map((k) => k.kid)).not.toContain(rpKey.kid);
  });

  it('answers 404 for an entity it does not know and 400 without sub', async () => {
    expect((await fetchAbout(sub('stranger'))).res.status).toBe(404);
    expect((await get('/fetch')).status).toBe(400);
  });

  it('onboards an entity by id alone, pinning the keys of its self-signed entity configuration', async () => {
    const opKey = await federationKey({ alg: 'ES256' });
    const opId = ta.hostedId('op');
    await admin('PUT', '/entities/op', { entity_configuration: await entityConfiguration({ entityId: opId, key: opKey }) });
    expect((await admin('POST', '/subordinates', { sub: opId })).status).toBe(201);
    const { res, jwt } = await fetchAbout(opId);
    expect(res.status).toBe(200);
    expect((decodeJwt(jwt) as { jwks: unknown }).jwks).toEqual(jwksOf(opKey));
  });
});

describe('trust marks', () => {
  const issue = async (kind: string) =>
    (await (await admin('POST', '/trust-marks', { sub: 'https://tm.example.it', kind })).json()) as { trust_marks: { id: string; trust_mark: string }[] };

  it('issues a valid one for the subject, with the TA as issuer', async () => {
    const [mark] = (await issue('valid')).trust_marks;
    expect(mark?.id).toBe(ta.trustMarkId);
    expect(decodeProtectedHeader(mark?.trust_mark ?? '').typ).toBe('trust-mark+jwt');
    expect(await verifies(mark?.trust_mark ?? '', taJwks())).toBe(true);
    expect(decodeJwt(mark?.trust_mark ?? '')).toMatchObject({ iss: ta.entityId, sub: 'https://tm.example.it', id: ta.trustMarkId });
  });

  it('and on demand none, an expired one, one for another sub, one not signed by it', async () => {
    expect((await issue('none')).trust_marks).toEqual([]);
    const expired = (await issue('expired')).trust_marks[0]?.trust_mark ?? '';
    expect(decodeJwt(expired).exp).toBeLessThan(Date.now() / 1000);
    const other = (await issue('wrong-sub')).trust_marks[0]?.trust_mark ?? '';
    expect(decodeJwt(other).sub).not.toBe('https://tm.example.it');
    const forged = (await issue('bad-signature')).trust_marks[0]?.trust_mark ?? '';
    expect(await verifies(forged, taJwks())).toBe(false);
  });
});

describe('hosted members', () => {
  it('serves an entity configuration as its owner signed it, with the content type asked for', async () => {
    const id = ta.hostedId('member');
    const ec = await entityConfiguration({ entityId: id, key: rpKey, authorityHints: [ta.entityId] });
    expect((await admin('PUT', '/entities/member', { entity_configuration: ec })).status).toBe(204);
    const res = await get('/e/member/.well-known/openid-federation');
    expect(res.headers.get('content-type')).toBe('application/entity-statement+jwt');
    expect(await res.text()).toBe(ec);
    await admin('PUT', '/entities/member', { entity_configuration: ec, content_type: 'application/json' });
    expect((await get('/e/member/.well-known/openid-federation')).headers.get('content-type')).toBe('application/json');
  });

  it("serves an intermediate's statements by subject from its fetch endpoint", async () => {
    const ec = await entityConfiguration({ entityId: ta.hostedId('ia'), key: rpKey });
    await admin('PUT', '/entities/ia', { entity_configuration: ec, subordinate_statements: { 'https://leaf.example.it': ec } });
    expect(await (await get(`/e/ia/fetch?sub=${encodeURIComponent('https://leaf.example.it')}`)).text()).toBe(ec);
    expect((await get(`/e/ia/fetch?sub=${encodeURIComponent('https://other.example.it')}`)).status).toBe(404);
    expect(await (await get('/e/ia/list')).json()).toEqual(['https://leaf.example.it']);
  });

  it('drops every connection to an unreachable one', async () => {
    await admin('PUT', '/entities/gone', { unreachable: true });
    await expect(get('/e/gone/.well-known/openid-federation')).rejects.toThrow();
  });
});

describe('the admin API refuses', () => {
  it('without its token, or with another', async () => {
    expect((await fetch(`${ta.url}/__admin/config`)).status).toBe(401);
    expect((await admin('GET', '/config', undefined, `${TOKEN}x`)).status).toBe(401);
    expect((await admin('GET', '/config')).status).toBe(200);
  });

  it('private keys, unknown faults, bad names, bodies that are not JSON or too large', async () => {
    const refused = async (res: Response, status: number) => {
      expect(res.status).toBe(status);
      expect(((await res.json()) as { error: string }).error).toBeTruthy();
    };
    await refused(await admin('POST', '/subordinates', { sub: 'https://a.example.it', jwks: { keys: [rpKey.privateJwk] } }), 400);
    await refused(await admin('POST', '/subordinates', { sub: 'https://a.example.it', fault: 'gremlins' }), 400);
    await refused(await admin('POST', '/subordinates', { sub: 'ftp://a.example.it' }), 400);
    await refused(await admin('POST', '/trust-marks', { sub: 'https://a.example.it', kind: 'sort-of' }), 400);
    await refused(await admin('PUT', '/entities/Not_A_Name', { unreachable: true }), 400);
    await refused(await admin('PUT', '/entities/x', { entity_configuration: 'not a jws' }), 400);
    await refused(await admin('POST', '/subordinates', '{"sub":'), 400);
    await refused(await admin('POST', '/subordinates', JSON.stringify({ sub: 'https://a.example.it', pad: 'x'.repeat(300 * 1024) })), 413);
    await refused(await fetch(`${ta.url}/__admin/subordinates`, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` }, body: 'sub=x' }), 415);
  });

  it('and nothing but GET on the federation endpoints', async () => {
    expect((await get('/.well-known/openid-federation', { method: 'POST' })).status).toBe(405);
  });
});

describe('cie-harness trust-anchor', () => {
  const cli = async (argv: string[], env: Record<string, string> = {}, stop: Promise<unknown> = Promise.resolve()) => {
    const stdout = bufferOutput();
    const stderr = bufferOutput();
    const code = await main(argv, { stdout, stderr, env, stop });
    return { code, out: stdout.text(), err: stderr.text() };
  };

  it('prints the configuration a deployment needs, from the keys file', async () => {
    const keys = join(dir, 'ta.jwks.json');
    const { code, out } = await cli(['trust-anchor', '--print-config', '--json', '--listen', '127.0.0.1:8799', '--keys', keys]);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual(deploymentConfig('http://127.0.0.1:8799', key));
    const env = await cli(['trust-anchor', '--print-config', '--entity-id', 'https://ta.example.it', '--keys', keys]);
    expect(env.out).toContain('FEDERATION_AUTHORITY_HINTS=https://ta.example.it\n');
    expect(env.out).toMatch(/^FEDERATION_TRUST_ANCHORS=\{"https:\/\/ta\.example\.it":\{"keys":\[/m);
  });

  it('serves until told to stop, saying where and with which token', async () => {
    let stop = () => {};
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const running = cli(['trust-anchor', '--listen', '127.0.0.1:0', '--keys', join(dir, 'ta.jwks.json')], { FEDERATION_TA_TOKEN: TOKEN }, stopped);
    await new Promise((r) => setTimeout(r, 300));
    stop();
    const { code, out } = await running;
    expect(code).toBe(0);
    expect(out).toMatch(/Trust Anchor di sviluppo http:\/\/127\.0\.0\.1:[1-9]\d*/);
    expect(out).toContain('admin token           from FEDERATION_TA_TOKEN');
  });

  it('refuses wrong usage with exit code 2', async () => {
    expect((await cli(['trust-anchor', '--listen', 'nowhere'])).code).toBe(2);
    expect((await cli(['trust-anchor', '--entity-id', 'ftp://x'])).code).toBe(2);
    expect((await cli(['trust-anchor'], { FEDERATION_TA_TOKEN: 'short' })).code).toBe(2);
    expect((await cli(['run', '--base-url', 'http://127.0.0.1:9', '--registry-token', 't', '--federation-ta', 'http://127.0.0.1:8788'])).err).toContain(
      'needs the admin token',
    );
  });
});

describe('cie-harness run --federation-ta', () => {
  it('takes the Trust Anchor by its origin and its token from the environment', () => {
    const command = parseCommandLine(['run', '--base-url', 'http://127.0.0.1:8787', '--registry-token', 't', '--federation-ta', 'http://127.0.0.1:8788/'], {
      FEDERATION_TA_TOKEN: TOKEN,
    });
    expect(command).toMatchObject({ name: 'run', trustAnchor: { url: new URL('http://127.0.0.1:8788'), adminToken: TOKEN } });
    expect(parseCommandLine(['run', '--base-url', 'http://127.0.0.1:8787', '--registry-token', 't'])).not.toHaveProperty('trustAnchor');
    expect(() =>
      parseCommandLine(['run', '--base-url', 'http://x', '--registry-token', 't', '--federation-ta', 'nowhere'], { FEDERATION_TA_TOKEN: TOKEN }),
    ).toThrow(/is not a URL/);
  });
});
