import { romeTime } from './notices';

/**
 * R-PUK-2: a forgotten PUK is shown only 48 hours after the request, announced by SMS or email with a
 * link that opens it once, after a fresh code. One request per card at a time: asking again while
 * one waits restarts nothing. Pure: the Card keeps the row (card-puk-recovery-table.ts) and its alarm.
 */
export const PUK_RELEASE_DELAY_MS = 48 * 3600_000;
/** How long the link of a released PUK stays good: a week to read a message, then a new request. */
export const PUK_LINK_TTL_MS = 7 * 24 * 3600_000;

/**
 * A release whose notice the provider refused is tried again this much later (a new link each time),
 * for as long as a link would have stayed good; then the request is dropped and may be made anew.
 */
export const PUK_NOTICE_RETRY_MS = 10 * 60_000;

/** The next try of a failed release notice at `now`, or null once the request is a link's lifetime past its release. */
export function noticeRetryAt(releaseAt: number, now: number): number | null {
  return now < releaseAt + PUK_LINK_TTL_MS ? now + PUK_NOTICE_RETRY_MS : null;
}

/**
 * The App's PUK requests a day per identity (the web's form has a captcha instead): each sends an SMS
 * and spends the holder's daily sends (R-OTP-3), so a script that knows a codice fiscale and a serial
 * is stopped after these. Counted alike for a decoy (core/recovery-flows DecoyCaps).
 */
export const PUK_APP_DAILY_STARTS = 3;

/** A card's request as its table keeps it; the link's secret only as a hash. */
export interface PukRequest {
  requestedAt: number;
  releaseAt: number;
  releasedAt: number | null;
  linkExpiresAt: number | null;
  viewedAt: number | null;
}

/**
 * `waiting`: asked, the 48 hours not over (or over, the notice with the link not yet gone out);
 * `released`: the link was sent and is still good; `none`: no request, or the last one is over
 * (viewed, or its link expired) — a new one may start.
 */
export type PukRequestState = 'none' | 'waiting' | 'released';

export function pukRequestState(request: PukRequest | null, now: number): PukRequestState {
  if (!request || request.viewedAt !== null) return 'none';
  if (request.releasedAt === null) return 'waiting';
  return request.linkExpiresAt !== null && request.linkExpiresAt > now ? 'released' : 'none';
}

/** What a (new) request at `now` is answered: started now, or the one already there. */
export type PukRequestAnswer = { outcome: 'requested'; releaseAt: number } | { outcome: 'waiting'; releaseAt: number } | { outcome: 'released' };

/** The moment a request made at `now` releases its PUK. */
export const releaseAtFor = (now: number): number => now + PUK_RELEASE_DELAY_MS;

/** "potrai vederlo dal 04/12/2026, 14:05": the release, in Rome time, as the pages and the notice say it. */
export const releaseSentence = (releaseAt: number): string => `potrai vederlo dal ${romeTime(releaseAt)}`;

/**
 * One alarm per Durable Object: the Card sets it at the earliest of the times its parts are waiting
 * for (null: none), so another use of the alarm can join without taking this one's place.
 */
export function earliestAlarm(times: readonly (number | null)[]): number | null {
  let earliest: number | null = null;
  for (const t of times) if (t !== null && (earliest === null || t < earliest)) earliest = t;
  return earliest;
}

/**
 * The link's last segment: the card's object id (64 hex, which names the card without saying which)
 * and the secret (32 random bytes, base64url), joined by a dot. Anything else names nothing.
 */
const LINK_TOKEN = /^([0-9a-f]{64})\.([A-Za-z0-9_-]{43})$/;

export const PUK_LINK_PATH = '/recupero-puk/visualizza';

export function pukLinkToken(cardId: string, secret: string): string {
  return `${cardId}.${secret}`;
}

export function parsePukLinkToken(token: string): { cardId: string; secret: string } | null {
  const m = LINK_TOKEN.exec(token);
  return m ? { cardId: m[1]!, secret: m[2]! } : null;
}

/** The sealed PUK's two halves as the letter and the receipt show them: "1234 5678". */
export const spacedPuk = (puk: string): string => `${puk.slice(0, 4)} ${puk.slice(4)}`;
