import { FLOW_ID_SHAPE } from './flow-id';
import { PASSWORD_MAX, passwordViolations } from './password-policy';

/** R-ACC-2: the recoveries' forms, judged before anything is looked up. Pure. */
export type NewPasswordField = 'password' | 'passwordConfirm';

export type ParsedPassword = { ok: true; value: string } | { ok: false; errors: string[]; fields: NewPasswordField[] };

/** Longer than any password the policy allows, so a long paste is told the policy's words, bounded. */
export const NEW_PASSWORD_FIELD_MAX = 64;

/** R-ACT-5 policy (core/password-policy), typed twice alike. */
export function parseNewPassword(password: string | undefined, confirm: string | undefined): ParsedPassword {
  const pw = password ?? '';
  const errors: string[] = [];
  const fields = new Set<NewPasswordField>();
  if (!pw) {
    errors.push('Scegli una password');
    fields.add('password');
  } else if (pw.length > NEW_PASSWORD_FIELD_MAX || [...pw].length > PASSWORD_MAX * 2) {
    errors.push('La password deve avere da 10 a 20 caratteri');
    fields.add('password');
  } else {
    for (const v of passwordViolations(pw)) {
      errors.push(v.message);
      fields.add('password');
    }
  }
  if (pw && (confirm ?? '') !== pw) {
    errors.push('Le due password non coincidono');
    fields.add('passwordConfirm');
  }
  return errors.length ? { ok: false, errors, fields: [...fields] } : { ok: true, value: pw };
}

export const RECENT_PASSWORD = 'La nuova password deve essere diversa dalle ultime 5 che hai usato';

/**
 * The login a recovery was opened from (`?login=` of "Hai dimenticato la password?"): a flow id of our
 * shape, or nothing. What the browser gives is kept only as a name to look up, never as an address.
 */
export function loginFlowParam(value: string | null | undefined): string | null {
  return typeof value === 'string' && FLOW_ID_SHAPE.test(value) ? value : null;
}
