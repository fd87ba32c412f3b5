/** Mobile numbers are kept in E.164; Italian numbers may be typed without the +39 prefix. */
export function normalizePhone(input: string): string | null {
  const compact = input.replace(/[\s().-]/g, '');
  const withPrefix = compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
  const e164 = /^3[0-9]{8,9}$/.test(withPrefix) ? `+39${withPrefix}` : withPrefix;
  return /^\+[1-9][0-9]{7,14}$/.test(e164) ? e164 : null;
}

/** R-ACT-3: the number on record is shown masked, keeping the prefix and the last three digits. */
export function maskPhone(e164: string): string {
  const prefix = e164.startsWith('+39') ? '+39' : e164.slice(0, 3);
  const tail = e164.slice(-3);
  return `${prefix}${'*'.repeat(Math.max(0, e164.length - prefix.length - 3))}${tail}`;
}

export const EMAIL_MAX = 254;

export function normalizeEmail(input: string): string | null {
  const email = input.trim().toLowerCase();
  if (email.length > EMAIL_MAX) return null;
  return /^[^\s@<>()",;:]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/.test(email)
    ? email
    : null;
}

export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 2)}${'*'.repeat(Math.max(1, local.length - 2))}@${domain}`;
}
