/**
 * The top of `<panda-schedule>`: the festival's logo and name, the read-only banner when
 * nobody can take part through the data shown (a static file, or no connected extension;
 * then it offers `<panda-connect>` if the visitor has the extension), and what went wrong.
 */
import { html, nothing } from 'lit';
import { errorMessage, type Lang, type Translate } from '../lib/i18n.js';
import { httpUrl, type FestivalInfo } from '../lib/schedule-data.js';
import type { PandaProvider, WidgetSource } from '../lib/source.js';

export function scheduleHeader(festival: FestivalInfo) {
  return html`<header>
    ${httpUrl(festival.image) ? html`<img part="logo" class="logo" src=${httpUrl(festival.image)!} alt="" referrerpolicy="no-referrer" loading="lazy" />` : nothing}
    <h2 part="title">${festival.name}</h2>
  </header>`;
}

export function readOnlyBanner(t: Translate, source: WidgetSource | undefined, provider: PandaProvider | null | undefined, helpUrl: string | undefined) {
  if (!source || source.writable) return nothing;
  const help = httpUrl(helpUrl);
  return html`<div part="banner" class="banner" role="note" data-read-only>
    <span>${source.kind === 'frab' ? t('readOnly.static') : provider ? t('connect.why') : t('readOnly.notice')}</span>
    ${help ? html`<a href=${help} target="_blank" rel="noopener">${t('readOnly.howTo')}</a>` : nothing}
    ${provider && source.kind !== 'frab' ? html`<panda-connect .provider=${provider} help-url=${helpUrl ?? nothing}></panda-connect>` : nothing}
  </div>`;
}

/** Why the schedule cannot be shown (or not as it is), if something went wrong. */
export function errorNotice(lang: Lang, error: unknown) {
  return error ? html`<p role="alert" class="error">${errorMessage(lang, error)}</p>` : nothing;
}
