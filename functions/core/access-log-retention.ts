/**
 * How long a card keeps its access log (R-LOG-9) and how much of it. The log is the holder's to read
 * and an operator's to trace a disputed login; it is not an archive. Two bounds, so that storage per
 * card stays bounded whatever happens to the card (a username under attack logs every refusal):
 * - time: 2 years (24 months), the period SPID identity providers keep their access records for;
 * - count: the newest 1,000 events, twice what one read may return.
 */
export const ACCESS_LOG_RETENTION_YEARS = 2;
export const ACCESS_LOG_MAX_EVENTS = 1000;
/** The most events one read of the log returns. */
export const ACCESS_LOG_READ_MAX = 500;
/**
 * The oldest rows one write looks at and may remove. More than the one event a write adds, so a log
 * shrinks back under its bounds; few, so that a write never scans the whole log.
 */
export const ACCESS_LOG_PRUNE_BATCH = 4;

/**
 * The oldest instant still kept at `now` (ms): the same day and time 24 calendar months earlier. On
 * 29 February, whose day two years earlier does not exist, 1 March at 00:00 UTC: the period stays at
 * least 24 months and a later `now` never gives an earlier cutoff.
 */
export function accessLogCutoff(now: number): number {
  const d = new Date(now);
  const month = d.getUTCMonth();
  d.setUTCFullYear(d.getUTCFullYear() - ACCESS_LOG_RETENTION_YEARS);
  if (d.getUTCMonth() !== month) d.setUTCHours(0, 0, 0, 0); // rolled over into 1 March
  return d.getTime();
}
