/**
 * "My events" in `<panda-popup>`: the events the identity in use made, each with where it
 * stands in words ("Confirmed", "Waiting for Klangkeller", "Declined by Werkstatt") and,
 * while it is not confirmed, each request's status (people by their profile names; the
 * background words them, my-events.ts). Titles and names are data, shown as such.
 */
import { html, nothing } from 'lit';
import type { MyEventView, PopupState } from '../shared/popup-protocol.js';
import { visibleText } from '../ui/visible-text.js';
import { festivalName } from './popup-parts.js';

function renderEvent(event: MyEventView) {
  const festival = festivalName({ name: event.festivalName });
  return html`<li data-my-event=${event.id} data-state=${event.state}>
    <strong>${visibleText(event.title)}</strong>
    <p class="muted">${event.when}${festival ? html`, ${festival}` : nothing}</p>
    <p class="status" data-headline>${visibleText(event.headline)}</p>
    ${
      event.state === 'confirmed'
        ? nothing
        : html`<ul class="requests">
            ${event.requests.map((request) => html`<li>${visibleText(request.resourceTitle)}: ${visibleText(request.words)}</li>`)}
          </ul>`
    }
  </li>`;
}

export function renderMyEvents(state: PopupState) {
  return html`<section aria-labelledby="my-events-heading">
    <h2 id="my-events-heading">My events</h2>
    ${
      state.myEvents.length === 0
        ? html`<p class="muted">You have not made any events yet.</p>`
        : html`<ul>
            ${state.myEvents.map(renderEvent)}
          </ul>`
    }
  </section>`;
}
