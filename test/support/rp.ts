import {
  SignJWT,
  compactDecrypt,
  decodeJwt,
  exportJWK,
  importJWK,
  generateKeyPair,
  jwtVerify,
  createLocalJWKSet,
  type JWK,
  type JWTPayload,
  type CryptoKey,
} from 'jose';
import { ORIGIN, call, registry } from './worker';

/**
 * A relying party as a real one behaves: its own keys, registered through the registry API, signed
 * request objects, PKCE, private_key_jwt client assertions, and decryption of what the OP encrypts
 * for it. Tests change one thing at a time through the overrides.
 */
export const ISSUER = ORIGIN;
export const ACR = {
  1: 'https://www.spid.gov.it/SpidL1',
  2: 'https://www.spid.gov.it/SpidL2',
  3: 'https://www.spid.gov.it/SpidL3',
} as const;
export const FISCAL_NUMBER = 'https://attributes.eid.gov.it/fiscal_number';
export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

interface KeyPair {
  privateKey: CryptoKey;
  publicJwk: JWK;
}

const pairs = new Map<string, Promise<KeyPair>>();

/** Key generation is slow in workerd (RSA): each kind is made once per test file and shared. */
function keyPair(kind: 'RS256' | 'ES256' | 'RSA-OAEP-256' | 'ECDH-ES', slot = 0): Promise<KeyPair> {
  const id = `${kind}:${slot}`;
  let p = pairs.get(id);
  if (!p) {
    p = (async () => {
      const { privateKey, publicKey } = await generateKeyPair(kind, { extractable: true, ...(kind === 'ECDH-ES' ? { crv: 'P-256' } : {}) });
      return { privateKey, publicJwk: await exportJWK(publicKey) };
    })();
    pairs.set(id, p);
  }
  return p;
}

const random = (bytes = 32) => {
  const b = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...b))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
};

export const randomToken = random;

export async function pkce(): Promise<{ verifier: string; challenge: string }> {
  const verifier = random(48);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const challenge = btoa(String.fromCharCode(...digest))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
  return { verifier, challenge };
}

export interface RpOptions {
  /** Encrypted ID tokens (C-33). */
  idTokenEncryption?: { alg: string; enc?: string };
  userinfoEncryption?: { alg: string; enc?: string };
  /** The key the OP encrypts to: EC (default, fast) or RSA. */
  encKey?: 'EC' | 'RSA';
  /** Sign with ES256 instead of RS256. */
  signAlg?: 'RS256' | 'ES256';
  /** Skip registration (an unknown client). */
  register?: boolean;
  clientName?: string;
}

export interface AuthorizeRequest {
  /** The request object's claims, after overrides (undefined values removed). */
  claims: Record<string, unknown>;
  /** The query / form parameters sent beside `request`. */
  params: Record<string, string>;
  verifier: string;
  state: string;
  nonce: string;
}

export class TestRp {
  readonly clientId: string;
  readonly redirectUri: string;
  private constructor(
    readonly options: RpOptions,
    readonly sig: KeyPair & { kid: string; alg: 'RS256' | 'ES256' },
    readonly enc: KeyPair & { kid: string },
  ) {
    this.clientId = `https://rp-${random(6)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, 'x')}.example.it`;
    this.redirectUri = `${this.clientId}/oidc/callback`;
  }

  static async create(options: RpOptions = {}): Promise<TestRp> {
    const alg = options.signAlg ?? 'RS256';
    const sig = { ...(await keyPair(alg)), kid: `sig-${random(6)}`, alg };
    const encKind = options.encKey === 'RSA' ? 'RSA-OAEP-256' : 'ECDH-ES';
    const enc = { ...(await keyPair(encKind)), kid: `enc-${random(6)}` };
    const rp = new TestRp(options, sig, enc);
    if (options.register !== false) {
      const res = await rp.register();
      if (res.status !== 201) throw new Error(`registration refused: ${res.status} ${await res.text()}`);
    }
    return rp;
  }

  get jwks(): { keys: JWK[] } {
    return {
      keys: [
        { ...this.sig.publicJwk, kid: this.sig.kid, use: 'sig', alg: this.sig.alg },
        { ...this.enc.publicJwk, kid: this.enc.kid, use: 'enc' },
      ],
    };
  }

  registration(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    const body: Record<string, unknown> = {
      client_id: this.clientId,
      client_name: this.options.clientName ?? 'Comune di Prova',
      redirect_uris: [this.redirectUri],
      jwks: this.jwks,
    };
    if (this.options.idTokenEncryption) {
      body.id_token_encrypted_response_alg = this.options.idTokenEncryption.alg;
      if (this.options.idTokenEncryption.enc) body.id_token_encrypted_response_enc = this.options.idTokenEncryption.enc;
    }
    if (this.options.userinfoEncryption) {
      body.userinfo_encrypted_response_alg = this.options.userinfoEncryption.alg;
      if (this.options.userinfoEncryption.enc) body.userinfo_encrypted_response_enc = this.options.userinfoEncryption.enc;
    }
    return { ...body, ...overrides };
  }

  register(overrides: Record<string, unknown> = {}): Promise<Response> {
    return registry('/clients', this.registration(overrides));
  }

  /** Signs claims as this RP; `key`/`kid` let a test sign with something else. */
  async sign(claims: Record<string, unknown>, header: { key?: CryptoKey; kid?: string; alg?: string; typ?: string } = {}): Promise<string> {
    return new SignJWT(claims as JWTPayload)
      .setProtectedHeader({ alg: header.alg ?? this.sig.alg, kid: header.kid ?? this.sig.kid, ...(header.typ ? { typ: header.typ } : {}) })
      .sign(header.key ?? this.sig.privateKey);
  }

  /**
   * A valid authorization request (level 2, prompt "consent login", profile) with `overrides`
   * applied to the request object (undefined removes a claim) and `params` to the query.
   */
  async authorizeRequest(
    overrides: Record<string, unknown> = {},
    params: Record<string, string | undefined> = {},
    header: { key?: CryptoKey; kid?: string; alg?: string } = {},
  ): Promise<AuthorizeRequest & { request: string }> {
    const { verifier, challenge } = await pkce();
    const now = Math.floor(Date.now() / 1000);
    const state = random(32);
    const nonce = random(32);
    const claims: Record<string, unknown> = {
      iss: this.clientId,
      aud: ISSUER,
      iat: now,
      exp: now + 300,
      jti: crypto.randomUUID(),
      client_id: this.clientId,
      response_type: 'code',
      scope: 'openid profile',
      redirect_uri: this.redirectUri,
      state,
      nonce,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      prompt: 'consent login',
      acr_values: ACR[2],
    };
    for (const [k, v] of Object.entries(overrides)) {
      if (v === undefined) delete claims[k];
      else claims[k] = v;
    }
    const request = await this.sign(claims, header);
    const query: Record<string, string> = {
      client_id: String(claims.client_id ?? this.clientId),
      response_type: String(claims.response_type ?? 'code'),
      scope: String(claims.scope ?? 'openid profile'),
      code_challenge: String(claims.code_challenge ?? challenge),
      code_challenge_method: 'S256',
      request,
    };
    for (const [k, v] of Object.entries(params)) {
      if (v === undefined) delete query[k];
      else query[k] = v;
    }
    return { claims, params: query, verifier, state: String(claims.state ?? state), nonce: String(claims.nonce ?? nonce), request };
  }

  /** GET (default) or POST form to /oidc/authorize. */
  send(params: Record<string, string>, method: 'GET' | 'POST' = 'GET', headers: Record<string, string> = {}): Promise<Response> {
    const body = new URLSearchParams(params).toString();
    if (method === 'GET') return call(`/oidc/authorize?${body}`, { headers });
    return call('/oidc/authorize', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
      body,
    });
  }

  /** A client assertion for the endpoint at `path` (C-27). */
  async assertion(
    overrides: Record<string, unknown> = {},
    header: { key?: CryptoKey; kid?: string; alg?: string } = {},
    path = '/oidc/token',
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      iss: this.clientId,
      sub: this.clientId,
      aud: `${ISSUER}${path}`,
      iat: now,
      exp: now + 120,
      jti: crypto.randomUUID(),
    };
    for (const [k, v] of Object.entries(overrides)) {
      if (v === undefined) delete claims[k];
      else claims[k] = v;
    }
    return this.sign(claims, header);
  }

  /** POST a form to a back-channel endpoint, authenticated by a fresh assertion unless given one. */
  async post(
    path: string,
    form: Record<string, string | undefined>,
    options: { assertion?: string | null; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const body: Record<string, string> = {
      client_id: this.clientId,
      client_assertion_type: ASSERTION_TYPE,
    };
    const assertion = options.assertion === undefined ? await this.assertion({}, {}, path) : options.assertion;
    if (assertion !== null) body.client_assertion = assertion;
    for (const [k, v] of Object.entries(form)) {
      if (v === undefined) delete body[k];
      else body[k] = v;
    }
    return call(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...options.headers },
      body: new URLSearchParams(body).toString(),
    });
  }

  exchange(code: string, verifier: string, extra: Record<string, string | undefined> = {}, options: { assertion?: string | null } = {}) {
    return this.post('/oidc/token', { grant_type: 'authorization_code', code, code_verifier: verifier, ...extra }, options);
  }

  refresh(refreshToken: string, extra: Record<string, string | undefined> = {}) {
    return this.post('/oidc/token', { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra });
  }

  /** Decrypts a JWE addressed to this RP and returns the protected header and the plaintext. */
  async decrypt(jwe: string) {
    // A WebCrypto RSA key is bound to one OAEP hash: load the private JWK for the alg the OP chose.
    const privateJwk = await exportJWK(this.enc.privateKey);
    const { plaintext, protectedHeader } = await compactDecrypt(jwe, (header) => importJWK(privateJwk, header.alg!));
    return { header: protectedHeader, plaintext: new TextDecoder().decode(plaintext) };
  }
}

/** Verifies a JWT signed by the OP against its published JWKS. */
export async function verifyOp(token: string, options: { typ?: string; audience?: string } = {}) {
  const res = await call('/oidc/jwks');
  const jwks = (await res.json()) as { keys: JWK[] };
  return jwtVerify(token, createLocalJWKSet(jwks), { issuer: ISSUER, ...options });
}

export const claimsOf = (jwt: string) => decodeJwt(jwt);

// ——— Driving a login to its end without the pages: the handoff functions, as the pages call them. ———

export interface Started {
  res: Response;
  flowId: string;
  /** The binding cookie the authorize endpoint set. */
  cookie: string;
  auth: AuthorizeRequest & { request: string };
}

/** A request the authorize endpoint accepts: 303 to /login/<flowId>. */
export async function startLogin(rp: TestRp, overrides: Record<string, unknown> = {}, method: 'GET' | 'POST' = 'GET'): Promise<Started> {
  const auth = await rp.authorizeRequest(overrides);
  const res = await rp.send(auth.params, method);
  const location = res.headers.get('Location') ?? '';
  const match = /^\/login\/([A-Za-z0-9_-]+)$/.exec(location);
  if (res.status !== 303 || !match) throw new Error(`authorize refused: ${res.status} ${location} ${await res.text()}`);
  const cookie = /cie_login=([^;]+)/.exec(res.headers.get('Set-Cookie') ?? '')?.[1] ?? '';
  return { res, flowId: match[1]!, cookie, auth };
}

/** The RP's view of the redirect that ends a login: the parameters of a 302, or of a form_post page. */
export async function rpAnswer(res: Response): Promise<URLSearchParams & { target: string }> {
  if (res.status === 302) {
    const url = new URL(res.headers.get('Location')!);
    const target = `${url.origin}${url.pathname}`;
    return Object.assign(url.searchParams, { target });
  }
  const page = await res.text();
  const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1];
  if (res.status !== 200 || !action) throw new Error(`not an answer to the RP: ${res.status} ${page.slice(0, 200)}`);
  const params = new URLSearchParams();
  for (const m of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    params.set(
      m[1]!,
      m[2]!
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&'),
    );
  }
  return Object.assign(params, { target: action.replace(/&amp;/g, '&') });
}
