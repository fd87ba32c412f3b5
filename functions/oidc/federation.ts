import type { Env } from '../env';
import { isProduction } from '../env';
import { parseOwnTrustMarks } from '../core/federation-config';
import { UnresolvedClient } from '../platform/federation';
import { OAuthError, TemporarilyUnavailable } from './errors';
import { endpointsOf } from './issuer';
import { providerKeys, signJwt } from './keys';
import { openidProviderMetadata } from './metadata';

/** How long a relying party may cache our entity configuration before fetching it again. */
export const ENTITY_CONFIGURATION_TTL_SECONDS = 24 * 3600;

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

/**
 * C-2: who runs this provider. Production must say it (503 otherwise: an entity configuration naming
 * a made-up organization must never reach a federation); elsewhere, development defaults.
 */
export function federationEntity(env: Env, issuer: string) {
  const contacts = list(env.FEDERATION_CONTACTS);
  const configured = {
    organization_name: env.FEDERATION_ORGANIZATION_NAME,
    homepage_uri: env.FEDERATION_HOMEPAGE_URI,
    policy_uri: env.FEDERATION_POLICY_URI,
    logo_uri: env.FEDERATION_LOGO_URI,
  };
  if (isProduction(env) && (Object.values(configured).some((v) => !v) || !contacts.length)) {
    throw new TemporarilyUnavailable('federation entity not configured');
  }
  return {
    organization_name: configured.organization_name ?? 'CieID edge (sviluppo)',
    homepage_uri: configured.homepage_uri ?? issuer,
    policy_uri: configured.policy_uri ?? `${issuer}/privacy`,
    logo_uri: configured.logo_uri ?? `${issuer}/logo.svg`,
    contacts: contacts.length ? contacts : ['cieid-sviluppo@example.invalid'],
  };
}

/** Where our resolve endpoint answers (functions/oidc/resolve.ts). */
export const RESOLVE_PATH = '/oidc/resolve';

/** FEDERATION_TRUST_MARKS, or 503: an entity configuration must not drop the marks it is meant to carry. */
function ownTrustMarks(env: Env): { id: string; trust_mark: string }[] {
  const parsed = parseOwnTrustMarks(env.FEDERATION_TRUST_MARKS);
  if (!parsed.ok) {
    console.error('federation:', parsed.problem);
    throw new TemporarilyUnavailable('federation trust marks misconfigured');
  }
  return parsed.value;
}

/** C-1: the signed entity configuration (`iss` = `sub` = issuer), served as entity-statement+jwt. */
export async function entityConfiguration(env: Env, issuer: string, now = Date.now()): Promise<string> {
  const keys = await providerKeys(env);
  const iat = Math.floor(now / 1000);
  const hints = list(env.FEDERATION_AUTHORITY_HINTS);
  const trustMarks = ownTrustMarks(env);
  return signJwt(
    env,
    {
      iss: issuer,
      sub: issuer,
      iat,
      exp: iat + ENTITY_CONFIGURATION_TTL_SECONDS,
      jwks: keys.jwks,
      ...(hints.length ? { authority_hints: hints } : {}),
      ...(trustMarks.length ? { trust_marks: trustMarks } : {}),
      metadata: {
        federation_entity: { ...federationEntity(env, issuer), federation_resolve_endpoint: `${issuer}${RESOLVE_PATH}` },
        openid_provider: openidProviderMetadata(endpointsOf(issuer), keys),
      },
    },
    { typ: 'entity-statement+jwt' },
  );
}

/**
 * A client_id whose trust chain did not resolve, in the profile's words (errors_federation): at the
 * authorization endpoint `invalid_client` when the chain does not validate, `unauthorized_client` when
 * it does but the metadata policy or the trust marks refuse the RP, `temporarily_unavailable` when an
 * entity on the way did not answer (all 400: the RP's redirect_uri is not known to be good); at the
 * token endpoint always `invalid_client` (401). The description says what failed.
 */
export function unresolvedClientError(err: unknown, where: 'authorize' | 'token'): unknown {
  if (!(err instanceof UnresolvedClient)) return err;
  const { kind, reason } = err.failure;
  const description = `trust chain not valid: ${reason}`;
  if (where === 'token') return new OAuthError('invalid_client', description, 401);
  if (kind === 'policy') return new OAuthError('unauthorized_client', description);
  if (kind === 'unreachable') return new OAuthError('temporarily_unavailable', description);
  return new OAuthError('invalid_client', description);
}
