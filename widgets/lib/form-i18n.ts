/**
 * The words of `<panda-festival-form>` and `<panda-resource-form>` (and the planner's forms,
 * which share their logic), in English and German, and the per-field messages of their
 * validation: a stable `code` (the festival model's rule code from core/festival/rules.ts,
 * or one of the forms' own) with the text key that says it in words.
 *
 * Kept apart from i18n.ts (whose language choice, plurals and placeholders it uses) so that
 * these texts travel in the forms' chunk, not in what every page loads.
 */
import { brokenRule, type RuleCode } from '../../core/festival/rules.js';
import { formatMessage, type Lang, type Message } from './i18n.js';

const en = {
  'ff.newFestival': 'New festival',
  'ff.newSubFestival': 'New sub-festival',
  'ff.editFestival': 'Edit festival',
  'ff.label': 'Festival',
  'ff.name': 'Name',
  'ff.description': 'Description',
  'ff.start': 'Start',
  'ff.end': 'End',
  'ff.timezone': 'Time zone',
  'ff.timezoneHint': 'Start and end are times in this zone',
  'ff.url': 'Website',
  'ff.image': 'Image URL',
  'ff.parent': 'Part of',
  'ff.noParent': 'None (a festival of its own)',
  'ff.submit': 'Create festival',
  'ff.created': 'Festival created',
  'ff.readOnly': 'Creating festivals needs the Panda Kit extension, connected to this site',
  'rf.newResource': 'New resource',
  'rf.editResource': 'Edit resource',
  'rf.label': 'Resource',
  'rf.kind': 'Kind',
  'rf.kind.location': 'Location (a venue, a room)',
  'rf.kind.thing': 'Thing (a projector, a van)',
  'rf.kind.skill': 'Skill (sound engineering, first aid)',
  'rf.kind.other': 'Something else',
  'rf.otherKind': 'Which kind (one word)',
  'rf.title': 'Title',
  'rf.description': 'Description',
  'rf.where': 'Where',
  'rf.address': 'Address',
  'rf.latitude': 'Latitude',
  'rf.longitude': 'Longitude',
  'rf.positionHint': 'Decimal degrees, e.g. 52.5200 and 13.4050',
  'rf.onMap': 'Show this position on a map',
  'rf.url': 'URL (a web page or an online room)',
  'rf.coordinate': '3D coordinate (metres)',
  'rf.capacity': 'Capacity',
  'rf.capacityHint': 'How many events may hold it at the same time',
  'rf.policy': 'Who decides on requests',
  'rf.policy.fcfs': 'First come, first served (automatic)',
  'rf.policy.manual': 'I confirm each request',
  'rf.policy.quorum': 'A group votes (quorum)',
  'rf.members': 'Members who vote',
  'rf.noPeople': 'Nobody with a profile is known here yet: paste keys below',
  'rf.memberKeys': 'Further members’ public keys (one per line)',
  'rf.quorum': 'How many must confirm',
  'rf.quorumOf': { one: 'of {count} member', other: 'of {count} members' },
  'rf.dependsOn': 'Needs as well',
  'rf.dependsOnHint': 'An event holds this only if it also holds these',
  'rf.noOthers': 'No other resources in this festival yet',
  'rf.submit': 'Register resource',
  'rf.created': 'Resource registered',
  'rf.readOnly': 'Registering resources needs the Panda Kit extension, connected to this site',
  'f.save': 'Save',
  'f.saved': 'Saved',
  'f.waiting': 'Please confirm in the Panda Kit extension…',
  'f.optional': '(optional)',
  'f.error.required': 'Please fill this in',
  'f.error.nameRequired': 'Please give the festival a name',
  'f.error.titleRequired': 'Please give the resource a title',
  'f.error.timesRequired': 'Please give a date and time',
  'f.error.timeRange': 'Please give a date between 1970 and 9999',
  'f.error.endNotAfterStart': 'The end must be after the start',
  'f.error.outsideParent': 'Must lie within the festival it is part of ({start} – {end})',
  'f.error.urlInvalid': 'This is not a web address (it starts with https://)',
  'f.error.urlNotHttp': 'Only http:// and https:// addresses are allowed',
  'f.error.documentId': 'This is not a document id',
  'f.error.parentUnknown': 'This festival is not known here',
  'f.error.resourceUnknown': 'This resource is not part of the festival',
  'f.error.publicKey': 'Each line must be a public key: 64 characters 0–9 and a–f',
  'f.error.number': 'Please give a number',
  'f.error.wholeNumber': 'Please give a whole number from {min} to 1000000',
  'f.error.geoOutside': 'Latitude goes from -90 to 90, longitude from -180 to 180',
  'f.error.latitudeRange': 'Latitude goes from -90 (south) to 90 (north)',
  'f.error.longitudeRange': 'Longitude goes from -180 (west) to 180 (east)',
  'f.error.geoIncomplete': 'Please give both latitude and longitude',
  'f.error.coordinateIncomplete': 'Please give all three: x, y and z',
  'f.error.timezoneUnknown': 'This is not a time zone Panda Kit knows',
  'f.error.quorumRange': 'Between 1 and the number of members ({count})',
  'f.error.kindWord': 'One lower-case word, such as “vehicle”',
  'f.error.invalid': 'This value cannot be used',
} as const satisfies Record<string, Message>;

export type FormMessageKey = keyof typeof en;

const de: { readonly [K in FormMessageKey]: Message } = {
  'ff.newFestival': 'Neues Festival',
  'ff.newSubFestival': 'Neues Unterfestival',
  'ff.editFestival': 'Festival bearbeiten',
  'ff.label': 'Festival',
  'ff.name': 'Name',
  'ff.description': 'Beschreibung',
  'ff.start': 'Beginn',
  'ff.end': 'Ende',
  'ff.timezone': 'Zeitzone',
  'ff.timezoneHint': 'Beginn und Ende sind Zeiten in dieser Zone',
  'ff.url': 'Website',
  'ff.image': 'Bild-URL',
  'ff.parent': 'Teil von',
  'ff.noParent': 'Keinem (ein eigenes Festival)',
  'ff.submit': 'Festival anlegen',
  'ff.created': 'Festival angelegt',
  'ff.readOnly': 'Zum Anlegen von Festivals braucht es die Panda-Kit-Erweiterung, verbunden mit dieser Seite',
  'rf.newResource': 'Neue Ressource',
  'rf.editResource': 'Ressource bearbeiten',
  'rf.label': 'Ressource',
  'rf.kind': 'Art',
  'rf.kind.location': 'Ort (ein Veranstaltungsort, ein Raum)',
  'rf.kind.thing': 'Sache (ein Beamer, ein Transporter)',
  'rf.kind.skill': 'Fähigkeit (Tontechnik, Erste Hilfe)',
  'rf.kind.other': 'Etwas anderes',
  'rf.otherKind': 'Welche Art (ein Wort)',
  'rf.title': 'Titel',
  'rf.description': 'Beschreibung',
  'rf.where': 'Wo',
  'rf.address': 'Adresse',
  'rf.latitude': 'Breitengrad',
  'rf.longitude': 'Längengrad',
  'rf.positionHint': 'Dezimalgrad, z. B. 52,5200 und 13,4050',
  'rf.onMap': 'Diese Position auf einer Karte zeigen',
  'rf.url': 'URL (eine Webseite oder ein Online-Raum)',
  'rf.coordinate': '3D-Koordinate (Meter)',
  'rf.capacity': 'Kapazität',
  'rf.capacityHint': 'Wie viele Veranstaltungen sie gleichzeitig nutzen dürfen',
  'rf.policy': 'Wer über Anfragen entscheidet',
  'rf.policy.fcfs': 'Wer zuerst kommt (automatisch)',
  'rf.policy.manual': 'Ich bestätige jede Anfrage',
  'rf.policy.quorum': 'Eine Gruppe stimmt ab (Quorum)',
  'rf.members': 'Mitglieder, die abstimmen',
  'rf.noPeople': 'Hier ist noch niemand mit Profil bekannt: Schlüssel unten einfügen',
  'rf.memberKeys': 'Öffentliche Schlüssel weiterer Mitglieder (einer pro Zeile)',
  'rf.quorum': 'Wie viele zustimmen müssen',
  'rf.quorumOf': { one: 'von {count} Mitglied', other: 'von {count} Mitgliedern' },
  'rf.dependsOn': 'Braucht außerdem',
  'rf.dependsOnHint': 'Eine Veranstaltung bekommt diese Ressource nur, wenn sie auch diese hat',
  'rf.noOthers': 'Noch keine anderen Ressourcen in diesem Festival',
  'rf.submit': 'Ressource eintragen',
  'rf.created': 'Ressource eingetragen',
  'rf.readOnly': 'Zum Eintragen von Ressourcen braucht es die Panda-Kit-Erweiterung, verbunden mit dieser Seite',
  'f.save': 'Speichern',
  'f.saved': 'Gespeichert',
  'f.waiting': 'Bitte in der Panda-Kit-Erweiterung bestätigen…',
  'f.optional': '(optional)',
  'f.error.required': 'Bitte ausfüllen',
  'f.error.nameRequired': 'Bitte gib dem Festival einen Namen',
  'f.error.titleRequired': 'Bitte gib der Ressource einen Titel',
  'f.error.timesRequired': 'Bitte gib Datum und Uhrzeit an',
  'f.error.timeRange': 'Bitte ein Datum zwischen 1970 und 9999',
  'f.error.endNotAfterStart': 'Das Ende muss nach dem Beginn liegen',
  'f.error.outsideParent': 'Muss innerhalb des übergeordneten Festivals liegen ({start} – {end})',
  'f.error.urlInvalid': 'Das ist keine Webadresse (sie beginnt mit https://)',
  'f.error.urlNotHttp': 'Nur Adressen mit http:// und https:// sind erlaubt',
  'f.error.documentId': 'Das ist keine Dokument-ID',
  'f.error.parentUnknown': 'Dieses Festival ist hier nicht bekannt',
  'f.error.resourceUnknown': 'Diese Ressource gehört nicht zum Festival',
  'f.error.publicKey': 'Jede Zeile muss ein öffentlicher Schlüssel sein: 64 Zeichen 0–9 und a–f',
  'f.error.number': 'Bitte gib eine Zahl an',
  'f.error.wholeNumber': 'Bitte eine ganze Zahl von {min} bis 1000000',
  'f.error.geoOutside': 'Breitengrad von -90 bis 90, Längengrad von -180 bis 180',
  'f.error.latitudeRange': 'Breitengrad von -90 (Süden) bis 90 (Norden)',
  'f.error.longitudeRange': 'Längengrad von -180 (Westen) bis 180 (Osten)',
  'f.error.geoIncomplete': 'Bitte Breiten- und Längengrad angeben',
  'f.error.coordinateIncomplete': 'Bitte alle drei angeben: x, y und z',
  'f.error.timezoneUnknown': 'Diese Zeitzone kennt Panda Kit nicht',
  'f.error.quorumRange': 'Zwischen 1 und der Zahl der Mitglieder ({count})',
  'f.error.kindWord': 'Ein kleingeschriebenes Wort, etwa „fahrzeug“',
  'f.error.invalid': 'Dieser Wert geht nicht',
};

/** The forms' own codes, beside the festival model's rule codes. */
export type FormCode =
  'required' | 'number' | 'geo-incomplete' | 'coordinate-incomplete' | 'outside-parent' | 'parent-unknown' | 'resource-unknown' | 'kind-word';

/** One field's message: a stable code, and the words for it. */
export interface FieldError {
  code: RuleCode | FormCode;
  key: FormMessageKey;
  params?: Readonly<Record<string, string | number>>;
}

const KEY_OF_CODE: Partial<Record<RuleCode | FormCode, FormMessageKey>> = {
  required: 'f.error.required',
  number: 'f.error.number',
  'time-range': 'f.error.timeRange',
  'count-range': 'f.error.wholeNumber',
  'end-not-after-start': 'f.error.endNotAfterStart',
  'url-invalid': 'f.error.urlInvalid',
  'url-not-http': 'f.error.urlNotHttp',
  'document-id': 'f.error.documentId',
  'public-key': 'f.error.publicKey',
  'geo-invalid': 'f.error.geoOutside',
  'geo-outside': 'f.error.geoOutside',
  'geo-incomplete': 'f.error.geoIncomplete',
  'coordinate-invalid': 'f.error.coordinateIncomplete',
  'coordinate-incomplete': 'f.error.coordinateIncomplete',
  'timezone-unknown': 'f.error.timezoneUnknown',
  'quorum-range': 'f.error.quorumRange',
  'outside-parent': 'f.error.outsideParent',
  'parent-unknown': 'f.error.parentUnknown',
  'resource-unknown': 'f.error.resourceUnknown',
  'kind-word': 'f.error.kindWord',
};

/** The message for `code` (a `key` to say it more precisely for this field, if given). */
export function fieldError(code: RuleCode | FormCode, params?: Readonly<Record<string, string | number>>, key?: FormMessageKey): FieldError {
  const error: FieldError = { code, key: key ?? KEY_OF_CODE[code] ?? 'f.error.invalid' };
  if (params) error.params = params;
  return error;
}

/** Runs one of the model's rules on a field's value: its error, or undefined when it passes. */
export function ruleError(check: () => unknown, params?: Readonly<Record<string, string | number>>): FieldError | undefined {
  const broken = brokenRule(check);
  return broken ? fieldError(broken, params) : undefined;
}

export type FormTranslate = (key: FormMessageKey, params?: Readonly<Record<string, string | number>>) => string;

export const FORM_MESSAGES: { readonly [L in Lang]: { readonly [K in FormMessageKey]: Message } } = { en, de };

/** A `t(key, params)` for the forms' words in `lang`. */
export function formTranslator(lang: Lang): FormTranslate {
  const messages = FORM_MESSAGES[lang];
  return (key, params) => formatMessage(lang, messages[key] ?? en[key], params);
}

/** A field error in words. */
export const errorText = (t: FormTranslate, error: FieldError): string => t(error.key, error.params);
