import type { Env } from '../env';
import type { GrantRecord } from '../core/grant';
import { loginRefusal } from '../core/login-levels';
import type { Holder } from '../core/oidc-claims';
import { cardObject } from '../platform/objects';

/**
 * The holder a grant speaks for, as the claims need them, or null when the card can no longer
 * authenticate anybody (blocked, expired, superseded: R-CARD-3, R-CARD-7) — a grant never outlives
 * the card's right to log in.
 */
export async function usableHolder(env: Env, grant: GrantRecord, now: number): Promise<Holder | null> {
  const card = await cardObject(env, grant.serial).view();
  if (!card || card.fiscalCode !== grant.fiscalCode || loginRefusal(card, grant.level, new Date(now))) return null;
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
