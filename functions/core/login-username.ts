/**
 * One spelling per username, as the directory resolves them: serial numbers and codici fiscali in
 * upper case, email addresses in lower case. The throttle of unknown usernames keys on this form, so
 * `rssmra…` and `RSSMRA…` count as the same name, as they would for a real identity.
 */
export const USERNAME_MAX = 254;

export function normalizeUsername(input: string): string {
  const u = input.trim();
  return u.includes('@') ? u.toLowerCase() : u.toUpperCase();
}
