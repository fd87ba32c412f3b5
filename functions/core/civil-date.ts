import { BoundedCache } from './bounded-cache';

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

const HOUR_MS = 3600_000;

/** Rome's offset from UTC at `instant` (ms), asked of ICU — slow: a card read needs it several times. */
function offsetAt(instant: number): number {
  const p: Record<string, number> = {};
  for (const { type, value } of parts.formatToParts(new Date(instant))) p[type] = Number(value);
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - (instant - (((instant % 1000) + 1000) % 1000));
}

/**
 * Rome's offset changes only on whole UTC hours (summer time starts and ends at 01:00 UTC; every
 * offset Italy has used is a whole number of hours), so it is asked once per UTC hour and kept.
 * A pure function of the hour: nothing can go stale. A day's worth of hours, and a few more.
 */
const offsets = new BoundedCache<number, number>(32);

function offsetOfHour(instant: number): number {
  const hour = Math.floor(instant / HOUR_MS);
  return offsets.get(hour, () => offsetAt(hour * HOUR_MS));
}

function wallClock(instant: number): { y: number; m: number; d: number; wallMs: number } {
  const wallMs = instant + offsetOfHour(instant);
  const wall = new Date(wallMs);
  return { y: wall.getUTCFullYear(), m: wall.getUTCMonth() + 1, d: wall.getUTCDate(), wallMs };
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

/**
 * Milliseconds from `instant` to the next midnight in Italy — with the offset in force at that
 * midnight, so the days summer time starts and ends have 23 and 25 hours.
 */
export function msToNextItalianMidnight(instant: number): number {
  const { wallMs } = wallClock(instant);
  const nextMidnightWall = italianDate(instant).getTime() + 24 * HOUR_MS;
  // Midnight is never within an hour of a change (01:00 UTC), so the offset an hour either side of
  // the first guess is the one in force at midnight.
  const guess = nextMidnightWall - (wallMs - instant);
  return Math.max(1, nextMidnightWall - offsetOfHour(guess) - instant);
}

/** Seconds to the next midnight in Italy, for a Retry-After when a daily cap is reached. */
export function secondsToItalianMidnight(instant: number): number {
  return Math.ceil(msToNextItalianMidnight(instant) / 1000);
}
