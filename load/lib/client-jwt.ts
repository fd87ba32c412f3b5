import { randomToken } from './bytes.ts';
import { formEncode } from './form.ts';
import { nowSeconds, signJwt, type SigningKey } from './jwt.ts';

/**
 * What a relying party signs: the authorization request object (with PKCE, in the query alike, C-8)
 * and the private_key_jwt assertion of the token endpoint. One place for the load scenarios (rp.ts)
 * and bench:compare (compare/login.ts), which must send the same requests to be comparable.
 * No configuration is read here, so bench:compare can load it without BASE_URL.
 *
 * API:
 * - `ClientIdentity`: the client id, redirect URI, the OP's issuer and endpoints, the signing key.
 * - `signedAuthorizationUrl(client, request)`: async, the authorization endpoint URL.
 * - `clientAssertionFields(client)`: async, the form fields that authenticate the client.
 */
export interface ClientIdentity {
  clientId: string;
  redirectUri: string;
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  key: SigningKey;
}

export interface AuthorizationParameters {
  scope: string;
  acr: string;
  state: string;
  nonce: string;
  challenge: string;
}

/**
 * prompt `consent login` always: the OP keeps no single sign-on session, and offline_access needs
 * consent (C-18).
 */
export async function signedAuthorizationUrl(client: ClientIdentity, p: AuthorizationParameters): Promise<string> {
  const iat = nowSeconds();
  const request = await signJwt(
    {
      iss: client.clientId,
      aud: client.issuer,
      iat,
      exp: iat + 300,
      jti: randomToken(16),
      client_id: client.clientId,
      response_type: 'code',
      scope: p.scope,
      redirect_uri: client.redirectUri,
      state: p.state,
      nonce: p.nonce,
      code_challenge: p.challenge,
      code_challenge_method: 'S256',
      prompt: 'consent login',
      acr_values: p.acr,
    },
    client.key,
  );
  const query = formEncode({
    client_id: client.clientId,
    response_type: 'code',
    scope: p.scope,
    code_challenge: p.challenge,
    code_challenge_method: 'S256',
    request,
  });
  return `${client.authorizationEndpoint}?${query}`;
}

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export async function clientAssertionFields(client: ClientIdentity): Promise<Record<string, string>> {
  const iat = nowSeconds();
  const assertion = await signJwt(
    { iss: client.clientId, sub: client.clientId, aud: client.tokenEndpoint, iat, exp: iat + 60, jti: randomToken(16) },
    client.key,
  );
  return { client_id: client.clientId, client_assertion_type: ASSERTION_TYPE, client_assertion: assertion };
}
