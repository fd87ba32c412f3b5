import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import * as client from 'openid-client';
import { exportJWK, generateKeyPair } from 'jose';
import { type IssuedCard, activate, issueCard, loginToRp } from '../../scripts/lib/citizen-flows.mjs';
import { randomCitizen } from '../../scripts/lib/citizens.mjs';
import { HttpBrowser } from '../../scripts/lib/http-browser.mjs';
import { baseUrl } from './support/server';

/**
 * Interoperability: panva's openid-client (v6), a certified RP library, against the real server —
 * discovery, a JAR request object with PKCE, private_key_jwt, its own ID token validation and an
 * encrypted userinfo it decrypts itself. Only the citizen's part (login pages) is ours.
 */
const registryToken = inject('registryToken');
const SPID_L2 = 'https://www.spid.gov.it/SpidL2';
const SPID_L3 = 'https://www.spid.gov.it/SpidL3';
/** docs/level3.md, `l3-reader`: the development stand-in for the reader's TLS client authentication (test hooks on). */
const READER_HEADER = 'X-CieID-Test-Client-Cert';
const FISCAL_NUMBER = 'https://attributes.eid.gov.it/fiscal_number';

async function registerRp() {
  const sig = await generateKeyPair('RS256', { extractable: true });
  const enc = await generateKeyPair('RSA-OAEP-256', { extractable: true });
  const clientId = `https://openid-client-${Date.now().toString(36)}.example.it`;
  const redirectUri = `${clientId}/callback`;
  const metadata = {
    client_id: clientId,
    client_name: 'openid-client',
    redirect_uris: [redirectUri],
    jwks: {
      keys: [
        { ...(await exportJWK(sig.publicKey)), kid: 'sig-1', use: 'sig', alg: 'RS256' },
        { ...(await exportJWK(enc.publicKey)), kid: 'enc-1', use: 'enc', alg: 'RSA-OAEP-256' },
      ],
    },
    userinfo_encrypted_response_alg: 'RSA-OAEP-256',
    userinfo_encrypted_response_enc: 'A256CBC-HS512',
  };
  const res = await fetch(`${baseUrl}/registry/clients`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${registryToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(metadata),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return {
    clientId,
    redirectUri,
    signingKey: { key: sig.privateKey, kid: 'sig-1' },
    decryptionKey: { key: enc.privateKey, kid: 'enc-1', alg: 'RSA-OAEP-256' },
  };
}

/** The RP's signed request object (JAR) with PKCE, state and nonce, as openid-client builds it. */
async function authorizationUrl(config: client.Configuration, rp: { redirectUri: string; signingKey: client.CryptoKey | client.PrivateKey }, acr: string) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = await client.buildAuthorizationUrlWithJAR(
    config,
    {
      redirect_uri: rp.redirectUri,
      response_type: 'code',
      scope: 'openid profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      prompt: 'consent login',
      acr_values: acr,
    },
    rp.signingKey,
  );
  // JAR (RFC 9101) sends only client_id and request; OpenID Connect Core 6.1 also wants response_type
  // in the query (C-9), and the SPID/CIE profile scope (C-8) — an RP of this profile adds both.
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', 'openid profile');
  return { url, verifier, state, nonce };
}

describe('openid-client (panva, v6) as the relying party', () => {
  it('discovers, sends a signed request object with PKCE, redeems the code with private_key_jwt and reads encrypted userinfo', async () => {
    const rp = await registerRp();
    const citizen = randomCitizen();
    const holder = await activate(baseUrl, { citizen, card: await issueCard(baseUrl, registryToken, citizen) });

    const config = await client.discovery(
      new URL(baseUrl),
      rp.clientId,
      {
        redirect_uris: [rp.redirectUri],
        token_endpoint_auth_method: 'private_key_jwt',
        id_token_signed_response_alg: 'RS256',
        userinfo_signed_response_alg: 'RS256',
        userinfo_encrypted_response_alg: 'RSA-OAEP-256',
        userinfo_encrypted_response_enc: 'A256CBC-HS512',
      },
      client.PrivateKeyJwt(rp.signingKey),
      { execute: [client.allowInsecureRequests] },
    );
    client.enableDecryptingResponses(config, ['A256CBC-HS512'], rp.decryptionKey);
    expect(config.serverMetadata().issuer).toBe(baseUrl);

    const { url, verifier, state, nonce } = await authorizationUrl(config, rp, SPID_L2);

    const callback = await loginToRp(baseUrl, url, { username: citizen.fiscalCode, password: holder.password, phone: citizen.phone });
    expect(`${callback.origin}${callback.pathname}`).toBe(rp.redirectUri);

    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    const idToken = tokens.claims()!;
    expect(idToken.acr).toBe(SPID_L2);
    expect(idToken.aud).toBe(rp.clientId);
    expect(idToken[FISCAL_NUMBER]).toBe(`TINIT-${citizen.fiscalCode}`);

    const userinfo = await client.fetchUserInfo(config, tokens.access_token, idToken.sub);
    expect(userinfo).toMatchObject({
      sub: idToken.sub,
      given_name: citizen.givenName,
      family_name: citizen.familyName,
      birthdate: citizen.birthDate,
      [FISCAL_NUMBER]: `TINIT-${citizen.fiscalCode}`,
    });
  });

  it('a level 3 login with the card on a reader (R-LOG-6): openid-client receives acr SpidL3 in the ID token', async () => {
    const rp = await registerRp();
    const citizen = randomCitizen();
    // The registry generates the card's key and returns it once with the certificate; a reader needs no level 1/2 credentials.
    const card = (await issueCard(baseUrl, registryToken, citizen)) as IssuedCard & { certificate: string };
    const config = await client.discovery(
      new URL(baseUrl),
      rp.clientId,
      { redirect_uris: [rp.redirectUri], token_endpoint_auth_method: 'private_key_jwt', id_token_signed_response_alg: 'RS256' },
      client.PrivateKeyJwt(rp.signingKey),
      { execute: [client.allowInsecureRequests] },
    );
    const { url, verifier, state, nonce } = await authorizationUrl(config, rp, SPID_L3);

    const browser = new HttpBrowser(baseUrl);
    const choice = await browser.open(url);
    expect(choice.html).toContain('Seleziona la modalità di autenticazione');
    const reader = await browser.submit(choice, 'Prosegui con computer');
    expect(reader.html).toContain('Appoggia la carta sul lettore');
    // The reader's certificate travels in a header the HttpBrowser's submit does not send: the form posted by hand.
    const form = reader.form('Prosegui');
    const read = await browser.fetch(new URL(form.action, reader.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: new URL(baseUrl).origin, [READER_HEADER]: encodeURIComponent(card.certificate) },
      body: new URLSearchParams(form.fields.map((f: { name: string; value: string }) => [f.name, f.value])).toString(),
    });
    expect(read.status, await read.clone().text()).toBe(303);
    const consent = await browser.open(new URL(read.headers.get('Location')!, reader.url));
    expect(consent.html).toContain('I seguenti dati stanno per essere inviati a:');
    const answer = await browser.submit(consent, "Autorizza l'invio dei dati");
    expect(answer.status).toBe(302);
    const callback = new URL(answer.headers.get('Location')!);
    expect(`${callback.origin}${callback.pathname}`).toBe(rp.redirectUri);

    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    const idToken = tokens.claims()!;
    expect(idToken.acr).toBe(SPID_L3);
    expect(idToken.aud).toBe(rp.clientId);
    expect(idToken[FISCAL_NUMBER]).toBe(`TINIT-${citizen.fiscalCode}`);
  });
});
