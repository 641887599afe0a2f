/**
 * Small pieces several sections of `<panda-popup>` show: a festival's name, a person by
 * their profile name (the short key where they have none) and a choice of identity.
 */
import { html } from 'lit';
import type { IdentityView } from '../shared/popup-protocol.js';
import { shortKey } from '../ui/format.js';
import { visibleText } from '../ui/visible-text.js';

/** A festival's name as pages and peers wrote it, shown as data (bidi overrides and hidden characters visible). */
export const festivalName = (festival: { name?: string | null } | undefined) => (festival?.name ? visibleText(festival.name) : undefined);

/** The options of a select of identities, `selectedId` selected. */
export const identityOptions = (identities: IdentityView[], selectedId: string | null) =>
  identities.map(
    (identity) => html`<option value=${identity.id} ?selected=${identity.id === selectedId}>${identity.name} (${shortKey(identity.publicKey)})</option>`,
  );

/** A person by their profile's name (as data), else by their short key. */
export const personName = (names: Record<string, string>, key: string) =>
  names[key] ? html`<span data-person>${visibleText(names[key])}</span>` : html`<span class="key" data-person>${shortKey(key)}</span>`;
