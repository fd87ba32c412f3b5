import { parseIdentity, parsePasswordForm } from '../core/activation-input';

/**
 * Which fields of a refused form its messages are about, so each can say "invalid" and point to the
 * message (WCAG 3.3.1). core/activation-input.ts judges a form as a whole and answers in words only;
 * here each field is judged by the same parser with the other fields set to values it accepts, so no
 * rule is written twice and a rule changed there moves the marks here with it.
 */

/** Accepted by parseIdentity (R-CARD-1): the guides' example serial and a well-formed codice fiscale. */
export const ACCEPTED_SERIAL = 'CA00000AA';
export const ACCEPTED_FISCAL_CODE = 'RSSMRA80A01H501U';

export type IdentityField = 'fiscalCode' | 'serial';

export function identityFieldsInError(fiscalCode: string | undefined, serial: string | undefined): IdentityField[] {
  const fields: IdentityField[] = [];
  if (!parseIdentity(fiscalCode, ACCEPTED_SERIAL).ok) fields.push('fiscalCode');
  if (!parseIdentity(ACCEPTED_FISCAL_CODE, serial).ok) fields.push('serial');
  return fields;
}

export type PasswordField = 'password' | 'passwordConfirm' | 'gdpr';

/** The confirmation and the GDPR box are in error when they add a message to the password's own. */
export function passwordFieldsInError(password: string | undefined, confirm: string | undefined, gdpr: string | undefined): PasswordField[] {
  const own = parsePasswordForm(password, password, 'on');
  const adds = (p: ReturnType<typeof parsePasswordForm>) => (p.ok ? 0 : p.errors.length) > (own.ok ? 0 : own.errors.length);
  const fields: PasswordField[] = [];
  if (!own.ok) fields.push('password');
  if (adds(parsePasswordForm(password, confirm, 'on'))) fields.push('passwordConfirm');
  if (adds(parsePasswordForm(password, password, gdpr))) fields.push('gdpr');
  return fields;
}
