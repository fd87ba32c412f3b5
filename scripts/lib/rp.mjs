import { SignJWT, compactDecrypt, decodeJwt } from 'jose';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { generateRpKeys, randomRpHost, registerClient } from './rp-keys.mjs';

/**
 * A relying party for Node tools (bench): its own keys (rp-keys.mjs), registered through the
 * registry API, signed request objects with PKCE, private_key_jwt, and userinfo decryption.
 */
export const ACR = { 1: 'https://www.spid.gov.it/SpidL1', 2: 'https://www.spid.gov.it/SpidL2', 3: 'https://www.spid.gov.it/SpidL3' };
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const random = (bytes = 32) => randomBytes(bytes).toString('base64url');

export async function createRp(baseUrl, registryToken, { name = 'Bench RP', host = randomRpHost() } = {}) {
  const { sig, enc, jwks } = await generateRpKeys();
  const clientId = `https://${host}`;
  const redirectUri = `${clientId}/callback`;
  await registerClient(baseUrl, registryToken, { client_id: clientId, client_name: name, redirect_uris: [redirectUri], jwks });
  const discovery = await (await fetch(`${baseUrl}/.well-known/openid-configuration`)).json();

  const sign = (claims) => new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: sig.kid }).sign(sig.privateKey);
  const now = () => Math.floor(Date.now() / 1000);

  async function postForm(url, form) {
    const iat = now();
    const assertion = await sign({ iss: clientId, sub: clientId, aud: url, iat, exp: iat + 60, jti: randomUUID() });
    return fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form, client_id: clientId, client_assertion_type: ASSERTION_TYPE, client_assertion: assertion }),
    });
  }

  return {
    clientId,
    redirectUri,
    discovery,
    /** A level `level` request for `scope`: the URL to open and what the RP keeps for the callback. */
    async authorizationRequest({ level = 2, scope = 'openid profile' } = {}) {
      const verifier = random(48);
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      const state = random();
      const nonce = random();
      const iat = now();
      const request = await sign({
        iss: clientId,
        aud: discovery.issuer,
        iat,
        exp: iat + 300,
        jti: randomUUID(),
        client_id: clientId,
        response_type: 'code',
        scope,
        redirect_uri: redirectUri,
        state,
        nonce,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        prompt: 'consent login',
        acr_values: ACR[level],
      });
      const query = new URLSearchParams({
        client_id: clientId,
        response_type: 'code',
        scope,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        request,
      });
      return { url: `${discovery.authorization_endpoint}?${query}`, verifier, state, nonce };
    },
    /** The callback's checks an RP cannot skip, then the code exchange; returns the token response. */
    async exchange(callback, { verifier, state, nonce }) {
      if (callback.searchParams.get('state') !== state) throw new Error(`state mismatch in ${callback}`);
      const code = callback.searchParams.get('code');
      if (!code) throw new Error(`no code in ${callback}`);
      const res = await postForm(discovery.token_endpoint, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: redirectUri });
      if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
      const tokens = await res.json();
      if (decodeJwt(tokens.id_token).nonce !== nonce) throw new Error('ID token nonce mismatch');
      return tokens;
    },
    /** Userinfo, decrypted; the inner JWS's claims (its signature is the demo's and e2e tests' business). */
    async userinfo(accessToken) {
      const res = await fetch(discovery.userinfo_endpoint, { headers: { Authorization: `Bearer ${accessToken}` } });
      if (res.status !== 200) throw new Error(`userinfo: ${res.status} ${await res.text()}`);
      const { plaintext } = await compactDecrypt(await res.text(), enc.privateKey);
      return decodeJwt(new TextDecoder().decode(plaintext));
    },
  };
}
