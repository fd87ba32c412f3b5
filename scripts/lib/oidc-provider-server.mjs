// The oidc-provider (panva) bench:compare measures us against, configured for the same login:
// signed request objects (ES256), PKCE S256, private_key_jwt, RS256 ID tokens with the profile
// claims in them (as our CIE profile does), userinfo signed RS256 and encrypted to the RP
// (ECDH-ES + A256GCM), pairwise subjects, one-step password login (oidc-provider-login.mjs).
//   node scripts/lib/oidc-provider-server.mjs <setup.json>
// setup.json: { port, client: { clientId, clientName, redirectUri, jwks }, users: [{ username,
// password, givenName, familyName, birthDate, fiscalCode }] }. Prints `ready <issuer>` once the
// users' hashes are computed and it listens on 127.0.0.1.
import { createHmac, generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';
import LRU from 'oidc-provider/lib/helpers/lru.js';
import { hashPassword } from './node-password-hash.mjs';
import { interactionRoutes } from './oidc-provider-login.mjs';

const FISCAL_NUMBER = 'https://attributes.eid.gov.it/fiscal_number';
const SPID_L1 = 'https://www.spid.gov.it/SpidL1';
const SPID_L2 = 'https://www.spid.gov.it/SpidL2';
/** Our lifetimes (functions/core/oidc-lifetimes.ts), so both keep as much state as long. */
const TTL = { AuthorizationCode: 60, IdToken: 300, AccessToken: 600, Interaction: 600, Session: 600, Grant: 600 };
const CLOCK_SKEW_SECONDS = 60;

const setup = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const issuer = `http://127.0.0.1:${setup.port}`;
const pepper = randomBytes(32).toString('base64url');
const pairwiseKey = randomBytes(32);

const accounts = new Map();
const claimsOf = new Map();
// Sequential, as a real deployment would have stored them: startup is not what is measured.
for (const user of setup.users) {
  accounts.set(user.username, { accountId: user.fiscalCode, stored: await hashPassword(pepper, user.password) });
  claimsOf.set(user.fiscalCode, {
    given_name: user.givenName,
    family_name: user.familyName,
    birthdate: user.birthDate,
    [FISCAL_NUMBER]: `TINIT-${user.fiscalCode}`,
  });
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingJwk = { ...privateKey.export({ format: 'jwk' }), kid: `rs-${randomBytes(6).toString('base64url')}`, use: 'sig', alg: 'RS256' };

// oidc-provider's own in-memory adapter, on a store large enough that nothing live is evicted (the
// default one keeps ~1000 entries, a few hundred logins' worth).
const store = new LRU({ maxSize: 1_000_000 });
const { client } = setup;

const provider = new Provider(issuer, {
  adapter: (model) => new MemoryAdapter(model, store, CLOCK_SKEW_SECONDS),
  clockTolerance: CLOCK_SKEW_SECONDS,
  clients: [
    {
      client_id: client.clientId,
      client_name: client.clientName,
      redirect_uris: [client.redirectUri],
      jwks: client.jwks,
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'ES256',
      request_object_signing_alg: 'ES256',
      id_token_signed_response_alg: 'RS256',
      userinfo_signed_response_alg: 'RS256',
      userinfo_encrypted_response_alg: 'ECDH-ES',
      userinfo_encrypted_response_enc: 'A256GCM',
      subject_type: 'pairwise',
    },
  ],
  jwks: { keys: [signingJwk] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  features: {
    devInteractions: { enabled: false },
    requestObjects: { enabled: true, requireSignedRequestObject: true },
    jwtUserinfo: { enabled: true },
    encryption: { enabled: true },
    rpInitiatedLogout: { enabled: false },
  },
  pkce: { required: () => true },
  acrValues: [SPID_L1, SPID_L2],
  claims: { openid: ['sub'], profile: ['given_name', 'family_name', 'birthdate', FISCAL_NUMBER], acr: null, auth_time: null, sid: null, iss: null },
  // The CIE profile puts the scope's claims in the ID token as well as in userinfo; so do we.
  conformIdTokenClaims: false,
  subjectTypes: ['public', 'pairwise'],
  pairwiseIdentifier: async (ctx, accountId, c) => createHmac('sha256', pairwiseKey).update(`${c.sectorIdentifier}\n${accountId}`).digest('base64url'),
  async findAccount(ctx, id) {
    const claims = claimsOf.get(id);
    return claims && { accountId: id, claims: async () => ({ sub: id, ...claims }) };
  },
  ttl: Object.fromEntries(Object.entries(TTL).map(([model, seconds]) => [model, () => seconds])),
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async renderError(ctx, out) {
    ctx.type = 'text/plain';
    ctx.body = `${out.error}: ${out.error_description ?? ''}`;
  },
});

const interactions = interactionRoutes(provider, { accounts, pepper, acr: SPID_L1 });
const callback = provider.callback();
const server = createServer(async (req, res) => {
  const pathname = req.url.split('?', 1)[0];
  if (!(await interactions(req, res, pathname))) callback(req, res);
});
server.listen(setup.port, '127.0.0.1', () => console.log(`ready ${issuer}`));
