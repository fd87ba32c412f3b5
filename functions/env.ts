import type { Card } from '../durable-objects/card';
import type { FlowSession } from '../durable-objects/flow-session';
import type { DirectoryShard } from '../durable-objects/directory-shard';
import type { Outbox } from '../durable-objects/outbox';

/** Bindings and configuration of the Worker (wrangler.toml vars, secrets, Durable Objects). */
export interface Env {
  ENVIRONMENT: 'development' | 'production' | 'test' | string;
  /** Any non-empty value turns the /__test hooks on — never honoured when ENVIRONMENT=production. */
  TEST_HOOKS?: string;
  /**
   * Outside production the Worker answers only on loopback addresses and on these host names
   * (comma-separated, exact): a staging deployment running the harness names its host here; a
   * `wrangler deploy` without `--env production` answers 503 everywhere (functions/index.ts).
   */
  DEVELOPMENT_HOSTS?: string;
  /** "off" (development and tests only) or "turnstile". */
  CAPTCHA?: string;
  TURNSTILE_SECRET?: string;
  /** Turnstile's public site key, shown in the widget (plain configuration, not a secret). */
  TURNSTILE_SITE_KEY?: string;
  /** Bearer token of the issuer's back office (registry API). */
  REGISTRY_TOKEN?: string;
  /** Secret mixed into every password hash (base64url, ≥ 32 bytes). */
  PEPPER?: string;
  /** AES-256-GCM key (base64url, 32 bytes) for PIN/PUK at rest and HMAC key material for OTPs. */
  DATA_KEY?: string;
  /** Production SMS/email provider (JSON POST, bearer token). */
  NOTIFIER_URL?: string;
  NOTIFIER_TOKEN?: string;
  /**
   * The OpenID Provider's signing keys (secret): `{"current": [jwk…], "next": [jwk…]}`, private JWKs
   * with kid, alg (RS256 required; RS512, PS256, PS512, ES256 allowed) and use "sig". See core/oidc-keyset.
   */
  OIDC_KEYS?: string;
  /**
   * Private keys of the demo relying party at /demo (development only): `{"sig": jwk, "enc": jwk}`,
   * generated once by scripts/dev-secrets.mjs. Never set in production, where /demo does not exist.
   */
  DEMO_RP_KEYS?: string;
  /**
   * Private keys of the personal area (/area-personale), a relying party of this very service, in
   * production too: the same shape as DEMO_RP_KEYS (secret). Without them the area answers 503.
   * Generated once by scripts/dev-secrets.mjs in development.
   */
  AREA_RP_KEYS?: string;
  /**
   * The issuing CA of the cards' authentication certificates (level 3, docs/level3.md): its private
   * key, a JWK (EC P-256), secret; and its self-signed certificate, PEM, published at
   * /.well-known/cie-ca.pem. Without both, issuing a card and every card signature answer 503.
   * Generated once by scripts/dev-secrets.mjs in development.
   */
  CARD_CA_KEY?: string;
  CARD_CA_CERT?: string;
  /** The OP's issuer (https origin). Required in production; elsewhere the request's origin. */
  ISSUER?: string;
  /** The federation entity's organization data (C-2); development defaults when absent. */
  FEDERATION_ORGANIZATION_NAME?: string;
  FEDERATION_HOMEPAGE_URI?: string;
  FEDERATION_POLICY_URI?: string;
  FEDERATION_LOGO_URI?: string;
  /** Comma-separated contacts (the institutional PEC address). */
  FEDERATION_CONTACTS?: string;
  /** Comma-separated superiors in the federation (trust anchor or intermediate entity ids). */
  FEDERATION_AUTHORITY_HINTS?: string;
  /**
   * OpenID Federation (docs/federation.md): the Trust Anchors we trust, JSON
   * `{"<trust anchor entity id>": {"keys": [<public JWK>, …]}}` — each anchor's pinned federation keys.
   * An unknown client_id that is an entity id is resolved by its trust chain to one of them. Unset or
   * `{}`: federation off (only the registry's relying parties). Malformed: federation off, logged.
   */
  FEDERATION_TRUST_ANCHORS?: string;
  /**
   * Comma-separated trust mark ids (their `id`, or `trust_mark_type` in newer drafts) a relying party
   * resolved by federation must carry, each signed by an issuer its Trust Anchor lists for it (or the
   * anchor itself). Unset: none required.
   */
  FEDERATION_REQUIRED_TRUST_MARKS?: string;
  /**
   * Our own trust marks, published in our entity configuration: JSON `[{"id": "...", "trust_mark":
   * "<jwt>"}]`, as the issuers gave them. Unset: none. Malformed: the entity configuration answers 503.
   */
  FEDERATION_TRUST_MARKS?: string;
  /**
   * WebAuthn relying party of the App CieID (R-APP-3): the rpID its keys are scoped to and the origin
   * its assertions carry (for an Android app, `android:apk-key-hash:…`). Required in production;
   * elsewhere development defaults (platform/app-relying-party).
   */
  APP_RP_ID?: string;
  APP_ORIGIN?: string;
  /**
   * Requests one isolate handles at once before it answers 503 temporarily_unavailable (with
   * Retry-After) to the next; a positive integer, default 256 (platform/overload). /health is exempt.
   */
  MAX_IN_FLIGHT?: string;
  /**
   * What the footer's pages (/assistenza, /privacy, /accessibilita, /note-legali) tell citizens;
   * plain configuration, read by core/site-contacts. Unset: the guides' contacts; set but malformed
   * or empty: that contact is not shown.
   * HELP_EMAIL: the citizens' help desk (default cie.cittadini@interno.it).
   * HELP_PHONE: the number that blocks a lost or stolen card (default 800 263 388).
   * HELP_HOURS: when that number answers, free text (default none).
   * PRIVACY_CONTROLLER: the data controller the privacy notice names (default Ministero dell'Interno).
   * PRIVACY_CONTACT: the controller's or DPO's address for privacy requests (default: HELP_EMAIL).
   */
  HELP_EMAIL?: string;
  HELP_PHONE?: string;
  HELP_HOURS?: string;
  PRIVACY_CONTROLLER?: string;
  PRIVACY_CONTACT?: string;
  /**
   * Where the directory lives (platform/directory): `durable-objects` (the default when unset: the
   * DIRECTORY shards below) or `upstash` (Upstash Redis, reached at UPSTASH_REDIS_REST_URL with the
   * UPSTASH_REDIS_REST_TOKEN secret; https in production). Any other value answers 503. Named
   * DIRECTORY_ADAPTER because DIRECTORY is the shards' binding.
   */
  DIRECTORY_ADAPTER?: string;
  UPSTASH_REDIS_REST_URL?: string;
  UPSTASH_REDIS_REST_TOKEN?: string;
  CARD: DurableObjectNamespace<Card>;
  FLOW: DurableObjectNamespace<FlowSession>;
  DIRECTORY: DurableObjectNamespace<DirectoryShard>;
  OUTBOX: DurableObjectNamespace<Outbox>;
  ASSETS?: Fetcher;
}

/**
 * Development conveniences (test hooks, captcha off, the demo RP, the issuer taken from the request)
 * exist only in the environments named for them. Anything else — a typo, a forgotten variable, a
 * deploy without `--env production` that still says "production"-ish — is treated as production.
 */
const DEVELOPMENT_ENVIRONMENTS: ReadonlySet<string> = new Set(['development', 'test']);

export function isProduction(env: Env): boolean {
  return !DEVELOPMENT_ENVIRONMENTS.has(env.ENVIRONMENT);
}

/** Test hooks exist only outside production, and only when asked for. */
export function testHooksEnabled(env: Env): boolean {
  return !isProduction(env) && Boolean(env.TEST_HOOKS);
}

export interface Secrets {
  registryToken: string;
  pepper: string;
  dataKey: string;
}

/** Missing secrets are a deployment fault: the caller answers 503, never runs without them. */
export function secretsOf(env: Env): Secrets | null {
  const { REGISTRY_TOKEN, PEPPER, DATA_KEY } = env;
  if (!REGISTRY_TOKEN || !PEPPER || !DATA_KEY) return null;
  return { registryToken: REGISTRY_TOKEN, pepper: PEPPER, dataKey: DATA_KEY };
}
