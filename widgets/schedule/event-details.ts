/**
 * The panel of an opened event in `<panda-schedule>`: when and where, how its resource
 * requests stand (in words, who looks after each resource and who decided, people by their
 * profile names, short keys only for those without), where its places are (address, a map
 * link for a GPS position, the place's own page), who takes part and organises it, its text
 * and its (http(s)) links, and the event alone as iCalendar ("add to my calendar").
 * Escape or the close button close it.
 *
 * A `<dialog>`: on a phone modal (a sheet over the page, the rest inert until it closes),
 * elsewhere beside the events, over the right of the grid or list without moving them, so
 * that another event can be opened while it is open (./event-details.styles.ts).
 *
 * A chunk of its own (./lazy.ts): most visitors read the schedule without opening an event.
 */
import { html, nothing } from 'lit';
import { eventICalFileName, exportEventICal, ICAL_MEDIA_TYPE } from '../lib/export-ical.js';
import { eventStatus } from '../lib/filter.js';
import { formatPercent, resourcesConfirmed, type Lang } from '../lib/i18n.js';
import { httpUrl, type ResourceRequest, type ScheduleData, type ScheduleEvent, type ScheduleLocation } from '../lib/schedule-data.js';
import { statusWords } from '../lib/status-words.js';
import { formatDate, formatTimeRange } from '../lib/time.js';
import { download, shortKey } from '../shared/dom.js';
import { star, type ScheduleContext } from './event-parts.js';
import { placesOf } from './schedule-model.js';

export { detailsStyles } from './event-details.styles.js';

/** "Waiting for Beamer · 50% (1 of 2 resources confirmed)". */
function statusSummary(lang: Lang, event: ScheduleEvent): string {
  const words = statusWords(lang, event) ?? '';
  const count = resourcesConfirmed(lang, event.confirmed, event.requested);
  return `${words} · ${formatPercent(lang, event.confirmation)}${words === count ? '' : ` (${count})`}`;
}

/** One request: the resource, how it stands, who looks after it and who decided, by name where they have one. */
function requestItem({ t }: ScheduleContext, request: ResourceRequest) {
  const status = { confirmed: t('status.confirmed'), pending: t('status.pending'), denied: t('status.denied') }[request.status];
  return html`<li data-request=${request.id}>
    ${request.title}: <span data-status=${request.status}>${status}</span>
    ${request.owner ? html`<span class="muted" data-looked-after title=${request.owner}>· ${t('resource.owner', { name: request.ownerName ?? shortKey(request.owner) })}</span>` : nothing}
    ${request.votes.map(
      (vote) =>
        html`<span class="muted" data-vote title=${vote.voter}
          >· ${t(vote.decision === 'confirm' ? 'vote.confirm' : 'vote.deny', { name: vote.voterName ?? shortKey(vote.voter) })}</span
        >`,
    )}
  </li>`;
}

/** An OpenStreetMap link to a GPS position (no key, no script: a plain page). */
const mapUrl = ({ latitude, longitude }: { latitude: number; longitude: number }) =>
  `https://www.openstreetmap.org/?mlat=${latitude}&mlon=${longitude}#map=18/${latitude}/${longitude}`;

/** Where a place of the event is: its address, a map link for its position, its own page. */
function whereItIs({ t }: ScheduleContext, place: ScheduleLocation) {
  const page = httpUrl(place.url);
  const link = (href: string, text: string) => html`<li><a href=${href} target="_blank" rel="noopener noreferrer">${text}</a></li>`;
  if (!place.address && !place.position && !page) return nothing;
  return html`<ul class="links" data-place=${place.id}>
    ${place.address ? html`<li data-address>${t('event.address', { place: place.name, address: place.address })}</li>` : nothing}
    ${place.position ? link(mapUrl(place.position), t('event.map', { place: place.name })) : nothing} ${page ? link(page, place.name) : nothing}
  </ul>`;
}

export function eventDetails(context: ScheduleContext, event: ScheduleEvent, close: () => void) {
  const { t, lang, format, data } = context;
  const places = placesOf(context.locationNames, event);
  const url = httpUrl(event.url);
  return html`<dialog
    part="details"
    class="details"
    data-details=${event.id}
    aria-labelledby="details-title"
    @keydown=${(key: KeyboardEvent) => {
      if (key.key !== 'Escape') return;
      key.preventDefault();
      close();
    }}
    @cancel=${(cancel: Event) => {
      cancel.preventDefault();
      close();
    }}
  >
    <h3 id="details-title" tabindex="-1" autofocus>${event.title || t('event.untitled')}</h3>
    ${event.subtitle ? html`<p>${event.subtitle}</p>` : nothing}
    <p>${formatDate(event.start, format)}, ${formatTimeRange(event.start, event.end, format)}</p>
    <p>${t('event.location')}: ${places.length > 0 ? places.join(', ') : t('event.noLocation')}</p>
    ${event.locationIds.map((id) => {
      const place = data.locations.find((location) => location.id === id);
      return place ? whereItIs(context, place) : nothing;
    })}
    ${event.festivalId !== data.festival.id && event.festivalName ? html`<p>${t('event.festival', { name: event.festivalName })}</p>` : nothing}
    ${
      event.requested > 0
        ? html`<p data-status=${eventStatus(event)}>${statusSummary(lang, event)}</p>
            <ul aria-label=${t('event.status')}>
              ${event.resources.map((request) => requestItem(context, request))}
            </ul>`
        : nothing
    }
    ${event.persons.length > 0 ? html`<p>${t('event.with', { names: event.persons.map((person) => person.name).join(', ') })}</p>` : nothing}
    ${event.owner ? html`<p data-organiser title=${event.owner}>${t('event.organiser', { name: event.ownerName ?? shortKey(event.owner) })}</p>` : nothing}
    ${event.description ? html`<p class="text">${event.description}</p>` : nothing}
    ${
      event.links.length > 0 || url
        ? html`<ul class="links">
            ${url ? html`<li><a href=${url} target="_blank" rel="noopener noreferrer">${t('event.moreInfo')}</a></li>` : nothing}
            ${event.links.map((link) => {
              const href = httpUrl(link.url);
              return href ? html`<li><a href=${href} target="_blank" rel="noopener noreferrer">${link.title ?? href}</a></li>` : nothing;
            })}
          </ul>`
        : nothing
    }
    <div class="actions">
      ${star(context, event, false)}<button type="button" data-add-to-calendar @click=${() => downloadEvent(data, event)}>${t('event.addToCalendar')}</button
      ><button type="button" data-close @click=${close}>${t('event.close')}</button>
    </div>
  </dialog>`;
}

/** Opens the drawn details as `modal` says (a phone) or not, again if that changed. */
export function showDetails(root: ParentNode, modal: boolean): void {
  const dialog = root.querySelector<HTMLDialogElement>('dialog.details');
  if (!dialog || (dialog.open && dialog.matches(':modal') === modal)) return;
  if (dialog.open) dialog.close();
  if (modal) dialog.showModal();
  else dialog.show();
}

/** Downloads one event as iCalendar, for "add to my calendar". */
function downloadEvent(data: ScheduleData, event: ScheduleEvent): void {
  const text = exportEventICal(data, event.id);
  if (text !== undefined) download(text, ICAL_MEDIA_TYPE, eventICalFileName(event));
}
