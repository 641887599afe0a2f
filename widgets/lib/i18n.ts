/**
 * Interface texts of the widgets (schedule, resource, event form, connect) in English and
 * German. `translator(lang)` gives a `t(key, params)` whose keys, and each key's
 * `{placeholders}`, are checked by TypeScript. Messages that depend on a number have plural
 * forms chosen by Intl.PluralRules from the `count` parameter; numbers are formatted for
 * the language. DOM-free: pass `navigator.languages` in from the page.
 */
import { isPandaError } from '../../core/errors.js';
import { isRecord } from '../../core/guards.js';
import { de } from './messages-de.js';
import { en, type Message, type MessageKey } from './messages-en.js';

export const LANGUAGES = ['en', 'de'] as const;
export type Lang = (typeof LANGUAGES)[number];

export type { Message, MessageKey } from './messages-en.js';

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
