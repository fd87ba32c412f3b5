import { randomToken } from './bytes.ts';
import { queryOf } from './form.ts';
import { formReq, getReq, jsonReq, send, type Response } from './http.ts';
import { clientAssertionFields, signedAuthorizationUrl, type ClientIdentity } from './client-jwt.ts';
import { exportP256Jwk } from './ec-key.ts';
import { generateSigningKey } from './jwt.ts';
import { pkcePair } from './pkce.ts';
import { registryToken } from './config.ts';

/**
 * A relying party as the load tests play it (the k6 twin of scripts/lib/rp.mjs): its keys, its
 * registration through the registry API, signed authorization requests with PKCE, private_key_jwt
 * at the token endpoint, and userinfo.
 *
 * API:
 * - `RelyingParty`: plain JSON (it crosses from setup() to the VUs): client id, redirect URI, the
 *   OP's endpoints from discovery, the signing key as JWK.
 * - `registerRp(name)`: async, setup only — keys, POST /registry/clients (with REGISTRY_TOKEN),
 *   discovery. The client id is a fresh `https://rp-….example.it`: https is what every deployment
 *   accepts (http only for loopback outside production), and the OP never calls it.
 * - `LEVEL`, `authorizationRequest(rp, { level, scope })`: async; the URL to open and what the RP
 *   keeps for the callback (`verifier`, `state`, `nonce`).
 * - `callback(rp, location, state)`: the code from the OP's redirect to the redirect URI, or null
 *   when the redirect is not a success for this state.
 * - `exchangeCode(rp, code, verifier)`, `refreshTokens(rp, refreshToken)`: async, the token
 *   endpoint's response (tagged `token` and `token_refresh`: the two grants cost differently);
 *   `tokensOf(res)` reads a successful one.
 * - `userinfo(rp, accessToken)`: the response (tagged `userinfo`); `isCompactJwe(text)`.
 */
export const LEVEL = { 1: 'https://www.spid.gov.it/SpidL1', 2: 'https://www.spid.gov.it/SpidL2' } as const;

export interface RelyingParty extends ClientIdentity {
  userinfoEndpoint: string;
}

export interface Tokens {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
  token_type: string;
  expires_in: number;
}

/**
 * The key the OP encrypts userinfo to (C-34). The load test never decrypts (it checks the shape),
 * so only the public half is kept.
 */
async function encryptionJwk(): Promise<JsonWebKey & { kid: string; use: 'enc' }> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits'])) as CryptoKeyPair;
  const { kty, crv, x, y } = await exportP256Jwk(pair.publicKey);
  return { kty, crv, x, y, kid: `enc-${randomToken(6)}`, use: 'enc' };
}

export async function registerRp(name: string): Promise<RelyingParty> {
  const key = await generateSigningKey();
  const clientId = `https://rp-${randomToken(9)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, 'x')}.example.it`;
  const redirectUri = `${clientId}/callback`;
  const registration = {
    client_id: clientId,
    client_name: name,
    redirect_uris: [redirectUri],
    jwks: { keys: [key.publicJwk, await encryptionJwk()] },
  };
  const res = send(jsonReq('/registry/clients', registration, 'registry', { Authorization: `Bearer ${registryToken()}` }));
  if (res.status !== 201) throw new Error(`the registry refused the relying party: ${res.status} ${res.body.slice(0, 300)}`);
  const discovery = send(getReq('/.well-known/openid-configuration', 'discovery'));
  if (discovery.status !== 200) throw new Error(`discovery: ${discovery.status} ${discovery.body.slice(0, 200)}`);
  const meta = JSON.parse(discovery.body) as Record<string, string>;
  return {
    clientId,
    redirectUri,
    issuer: meta.issuer!,
    authorizationEndpoint: meta.authorization_endpoint!,
    tokenEndpoint: meta.token_endpoint!,
    userinfoEndpoint: meta.userinfo_endpoint!,
    key,
  };
}

export interface AuthorizationRequest {
  url: string;
  verifier: string;
  state: string;
  nonce: string;
}

/** The scope travels in the query and in the signed object alike (C-8). */
export async function authorizationRequest(
  rp: RelyingParty,
  { level, scope = 'openid profile' }: { level: 1 | 2; scope?: string },
): Promise<AuthorizationRequest> {
  const { verifier, challenge } = pkcePair();
  const state = randomToken();
  const nonce = randomToken();
  const url = await signedAuthorizationUrl(rp, { scope, acr: LEVEL[level], state, nonce, challenge });
  return { url, verifier, state, nonce };
}

export function callback(rp: RelyingParty, location: string | null, state: string): string | null {
  if (!location?.startsWith(`${rp.redirectUri}?`)) return null;
  const params = queryOf(location);
  return params.state === state && params.code ? params.code : null;
}

async function tokenRequest(rp: RelyingParty, fields: Record<string, string>, endpoint: 'token' | 'token_refresh'): Promise<Response> {
  return send(formReq(rp.tokenEndpoint, { ...fields, ...(await clientAssertionFields(rp)) }, endpoint));
}

export const exchangeCode = (rp: RelyingParty, code: string, verifier: string): Promise<Response> =>
  tokenRequest(rp, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: rp.redirectUri }, 'token');

export const refreshTokens = (rp: RelyingParty, refreshToken: string): Promise<Response> =>
  tokenRequest(rp, { grant_type: 'refresh_token', refresh_token: refreshToken }, 'token_refresh');

/** The tokens of a 200 answer, or null for anything else. */
export function tokensOf(res: Response): Tokens | null {
  if (res.status !== 200) return null;
  try {
    const tokens = JSON.parse(res.body) as Tokens;
    return typeof tokens.access_token === 'string' ? tokens : null;
  } catch {
    return null;
  }
}

export const userinfo = (rp: RelyingParty, accessToken: string): Response =>
  send(getReq(rp.userinfoEndpoint, 'userinfo', { headers: { Authorization: `Bearer ${accessToken}` } }));

/** Five base64url parts, the second (the encrypted key) empty for ECDH-ES direct agreement. */
export const isCompactJwe = (text: string): boolean => /^[\w-]+\.[\w-]*\.[\w-]+\.[\w-]+\.[\w-]+$/.test(text.trim());
