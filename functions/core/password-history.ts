/**
 * R-ACC-2: a new password may not be any of the identity's last PASSWORD_HISTORY_DEPTH passwords,
 * the current one included.
 */
export const PASSWORD_HISTORY_DEPTH = 5;

/** The hashes to compare a new password with: the current one first, then the replaced ones, newest first. */
export function lastPasswords(current: string | null, replaced: readonly string[]): string[] {
  return [...(current ? [current] : []), ...replaced].slice(0, PASSWORD_HISTORY_DEPTH);
}
