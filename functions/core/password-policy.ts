/** R-ACT-5 (and R-ACC-2): the password a citizen may choose. */
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 20;

export interface PolicyViolation {
  rule: 'length' | 'upper' | 'lower' | 'digit' | 'symbol' | 'repeat';
  message: string;
}

/** The criteria as the activation page lists them. */
export const PASSWORD_CRITERIA = [
  'minimo 10, massimo 20 caratteri',
  'una lettera maiuscola, una lettera minuscola',
  'un numero',
  'un simbolo',
  'non può contenere più di 2 caratteri uguali consecutivi',
] as const;

/**
 * Judged in NFC, the form the password is hashed in (platform/password-hash): a decomposed "é" is one
 * character, not a letter plus a combining mark that would pass for a symbol. Marks, controls and
 * other invisible code points never count as the symbol.
 */
export function passwordViolations(input: string): PolicyViolation[] {
  const out: PolicyViolation[] = [];
  const password = input.normalize('NFC');
  const chars = [...password];
  if (chars.length < PASSWORD_MIN || chars.length > PASSWORD_MAX) {
    out.push({ rule: 'length', message: 'La password deve avere da 10 a 20 caratteri' });
  }
  if (!/\p{Lu}/u.test(password)) out.push({ rule: 'upper', message: 'Manca una lettera maiuscola' });
  if (!/\p{Ll}/u.test(password)) out.push({ rule: 'lower', message: 'Manca una lettera minuscola' });
  if (!/[0-9]/.test(password)) out.push({ rule: 'digit', message: 'Manca un numero' });
  if (!/[^\p{L}\p{M}\p{N}\p{C}\s]/u.test(password)) out.push({ rule: 'symbol', message: 'Manca un simbolo' });
  for (let i = 2; i < chars.length; i++) {
    if (chars[i] === chars[i - 1] && chars[i] === chars[i - 2]) {
      out.push({ rule: 'repeat', message: 'Non sono ammessi più di 2 caratteri uguali consecutivi' });
      break;
    }
  }
  return out;
}
