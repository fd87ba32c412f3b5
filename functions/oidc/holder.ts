import type { Env } from '../env';
import type { GrantRecord } from '../core/grant';
import { grantRefusal } from '../core/identity-grants';
import type { Holder } from '../core/oidc-claims';
import { cardObject } from '../platform/objects';

/**
 * The holder a grant speaks for, as the claims need them, or null when the card can no longer
 * authenticate anybody (blocked, expired, superseded: R-CARD-3, R-CARD-7) or the grant's login would
 * be refused now (R-ACC-4, R-ACC-2: credentials revoked or changed since its authentication, level 3
 * suspended) — a grant never outlives the card's right to log in. The same check as the grant's
 * admission (core/identity-grants grantRefusal), on the card this call reads anyway: a second line
 * behind the Card's list of grants, which a revocation reaches only as far as the list is whole.
 */
export async function usableHolder(env: Env, grant: GrantRecord, now: number): Promise<Holder | null> {
  const card = await cardObject(env, grant.serial).view();
  // authTime stands for when the password was checked: it is never earlier, and a login whose check
  // came before a change never got this far (the Card's admitGrant refused it).
  if (!card || grantRefusal(card, { fiscalCode: grant.fiscalCode, level: grant.level, credentialsCheckedAt: grant.authTime }, new Date(now))) return null;
  const verifiedEmail = card.credentials?.verifiedEmail ?? null;
  return {
    serial: card.serial,
    fiscalCode: card.fiscalCode,
    givenName: card.givenName,
    familyName: card.familyName,
    birthDate: card.birthDate,
    phone: card.phone,
    email: verifiedEmail ?? card.email,
    emailVerified: verifiedEmail !== null,
    issuedAt: card.issuedAt,
    expiresAt: card.expiresAt,
  };
}
