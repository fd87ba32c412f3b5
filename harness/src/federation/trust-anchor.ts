import { createHash, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname } from 'node:path';
import { compactVerify, createLocalJWKSet, decodeProtectedHeader, type JWK } from 'jose';
import { entityConfiguration, federationKey, nowSeconds, subordinateStatement, trustMark, type FederationKey, type TrustMarkEntry } from './statements.ts';

/**
 * The development Trust Anchor (Node only: it is an HTTP server on 127.0.0.1). It is the root of a
 * small federation a deployment trusts by configuration (FEDERATION_TRUST_ANCHORS: its entity id and
 * pinned keys), and it hosts the other members the harness makes up: relying parties and
 * intermediates, each signing its own entity configuration, served under `/e/<name>`.
 *
 * What it signs itself it can sign wrongly on demand, per subordinate (`fault`, `trustMark`), so a
 * suite can show the deployment every broken chain the profile must refuse. The admin API
 * (`/__admin/…`, bearer token) is how a harness run, in another process, sets all this up.
 */

export const ENTITY_STATEMENT_TYPE = 'application/entity-statement+jwt';
export const TRUST_MARK_TYPE = 'application/trust-mark+jwt';
export const ADMIN_PREFIX = '/__admin';
export const HOSTED_PREFIX = '/e/';

/** What the TA signs about a subordinate, wrong in one way. */
export const STATEMENT_FAULTS = ['bad-signature', 'expired', 'wrong-jwks'] as const;
export type StatementFault = (typeof STATEMENT_FAULTS)[number];

/** The trust mark the TA issues to a subordinate: valid, absent, or wrong in one way. */
export const TRUST_MARK_KINDS = ['valid', 'none', 'bad-signature', 'wrong-sub', 'expired'] as const;
export type TrustMarkKind = (typeof TRUST_MARK_KINDS)[number];

type Policy = Record<string, Record<string, Record<string, unknown>>>;

export interface SubordinateInput {
  /** The subordinate's entity id. */
  sub: string;
  /** Its federation keys, as the TA pins them; `undefined` with `onboard`: read from its entity configuration. */
  jwks?: { keys: JWK[] };
  metadataPolicy?: Policy;
  metadata?: Record<string, Record<string, unknown>>;
  constraints?: Record<string, unknown>;
  fault?: StatementFault;
}

interface Subordinate extends SubordinateInput {
  /** Onboarded by entity id only: its keys are read from its entity configuration on first fetch. */
  pending?: boolean;
}

/** A member hosted at `/e/<name>`: documents it signed itself, served as they are. */
export interface HostedEntity {
  /** Its entity configuration (a JWS); absent with `unreachable`. */
  entity_configuration?: string;
  /** The content type it is served with (a wrong one is a fault of its own, C-41). */
  content_type?: string;
  /** An intermediate's subordinate statements by subject, served by its fetch endpoint. */
  subordinate_statements?: Record<string, string>;
  /** Every request to it has its connection dropped: a superior nobody can reach. */
  unreachable?: boolean;
}

/** Answers every request under `/e/<name>`; `path` is the rest, from its `/`. */
export type MountedHandler = (req: IncomingMessage, res: ServerResponse, path: string, url: URL) => Promise<void>;

export interface TrustAnchorOptions {
  key: FederationKey;
  /** Bearer token of the admin API. */
  adminToken: string;
  host?: string;
  /** 0: a free port. */
  port?: number;
  /** The entity id, when the TA is reached under another name than http://host:port. */
  entityId?: string;
  /** Entity ids made subordinates at start, their keys read from their entity configuration when first asked for. */
  onboard?: string[];
}

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const MAX_BODY_BYTES = 256 * 1024;
const MAX_MEMBERS = 20_000;
const ENTITY_ID_MAX = 1024;
const LIFETIME_SECONDS = 24 * 3600;

/** The trust mark a TA of this entity id issues to the relying parties it admits. */
export const trustMarkIdOf = (entityId: string): string => `${entityId}/openid_relying_party/public`;

/** A JWK without its private members. */
export function publicJwk(jwk: JWK): JWK {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, oth: _oth, k: _k, ...rest } = jwk as JWK & { oth?: unknown };
  return rest;
}

/** What a deployment is configured with to trust this TA and to name it as its superior. */
export function deploymentConfig(entityId: string, key: FederationKey): Record<string, string> {
  return {
    FEDERATION_TRUST_ANCHORS: JSON.stringify({ [entityId]: { keys: [publicJwk(key.privateJwk)] } }),
    FEDERATION_AUTHORITY_HINTS: entityId,
    FEDERATION_REQUIRED_TRUST_MARKS: trustMarkIdOf(entityId),
  };
}

/**
 * The TA's federation key from `file` (a JWKS holding one private key), made and written there
 * (mode 0600) the first time: a deployment pins its public half, so it must outlive restarts.
 */
export async function loadOrCreateKey(file: string): Promise<FederationKey> {
  if (existsSync(file)) {
    let parsed: { keys?: JWK[] };
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8')) as { keys?: JWK[] };
    } catch {
      throw new Error(`${file} is not JSON: a JWKS with the Trust Anchor's private key`);
    }
    const jwk = parsed.keys?.[0];
    if (!jwk || typeof jwk.kid !== 'string' || typeof jwk.alg !== 'string' || typeof jwk.d !== 'string') {
      throw new Error(`${file} must hold {"keys": [a private JWK with kid and alg]}`);
    }
    return { kid: jwk.kid, alg: jwk.alg, privateJwk: jwk, publicJwk: publicJwk(jwk) };
  }
  const key = await federationKey({ kid: `ta-${nowSeconds().toString(36)}` });
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ keys: [key.privateJwk] }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}

class Refusal extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

export class TrustAnchor {
  readonly key: FederationKey;
  readonly entityId: string;
  readonly trustMarkId: string;
  private readonly server: Server;
  private readonly adminDigest: Buffer;
  private readonly subordinates = new Map<string, Subordinate>();
  private readonly hosted = new Map<string, HostedEntity>();
  private readonly mounted = new Map<string, MountedHandler>();
  /** Keys the TA signs wrongly with: same kid as its own, so only the signature is at fault. */
  private readonly impostor: FederationKey;

  private constructor(options: TrustAnchorOptions, server: Server, entityId: string, impostor: FederationKey) {
    this.key = options.key;
    this.server = server;
    this.entityId = entityId;
    this.trustMarkId = trustMarkIdOf(entityId);
    this.adminDigest = sha256(options.adminToken);
    this.impostor = impostor;
    for (const sub of options.onboard ?? []) this.subordinates.set(sub, { sub, pending: true });
  }

  static async start(options: TrustAnchorOptions): Promise<TrustAnchor> {
    if (options.adminToken.length < 16) throw new Error('the admin token must be at least 16 characters');
    const host = options.host ?? '127.0.0.1';
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
    const address = server.address();
    if (typeof address !== 'object' || !address) throw new Error('the Trust Anchor has no address');
    const entityId = (options.entityId ?? `http://${host}:${address.port}`).replace(/\/$/, '');
    const impostor = await federationKey({ kid: options.key.kid, alg: options.key.alg as 'RS256' });
    const ta = new TrustAnchor(options, server, entityId, impostor);
    server.on('request', (req, res) => void ta.handle(req, res));
    return ta;
  }

  /** Where it listens (may differ from the entity id behind a proxy). */
  get url(): string {
    const address = this.server.address();
    return typeof address === 'object' && address ? `http://${address.address}:${address.port}` : this.entityId;
  }

  /** The entity id of the member hosted under `name`. */
  hostedId(name: string): string {
    return `${this.entityId}${HOSTED_PREFIX}${name}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // --- what the admin API does, also callable in-process ---------------------------------------

  addSubordinate(input: SubordinateInput): void {
    this.room(this.subordinates.has(input.sub) ? 0 : 1);
    this.subordinates.set(input.sub, { ...input, pending: !input.jwks });
  }

  host(name: string, entity: HostedEntity): void {
    if (!NAME.test(name)) throw new Refusal(400, 'invalid_request', 'a hosted name is 1–63 of a-z, 0-9 and -');
    this.room(this.hosted.has(name) ? 0 : 1);
    this.hosted.set(name, entity);
  }

  /** `/e/<name>/…` answered by `handler` (a member with pages of its own: the demo relying party). */
  mount(name: string, handler: MountedHandler): void {
    if (!NAME.test(name)) throw new Error('a mounted name is 1–63 of a-z, 0-9 and -');
    this.mounted.set(name, handler);
  }

  /** A trust mark of this TA for `sub`, valid or wrong in the way asked; `null` for `none`. */
  async issueTrustMark(sub: string, kind: TrustMarkKind = 'valid'): Promise<TrustMarkEntry | null> {
    if (kind === 'none') return null;
    const now = nowSeconds();
    return trustMark({
      issuer: this.entityId,
      issuerKey: this.key,
      subject: kind === 'wrong-sub' ? `${sub}-other` : sub,
      id: this.trustMarkId,
      ...(kind === 'expired' ? { iat: now - 7200, exp: now - 3600 } : { exp: now + LIFETIME_SECONDS }),
      ...(kind === 'bad-signature' ? { signWith: this.impostor } : {}),
    });
  }

  // --- the federation endpoints ---------------------------------------------------------------

  private configuration(): Promise<string> {
    return entityConfiguration({
      entityId: this.entityId,
      key: this.key,
      exp: nowSeconds() + LIFETIME_SECONDS,
      metadata: {
        federation_entity: {
          organization_name: 'CieID edge — Trust Anchor di sviluppo',
          homepage_uri: this.entityId,
          contacts: ['cieid-sviluppo@example.invalid'],
          federation_fetch_endpoint: `${this.entityId}/fetch`,
          federation_list_endpoint: `${this.entityId}/list`,
          federation_trust_mark_endpoint: `${this.entityId}/trust_mark`,
        },
      },
      trustMarkIssuers: { [this.trustMarkId]: [this.entityId] },
    });
  }

  private async statementAbout(sub: Subordinate): Promise<string> {
    const now = nowSeconds();
    const jwks = sub.fault === 'wrong-jwks' ? { keys: [this.impostor.publicJwk] } : (sub.jwks ?? { keys: [] });
    return subordinateStatement({
      issuer: this.entityId,
      issuerKey: this.key,
      subject: sub.sub,
      subjectJwks: jwks,
      ...(sub.metadataPolicy ? { metadataPolicy: sub.metadataPolicy } : {}),
      ...(sub.metadata ? { metadata: sub.metadata } : {}),
      ...(sub.constraints ? { constraints: sub.constraints } : {}),
      ...(sub.fault === 'expired' ? { iat: now - 7200, exp: now - 3600 } : { exp: now + LIFETIME_SECONDS }),
      ...(sub.fault === 'bad-signature' ? { signWith: this.impostor } : {}),
    });
  }

  /** Onboarded by entity id: its keys from its own entity configuration (trust on first use, development only). */
  private async resolvePending(sub: Subordinate): Promise<Subordinate> {
    if (!sub.pending) return sub;
    const url = `${sub.sub.replace(/\/$/, '')}/.well-known/openid-federation`;
    let jwt: string;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      if (!res.ok) throw new Error(`answered ${res.status}`);
      jwt = (await res.text()).trim();
    } catch (err) {
      throw new Refusal(502, 'server_error', `the entity configuration of ${sub.sub} could not be read: ${err instanceof Error ? err.message : String(err)}`);
    }
    try {
      const header = decodeProtectedHeader(jwt);
      const claims = JSON.parse(new TextDecoder().decode(Buffer.from(jwt.split('.')[1] ?? '', 'base64url'))) as { jwks?: { keys: JWK[] } };
      if (!claims.jwks?.keys?.length) throw new Error('it has no jwks');
      await compactVerify(jwt, createLocalJWKSet(claims.jwks));
      if (typeof header.kid !== 'string') throw new Error('its header has no kid');
      const resolved = { ...sub, jwks: claims.jwks, pending: false };
      this.subordinates.set(sub.sub, resolved);
      return resolved;
    } catch (err) {
      throw new Refusal(502, 'server_error', `the entity configuration of ${sub.sub} is not self-signed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private room(adding: number): void {
    if (adding && this.subordinates.size + this.hosted.size >= MAX_MEMBERS) {
      throw new Refusal(507, 'insufficient_storage', `the Trust Anchor holds ${MAX_MEMBERS} members at most; restart it`);
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', this.entityId);
      if (url.pathname.startsWith(`${ADMIN_PREFIX}/`)) return await this.admin(req, res, url);
      if (url.pathname.startsWith(HOSTED_PREFIX)) return await this.serveHosted(req, res, url);
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new Refusal(405, 'invalid_request', 'only GET');
      switch (url.pathname) {
        case '/.well-known/openid-federation':
          return send(res, 200, ENTITY_STATEMENT_TYPE, await this.configuration());
        case '/fetch': {
          const sub = this.subordinates.get(subjectOf(url));
          if (!sub) throw new Refusal(404, 'not_found', 'not a subordinate of this Trust Anchor');
          return send(res, 200, ENTITY_STATEMENT_TYPE, await this.statementAbout(await this.resolvePending(sub)));
        }
        case '/list':
          return sendJson(res, 200, [...this.subordinates.keys()]);
        case '/trust_mark': {
          const sub = subjectOf(url);
          const id = url.searchParams.get('trust_mark_id') ?? url.searchParams.get('trust_mark_type');
          if (id !== this.trustMarkId || !this.subordinates.has(sub)) throw new Refusal(404, 'not_found', 'no such trust mark');
          const mark = await this.issueTrustMark(sub);
          return send(res, 200, TRUST_MARK_TYPE, mark?.trust_mark ?? '');
        }
        default:
          throw new Refusal(404, 'not_found', 'nothing here');
      }
    } catch (err) {
      if (err instanceof Refusal) return sendJson(res, err.status, { error: err.code, error_description: err.message });
      sendJson(res, 500, { error: 'server_error', error_description: err instanceof Error ? err.message : String(err) });
    }
  }

  private serveHosted(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> | undefined {
    const [name = '', ...rest] = url.pathname.slice(HOSTED_PREFIX.length).split('/');
    const handler = this.mounted.get(name);
    if (handler) return handler(req, res, `/${rest.join('/')}`, url);
    const entity = this.hosted.get(name);
    if (!entity) throw new Refusal(404, 'not_found', 'no such entity');
    if (entity.unreachable) {
      req.socket.destroy();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new Refusal(405, 'invalid_request', 'only GET');
    const path = `/${rest.join('/')}`;
    const statements = entity.subordinate_statements;
    if (path === '/.well-known/openid-federation' && entity.entity_configuration) {
      send(res, 200, entity.content_type ?? ENTITY_STATEMENT_TYPE, entity.entity_configuration);
    } else if (path === '/fetch' && statements) {
      const sub = subjectOf(url);
      // Own members only: a sub such as "constructor" must not reach the prototype.
      if (!Object.hasOwn(statements, sub)) throw new Refusal(404, 'not_found', 'not a subordinate of this entity');
      send(res, 200, ENTITY_STATEMENT_TYPE, statements[sub] as string);
    } else if (path === '/list' && statements) {
      sendJson(res, 200, Object.keys(statements));
    } else {
      throw new Refusal(404, 'not_found', 'nothing here');
    }
  }

  private async admin(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const auth = req.headers.authorization ?? '';
    const given = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length) : '';
    // Compared as digests: equal lengths for timingSafeEqual, and no early exit on the first wrong byte.
    if (!timingSafeEqual(sha256(given), this.adminDigest)) throw new Refusal(401, 'invalid_token', 'the admin API needs its bearer token');
    const path = url.pathname.slice(ADMIN_PREFIX.length);
    if (req.method === 'GET' && path === '/config') {
      return sendJson(res, 200, { entity_id: this.entityId, trust_mark_id: this.trustMarkId, jwks: { keys: [this.key.publicJwk] } });
    }
    if (req.method === 'POST' && path === '/subordinates') {
      const body = await readJson(req);
      this.addSubordinate(subordinateInput(body));
      return sendJson(res, 201, { sub: body.sub });
    }
    if (req.method === 'POST' && path === '/trust-marks') {
      const body = await readJson(req);
      const sub = entityIdOf(body.sub, 'sub');
      const kind = body.kind ?? 'valid';
      if (!TRUST_MARK_KINDS.includes(kind as TrustMarkKind)) throw new Refusal(400, 'invalid_request', `kind is one of ${TRUST_MARK_KINDS.join(', ')}`);
      const mark = await this.issueTrustMark(sub, kind as TrustMarkKind);
      return sendJson(res, 201, { trust_marks: mark ? [mark] : [] });
    }
    if (req.method === 'PUT' && path.startsWith('/entities/')) {
      this.host(path.slice('/entities/'.length), hostedEntity(await readJson(req)));
      return send(res, 204, 'text/plain', '');
    }
    throw new Refusal(404, 'not_found', 'no such admin endpoint');
  }
}

function subjectOf(url: URL): string {
  const sub = url.searchParams.get('sub');
  if (!sub) throw new Refusal(400, 'invalid_request', 'sub is required');
  return sub;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json', JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) throw new Refusal(415, 'invalid_request', 'send application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Refusal(413, 'invalid_request', `a body is ${MAX_BODY_BYTES} bytes at most`);
    chunks.push(chunk as Buffer);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new Refusal(400, 'invalid_request', 'the body is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Refusal(400, 'invalid_request', 'the body is a JSON object');
  return body as Record<string, unknown>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function entityIdOf(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length > ENTITY_ID_MAX || !/^https?:\/\/[^\s]+$/.test(value)) {
    throw new Refusal(400, 'invalid_request', `${what} must be an http(s) entity id`);
  }
  return value;
}

function optionalObject<T>(body: Record<string, unknown>, name: string): T | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (!isObject(value)) throw new Refusal(400, 'invalid_request', `${name} must be an object`);
  return value as T;
}

function subordinateInput(body: Record<string, unknown>): SubordinateInput {
  const jwks = optionalObject<{ keys: JWK[] }>(body, 'jwks');
  if (jwks && (!Array.isArray(jwks.keys) || !jwks.keys.every(isObject))) throw new Refusal(400, 'invalid_request', 'jwks must be {"keys": [JWK…]}');
  if (jwks?.keys.some((k) => 'd' in k)) throw new Refusal(400, 'invalid_request', 'jwks must hold public keys only');
  const fault = body.fault;
  if (fault !== undefined && !STATEMENT_FAULTS.includes(fault as StatementFault)) {
    throw new Refusal(400, 'invalid_request', `fault is one of ${STATEMENT_FAULTS.join(', ')}`);
  }
  const input: SubordinateInput = { sub: entityIdOf(body.sub, 'sub') };
  if (jwks) input.jwks = jwks;
  const metadataPolicy = optionalObject<Policy>(body, 'metadata_policy');
  if (metadataPolicy) input.metadataPolicy = metadataPolicy;
  const metadata = optionalObject<Record<string, Record<string, unknown>>>(body, 'metadata');
  if (metadata) input.metadata = metadata;
  const constraints = optionalObject<Record<string, unknown>>(body, 'constraints');
  if (constraints) input.constraints = constraints;
  if (fault !== undefined) input.fault = fault as StatementFault;
  return input;
}

const isJws = (v: unknown): v is string => typeof v === 'string' && v.length < MAX_BODY_BYTES && /^[\w-]+\.[\w-]+\.[\w-]*$/.test(v);

function hostedEntity(body: Record<string, unknown>): HostedEntity {
  if (body.unreachable === true) return { unreachable: true };
  if (!isJws(body.entity_configuration)) throw new Refusal(400, 'invalid_request', 'entity_configuration must be a compact JWS');
  const entity: HostedEntity = { entity_configuration: body.entity_configuration };
  if (body.content_type !== undefined) {
    if (typeof body.content_type !== 'string' || !/^[\w.+-]+\/[\w.+-]+$/.test(body.content_type))
      throw new Refusal(400, 'invalid_request', 'content_type must be a media type');
    entity.content_type = body.content_type;
  }
  const statements = optionalObject<Record<string, unknown>>(body, 'subordinate_statements');
  if (statements) {
    for (const [sub, jwt] of Object.entries(statements)) {
      entityIdOf(sub, 'a subordinate');
      if (!isJws(jwt)) throw new Refusal(400, 'invalid_request', `the statement about ${sub} must be a compact JWS`);
    }
    entity.subordinate_statements = statements as Record<string, string>;
  }
  return entity;
}
