/**
 * How an event's resource requests stand, in words a visitor reads beside the percentage:
 * "Confirmed", "Waiting for Klangkeller", "Declined by Werkstatt", "2 of 3 resources
 * confirmed". A declined request says most (the event may not happen as planned), then the
 * one request still waiting; with several waiting, how many are confirmed. Resources are
 * named by their titles; one not known here yet has none, and the words stay general.
 * DOM-free.
 */
import { formatPercent, resourcesConfirmed, translator, type Lang } from './i18n.js';
import type { ScheduleEvent } from './schedule-view.js';

/** The words for `event`; undefined when it requests nothing (frab events). */
export function statusWords(lang: Lang, event: ScheduleEvent): string | undefined {
  if (event.requested === 0) return undefined;
  const t = translator(lang);
  const names = (status: string) => event.resources.filter((request) => request.status === status).map((request) => (request.known ? request.title : ''));
  const denied = names('denied');
  if (denied.length > 0) return denied.includes('') ? t('status.denied') : t('status.declinedBy', { names: new Intl.ListFormat(lang).format(denied) });
  const waiting = names('pending');
  if (waiting.length === 0) return t('status.confirmed');
  if (waiting.length === 1 && waiting[0]) return t('status.waitingFor', { name: waiting[0] });
  return event.requested > 1 ? resourcesConfirmed(lang, event.confirmed, event.requested) : t('status.pending');
}

/** The words and the percentage confirmed: "Waiting for Beamer · 50%"; undefined when nothing is requested. */
export function statusLine(lang: Lang, event: ScheduleEvent): string | undefined {
  const words = statusWords(lang, event);
  return words === undefined ? undefined : `${words} · ${formatPercent(lang, event.confirmation)}`;
}
