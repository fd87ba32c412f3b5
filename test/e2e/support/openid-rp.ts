import { expect } from 'vitest';
import * as client from 'openid-client';
import { exportJWK, generateKeyPair } from 'jose';

/**
 * A relying party as panva's openid-client (v6) plays it against the server (test/e2e): registered
 * through the registry with its own keys, and its signed request object (JAR) with PKCE.
 */
export interface OpenIdRp {
  clientId: string;
  redirectUri: string;
  signingKey: { key: CryptoKey; kid: string };
  decryptionKey: { key: CryptoKey; kid: string; alg: string };
}

export async function registerOpenIdRp(baseUrl: string, registryToken: string, clientName = 'openid-client'): Promise<OpenIdRp> {
  const sig = await generateKeyPair('RS256', { extractable: true });
  const enc = await generateKeyPair('RSA-OAEP-256', { extractable: true });
  const clientId = `https://openid-client-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}.example.it`;
  const redirectUri = `${clientId}/callback`;
  const res = await fetch(`${baseUrl}/registry/clients`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${registryToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      client_id: clientId,
      client_name: clientName,
      redirect_uris: [redirectUri],
      jwks: {
        keys: [
          { ...(await exportJWK(sig.publicKey)), kid: 'sig-1', use: 'sig', alg: 'RS256' },
          { ...(await exportJWK(enc.publicKey)), kid: 'enc-1', use: 'enc', alg: 'RSA-OAEP-256' },
        ],
      },
      userinfo_encrypted_response_alg: 'RSA-OAEP-256',
      userinfo_encrypted_response_enc: 'A256CBC-HS512',
    }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return {
    clientId,
    redirectUri,
    signingKey: { key: sig.privateKey, kid: 'sig-1' },
    decryptionKey: { key: enc.privateKey, kid: 'enc-1', alg: 'RSA-OAEP-256' },
  };
}

/** openid-client's view of the server: discovery, private_key_jwt. */
export function discover(baseUrl: string, rp: OpenIdRp): Promise<client.Configuration> {
  return client.discovery(
    new URL(baseUrl),
    rp.clientId,
    { redirect_uris: [rp.redirectUri], token_endpoint_auth_method: 'private_key_jwt', id_token_signed_response_alg: 'RS256' },
    client.PrivateKeyJwt(rp.signingKey),
    { execute: [client.allowInsecureRequests] },
  );
}

/**
 * The RP's signed request object with PKCE, state and nonce, as openid-client builds it. JAR (RFC
 * 9101) sends only client_id and request; OpenID Connect Core 6.1 also wants response_type in the
 * query (C-9), and the SPID/CIE profile the scope (C-8) — an RP of this profile adds both.
 */
export async function authorizationUrl(config: client.Configuration, rp: OpenIdRp, acr: string, scope = 'openid profile') {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = await client.buildAuthorizationUrlWithJAR(
    config,
    {
      redirect_uri: rp.redirectUri,
      response_type: 'code',
      scope,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      prompt: 'consent login',
      acr_values: acr,
    },
    rp.signingKey,
  );
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', scope);
  return { url, verifier, state, nonce };
}
