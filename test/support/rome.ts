/**
 * Today's date in Rome, as a Date at 00:00 UTC of that civil day. The service's calendar is Italy's
 * (a card issued at 00:30 in Rome is issued "tomorrow" by UTC's reckoning), so tests that predict a
 * date must reckon in Rome too. Asked of Intl, not of functions/core/civil-date.ts, so a test is not
 * checking the service's clock against itself.
 */
export function romeToday(now: Date = new Date()): Date {
  const [y, m, d] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome', year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(now)
    .split('-')
    .map(Number);
  return new Date(Date.UTC(y!, m! - 1, d!));
}
