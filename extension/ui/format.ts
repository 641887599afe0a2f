/** How keys, times, request kinds and file names read in the extension's pages. No DOM in here. */

/** "ab12cd34…ef56" */
export const shortKey = (key: string) => (key.length > 14 ? `${key.slice(0, 8)}…${key.slice(-4)}` : key);

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "3 minutes ago", "yesterday", "now" (under a minute). */
export function relativeTime(then: number, now = Date.now(), locale = 'en'): string {
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const elapsed = then - now;
  for (const [unit, length] of UNITS) {
    if (Math.abs(elapsed) >= length) return format.format(Math.round(elapsed / length), unit);
  }
  return format.format(0, 'second');
}

const ACTIONS: Record<string, string> = { create: 'creating', update: 'changing', delete: 'deleting' };

/**
 * A request kind as an activity: "connect" → "connecting", "publish:event:create" →
 * "creating events"; a kind this version does not know is shown as it is.
 */
export function kindPhrase(kind: string): string {
  if (kind === 'connect') return 'connecting';
  const [verb, type, action] = kind.split(':');
  if (verb === 'publish' && type && action && ACTIONS[action]) return `${ACTIONS[action]} ${type}s`;
  return kind;
}

/** "panda-kit-backup-2025-07-04.json", by the local date. */
export function backupFileName(date = new Date()): string {
  const two = (value: number) => String(value).padStart(2, '0');
  return `panda-kit-backup-${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}.json`;
}

/** "1 peer", "3 peers", "0 entries". */
export const counted = (count: number, singular: string, plural = `${singular}s`) => `${count} ${count === 1 ? singular : plural}`;
