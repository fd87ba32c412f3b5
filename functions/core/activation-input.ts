import { isValidFiscalCode, normalizeFiscalCode } from './fiscal-code';
import { isSerial, normalizeSerial } from './serial';
import { EMAIL_MAX, normalizeEmail } from './contacts';
import { isOtpShape } from './otp';
import { passwordViolations } from './password-policy';

/**
 * What the activation forms accept. Every field has a ceiling well above any honest value, so a
 * hostile post costs nothing to refuse and nothing oversized reaches a rule, a page or storage.
 */
export const ACTIVATION_FIELD_MAX = {
  fiscalCode: 32,
  serial: 16,
  pukDigit: 1,
  otp: 8,
  email: EMAIL_MAX,
  /** Above the policy's 20 so a too-long password is told why, not just cut. */
  password: 128,
  captcha: 2048,
} as const;

/** Trims and caps what we keep of a field to show it back; the cap never lets a page grow unbounded. */
export function keepInput(value: string | undefined, max: number): string {
  return (value ?? '').trim().slice(0, max);
}

/**
 * A form judged: its value, or every message in order and the fields they are about (so each field in
 * error can say so and point to the message, WCAG 3.3.1).
 */
export type Parsed<T, F extends string = never> = { ok: true; value: T } | { ok: false; errors: string[]; fields: F[] };

export type IdentityField = 'fiscalCode' | 'serial';
export type PasswordField = 'password' | 'passwordConfirm' | 'gdpr';

/** Collects messages, each with the field it is about. */
function problems<F extends string>() {
  const errors: string[] = [];
  const fields: F[] = [];
  return {
    errors,
    fields,
    add(field: F, message: string) {
      errors.push(message);
      if (!fields.includes(field)) fields.push(field);
    },
  };
}

/** R-ACT-1: only the shape is judged here; whether the pair names a real card is the directory's call. */
export function parseIdentity(fiscalCode: string | undefined, serial: string | undefined): Parsed<{ fiscalCode: string; serial: string }, IdentityField> {
  const found = problems<IdentityField>();
  const rawCf = fiscalCode ?? '';
  const rawSerial = serial ?? '';
  const cf = rawCf.length > 2 * ACTIVATION_FIELD_MAX.fiscalCode ? null : normalizeFiscalCode(rawCf);
  const sn = rawSerial.length > 2 * ACTIVATION_FIELD_MAX.serial ? null : normalizeSerial(rawSerial);
  if (cf === '') found.add('fiscalCode', 'Inserisci il codice fiscale');
  else if (cf === null || !isValidFiscalCode(cf)) found.add('fiscalCode', 'Il codice fiscale non è valido');
  if (sn === '') found.add('serial', 'Inserisci il numero di serie della CIE');
  else if (sn === null || !isSerial(sn)) found.add('serial', 'Il numero di serie non è valido: due lettere, cinque cifre, due lettere (es. CA00000AA)');
  const { errors, fields } = found;
  return errors.length || !cf || !sn ? { ok: false, errors, fields } : { ok: true, value: { fiscalCode: cf, serial: sn } };
}

/** R-ACT-2: one digit per box. */
export function parsePukDigits(a: string | undefined, b: string | undefined): Parsed<[string, string]> {
  const da = (a ?? '').trim();
  const db = (b ?? '').trim();
  if (!/^[0-9]$/.test(da) || !/^[0-9]$/.test(db)) {
    return { ok: false, errors: ['Inserisci una sola cifra (da 0 a 9) in ciascun campo'], fields: [] };
  }
  return { ok: true, value: [da, db] };
}

/** R-OTP-1: four digits; anything else is a typo, not a guess, and is not counted. */
export function parseOtp(value: string | undefined): Parsed<string> {
  const code = (value ?? '').replace(/\s+/g, '').slice(0, ACTIVATION_FIELD_MAX.otp + 1);
  if (!isOtpShape(code)) return { ok: false, errors: ['Il codice di verifica OTP è formato da 4 cifre'], fields: [] };
  return { ok: true, value: code };
}

/** R-ACT-4. */
export function parseEmail(value: string | undefined): Parsed<string> {
  const raw = (value ?? '').trim();
  if (!raw) return { ok: false, errors: ['Inserisci un indirizzo email, oppure scegli "Non adesso"'], fields: [] };
  const email = raw.length > ACTIVATION_FIELD_MAX.email ? null : normalizeEmail(raw);
  if (!email) return { ok: false, errors: ["L'indirizzo email non è valido"], fields: [] };
  return { ok: true, value: email };
}

/** R-ACT-5: every broken criterion is listed at once, then the confirmation and the GDPR notice. */
export function parsePasswordForm(password: string | undefined, confirm: string | undefined, gdpr: string | undefined): Parsed<string, PasswordField> {
  const pw = password ?? '';
  const found = problems<PasswordField>();
  if (!pw) found.add('password', 'Scegli una password');
  else if (pw.length > ACTIVATION_FIELD_MAX.password) found.add('password', 'La password deve avere da 10 a 20 caratteri');
  else for (const v of passwordViolations(pw)) found.add('password', v.message);
  if (pw && (confirm ?? '') !== pw) found.add('passwordConfirm', 'Le due password non coincidono');
  if (!gdpr) found.add('gdpr', "Per proseguire devi prendere visione dell'Informativa sul trattamento dei dati personali (GDPR)");
  const { errors, fields } = found;
  return errors.length ? { ok: false, errors, fields } : { ok: true, value: pw };
}
