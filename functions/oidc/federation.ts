import type { Env } from '../env';
import { isProduction } from '../env';
import { TemporarilyUnavailable } from './errors';
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

/** C-1: the signed entity configuration (`iss` = `sub` = issuer), served as entity-statement+jwt. */
export async function entityConfiguration(env: Env, issuer: string, now = Date.now()): Promise<string> {
  const keys = await providerKeys(env);
  const iat = Math.floor(now / 1000);
  const hints = list(env.FEDERATION_AUTHORITY_HINTS);
  return signJwt(
    env,
    {
      iss: issuer,
      sub: issuer,
      iat,
      exp: iat + ENTITY_CONFIGURATION_TTL_SECONDS,
      jwks: keys.jwks,
      ...(hints.length ? { authority_hints: hints } : {}),
      metadata: {
        federation_entity: federationEntity(env, issuer),
        openid_provider: openidProviderMetadata(endpointsOf(issuer), keys),
      },
    },
    { typ: 'entity-statement+jwt' },
  );
}
