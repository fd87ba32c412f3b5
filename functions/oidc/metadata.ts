import { ACR_VALUES } from '../core/acr';
import { CONTENT_ENCRYPTION_ALGS, KEY_ENCRYPTION_ALGS, SIGNING_ALGS, type SigningAlg } from '../core/jose-algorithms';
import { SUPPORTED_CLAIMS, SUPPORTED_SCOPES } from '../core/oidc-claims';
import type { Endpoints } from './issuer';
import type { ProviderKeys } from './keys';

/**
 * C-3, C-4: the `openid_provider` metadata of the SPID/CIE profile, served both in the entity
 * configuration and at /.well-known/openid-configuration. `jwks` is inline, as OpenID Federation
 * wants; `jwks_uri` is there too for plain OpenID Connect clients.
 */
export function openidProviderMetadata(endpoints: Endpoints, keys: ProviderKeys) {
  const ownAlgs: SigningAlg[] = [...new Set(keys.current.map((k) => k.alg))];
  return {
    issuer: endpoints.issuer,
    authorization_endpoint: endpoints.authorization,
    token_endpoint: endpoints.token,
    userinfo_endpoint: endpoints.userinfo,
    introspection_endpoint: endpoints.introspection,
    revocation_endpoint: endpoints.revocation,
    jwks_uri: endpoints.jwks,
    jwks: keys.jwks,
    response_types_supported: ['code'],
    response_modes_supported: ['form_post', 'query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    scopes_supported: [...SUPPORTED_SCOPES],
    acr_values_supported: Object.values(ACR_VALUES),
    subject_types_supported: ['pairwise'],
    claims_supported: ['sub', ...SUPPORTED_CLAIMS],
    claims_parameter_supported: true,
    request_parameter_supported: true,
    request_uri_parameter_supported: false,
    require_request_uri_registration: false,
    authorization_response_iss_parameter_supported: true,
    code_challenge_methods_supported: ['S256'],
    prompt_values_supported: ['consent', 'login'],
    id_token_signing_alg_values_supported: ownAlgs,
    id_token_encryption_alg_values_supported: [...KEY_ENCRYPTION_ALGS],
    id_token_encryption_enc_values_supported: [...CONTENT_ENCRYPTION_ALGS],
    userinfo_signing_alg_values_supported: ownAlgs,
    userinfo_encryption_alg_values_supported: [...KEY_ENCRYPTION_ALGS],
    userinfo_encryption_enc_values_supported: [...CONTENT_ENCRYPTION_ALGS],
    request_object_signing_alg_values_supported: [...SIGNING_ALGS],
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: [...SIGNING_ALGS],
    introspection_endpoint_auth_methods_supported: ['private_key_jwt'],
    introspection_endpoint_auth_signing_alg_values_supported: [...SIGNING_ALGS],
    revocation_endpoint_auth_methods_supported: ['private_key_jwt'],
    revocation_endpoint_auth_signing_alg_values_supported: [...SIGNING_ALGS],
    /**
     * C-47: an RP unknown to the registry whose client_id is its entity id is resolved by its trust
     * chain when it first comes (platform/federation, docs/federation.md).
     */
    client_registration_types_supported: ['automatic'],
    request_authentication_methods_supported: { authorization_endpoint: ['request_object'] },
    request_authentication_signing_alg_values_supported: [...SIGNING_ALGS],
  };
}
