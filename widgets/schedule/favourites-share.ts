/**
 * Favourites to another device (a chunk of its own, ./lazy.ts): the dialog that gives the
 * link carrying them (./favourites-link.ts), to copy or to share, and, on the
 * device that opens such a link, the offer to add them: never added without a yes. Its
 * words and styles travel with it, not in what every page loads. `<panda-schedule>` makes
 * one `FavouritesShare` when a visitor first asks, or a link carries favourites.
 */
import { css, html, nothing, type LitElement, type ReactiveController } from 'lit';
import { favouritesLink, favouritesOf, readFavouritesLink } from './favourites-link.js';
import { formatMessage, type Lang, type Message } from '../lib/i18n.js';
import type { ScheduleData } from '../lib/schedule-data.js';
import { carriesFavourites } from './deep-links.js';
import type { ScheduleContext } from './event-parts.js';
import type { FavouritesController } from './favourites-controller.js';
import { adoptSheet } from './lazy.js';

const en = {
  title: 'Favourites to another device',
  how: {
    one: 'Open this link on your other phone or computer: it offers to add your favourite there. The link carries it; nothing is uploaded.',
    other: 'Open this link on your other phone or computer: it offers to add your {count} favourites there. The link carries them; nothing is uploaded.',
  },
  link: 'Link',
  copy: 'Copy link',
  copied: 'Copied',
  share: 'Share…',
  close: 'Close',
  offer: { one: 'This link brings {count} favourite: {titles}', other: 'This link brings {count} favourites: {titles}' },
  add: 'Add to my favourites',
  dismiss: 'Not now',
} satisfies Record<string, Message>;
type Key = keyof typeof en;
const de: Record<Key, Message> = {
  title: 'Favoriten auf ein anderes Gerät',
  how: {
    one: 'Öffne diesen Link auf deinem anderen Telefon oder Rechner: Dort kannst du deinen Favoriten übernehmen. Der Link trägt ihn; nichts wird hochgeladen.',
    other:
      'Öffne diesen Link auf deinem anderen Telefon oder Rechner: Dort kannst du deine {count} Favoriten übernehmen. Der Link trägt sie; nichts wird hochgeladen.',
  },
  link: 'Link',
  copy: 'Link kopieren',
  copied: 'Kopiert',
  share: 'Teilen…',
  close: 'Schließen',
  offer: { one: 'Dieser Link bringt {count} Favoriten: {titles}', other: 'Dieser Link bringt {count} Favoriten: {titles}' },
  add: 'Zu meinen Favoriten',
  dismiss: 'Jetzt nicht',
};
const say = (lang: Lang, key: Key, params?: Record<string, string | number>) => formatMessage(lang, (lang === 'de' ? de : en)[key], params);

const shareStyles = css`
  .share {
    max-width: min(32rem, calc(100vw - 2rem));
    color: inherit;
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  .share::backdrop {
    background: rgb(0 0 0 / 0.5);
  }
  .share input {
    width: 100%;
    box-sizing: border-box;
  }
  .share .actions,
  .offer .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    margin-top: 0.5rem;
  }
`;

/** The favourites a link in `hash` brings that are not favourites yet; undefined when there is none. */
function offeredBy(hash: string, data: ScheduleData, isFavourite: (id: string) => boolean): string[] | undefined {
  const starts = readFavouritesLink(hash);
  const ids = starts ? favouritesOf(data, starts).filter((id) => !isFavourite(id)) : [];
  return ids.length > 0 ? ids : undefined;
}

/** The dialog with the link that carries `ids` to another device. */
function shareDialog(context: ScheduleContext, ids: ReadonlySet<string>, copied: boolean, actions: { copy: (link: string) => void; close: () => void }) {
  const { lang } = context;
  const link = favouritesLink(location.href, context.data, ids);
  const share = typeof navigator.share === 'function';
  return html`<dialog class="share" part="share" data-share aria-labelledby="share-title" @close=${actions.close}>
    <h3 id="share-title">${say(lang, 'title')}</h3>
    <p>${say(lang, 'how', { count: ids.size })}</p>
    <input readonly aria-label=${say(lang, 'link')} .value=${link} data-share-link @focus=${(event: Event) => (event.target as HTMLInputElement).select()} />
    <div class="actions">
      <button type="button" class="primary" data-copy @click=${() => actions.copy(link)}>${copied ? say(lang, 'copied') : say(lang, 'copy')}</button>
      ${share ? html`<button type="button" @click=${() => void navigator.share({ title: context.data.festival.name, url: link }).catch(() => undefined)}>${say(lang, 'share')}</button>` : nothing}
      <button type="button" data-share-close @click=${actions.close}>${say(lang, 'close')}</button>
    </div>
  </dialog>`;
}

/** The offer to add the favourites a link brought. */
function favouritesOffer(context: ScheduleContext, ids: readonly string[], actions: { add: () => void; dismiss: () => void }) {
  const { lang, data } = context;
  const titles = data.events.filter((event) => ids.includes(event.id)).map((event) => event.title || context.t('event.untitled'));
  return html`<div class="banner offer" role="region" aria-label=${say(lang, 'title')} data-favourites-offer>
    <p>${say(lang, 'offer', { count: ids.length, titles: new Intl.ListFormat(lang).format(titles) })}</p>
    <div class="actions">
      <button type="button" class="primary" data-offer-add @click=${actions.add}>${say(lang, 'add')}</button>
      <button type="button" data-offer-dismiss @click=${actions.dismiss}>${say(lang, 'dismiss')}</button>
    </div>
  </div>`;
}

/** The dialog and the offer of one `<panda-schedule>`, a controller of it. */
export class FavouritesShare implements ReactiveController {
  #sharing = false;
  #copied = false;
  #offer: string[] | undefined;

  constructor(
    private readonly host: LitElement,
    private readonly favourites: FavouritesController,
  ) {
    host.addController(this);
    adoptSheet(host.renderRoot as ShadowRoot, shareStyles);
  }

  hostUpdated(): void {
    const dialog = this.host.renderRoot.querySelector<HTMLDialogElement>('dialog[data-share]');
    if (dialog && !dialog.open) dialog.showModal();
  }

  #redraw(change: () => void): void {
    change();
    this.host.requestUpdate();
  }

  /** Opens the dialog with the link. */
  open(): void {
    this.#redraw(() => ([this.#sharing, this.#copied] = [true, false]));
  }

  /** Reads the favourites the URL's link brings that are not favourites yet. */
  follow(data: ScheduleData): void {
    this.#redraw(() => (this.#offer = offeredBy(location.hash, data, (id) => this.favourites.has(id))));
  }

  /** The link's fragment goes once the visitor answered: a reload asks no more. */
  #answered(): void {
    this.#redraw(() => (this.#offer = undefined));
    if (carriesFavourites(location.hash)) history.replaceState(history.state, '', location.pathname + location.search);
  }

  render(context: ScheduleContext) {
    const ids = this.#offer;
    return html`${
      ids
        ? favouritesOffer(context, ids, {
            add: () => {
              for (const event of context.data.events) if (ids.includes(event.id) && !this.favourites.has(event.id)) this.favourites.toggle(event);
              this.#answered();
            },
            dismiss: () => this.#answered(),
          })
        : nothing
    }${
      this.#sharing
        ? shareDialog(context, this.favourites.ids, this.#copied, {
            copy: (link) =>
              void navigator.clipboard?.writeText(link).then(
                () => this.#redraw(() => (this.#copied = true)),
                () => undefined,
              ),
            close: () => this.#redraw(() => (this.#sharing = false)),
          })
        : nothing
    }`;
  }
}
