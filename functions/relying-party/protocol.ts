import { SignJWT, compactDecrypt, createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { ACR_VALUES, levelOfAcr } from '../core/acr';
import { s256 } from '../core/pkce';
import { randomId } from '../platform/crypto';
import { toBase64Url, utf8 } from '../platform/encoding';
import type { RpKeys } from './keys';
import type { PendingLogin } from './pending';

/**
 * A relying party's side of the protocol, written as any relying party would write it against the
 * published metadata; the demo RP (/demo) and the personal area (/area-personale) are both such
 * clients of this very service. `callProvider` reaches the OP inside this same Worker (no network
 * round trip to ourselves); everything else is plain OpenID Connect.
 */
export type CallProvider = (request: Request) => Promise<Response>;

/** A refusal by the OP, or an answer the relying party cannot trust; shown to the citizen in Italian. */
export class ProviderError extends Error {
  constructor(
    readonly step: string,
    readonly detail: string,
  ) {
    super(`${step}: ${detail}`);
  }
}

interface Metadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  userinfo_endpoint: string;
  jwks_uri: string;
}

export interface Provider {
  metadata: Metadata;
  jwks: ReturnType<typeof createLocalJWKSet>;
}

export interface Client {
  clientId: string;
  redirectUri: string;
  keys: RpKeys;
}

async function getJson(call: CallProvider, url: string, step: string): Promise<unknown> {
  const res = await call(new Request(url, { headers: { Accept: 'application/json' } }));
  if (!res.ok) throw new ProviderError(step, `HTTP ${res.status}`);
  return res.json();
}

/** Discovery from the origin serving the relying party; `iss` must be that origin (OpenID Discovery 4.3). */
export async function discover(call: CallProvider, origin: string): Promise<Provider> {
  const metadata = (await getJson(call, `${origin}/.well-known/openid-configuration`, 'discovery')) as Metadata;
  if (metadata.issuer !== origin) throw new ProviderError('discovery', `issuer ${metadata.issuer} differs from ${origin}`);
  const jwks = (await getJson(call, metadata.jwks_uri, 'jwks')) as JSONWebKeySet;
  return { metadata, jwks: createLocalJWKSet(jwks) };
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

function sign(client: Client, claims: JWTPayload, typ?: string): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: client.keys.sign.alg, kid: client.keys.sign.kid, ...(typ ? { typ } : {}) }).sign(client.keys.sign.key);
}

export interface LoginAsk {
  level: 1 | 2;
  scope: string[];
  /** The `claims` request parameter (OpenID Connect Core 5.5), when the scopes do not say it all. */
  claims?: Record<string, unknown>;
}

/** A new login: its secrets, to keep until the answer comes back, and the URL to send the browser to. */
export async function authorizationRequest(provider: Provider, client: Client, ask: LoginAsk): Promise<{ pending: PendingLogin; location: string }> {
  const { level, scope } = ask;
  const pending: PendingLogin = { state: randomId(), nonce: randomId(), verifier: randomId(48), level, scope, startedAt: Date.now() };
  const challenge = await s256(pending.verifier);
  const iat = nowSeconds();
  const scopeText = scope.join(' ');
  const request = await sign(client, {
    iss: client.clientId,
    aud: provider.metadata.issuer,
    iat,
    exp: iat + 300,
    jti: crypto.randomUUID(),
    client_id: client.clientId,
    response_type: 'code',
    scope: scopeText,
    redirect_uri: client.redirectUri,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    prompt: 'consent login',
    acr_values: ACR_VALUES[level],
    ...(ask.claims ? { claims: ask.claims } : {}),
  });
  // The profile wants these beside the request object too, equal to its claims.
  const query = new URLSearchParams({
    client_id: client.clientId,
    response_type: 'code',
    scope: scopeText,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    request,
  });
  return { pending, location: `${provider.metadata.authorization_endpoint}?${query}` };
}

async function clientAssertion(client: Client, audience: string): Promise<string> {
  const iat = nowSeconds();
  return sign(client, { iss: client.clientId, sub: client.clientId, aud: audience, iat, exp: iat + 60, jti: crypto.randomUUID() });
}

interface TokenResponse {
  access_token: string;
  id_token: string;
  token_type: string;
}

async function oauthFailure(res: Response): Promise<string> {
  const body = (await res.json().catch(() => ({}))) as { error?: unknown; error_description?: unknown };
  return `HTTP ${res.status} ${String(body.error ?? '')} ${String(body.error_description ?? '')}`.trim();
}

export async function exchangeCode(call: CallProvider, provider: Provider, client: Client, code: string, verifier: string): Promise<TokenResponse> {
  const endpoint = provider.metadata.token_endpoint;
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: client.redirectUri,
    code_verifier: verifier,
    client_id: client.clientId,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: await clientAssertion(client, endpoint),
  });
  const res = await call(new Request(endpoint, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form.toString() }));
  if (!res.ok) throw new ProviderError('token', await oauthFailure(res));
  const tokens = (await res.json()) as Partial<TokenResponse>;
  if (typeof tokens.access_token !== 'string' || typeof tokens.id_token !== 'string' || tokens.token_type?.toLowerCase() !== 'bearer') {
    throw new ProviderError('token', 'risposta senza access_token, id_token o token_type Bearer');
  }
  return tokens as TokenResponse;
}

/** OpenID Connect Core 3.1.3.6: the left half of the access token's hash, with the ID token's hash. */
async function accessTokenHash(accessToken: string, alg: string): Promise<string> {
  const bits = alg.endsWith('512') ? 512 : alg.endsWith('384') ? 384 : 256;
  const digest = new Uint8Array(await crypto.subtle.digest(`SHA-${bits}`, utf8(accessToken)));
  return toBase64Url(digest.slice(0, digest.length / 2));
}

export interface VerifiedLogin {
  idToken: JWTPayload;
  userinfo: JWTPayload;
  level: 1 | 2 | 3;
}

/** The ID token: signed by the OP, for us, this login's nonce, this access token, the level asked or more. */
async function verifyIdToken(
  provider: Provider,
  client: Client,
  pending: PendingLogin,
  tokens: TokenResponse,
): Promise<{ payload: JWTPayload; level: 1 | 2 | 3 }> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(tokens.id_token, provider.jwks, { issuer: provider.metadata.issuer, audience: client.clientId }));
  } catch (err) {
    throw new ProviderError('id_token', `firma o attributi non validi (${err instanceof Error ? err.message : String(err)})`);
  }
  if (payload.nonce !== pending.nonce) throw new ProviderError('id_token', 'nonce diverso da quello inviato');
  const { alg } = decodeProtectedHeader(tokens.id_token);
  if (payload.at_hash !== (await accessTokenHash(tokens.access_token, String(alg)))) throw new ProviderError('id_token', 'at_hash non corrisponde');
  const level = typeof payload.acr === 'string' ? levelOfAcr(payload.acr) : null;
  if (!level || level < pending.level) throw new ProviderError('id_token', `acr ${String(payload.acr)} inferiore a quello richiesto`);
  return { payload, level };
}

/** Userinfo is a JWE for our `enc` key around a JWS by the OP, for us, about the ID token's subject. */
async function fetchUserinfo(call: CallProvider, provider: Provider, client: Client, accessToken: string, subject: string): Promise<JWTPayload> {
  const res = await call(new Request(provider.metadata.userinfo_endpoint, { headers: { Authorization: `Bearer ${accessToken}` } }));
  if (!res.ok) throw new ProviderError('userinfo', `HTTP ${res.status} ${res.headers.get('WWW-Authenticate') ?? ''}`.trim());
  let jws: string;
  try {
    const jwe = new TextDecoder().decode(await res.arrayBuffer());
    const { plaintext, protectedHeader } = await compactDecrypt(jwe, client.keys.decrypt.key, {
      keyManagementAlgorithms: [client.keys.decrypt.alg],
    });
    if (protectedHeader.cty?.toUpperCase() !== 'JWT') throw new Error('cty non è JWT');
    jws = new TextDecoder().decode(plaintext);
  } catch (err) {
    throw new ProviderError('userinfo', `JWE non decifrabile (${err instanceof Error ? err.message : String(err)})`);
  }
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(jws, provider.jwks, { issuer: provider.metadata.issuer, audience: client.clientId }));
  } catch (err) {
    throw new ProviderError('userinfo', `firma o attributi non validi (${err instanceof Error ? err.message : String(err)})`);
  }
  if (payload.sub !== subject) throw new ProviderError('userinfo', 'sub diverso da quello dell’ID token');
  return payload;
}

export async function completeLogin(call: CallProvider, provider: Provider, client: Client, pending: PendingLogin, code: string): Promise<VerifiedLogin> {
  const tokens = await exchangeCode(call, provider, client, code, pending.verifier);
  const { payload, level } = await verifyIdToken(provider, client, pending, tokens);
  const userinfo = await fetchUserinfo(call, provider, client, tokens.access_token, String(payload.sub));
  return { idToken: payload, userinfo, level };
}

/** How the OP answered at the redirect URI: an OAuth error to show, or a login checked end to end. */
export type CallbackOutcome = { kind: 'refused'; error: string; description: string | null } | { kind: 'login'; login: VerifiedLogin };

/**
 * The answer at the redirect URI, checked as a relying party must before trusting any of it: the
 * state this browser's pending login sent (the caller compares it first), the issuer (RFC 9207: the
 * OP announces that its answers name it, so one that does not is not from it), then the code
 * redeemed and the tokens verified. Throws ProviderError for anything it cannot trust.
 */
export async function answerAtRedirect(
  call: CallProvider,
  origin: string,
  client: Client,
  pending: PendingLogin,
  params: URLSearchParams,
): Promise<CallbackOutcome> {
  const provider = await discover(call, origin);
  const iss = params.get('iss');
  if (iss !== provider.metadata.issuer) throw new ProviderError('authorize', `iss ${iss ?? '(assente)'} non atteso`);
  const error = params.get('error');
  if (error) return { kind: 'refused', error, description: params.get('error_description') };
  const code = params.get('code');
  if (!code) throw new ProviderError('authorize', 'risposta senza code');
  return { kind: 'login', login: await completeLogin(call, provider, client, pending, code) };
}
