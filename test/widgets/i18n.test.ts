/**
 * Interface texts: both languages complete with the same placeholders, language choice,
 * plurals through Intl.PluralRules, percentages, error messages.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { PandaError } from '../../core/index.js';
import {
  LANGUAGES,
  MESSAGES,
  errorMessage,
  formatMessage,
  percentConfirmed,
  resolveLang,
  resourcesConfirmed,
  translator,
  type Message,
} from '../../widgets/lib/i18n.js';

const forms = (message: Message) =>
  typeof message === 'string' ? [message] : Object.values(message).filter((form): form is string => typeof form === 'string');
const placeholders = (message: Message) => new Set(forms(message).flatMap((form) => [...form.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!)));

describe('i18n', () => {
  test('every key in every language, with the same placeholders and plural shape', () => {
    const keys = Object.keys(MESSAGES.en).sort();
    assert.ok(keys.length >= 90);
    for (const lang of LANGUAGES) {
      assert.deepEqual(Object.keys(MESSAGES[lang]).sort(), keys, lang);
      for (const key of keys) {
        const message = MESSAGES[lang][key as keyof typeof MESSAGES.en];
        const english = MESSAGES.en[key as keyof typeof MESSAGES.en];
        assert.deepEqual(placeholders(message), placeholders(english), `${lang} ${key}`);
        assert.equal(typeof message, typeof english, `${lang} ${key}`);
        for (const form of forms(message)) assert.ok(form.trim() !== '', `${lang} ${key}`);
      }
    }
  });

  test('the strings the widgets need are there', () => {
    const t = translator('en');
    assert.equal(t('view.list'), 'List');
    assert.equal(t('view.grid'), 'Grid');
    assert.equal(t('view.nowNext'), 'Now & next');
    assert.equal(t('day.today'), 'Today');
    assert.equal(t('readOnly.notice'), 'Read-only: install the Panda Kit extension to take part');
    assert.equal(t('resource.request'), 'Request');
    assert.equal(t('connect.button'), 'Connect');
    const de = translator('de');
    assert.equal(de('view.list'), 'Liste');
    assert.equal(de('day.today'), 'Heute');
    assert.equal(de('connect.button'), 'Verbinden');
    assert.equal(de('readOnly.notice'), 'Nur lesen: Installiere die Panda-Kit-Erweiterung, um mitzumachen');
  });

  test('language from an explicit lang, then the browser’s list, else English', () => {
    assert.equal(resolveLang('de'), 'de');
    assert.equal(resolveLang('de-AT'), 'de');
    assert.equal(resolveLang('DE_ch'), 'de');
    assert.equal(resolveLang(undefined, ['fr-FR', 'de-DE', 'en']), 'de');
    assert.equal(resolveLang('en', ['de-DE']), 'en');
    assert.equal(resolveLang('', null, ['fr', 'it']), 'en');
    assert.equal(resolveLang(), 'en');
  });

  test('parameters and plurals', () => {
    const en = translator('en');
    const de = translator('de');
    assert.equal(en('connect.connected', { name: 'Alice' }), 'Connected as Alice');
    assert.equal(en('schedule.eventCount', { count: 1 }), '1 event');
    assert.equal(en('schedule.eventCount', { count: 0 }), '0 events');
    assert.equal(en('schedule.eventCount', { count: 1234 }), '1,234 events');
    assert.equal(de('schedule.eventCount', { count: 1 }), '1 Veranstaltung');
    assert.equal(de('schedule.eventCount', { count: 1234 }), '1.234 Veranstaltungen');
    assert.equal(en('status.resourcesConfirmed', { confirmed: 2, count: 3 }), '2 of 3 resources confirmed');
    assert.equal(de('status.resourcesConfirmed', { confirmed: 1, count: 1 }), '1 von 1 Ressource bestätigt');
    assert.equal(formatMessage('en', 'Hi {name}, {missing}', { name: 'Bo' }), 'Hi Bo, {missing}');
  });

  test('keys and their parameters are checked by TypeScript', () => {
    const t = translator('en');
    // Never run: these lines are for the type checker (npx tsc), which must reject each.
    const typeChecks = () => {
      // @ts-expect-error: no such key
      t('view.lists');
      // @ts-expect-error: the text takes {name}
      t('connect.connected');
      // @ts-expect-error: wrong parameter name
      t('connect.connected', { user: 'x' });
      // @ts-expect-error: a plural text needs count
      t('schedule.eventCount', {});
      // @ts-expect-error: this text takes no parameters
      t('view.list', { count: 1 });
    };
    assert.equal(typeof typeChecks, 'function');
  });

  test('percent confirmed in each language', () => {
    assert.equal(percentConfirmed('en', 0.75), '75% confirmed');
    assert.equal(percentConfirmed('de', 0.75), '75\u00a0% bestätigt');
    assert.equal(percentConfirmed('en', 2 / 3), '66% confirmed');
    assert.equal(percentConfirmed('en', 0.999), '99% confirmed'); // never rounded up to 100%
    assert.equal(percentConfirmed('en', 1), '100% confirmed');
    assert.equal(percentConfirmed('en', Number.NaN), '0% confirmed');
    assert.equal(resourcesConfirmed('en', 0, 0), 'Needs no resources');
    assert.equal(resourcesConfirmed('de', 3, 4), '3 von 4 Ressourcen bestätigt');
  });

  test('errors in words', () => {
    assert.equal(errorMessage('en', new PandaError('SCHEDULE_INVALID', 'x')), 'This schedule could not be read');
    assert.equal(errorMessage('en', new PandaError('SCHEDULE_INVALID', 'x', { path: 'festival' })), 'This festival is not known here yet');
    assert.equal(errorMessage('de', new PandaError('SCHEDULE_INVALID', 'x', { status: 404 })), 'Das Programm konnte nicht geladen werden');
    assert.equal(errorMessage('de', { code: 4001, message: 'rejected' }), 'Du hast die Anfrage in der Erweiterung abgelehnt');
    assert.equal(errorMessage('en', { code: 4100 }), 'This site is not connected to the extension');
    assert.equal(errorMessage('en', { code: 4900 }), 'The extension is not available');
    assert.equal(errorMessage('en', new Error('boom')), 'Something went wrong: boom');
    assert.equal(errorMessage('de', undefined), 'Das Programm konnte nicht geladen werden');
  });
});
