/** How festivals' dates read in the planner. No DOM in here. */

/** "Fri 5 Jun 2026 – Sun 7 Jun 2026" on the festival's calendar. */
export function dateRange(start: number, end: number, timeZone: string, locale = 'en-GB'): string {
  if (start === 0 && end === 0) return 'dates not known yet';
  const format = new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: timeZone || 'UTC' });
  const [from, to] = [format.format(new Date(start * 1000)), format.format(new Date(end * 1000))];
  return from === to ? from : `${from} – ${to}`;
}
