import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWK, type JWTPayload } from 'jose';

/**
 * OpenID Federation 1.0 statements as the members of a federation sign them: entity configurations
 * (`iss` = `sub`), subordinate statements (a superior about its subordinate), trust marks and resolve
 * responses. Runtime-neutral (only `jose`): the harness's development Trust Anchor runs it in Node,
 * the Worker's tests in workerd.
 *
 * Every builder takes `claims` (merged last, `undefined` removes a member) and `header` overrides, and
 * `signWith` (another key than the issuer's), so a test can make any statement wrong in exactly one way.
 */

/** A federation key: the private JWK for signing, the public one for `jwks`, both with the same kid. */
export interface FederationKey {
  kid: string;
  alg: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

export type FederationKeyAlg = 'RS256' | 'ES256' | 'PS256';

/** A fresh signing key; RS256 by default, as the profile's federation keys are RSA. */
export async function federationKey(options: { kid?: string; alg?: FederationKeyAlg } = {}): Promise<FederationKey> {
  const alg = options.alg ?? 'RS256';
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'ES256' ? {} : { modulusLength: 2048 }) });
  const kid = options.kid ?? randomKid();
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateJwk, publicJwk };
}

/** An encryption key pair for RP metadata (RSA-OAEP-256 by default), public part with use "enc". */
export async function encryptionKey(options: { kid?: string; alg?: 'RSA-OAEP' | 'RSA-OAEP-256' | 'ECDH-ES' } = {}): Promise<FederationKey> {
  const alg = options.alg ?? 'RSA-OAEP-256';
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'ECDH-ES' ? { crv: 'P-256' } : { modulusLength: 2048 }) });
  const kid = options.kid ?? randomKid();
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg, use: 'enc' };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'enc' };
  return { kid, alg, privateJwk, publicJwk };
}

/** `{"keys": [...]}` of the public parts. */
export const jwksOf = (...keys: FederationKey[]): { keys: JWK[] } => ({ keys: keys.map((k) => k.publicJwk) });

function randomKid(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface SignOptions {
  /** Sign with this key instead of the issuer's (a bad signature: a key not in the published jwks). */
  signWith?: FederationKey;
  /** Protected header members merged over `{alg, kid, typ}`; `undefined` removes one (e.g. no kid). */
  header?: Record<string, unknown>;
  /** Claims merged last; `undefined` removes a member. */
  claims?: Record<string, unknown>;
}

/** Seconds since the epoch, the JWT way. */
export const nowSeconds = (now = Date.now()): number => Math.floor(now / 1000);

const DEFAULT_LIFETIME_SECONDS = 3600;

function merged(base: Record<string, unknown>, overrides: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base, ...(overrides ?? {}) };
  for (const [name, value] of Object.entries(out)) if (value === undefined) delete out[name];
  return out;
}

/** Signs any claims with `key` (or `options.signWith`) and the given `typ`. */
export async function signStatement(claims: Record<string, unknown>, key: FederationKey, typ: string, options: SignOptions = {}): Promise<string> {
  const signer = options.signWith ?? key;
  const header = merged({ alg: signer.alg, kid: signer.kid, typ }, options.header);
  const payload = merged(claims, options.claims) as JWTPayload;
  const privateKey = await importJWK(signer.privateJwk, signer.alg);
  return new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(privateKey);
}

/** A trust mark as an entity configuration lists it (`trust_marks`). */
export interface TrustMarkEntry {
  id: string;
  trust_mark: string;
}

export interface EntityConfigurationInput extends SignOptions {
  entityId: string;
  /** Signing key; its public part is published in `jwks` unless `jwks` says otherwise. */
  key: FederationKey;
  /** The published keys (defaults to the signing key's public part). */
  jwks?: { keys: JWK[] };
  authorityHints?: string[];
  /** `metadata` by entity type (`federation_entity`, `openid_relying_party`, `openid_provider`, …). */
  metadata?: Record<string, Record<string, unknown>>;
  trustMarks?: TrustMarkEntry[];
  /** Trust Anchors: who may issue which trust mark (`{"<id>": ["<issuer>", …]}`). */
  trustMarkIssuers?: Record<string, string[]>;
  constraints?: Record<string, unknown>;
  iat?: number;
  exp?: number;
}

/**
 * An entity configuration (served at `<entity id>/.well-known/openid-federation`): `iss` = `sub` =
 * entity id, `typ` `entity-statement+jwt`, signed with a key of its own `jwks`. A leaf or intermediate
 * for which no `metadata` is given still says who runs it (`federation_entity`).
 */
export function entityConfiguration(input: EntityConfigurationInput): Promise<string> {
  const iat = input.iat ?? nowSeconds();
  const claims: Record<string, unknown> = {
    iss: input.entityId,
    sub: input.entityId,
    iat,
    exp: input.exp ?? iat + DEFAULT_LIFETIME_SECONDS,
    jwks: input.jwks ?? jwksOf(input.key),
    metadata: input.metadata ?? { federation_entity: { organization_name: input.entityId } },
    ...(input.authorityHints ? { authority_hints: input.authorityHints } : {}),
    ...(input.trustMarks ? { trust_marks: input.trustMarks } : {}),
    ...(input.trustMarkIssuers ? { trust_mark_issuers: input.trustMarkIssuers } : {}),
    ...(input.constraints ? { constraints: input.constraints } : {}),
  };
  return signStatement(claims, input.key, 'entity-statement+jwt', input);
}

export interface SubordinateStatementInput extends SignOptions {
  /** The superior (`iss`). */
  issuer: string;
  issuerKey: FederationKey;
  /** The subordinate (`sub`). */
  subject: string;
  /** The subordinate's federation keys as the superior knows them. */
  subjectJwks: { keys: JWK[] };
  /** `{"openid_relying_party": {"redirect_uris": {"add": [...]}, …}}`. */
  metadataPolicy?: Record<string, Record<string, Record<string, unknown>>>;
  /** Metadata the superior sets outright (`metadata` of the statement). */
  metadata?: Record<string, Record<string, unknown>>;
  /** `{"max_path_length": n, …}`. */
  constraints?: Record<string, unknown>;
  iat?: number;
  exp?: number;
}

/** A subordinate statement, as the superior's `federation_fetch_endpoint?sub=<subject>` answers it. */
export function subordinateStatement(input: SubordinateStatementInput): Promise<string> {
  const iat = input.iat ?? nowSeconds();
  const claims: Record<string, unknown> = {
    iss: input.issuer,
    sub: input.subject,
    iat,
    exp: input.exp ?? iat + DEFAULT_LIFETIME_SECONDS,
    jwks: input.subjectJwks,
    ...(input.metadataPolicy ? { metadata_policy: input.metadataPolicy } : {}),
    ...(input.metadata ? { metadata: input.metadata } : {}),
    ...(input.constraints ? { constraints: input.constraints } : {}),
  };
  return signStatement(claims, input.issuerKey, 'entity-statement+jwt', input);
}

export interface TrustMarkInput extends SignOptions {
  issuer: string;
  issuerKey: FederationKey;
  subject: string;
  /** The trust mark's identifier, e.g. `https://ta.example/openid_relying_party/public`. */
  id: string;
  iat?: number;
  /** Absent: the trust mark does not expire (the specification allows it); `null` leaves it out. */
  exp?: number | null;
  /** Write the identifier as `trust_mark_type` (newer drafts) instead of `id`. */
  asTrustMarkType?: boolean;
}

/** A trust mark JWT (`typ` `trust-mark+jwt`), and the entry an entity configuration lists for it. */
export async function trustMark(input: TrustMarkInput): Promise<TrustMarkEntry> {
  const iat = input.iat ?? nowSeconds();
  const exp = input.exp === undefined ? iat + DEFAULT_LIFETIME_SECONDS : input.exp;
  const claims: Record<string, unknown> = {
    iss: input.issuer,
    sub: input.subject,
    iat,
    ...(exp === null ? {} : { exp }),
    ...(input.asTrustMarkType ? { trust_mark_type: input.id } : { id: input.id }),
  };
  const jwt = await signStatement(claims, input.issuerKey, 'trust-mark+jwt', input);
  return { id: input.id, trust_mark: jwt };
}

/** `metadata.openid_relying_party` as the profile's RPs publish it (keys inline), for tests to start from. */
export function relyingPartyMetadata(input: {
  entityId: string;
  redirectUris: string[];
  jwks: { keys: JWK[] };
  clientName?: string;
  extra?: Record<string, unknown>;
}): Record<string, unknown> {
  return {
    client_id: input.entityId,
    client_name: input.clientName ?? `RP ${input.entityId}`,
    redirect_uris: input.redirectUris,
    jwks: input.jwks,
    response_types: ['code'],
    grant_types: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_method: 'private_key_jwt',
    application_type: 'web',
    ...(input.extra ?? {}),
  };
}
