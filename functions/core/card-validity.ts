/** R-CARD-2 and R-CARD-4: what a card's holder's age means for the card and for digital identity. */
import { italianDate } from './civil-date';

/** Parses a strict ISO calendar date (YYYY-MM-DD) as UTC midnight; null for anything else. */
export function parseIsoDate(text: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (d.getUTCFullYear() !== Number(m[1]) || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) {
    return null;
  }
  return d;
}

/** Completed years between birth and the Italian calendar date at `instant` (a birthday counts from its own day). */
export function ageAt(birth: Date, instant: Date): number {
  const at = italianDate(instant);
  let age = at.getUTCFullYear() - birth.getUTCFullYear();
  const beforeBirthday = at.getUTCMonth() < birth.getUTCMonth() || (at.getUTCMonth() === birth.getUTCMonth() && at.getUTCDate() < birth.getUTCDate());
  if (beforeBirthday) age -= 1;
  return age;
}

/** R-CARD-2: 3 years under 3, 5 years from 3 to 18, 10 years otherwise. */
export function validityYears(ageAtIssue: number): number {
  if (ageAtIssue < 3) return 3;
  if (ageAtIssue < 18) return 5;
  return 10;
}

/** The card expires on the same calendar day `validityYears` later (29 Feb → 28 Feb). */
export function expiryDate(issuedAtInstant: Date, birth: Date): Date {
  const issuedAt = italianDate(issuedAtInstant);
  const years = validityYears(ageAt(birth, issuedAt));
  const y = issuedAt.getUTCFullYear() + years;
  const m = issuedAt.getUTCMonth();
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(issuedAt.getUTCDate(), lastDay)));
}

/** R-CARD-4: under 5, no digital identity at all. */
export const MIN_AGE_DIGITAL_IDENTITY = 5;
/** R-CARD-4: the physical card (level 3) only for adults. */
export const MIN_AGE_LEVEL_3 = 18;

export function digitalIdentityAllowed(birth: Date, at: Date): boolean {
  return ageAt(birth, at) >= MIN_AGE_DIGITAL_IDENTITY;
}

export function level3Allowed(birth: Date, at: Date): boolean {
  return ageAt(birth, at) >= MIN_AGE_LEVEL_3;
}

/** R-CARD-2: a card is valid through its expiry date (Italian calendar), expired from the day after. */
export function isExpired(expiresAt: number, now: number): boolean {
  return italianDate(now).getTime() > expiresAt;
}
