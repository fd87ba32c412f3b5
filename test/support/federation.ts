import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { inject } from 'vitest';
import type { Env } from '../../functions/env';
import { entityConfigurationUrl, fetchUrl } from '../../functions/core/federation-statement';
import type { LoginOutcome } from '../../functions/core/login-request';
import handler from '../../functions/index';
import {
  type FederationKey,
  type TrustMarkEntry,
  entityConfiguration,
  federationKey,
  relyingPartyMetadata,
  subordinateStatement,
} from '../../harness/src/federation/statements';
import { issueCard } from './activation-client';
import { completeAs } from './oidc-login';
import { ASSERTION_TYPE, TestRp, type RpOptions, rpAnswer } from './rp';
import { ORIGIN } from './worker';

/** The federation's statement builders, shared with the harness's development Trust Anchor. */
export * from '../../harness/src/federation/statements';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the tests publish federation statements (test/support/federation-global-setup.mjs). */
    federationHost: string;
  }
}

export function federationHost(): string {
  const host = inject('federationHost');
  if (!host) throw new Error('no federation host: vitest.config.ts must list test/support/federation-global-setup.mjs in globalSetup');
  return host;
}

export interface Served {
  type?: string;
  status?: number;
  delayMs?: number;
  location?: string;
  /** Streamed without Content-Length, so only the reader's own count can bound it. */
  chunked?: boolean;
}

/** Publishes `body` at `url` (on the federation host) for the Worker to fetch. */
export async function publish(url: string, body: string, served: Served = {}): Promise<void> {
  const res = await fetch(url, {
    method: 'PUT',
    body,
    headers: {
      'X-Serve-Type': served.type ?? 'application/entity-statement+jwt',
      'X-Serve-Status': String(served.status ?? 200),
      'X-Serve-Delay-Ms': String(served.delayMs ?? 0),
      ...(served.location ? { 'X-Serve-Location': served.location } : {}),
      ...(served.chunked ? { 'X-Serve-Chunked': '1' } : {}),
    },
  });
  if (res.status !== 204) throw new Error(`the federation host refused ${url}: ${res.status}`);
}

/** One entity of a made-up federation: its entity id on the federation host and its federation key. */
export interface Member {
  entityId: string;
  key: FederationKey;
}

const runId = () => crypto.randomUUID().slice(0, 8);

export async function member(name: string, prefix = runId()): Promise<Member> {
  return { entityId: `${federationHost()}/${prefix}/${name}`, key: await federationKey() };
}

export const fetchEndpointOf = (superior: Member) => `${superior.entityId}/fetch`;
export const configurationUrlOf = (m: Member) => entityConfigurationUrl(m.entityId);

/** A superior's (TA or intermediate) entity configuration, with its fetch endpoint. */
export async function publishSuperior(m: Member, input: Partial<Parameters<typeof entityConfiguration>[0]> = {}, served: Served = {}): Promise<void> {
  const jwt = await entityConfiguration({
    entityId: m.entityId,
    key: m.key,
    metadata: { federation_entity: { organization_name: m.entityId, federation_fetch_endpoint: fetchEndpointOf(m) } },
    ...input,
  });
  await publish(configurationUrlOf(m), jwt, served);
}

/** What `superior`'s fetch endpoint answers about `subordinate`. */
export async function publishStatement(
  superior: Member,
  subordinate: Member,
  input: Partial<Parameters<typeof subordinateStatement>[0]> = {},
  served: Served = {},
): Promise<void> {
  const jwt = await subordinateStatement({
    issuer: superior.entityId,
    issuerKey: superior.key,
    subject: subordinate.entityId,
    subjectJwks: { keys: [subordinate.key.publicJwk] },
    ...input,
  });
  await publish(fetchUrl(fetchEndpointOf(superior), subordinate.entityId), jwt, served);
}

/** FEDERATION_TRUST_ANCHORS pinning `anchors`' keys. */
export const trustAnchorsVar = (...anchors: Member[]): string =>
  JSON.stringify(Object.fromEntries(anchors.map((a) => [a.entityId, { keys: [a.key.publicJwk] }])));

/**
 * The Worker's fetch handler under the test configuration plus `vars` (the federation's variables):
 * the same entry as `call()` (test/support/worker.ts), with the federation on for this test only, so
 * the rest of the suite keeps seeing unknown clients as unknown.
 */
export function federatedWorker(vars: Partial<Env>) {
  const fetchAs = async (path: string, init: RequestInit = {}): Promise<Response> => {
    const ctx = createExecutionContext();
    const res = await handler.fetch(new Request(`${ORIGIN}${path}`, { redirect: 'manual', ...init }), { ...(env as unknown as Env), ...vars }, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };
  return { call: fetchAs };
}

/**
 * A relying party known only by federation: a TestRp (its OpenID Connect keys, its request objects and
 * client assertions) whose client_id is its entity id on the federation host.
 */
export async function federatedRp(m: Member, options: RpOptions = {}): Promise<TestRp> {
  const rp = await TestRp.create({ ...options, register: false });
  // TestRp draws its own https client_id; a federated RP's client_id is its entity id, reachable here.
  Object.assign(rp, { clientId: m.entityId, redirectUri: `${m.entityId}/callback` });
  return rp;
}

/** The RP's entity configuration: its federation key, its superiors, its openid_relying_party metadata. */
export async function publishRp(
  m: Member,
  rp: TestRp,
  input: { authorityHints: string[]; metadata?: Record<string, unknown>; trustMarks?: TrustMarkEntry[] } & Omit<
    Partial<Parameters<typeof entityConfiguration>[0]>,
    'metadata'
  >,
): Promise<void> {
  const { metadata, ...rest } = input;
  const jwt = await entityConfiguration({
    entityId: m.entityId,
    key: m.key,
    metadata: {
      federation_entity: { organization_name: 'Comune di Prova', contacts: ['pec@example.it'] },
      openid_relying_party: {
        ...relyingPartyMetadata({ entityId: m.entityId, redirectUris: [rp.redirectUri], jwks: rp.jwks as never, clientName: 'Comune di Prova (federato)' }),
        ...(rp.registration().id_token_encrypted_response_alg ? { id_token_encrypted_response_alg: rp.registration().id_token_encrypted_response_alg } : {}),
        ...(rp.registration().userinfo_encrypted_response_alg ? { userinfo_encrypted_response_alg: rp.registration().userinfo_encrypted_response_alg } : {}),
        ...metadata,
      },
    },
    ...rest,
  });
  await publish(configurationUrlOf(m), jwt);
}

/** The usual federation: a Trust Anchor, `intermediates` between it and one RP, every statement valid. */
export async function smallFederation(options: { intermediates?: number } = {}) {
  const prefix = runId();
  const ta = await member('ta', prefix);
  const intermediates: Member[] = [];
  for (let i = 0; i < (options.intermediates ?? 0); i++) intermediates.push(await member(`ia${i}`, prefix));
  const leaf = await member('rp', prefix);
  const rp = await federatedRp(leaf);
  const chain = [leaf, ...intermediates, ta];
  await publishSuperior(ta);
  for (const [i, m] of intermediates.entries()) await publishSuperior(m, { authorityHints: [chain[i + 2]!.entityId] });
  for (let i = 0; i + 1 < chain.length; i++) await publishStatement(chain[i + 1]!, chain[i]!);
  await publishRp(leaf, rp, { authorityHints: [chain[1]!.entityId] });
  return { ta, intermediates, leaf, rp, worker: federatedWorker({ FEDERATION_TRUST_ANCHORS: trustAnchorsVar(ta) }) };
}

type Worker = ReturnType<typeof federatedWorker>;

/** GET /oidc/authorize with a valid request of `rp`, through `worker`. */
export async function authorizeThrough(worker: Worker, rp: TestRp, overrides: Record<string, unknown> = {}) {
  const auth = await rp.authorizeRequest(overrides);
  const res = await worker.call(`/oidc/authorize?${new URLSearchParams(auth.params)}`);
  return { res, auth };
}

/** POST a back-channel form as `rp`, authenticated with a fresh client assertion. */
export async function postAs(worker: Worker, rp: TestRp, path: string, form: Record<string, string>): Promise<Response> {
  const body = new URLSearchParams({
    client_id: rp.clientId,
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: await rp.assertion({}, {}, path),
    ...form,
  });
  return worker.call(path, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: body.toString() });
}

/** A level 2 login of a fresh citizen at `rp` through `worker`, up to the code. */
export async function federatedLogin(worker: Worker, rp: TestRp) {
  const { res, auth } = await authorizeThrough(worker, rp);
  const location = res.headers.get('Location') ?? '';
  const match = /^\/login\/([A-Za-z0-9_-]+)$/.exec(location);
  if (res.status !== 303 || !match) throw new Error(`authorize refused: ${res.status} ${location} ${await res.text()}`);
  const cookie = /cie_login=([^;]+)/.exec(res.headers.get('Set-Cookie') ?? '')?.[1] ?? '';
  const card = await issueCard();
  const outcome: LoginOutcome = { serial: card.serial, fiscalCode: card.citizen.fiscalCode, level: 2, method: 'sms', authTime: Date.now() };
  const answer = await rpAnswer(await completeAs({ flowId: match[1]!, cookie }, outcome));
  const code = answer.get('code');
  if (!code) throw new Error(`no code: ${answer.toString()}`);
  return { auth, answer, code, card };
}
