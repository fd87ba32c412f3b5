import { decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { sendJson, startFakeServer, type FakeServer } from './fake-server.ts';

/**
 * An OpenID Provider that gets a few things wrong on purpose, and the rest right, so the checks
 * judging it must fail exactly where it is wrong:
 * - the entity configuration is a valid signed statement, but served as application/json (C-1);
 * - discovery omits code_challenge_methods_supported (C-3) and offers alg `none` (C-4);
 * - the federation_entity metadata is complete (C-2 must pass);
 * - the registry registers any relying party, as the real one would a valid one;
 * - the authorization endpoint answers a request without redirect_uri with the 400 page, as it
 *   should, but redirects to any redirect_uri it is given, registered or not (C-13);
 * - the token endpoint hands out a token to a GET (C-23).
 */
export async function startBrokenOp(): Promise<FakeServer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'broken-1', use: 'sig', alg: 'RS256' };
  let origin = '';

  const configuration = () => ({
    issuer: origin,
    authorization_endpoint: `${origin}/authorize`,
    token_endpoint: `${origin}/token`,
    userinfo_endpoint: `${origin}/userinfo`,
    introspection_endpoint: `${origin}/introspect`,
    revocation_endpoint: `${origin}/revoke`,
    response_types_supported: ['code'],
    response_modes_supported: ['form_post', 'query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    scopes_supported: ['openid', 'offline_access', 'profile', 'email'],
    acr_values_supported: [1, 2, 3].map((n) => `https://www.spid.gov.it/SpidL${n}`),
    subject_types_supported: ['pairwise'],
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    revocation_endpoint_auth_methods_supported: ['private_key_jwt'],
    introspection_endpoint_auth_methods_supported: ['private_key_jwt'],
    claims_parameter_supported: true,
    request_parameter_supported: true,
    authorization_response_iss_parameter_supported: true,
    id_token_signing_alg_values_supported: ['RS256', 'RS512', 'none'],
    request_object_signing_alg_values_supported: ['RS256', 'RS512'],
    token_endpoint_auth_signing_alg_values_supported: ['RS256', 'RS512'],
    jwks: { keys: [jwk] },
  });

  const server = await startFakeServer(async (req, res) => {
    const url = new URL(req.url, origin);
    switch (url.pathname) {
      case '/.well-known/openid-configuration':
        return sendJson(res, 200, configuration());
      case '/.well-known/openid-federation': {
        const statement = await new SignJWT({
          jwks: { keys: [jwk] },
          metadata: {
            openid_provider: configuration(),
            federation_entity: {
              organization_name: 'Broken OP',
              homepage_uri: `${origin}/`,
              policy_uri: `${origin}/policy`,
              logo_uri: `${origin}/logo.svg`,
              contacts: ['ops@broken.example'],
            },
          },
        })
          .setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'entity-statement+jwt' })
          .setIssuer(origin)
          .setSubject(origin)
          .setIssuedAt()
          .setExpirationTime('1h')
          .sign(privateKey);
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(statement);
      }
      case '/registry/clients':
        return sendJson(res, 201, JSON.parse(req.body || '{}'));
      case '/authorize': {
        const request = url.searchParams.get('request');
        const claims = request ? decodeJwt(request) : {};
        const target = url.searchParams.get('redirect_uri') ?? (typeof claims.redirect_uri === 'string' ? claims.redirect_uri : null);
        if (!target) return void res.writeHead(400, { 'content-type': 'text/html' }).end('<h1>Richiesta non valida</h1>');
        const answer = new URL(target);
        answer.search = new URLSearchParams({ code: 'broken-code', state: String(claims.state ?? ''), iss: origin }).toString();
        return void res.writeHead(302, { location: answer.href }).end();
      }
      case '/token':
        return sendJson(res, 200, { access_token: 'broken', token_type: 'Bearer', expires_in: 60 });
      default:
        return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  origin = server.baseUrl.origin;
  return server;
}
