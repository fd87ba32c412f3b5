/**
 * The level 2 page's QR code validity (R-LOG-3), as the guide shows it (`Validità codice: 1'07"`)
 * and as a screen reader should say it: `2'00"` read aloud is punctuation, so the timer carries a
 * spoken form too, and a polite live region speaks only twice — 30 s before the end and at the end —
 * rather than every second (WCAG 2.2.1, 4.1.3).
 *
 * public/login-wait.js counts down in the browser and cannot import this module: it repeats these
 * exact texts, and any change here must be made there too (the browser tests read the page's text).
 */

export const EXPIRED = 'scaduto';

/** Seconds left at which the live region warns that the code is about to die. */
export const WARN_AT_SECONDS = 30;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** `2'00"`, `0'17"`; `scaduto` at or below zero. */
export function countdownVisual(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s === 0) return EXPIRED;
  return `${Math.floor(s / 60)}'${String(s % 60).padStart(2, '0')}"`;
}

/** "2 minuti e 0 secondi", "1 minuto e 1 secondo", "30 secondi"; `scaduto` at or below zero. */
export function countdownSpoken(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s === 0) return EXPIRED;
  const minutes = Math.floor(s / 60);
  const rest = plural(s % 60, 'secondo', 'secondi');
  return minutes > 0 ? `${plural(minutes, 'minuto', 'minuti')} e ${rest}` : rest;
}

/** What the live region says, and when: at 30 s left, at expiry, and after "Genera un nuovo codice". */
export const ANNOUNCEMENTS = {
  warning: `Il codice scade tra ${WARN_AT_SECONDS} secondi`,
  expired: 'Codice scaduto: genera un nuovo codice',
  renewed: 'Nuovo codice generato',
} as const;
