/**
 * The service's calendar is Italy's: a holder turns 18, a card expires and a day's SMS quota resets
 * at midnight in Rome, not at midnight UTC (one or two hours earlier).
 */
export const SERVICE_TIME_ZONE = 'Europe/Rome';

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: SERVICE_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function wallClock(instant: number): { y: number; m: number; d: number; wallMs: number } {
  const p: Record<string, number> = {};
  for (const { type, value } of parts.formatToParts(new Date(instant))) p[type] = Number(value);
  const wallMs = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) + (instant % 1000);
  return { y: p.year!, m: p.month!, d: p.day!, wallMs };
}

/** The calendar date in Italy at `instant`, as that date's UTC midnight (how dates are kept here). */
export function italianDate(instant: Date | number): Date {
  const { y, m, d } = wallClock(typeof instant === 'number' ? instant : instant.getTime());
  return new Date(Date.UTC(y, m - 1, d));
}

/** `YYYY-MM-DD` of the Italian calendar date at `instant`. */
export function italianDay(instant: number): string {
  return italianDate(instant).toISOString().slice(0, 10);
}

/** Milliseconds from `instant` to the next midnight in Italy. */
export function msToNextItalianMidnight(instant: number): number {
  const { wallMs } = wallClock(instant);
  const offset = wallMs - instant;
  const nextMidnightWall = italianDate(instant).getTime() + 24 * 3600_000;
  return Math.max(1, nextMidnightWall - offset - instant);
}

/** Seconds to the next midnight in Italy, for a Retry-After when a daily cap is reached. */
export function secondsToItalianMidnight(instant: number): number {
  return Math.ceil(msToNextItalianMidnight(instant) / 1000);
}
