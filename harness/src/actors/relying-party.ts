import {
  SignJWT,
  compactDecrypt,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  type CompactJWEHeaderParameters,
  type CryptoKey,
  type JWK,
  type JWTPayload,
  type JWTVerifyResult,
} from 'jose';
import { CheckFailure, type CheckContext } from '../core/check.ts';
import type { HttpResponse } from '../core/http.ts';
import type { Page } from './html-page.ts';
import { nowSeconds, pkce, randomLabel, randomToken, uuid } from './random.ts';
import { Registry } from './registry.ts';

export const ACR = {
  1: 'https://www.spid.gov.it/SpidL1',
  2: 'https://www.spid.gov.it/SpidL2',
  3: 'https://www.spid.gov.it/SpidL3',
} as const;
export const FISCAL_NUMBER = 'https://attributes.eid.gov.it/fiscal_number';
export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The OP's metadata, as far as an RP uses it. */
export interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  userinfo_endpoint: string;
  introspection_endpoint: string;
  revocation_endpoint: string;
  jwks_uri?: string;
  jwks?: { keys: JWK[] };
  [member: string]: unknown;
}

export interface RpOptions {
  /** Sign request objects and assertions with ES256 instead of RS256. */
  signAlg?: 'RS256' | 'ES256';
  /** The key the OP encrypts to: EC P-256 (ECDH-ES, default) or RSA (RSA-OAEP-256). */
  encKey?: 'EC' | 'RSA';
  idTokenEncryption?: { alg: string; enc?: string };
  userinfoEncryption?: { alg: string; enc?: string };
  clientName?: string;
  /** false: an RP the registry has never heard of. */
  register?: boolean;
  /** An RP known by another name than a fresh random host: a federated RP's entity id, its callback. */
  clientId?: string;
  redirectUri?: string;
}

interface KeyPair {
  privateKey: CryptoKey;
  publicJwk: JWK;
  kid: string;
}

export interface AuthorizeRequest {
  /** The request object's claims, after overrides. */
  claims: Record<string, unknown>;
  /** The parameters sent beside `request` (query or form). */
  params: Record<string, string>;
  request: string;
  verifier: string;
  state: string;
  nonce: string;
}

/** The RP's view of the answer that ends an authorization: where it went and its parameters. */
export interface Callback {
  target: string;
  params: URLSearchParams;
}

export interface Tokens {
  access_token: string;
  token_type: string;
  expires_in: number;
  id_token?: string;
  refresh_token?: string;
  [member: string]: unknown;
}

/** Overrides: a value replaces a claim or parameter, `undefined` removes it. */
export type Overrides = Record<string, unknown>;

function applyOverrides<T>(base: Record<string, T>, overrides: Record<string, T | undefined>): Record<string, T> {
  const out = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  return out;
}

async function keyPair(alg: 'RS256' | 'ES256' | 'RSA-OAEP-256' | 'ECDH-ES', kidPrefix: string): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'ECDH-ES' ? { crv: 'P-256' } : {}) });
  return { privateKey, publicJwk: await exportJWK(publicKey), kid: `${kidPrefix}-${randomToken(6)}` };
}

/**
 * A relying party of the SPID/CIE OIDC profile: its own signing and encryption keys, registered
 * through the registry API under a unique https client_id, sending signed request objects with
 * PKCE, authenticating with private_key_jwt, verifying what the OP signs and decrypting what it
 * encrypts. Checks change one thing at a time through overrides.
 */
export class RelyingParty {
  readonly ctx: CheckContext;
  readonly options: RpOptions;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly sig: KeyPair & { alg: 'RS256' | 'ES256' };
  readonly enc: KeyPair;
  readonly discovery: Discovery;
  private jwks: ReturnType<typeof createLocalJWKSet> | null = null;

  constructor(ctx: CheckContext, options: RpOptions, sig: KeyPair & { alg: 'RS256' | 'ES256' }, enc: KeyPair, discovery: Discovery) {
    this.ctx = ctx;
    this.options = options;
    this.sig = sig;
    this.enc = enc;
    this.discovery = discovery;
    // Its own host: pairwise subjects are per sector (host), so two RPs never share one.
    this.clientId = options.clientId ?? `https://rp-${randomLabel(12)}.example.it`;
    this.redirectUri = options.redirectUri ?? `${this.clientId}/oidc/callback`;
  }

  static async create(ctx: CheckContext, options: RpOptions = {}): Promise<RelyingParty> {
    const alg = options.signAlg ?? 'RS256';
    const [sig, enc, discovery] = await Promise.all([
      keyPair(alg, 'sig'),
      keyPair(options.encKey === 'RSA' ? 'RSA-OAEP-256' : 'ECDH-ES', 'enc'),
      RelyingParty.discover(ctx),
    ]);
    const rp = new RelyingParty(ctx, options, { ...sig, alg }, enc, discovery);
    if (options.register !== false) {
      const res = await rp.register();
      if (res.status !== 201) throw new CheckFailure(`the registry refused the relying party: ${res.status} ${res.text.slice(0, 300)}`);
    }
    return rp;
  }

  static async discover(ctx: CheckContext): Promise<Discovery> {
    const res = await ctx.http.request('GET', new URL('/.well-known/openid-configuration', ctx.baseUrl));
    if (res.status !== 200) throw new CheckFailure(`GET /.well-known/openid-configuration answered ${res.status}; an RP cannot start without it`);
    return res.json<Discovery>();
  }

  get issuer(): string {
    return this.discovery.issuer;
  }

  get publicJwks(): { keys: JWK[] } {
    return {
      keys: [
        { ...this.sig.publicJwk, kid: this.sig.kid, use: 'sig', alg: this.sig.alg },
        { ...this.enc.publicJwk, kid: this.enc.kid, use: 'enc' },
      ],
    };
  }

  registration(overrides: Overrides = {}): Record<string, unknown> {
    const body: Record<string, unknown> = {
      client_id: this.clientId,
      client_name: this.options.clientName ?? 'Comune di Prova',
      redirect_uris: [this.redirectUri],
      jwks: this.publicJwks,
    };
    for (const [kind, setting] of [
      ['id_token', this.options.idTokenEncryption],
      ['userinfo', this.options.userinfoEncryption],
    ] as const) {
      if (!setting) continue;
      body[`${kind}_encrypted_response_alg`] = setting.alg;
      if (setting.enc) body[`${kind}_encrypted_response_enc`] = setting.enc;
    }
    return applyOverrides(body, overrides);
  }

  register(overrides: Overrides = {}): Promise<HttpResponse> {
    return new Registry(this.ctx).registerClient(this.registration(overrides));
  }

  /** Signs claims as this RP; `key`/`kid`/`alg` let a check sign with something else. */
  sign(claims: Record<string, unknown>, header: { key?: CryptoKey; kid?: string; alg?: string } = {}): Promise<string> {
    return new SignJWT(claims as JWTPayload)
      .setProtectedHeader({ alg: header.alg ?? this.sig.alg, kid: header.kid ?? this.sig.kid })
      .sign(header.key ?? this.sig.privateKey);
  }

  /**
   * A valid request (level 2 unless overridden, prompt "consent login", scope openid profile) with
   * `overrides` applied to the request object and `params` to the parameters beside it.
   */
  async authorizeRequest(
    overrides: Overrides = {},
    params: Record<string, string | undefined> = {},
    header: { key?: CryptoKey; kid?: string; alg?: string } = {},
  ): Promise<AuthorizeRequest> {
    const { verifier, challenge } = pkce();
    const iat = nowSeconds();
    const claims = applyOverrides<unknown>(
      {
        iss: this.clientId,
        aud: this.issuer,
        iat,
        exp: iat + 300,
        jti: uuid(),
        client_id: this.clientId,
        response_type: 'code',
        scope: 'openid profile',
        redirect_uri: this.redirectUri,
        state: randomToken(32),
        nonce: randomToken(32),
        code_challenge: challenge,
        code_challenge_method: 'S256',
        prompt: 'consent login',
        acr_values: ACR[2],
      },
      overrides,
    );
    const request = await this.sign(claims, header);
    const str = (v: unknown, fallback: string) => (typeof v === 'string' ? v : fallback);
    const query = applyOverrides<string>(
      {
        client_id: str(claims.client_id, this.clientId),
        response_type: str(claims.response_type, 'code'),
        scope: str(claims.scope, 'openid profile'),
        code_challenge: str(claims.code_challenge, challenge),
        code_challenge_method: 'S256',
        request,
      },
      params,
    );
    return { claims, params: query, request, verifier, state: str(claims.state, ''), nonce: str(claims.nonce, '') };
  }

  /** The URL the RP sends the browser to (GET). */
  authorizeUrl(params: Record<string, string>): URL {
    const url = new URL(this.discovery.authorization_endpoint);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return url;
  }

  /** The RP's origin, as a browser posting the RP's auto-submitting form would send it. */
  get origin(): string {
    return new URL(this.clientId).origin;
  }

  /** Reads the OP's answer: a 302 to the redirect_uri, or a form_post page that posts to it. */
  callback(page: Page): Callback {
    const location = page.location;
    if (location) {
      const target = `${location.origin}${location.pathname}`;
      return { target, params: location.searchParams };
    }
    const form = page.forms.find((f) => f.action && new URL(f.action, page.url).href.startsWith(this.redirectUri));
    if (page.status === 200 && form) {
      const params = new URLSearchParams();
      for (const field of form.fields) params.append(field.name, field.value);
      const action = new URL(form.action!, page.url);
      return { target: `${action.origin}${action.pathname}`, params };
    }
    throw new CheckFailure(`expected the OP's answer to the RP (a redirect or a form_post to ${this.redirectUri}), got ${page.describe()}`);
  }

  /** A client assertion (private_key_jwt) for `endpoint` (default the token endpoint). */
  assertion(
    overrides: Overrides = {},
    header: { key?: CryptoKey; kid?: string; alg?: string } = {},
    endpoint = this.discovery.token_endpoint,
  ): Promise<string> {
    const iat = nowSeconds();
    return this.sign(applyOverrides<unknown>({ iss: this.clientId, sub: this.clientId, aud: endpoint, iat, exp: iat + 120, jti: uuid() }, overrides), header);
  }

  /**
   * POSTs a form to a back-channel endpoint with client_id and a fresh assertion for it;
   * `assertion: null` sends none; form values `undefined` remove a field.
   */
  async post(endpoint: string, form: Record<string, string | undefined>, options: { assertion?: string | null } = {}): Promise<HttpResponse> {
    const assertion = options.assertion === undefined ? await this.assertion({}, {}, endpoint) : options.assertion;
    const base: Record<string, string> = { client_id: this.clientId, client_assertion_type: ASSERTION_TYPE };
    if (assertion !== null) base.client_assertion = assertion;
    return this.ctx.http.request('POST', endpoint, { form: applyOverrides<string>(base, form) });
  }

  exchange(code: string, verifier: string, extra: Record<string, string | undefined> = {}, options: { assertion?: string | null } = {}): Promise<HttpResponse> {
    return this.post(
      this.discovery.token_endpoint,
      { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: this.redirectUri, ...extra },
      options,
    );
  }

  /** The code exchange that must succeed: the token response. */
  async tokens(code: string, verifier: string): Promise<Tokens> {
    const res = await this.exchange(code, verifier);
    if (res.status !== 200) throw new CheckFailure(`the token endpoint refused a fresh code: ${res.status} ${res.text.slice(0, 300)}`);
    return res.json<Tokens>();
  }

  refresh(refreshToken: string, extra: Record<string, string | undefined> = {}, options: { assertion?: string | null } = {}): Promise<HttpResponse> {
    return this.post(this.discovery.token_endpoint, { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra }, options);
  }

  introspect(token: string, options: { assertion?: string | null } = {}): Promise<HttpResponse> {
    return this.post(this.discovery.introspection_endpoint, { token }, options);
  }

  revoke(token: string, options: { assertion?: string | null } = {}): Promise<HttpResponse> {
    return this.post(this.discovery.revocation_endpoint, { token }, options);
  }

  userinfo(accessToken: string, method: 'GET' | 'POST' = 'GET'): Promise<HttpResponse> {
    const headers = { Authorization: `Bearer ${accessToken}` };
    return method === 'GET'
      ? this.ctx.http.request('GET', this.discovery.userinfo_endpoint, { headers })
      : this.ctx.http.request('POST', this.discovery.userinfo_endpoint, { headers, form: {} });
  }

  /** Verifies a JWT the OP signed, against the keys it publishes (jwks_uri, else the inline jwks). */
  async verify(token: string, options: { audience?: string; typ?: string; what?: string } = {}): Promise<JWTVerifyResult> {
    if (!this.jwks) {
      let keys = this.discovery.jwks;
      if (this.discovery.jwks_uri) {
        const res = await this.ctx.http.request('GET', this.discovery.jwks_uri);
        if (res.status !== 200) throw new CheckFailure(`GET ${this.discovery.jwks_uri} answered ${res.status}`);
        keys = res.json<{ keys: JWK[] }>();
      }
      if (!keys) throw new CheckFailure('the OP publishes neither jwks_uri nor jwks');
      this.jwks = createLocalJWKSet(keys);
    }
    try {
      return await jwtVerify(token, this.jwks, {
        issuer: this.issuer,
        ...(options.audience ? { audience: options.audience } : {}),
        ...(options.typ ? { typ: options.typ } : {}),
      });
    } catch (err) {
      throw new CheckFailure(`${options.what ?? 'a token'} from the OP does not verify: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Decrypts a JWE addressed to this RP: its protected header and plaintext. */
  async decrypt(jwe: string, what = 'a JWE'): Promise<{ header: CompactJWEHeaderParameters; plaintext: string }> {
    // A WebCrypto RSA key is bound to one OAEP hash: load the private key for the alg the OP chose.
    const privateJwk = await exportJWK(this.enc.privateKey);
    try {
      const { plaintext, protectedHeader } = await compactDecrypt(jwe, (header) => importJWK(privateJwk, header.alg));
      return { header: protectedHeader, plaintext: new TextDecoder().decode(plaintext) };
    } catch (err) {
      throw new CheckFailure(`${what} does not decrypt with the RP's key ${this.enc.kid}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /**
   * What an RP does with a userinfo answer (C-34): 200, a JWE with `cty: JWT` for its key, wrapping
   * a JWS the OP signed for it.
   */
  async openUserinfo(res: HttpResponse): Promise<{ header: CompactJWEHeaderParameters; payload: JWTPayload }> {
    if (res.status !== 200) throw new CheckFailure(`userinfo answered ${res.status}, expected 200: ${res.text.slice(0, 200)}`);
    const parts = res.text.trim().split('.');
    if (parts.length !== 5) throw new CheckFailure(`userinfo is not a compact JWE (5 parts), got ${parts.length} part(s)`);
    const { header, plaintext } = await this.decrypt(res.text.trim(), 'the userinfo JWE');
    if (header.cty !== 'JWT') throw new CheckFailure(`the userinfo JWE's cty is ${JSON.stringify(header.cty)}, expected "JWT"`);
    const { payload } = await this.verify(plaintext, { audience: this.clientId, what: 'the JWS inside the userinfo JWE' });
    return { header, payload };
  }

  /** The ID token's claims once verified; decrypted first when it is a JWE. */
  async idTokenClaims(idToken: string): Promise<JWTPayload> {
    let jws = idToken;
    if (idToken.split('.').length === 5) jws = (await this.decrypt(idToken, 'the encrypted ID token')).plaintext;
    return (await this.verify(jws, { audience: this.clientId, what: 'the ID token' })).payload;
  }
}
