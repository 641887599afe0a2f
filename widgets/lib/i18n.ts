/**
 * Interface texts of the widgets (schedule, resource, event form, connect) in English and
 * German. `translator(lang)` gives a `t(key, params)` whose keys, and each key's
 * `{placeholders}`, are checked by TypeScript. Messages that depend on a number have plural
 * forms chosen by Intl.PluralRules from the `count` parameter; numbers are formatted for
 * the language. DOM-free: pass `navigator.languages` in from the page.
 */
import { isPandaError } from '../../core/errors.js';
import { isRecord } from '../../core/guards.js';

export const LANGUAGES = ['en', 'de'] as const;
export type Lang = (typeof LANGUAGES)[number];

/** A text, or plural forms keyed by Intl.PluralRules category (`other` required). */
export type Message =
  string | { readonly one?: string; readonly other: string; readonly zero?: string; readonly two?: string; readonly few?: string; readonly many?: string };

const en = {
  // schedule
  'schedule.title': 'Schedule',
  'schedule.loading': 'Loading the schedule…',
  'schedule.empty': 'No events yet',
  'schedule.noMatches': 'No events match the filters',
  'schedule.noMatchToday': 'No match today',
  'schedule.noMatchOn': 'No match on {day}',
  'schedule.matchesOn': { one: '{count} on {day}', other: '{count} on {day}' },
  'schedule.eventCount': { one: '{count} event', other: '{count} events' },
  'view.label': 'View',
  'view.list': 'List',
  'view.grid': 'Grid',
  'view.nowNext': 'Now & next',
  'view.gridNeedsWidth': 'The grid needs a wider screen',
  'day.today': 'Today',
  'day.previous': 'Previous day',
  'day.next': 'Next day',
  'day.all': 'All days',
  'now.now': 'Now',
  'now.next': 'Next',
  'now.nothingNow': 'Nothing on right now',
  'now.nothingNext': 'Nothing else coming up',
  'now.startsIn': 'starts {relative}',
  'now.endsAt': 'until {time}',
  'filter.label': 'Filters',
  'filter.toggle': 'Filters & time zone',
  'filter.on': 'on',
  'filter.location': 'Location',
  'filter.allLocations': 'All locations',
  'filter.kind': 'Type',
  'filter.allKinds': 'All types',
  'filter.track': 'Track',
  'filter.allTracks': 'All tracks',
  'filter.festival': 'Festival',
  'filter.allFestivals': 'All festivals',
  'filter.status': 'Status',
  'filter.search': 'Search',
  'filter.searchPlaceholder': 'Search titles, descriptions, people…',
  'filter.favouritesOnly': 'Favourites only',
  'filter.showDeclined': { one: 'Show {count} declined', other: 'Show {count} declined' },
  'filter.clear': 'Clear filters',
  'favourite.add': 'Add to favourites',
  'favourite.remove': 'Remove from favourites',
  'favourite.title': 'Favourites',
  'favourite.count': { one: '{count} favourite', other: '{count} favourites' },
  'export.label': 'Export',
  'export.ical': 'Add to calendar (iCal)',
  'export.icalFavourites': 'Favourites to calendar (iCal)',
  'export.shareFavourites': 'Favourites to another device',
  'export.frabJson': 'Schedule as JSON (frab)',
  'export.frabXml': 'Schedule as XML (frab)',
  'export.subscribe': 'Subscribe (webcal)',
  'export.feedJson': 'Live JSON (frab)',
  'export.feedXml': 'Live XML (frab)',
  'time.zoneNote': 'Times in {zone}',
  'time.festivalZone': 'Festival time',
  'time.localZone': 'My time',
  'event.location': 'Location',
  'event.address': '{place}: {address}',
  'event.map': '{place} on the map',
  'event.noLocation': 'No location yet',
  'event.with': 'With {names}',
  'event.organiser': 'Organised by {name}',
  'event.moreInfo': 'More information',
  'event.addToCalendar': 'Add to calendar',
  'event.duration': 'Duration: {duration}',
  'event.festival': 'Part of {name}',
  'event.untitled': 'Untitled event',
  'status.confirmed': 'Confirmed',
  'status.pending': 'Waiting for confirmation',
  'status.denied': 'Declined',
  'status.percentConfirmed': '{percent} confirmed',
  'status.resourcesConfirmed': { one: '{confirmed} of {count} resource confirmed', other: '{confirmed} of {count} resources confirmed' },
  'status.nothingRequested': 'Needs no resources',
  'status.waitingFor': 'Waiting for {name}',
  'legend.label': 'Key',
  'status.declinedBy': 'Declined by {names}',
  'vote.confirm': '{name} agreed',
  'vote.deny': '{name} declined',
  'readOnly.notice': 'Read-only: install the Panda Kit extension to take part',
  'readOnly.static': 'Read-only schedule',
  // resource
  'resource.title': 'Resource',
  'resource.kind': 'Kind',
  'resource.capacity': { one: 'Room for {count} event at a time', other: 'Room for {count} events at a time' },
  'resource.owner': 'Looked after by {name}',
  'resource.bookings': 'Bookings',
  'resource.noBookings': 'Not booked yet',
  'resource.freeSlots': 'Free times',
  'resource.noFreeSlots': 'No free times left',
  'resource.request': 'Request',
  'resource.requested': 'Requested',
  'resource.policy.manual': 'The owner confirms each request',
  'resource.policy.firstCome': 'First come, first served',
  'resource.policy.quorum': { one: 'Needs {count} member to agree', other: 'Needs {count} members to agree' },
  'resource.conflict': 'Already held at that time',
  'resource.blocked': 'Needs other resources first',
  // event form
  'form.newEvent': 'New event',
  'form.editEvent': 'Edit event',
  'form.title': 'Title',
  'form.description': 'Description',
  'form.start': 'Start',
  'form.end': 'End',
  'form.resources': 'Resources to request',
  'form.location': 'Location',
  'form.submit': 'Request',
  'form.save': 'Save',
  'form.cancel': 'Cancel',
  'form.delete': 'Delete',
  'form.waiting': 'Please confirm in the Panda Kit extension…',
  'form.created': 'Event created: the resources’ owners have been asked',
  'form.createdNoRequests': 'Event created',
  'form.saved': 'Saved',
  'form.error.titleRequired': 'Please give the event a title',
  'form.error.endBeforeStart': 'The end must be after the start',
  'form.error.outsideFestival': 'The event must lie between {start} and {end}',
  // connect
  'connect.button': 'Connect',
  'connect.connecting': 'Connecting…',
  'connect.connected': 'Connected as {name}',
  'connect.disconnect': 'Disconnect',
  'connect.install': 'Install the Panda Kit extension',
  'connect.noExtension': 'The Panda Kit extension is not installed in this browser',
  'connect.why': 'With the extension you can request resources and create events, signed on your own device. No account needed.',
  // errors
  'error.generic': 'Something went wrong: {message}',
  'error.scheduleInvalid': 'This schedule could not be read',
  'error.loadFailed': 'The schedule could not be loaded',
  'error.festivalUnknown': 'This festival is not known here yet',
  'error.rejected': 'You declined the request in the extension',
  'error.unauthorized': 'This site is not connected to the extension',
  'error.unavailable': 'The extension is not available',
  'error.offline': 'No connection to other peers right now',
  // added for the components
  'schedule.days': 'Days',
  'schedule.details': 'Event details',
  'time.zone': 'Time zone',
  'event.close': 'Close',
  'event.status': 'Requests',
  'readOnly.howTo': 'How to take part',
  'resource.unknown': 'This resource is not known here yet',
  'resource.unavailable': 'Bookings are not available for this schedule',
  'resource.slotAvailable': { one: 'room for {count} more', other: 'room for {count} more' },
  'resource.onMap': 'Show on map',
  'resource.address': 'Address',
  'resource.website': 'Website',
  'form.readOnly': 'Creating events needs the Panda Kit extension, connected to this site',
  'form.error.timesRequired': 'Please give a start and an end',
  'form.noResources': 'No resources known yet',
  'form.label': 'Event',
  'connect.label': 'Panda Kit identity',
} as const satisfies Record<string, Message>;

export type MessageKey = keyof typeof en;

const de: { readonly [K in MessageKey]: Message } = {
  'schedule.title': 'Programm',
  'schedule.loading': 'Programm wird geladen…',
  'schedule.empty': 'Noch keine Veranstaltungen',
  'schedule.noMatches': 'Keine Veranstaltungen passen zu den Filtern',
  'schedule.noMatchToday': 'Heute kein Treffer',
  'schedule.noMatchOn': 'Am {day} kein Treffer',
  'schedule.matchesOn': { one: '{count} am {day}', other: '{count} am {day}' },
  'schedule.eventCount': { one: '{count} Veranstaltung', other: '{count} Veranstaltungen' },
  'view.label': 'Ansicht',
  'view.list': 'Liste',
  'view.grid': 'Raster',
  'view.nowNext': 'Jetzt & gleich',
  'view.gridNeedsWidth': 'Das Raster braucht einen breiteren Bildschirm',
  'day.today': 'Heute',
  'day.previous': 'Vorheriger Tag',
  'day.next': 'Nächster Tag',
  'day.all': 'Alle Tage',
  'now.now': 'Jetzt',
  'now.next': 'Gleich',
  'now.nothingNow': 'Gerade läuft nichts',
  'now.nothingNext': 'Danach kommt nichts mehr',
  'now.startsIn': 'beginnt {relative}',
  'now.endsAt': 'bis {time}',
  'filter.label': 'Filter',
  'filter.toggle': 'Filter & Zeitzone',
  'filter.on': 'aktiv',
  'filter.location': 'Ort',
  'filter.allLocations': 'Alle Orte',
  'filter.kind': 'Art',
  'filter.allKinds': 'Alle Arten',
  'filter.track': 'Track',
  'filter.allTracks': 'Alle Tracks',
  'filter.festival': 'Festival',
  'filter.allFestivals': 'Alle Festivals',
  'filter.status': 'Status',
  'filter.search': 'Suche',
  'filter.searchPlaceholder': 'Titel, Beschreibungen, Personen durchsuchen…',
  'filter.favouritesOnly': 'Nur Favoriten',
  'filter.showDeclined': { one: '{count} abgelehnte zeigen', other: '{count} abgelehnte zeigen' },
  'filter.clear': 'Filter zurücksetzen',
  'favourite.add': 'Zu den Favoriten',
  'favourite.remove': 'Aus den Favoriten entfernen',
  'favourite.title': 'Favoriten',
  'favourite.count': { one: '{count} Favorit', other: '{count} Favoriten' },
  'export.label': 'Exportieren',
  'export.ical': 'In den Kalender (iCal)',
  'export.icalFavourites': 'Favoriten in den Kalender (iCal)',
  'export.shareFavourites': 'Favoriten auf ein anderes Gerät',
  'export.frabJson': 'Programm als JSON (frab)',
  'export.frabXml': 'Programm als XML (frab)',
  'export.subscribe': 'Abonnieren (webcal)',
  'export.feedJson': 'Live-JSON (frab)',
  'export.feedXml': 'Live-XML (frab)',
  'time.zoneNote': 'Zeiten in {zone}',
  'time.festivalZone': 'Festivalzeit',
  'time.localZone': 'Meine Zeit',
  'event.location': 'Ort',
  'event.address': '{place}: {address}',
  'event.map': '{place} auf der Karte',
  'event.noLocation': 'Noch kein Ort',
  'event.with': 'Mit {names}',
  'event.organiser': 'Organisiert von {name}',
  'event.moreInfo': 'Mehr erfahren',
  'event.addToCalendar': 'In den Kalender',
  'event.duration': 'Dauer: {duration}',
  'event.festival': 'Teil von {name}',
  'event.untitled': 'Veranstaltung ohne Titel',
  'status.confirmed': 'Bestätigt',
  'status.pending': 'Wartet auf Bestätigung',
  'status.denied': 'Abgelehnt',
  'status.percentConfirmed': '{percent} bestätigt',
  'status.resourcesConfirmed': { one: '{confirmed} von {count} Ressource bestätigt', other: '{confirmed} von {count} Ressourcen bestätigt' },
  'status.nothingRequested': 'Braucht keine Ressourcen',
  'status.waitingFor': 'Wartet auf {name}',
  'legend.label': 'Legende',
  'status.declinedBy': 'Abgelehnt von {names}',
  'vote.confirm': '{name} hat zugestimmt',
  'vote.deny': '{name} hat abgelehnt',
  'readOnly.notice': 'Nur lesen: Installiere die Panda-Kit-Erweiterung, um mitzumachen',
  'readOnly.static': 'Programm nur zum Lesen',
  'resource.title': 'Ressource',
  'resource.kind': 'Art',
  'resource.capacity': { one: 'Platz für {count} Veranstaltung gleichzeitig', other: 'Platz für {count} Veranstaltungen gleichzeitig' },
  'resource.owner': 'Betreut von {name}',
  'resource.bookings': 'Buchungen',
  'resource.noBookings': 'Noch nicht gebucht',
  'resource.freeSlots': 'Freie Zeiten',
  'resource.noFreeSlots': 'Keine freien Zeiten mehr',
  'resource.request': 'Anfragen',
  'resource.requested': 'Angefragt',
  'resource.policy.manual': 'Die Besitzerin bestätigt jede Anfrage',
  'resource.policy.firstCome': 'Wer zuerst kommt, mahlt zuerst',
  'resource.policy.quorum': { one: 'Braucht die Zustimmung von {count} Mitglied', other: 'Braucht die Zustimmung von {count} Mitgliedern' },
  'resource.conflict': 'Zu dieser Zeit schon vergeben',
  'resource.blocked': 'Braucht zuerst andere Ressourcen',
  'form.newEvent': 'Neue Veranstaltung',
  'form.editEvent': 'Veranstaltung bearbeiten',
  'form.title': 'Titel',
  'form.description': 'Beschreibung',
  'form.start': 'Beginn',
  'form.end': 'Ende',
  'form.resources': 'Anzufragende Ressourcen',
  'form.location': 'Ort',
  'form.submit': 'Anfragen',
  'form.save': 'Speichern',
  'form.cancel': 'Abbrechen',
  'form.delete': 'Löschen',
  'form.waiting': 'Bitte in der Panda-Kit-Erweiterung bestätigen…',
  'form.created': 'Veranstaltung angelegt: Die Besitzer der Ressourcen wurden gefragt',
  'form.createdNoRequests': 'Veranstaltung angelegt',
  'form.saved': 'Gespeichert',
  'form.error.titleRequired': 'Bitte gib der Veranstaltung einen Titel',
  'form.error.endBeforeStart': 'Das Ende muss nach dem Beginn liegen',
  'form.error.outsideFestival': 'Die Veranstaltung muss zwischen {start} und {end} liegen',
  'connect.button': 'Verbinden',
  'connect.connecting': 'Verbinde…',
  'connect.connected': 'Verbunden als {name}',
  'connect.disconnect': 'Trennen',
  'connect.install': 'Panda-Kit-Erweiterung installieren',
  'connect.noExtension': 'Die Panda-Kit-Erweiterung ist in diesem Browser nicht installiert',
  'connect.why': 'Mit der Erweiterung kannst du Ressourcen anfragen und Veranstaltungen anlegen, signiert auf deinem eigenen Gerät. Ganz ohne Konto.',
  'error.generic': 'Etwas ist schiefgegangen: {message}',
  'error.scheduleInvalid': 'Dieses Programm konnte nicht gelesen werden',
  'error.loadFailed': 'Das Programm konnte nicht geladen werden',
  'error.festivalUnknown': 'Dieses Festival ist hier noch nicht bekannt',
  'error.rejected': 'Du hast die Anfrage in der Erweiterung abgelehnt',
  'error.unauthorized': 'Diese Seite ist nicht mit der Erweiterung verbunden',
  'error.unavailable': 'Die Erweiterung ist nicht erreichbar',
  'error.offline': 'Gerade keine Verbindung zu anderen Peers',
  'schedule.days': 'Tage',
  'schedule.details': 'Details zur Veranstaltung',
  'time.zone': 'Zeitzone',
  'event.close': 'Schließen',
  'event.status': 'Anfragen',
  'readOnly.howTo': 'So machst du mit',
  'resource.unknown': 'Diese Ressource ist hier noch nicht bekannt',
  'resource.unavailable': 'Für dieses Programm gibt es keine Buchungen',
  'resource.slotAvailable': { one: 'Platz für {count} weitere', other: 'Platz für {count} weitere' },
  'resource.onMap': 'Auf der Karte zeigen',
  'resource.address': 'Adresse',
  'resource.website': 'Webseite',
  'form.readOnly': 'Zum Anlegen von Veranstaltungen braucht es die Panda-Kit-Erweiterung, verbunden mit dieser Seite',
  'form.error.timesRequired': 'Bitte gib Beginn und Ende an',
  'form.noResources': 'Noch keine Ressourcen bekannt',
  'form.label': 'Veranstaltung',
  'connect.label': 'Panda-Kit-Identität',
};

export const MESSAGES: { readonly [L in Lang]: { readonly [K in MessageKey]: Message } } = { en, de };

// ---------------------------------------------------------------------------------------
// Typed parameters
// ---------------------------------------------------------------------------------------

type Placeholders<S> = S extends `${string}{${infer Name}}${infer Rest}` ? Name | Placeholders<Rest> : never;
type MessageText<M> = M extends string ? M : M extends Record<string, infer F> ? F : never;
/** The `{placeholders}` of a key's English text (plural messages also take `count`). */
export type ParamsOf<K extends MessageKey> = Placeholders<MessageText<(typeof en)[K]>> | ((typeof en)[K] extends string ? never : 'count');
export type Params<K extends MessageKey> = { readonly [P in ParamsOf<K>]: string | number };
/** `t(key)` for keys without placeholders, `t(key, params)` for the others. */
export type Translate = <K extends MessageKey>(key: K, ...params: [ParamsOf<K>] extends [never] ? [] : [params: Params<K>]) => string;

// ---------------------------------------------------------------------------------------
// Choosing and using a language
// ---------------------------------------------------------------------------------------

const isLang = (value: string): value is Lang => (LANGUAGES as readonly string[]).includes(value);

/**
 * The language to use: the first of the given preferences (an explicit `lang` attribute,
 * then e.g. `navigator.languages`) whose primary subtag we have, else English.
 */
export function resolveLang(...preferences: Array<string | readonly string[] | null | undefined>): Lang {
  for (const preference of preferences.flat()) {
    if (typeof preference !== 'string') continue;
    const primary = preference.trim().toLowerCase().split(/[-_]/)[0] ?? '';
    if (isLang(primary)) return primary;
  }
  return 'en';
}

const plurals = new Map<Lang, Intl.PluralRules>();
const numberFormats = new Map<string, Intl.NumberFormat>();
const pluralRules = (lang: Lang) => plurals.get(lang) ?? plurals.set(lang, new Intl.PluralRules(lang)).get(lang)!;
function numberFormat(lang: Lang, style: 'decimal' | 'percent'): Intl.NumberFormat {
  const key = `${lang}|${style}`;
  return numberFormats.get(key) ?? numberFormats.set(key, new Intl.NumberFormat(lang, { style, maximumFractionDigits: style === 'percent' ? 0 : 3 })).get(key)!;
}

/** The text of `message` for `params`, in `lang`: plural form by `count`, placeholders filled. */
export function formatMessage(lang: Lang, message: Message, params: Readonly<Record<string, string | number>> = {}): string {
  let text: string;
  if (typeof message === 'string') text = message;
  else {
    const count = Number(params.count ?? 0);
    const category = pluralRules(lang).select(count);
    text = message[category] ?? message.other;
  }
  const numbers = numberFormat(lang, 'decimal');
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? numbers.format(value) : value;
  });
}

/** A `t(key, params)` for `lang`. */
export function translator(lang: Lang): Translate {
  const messages = MESSAGES[lang];
  return (key: MessageKey, params?: Record<string, string | number>) => formatMessage(lang, messages[key] ?? en[key], params);
}

/** "75%" / "75 %" (a ratio 0..1; floors so that 99.6% is not shown as 100%). */
export function formatPercent(lang: Lang, ratio: number): string {
  const clamped = Number.isFinite(ratio) ? Math.min(1, Math.max(0, ratio)) : 0;
  return numberFormat(lang, 'percent').format(Math.floor(clamped * 100) / 100);
}

/** "75% confirmed" / "75 % bestätigt". */
export const percentConfirmed = (lang: Lang, confirmation: number): string =>
  translator(lang)('status.percentConfirmed', { percent: formatPercent(lang, confirmation) });

/** "2 of 3 resources confirmed" / "1 von 1 Ressource bestätigt", or "Needs no resources". */
export function resourcesConfirmed(lang: Lang, confirmed: number, requested: number): string {
  const t = translator(lang);
  return requested === 0 ? t('status.nothingRequested') : t('status.resourcesConfirmed', { confirmed, count: requested });
}

/**
 * What to tell a person about an error: by PandaError code, provider RPC code (EIP-1193
 * style: 4001 rejected, 4100 unauthorized, 4900 disconnected), else the generic text.
 */
export function errorMessage(lang: Lang, error: unknown): string {
  const t = translator(lang);
  if (isPandaError(error, 'SCHEDULE_INVALID')) {
    // An unknown festival (the provider or peer has not received it yet), a file that could not be fetched, or bad data.
    if (error.details?.path === 'festival') return t('error.festivalUnknown');
    return error.details?.status !== undefined ? t('error.loadFailed') : t('error.scheduleInvalid');
  }
  const code = isRecord(error) ? error.code : undefined;
  if (code === 4001) return t('error.rejected');
  if (code === 4100) return t('error.unauthorized');
  if (code === 4900) return t('error.unavailable');
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  return message === '' ? t('error.loadFailed') : t('error.generic', { message });
}
