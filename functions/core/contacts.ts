/**
 * Mobile numbers are kept in E.164; Italian numbers may be typed without the +39 prefix. An Italian
 * number must be a mobile one (3xx): the number on record receives the SMS OTPs (R-ACT-3), and a
 * landline would make activation impossible.
 */
export function normalizePhone(input: string): string | null {
  const compact = input.replace(/[\s().-]/g, '');
  const withPrefix = compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
  const e164 = /^3[0-9]{8,9}$/.test(withPrefix) ? `+39${withPrefix}` : withPrefix;
  if (!/^\+[1-9][0-9]{7,14}$/.test(e164)) return null;
  if (e164.startsWith('+39') && !/^\+393[0-9]{8,9}$/.test(e164)) return null;
  return e164;
}

/** R-ACT-3: the number on record is shown masked, keeping the prefix and the last three digits. */
export function maskPhone(e164: string): string {
  const prefix = e164.startsWith('+39') ? '+39' : e164.slice(0, 3);
  const tail = e164.slice(-3);
  return `${prefix}${'*'.repeat(Math.max(0, e164.length - prefix.length - 3))}${tail}`;
}

export const EMAIL_MAX = 254;
/** RFC 5321's limit on the part before the @. */
const EMAIL_LOCAL_MAX = 64;

/** Control characters are refused as well: the address becomes a directory key and a message recipient. */
export function normalizeEmail(input: string): string | null {
  const email = input.trim().toLowerCase();
  if (email.length > EMAIL_MAX) return null;
  const at = email.lastIndexOf('@');
  if (at < 1 || at > EMAIL_LOCAL_MAX) return null;
  return /^[^\s@<>()",;:\\\p{Cc}]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/u.test(email) ? email : null;
}

/** Shows at most half of the local part (two characters at most), so a short address is not given away. */
export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  const shown = Math.min(2, Math.floor(local.length / 2));
  return `${local.slice(0, shown)}${'*'.repeat(Math.max(1, local.length - shown))}@${domain}`;
}
