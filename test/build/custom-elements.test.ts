/**
 * dist/widgets/custom-elements.json (written by `npm run build`): every element the bundle
 * defines is documented with its attributes, its `panda-` events, CSS parts and custom
 * properties, as editors and documentation tools read them.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const MANIFEST = fileURLToPath(new URL('../../dist/widgets/custom-elements.json', import.meta.url));

interface Declaration {
  tagName?: string;
  customElement?: boolean;
  summary?: string;
  attributes?: Array<{ name: string; description?: string }>;
  events?: Array<{ name: string; description?: string }>;
  cssParts?: Array<{ name: string }>;
  cssProperties?: Array<{ name: string }>;
}

test(
  'the manifest documents every element: attributes, panda- events, parts and custom properties',
  { skip: existsSync(MANIFEST) ? false : 'run npm run build first' },
  () => {
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as { modules: Array<{ declarations?: Declaration[] }> };
    const elements = new Map(
      manifest.modules
        .flatMap((module) => module.declarations ?? [])
        .filter((item) => item.customElement && item.tagName)
        .map((item) => [item.tagName!, item]),
    );
    assert.deepEqual([...elements.keys()].sort(), [
      'panda-connect',
      'panda-event-form',
      'panda-festival-form',
      'panda-resource',
      'panda-resource-form',
      'panda-schedule',
    ]);
    const expected: Record<string, { attributes: string[]; events: string[] }> = {
      'panda-schedule': {
        attributes: ['festival', 'src', 'signaling', 'lang', 'view', 'day', 'time-zone'],
        events: ['panda-day-change', 'panda-event-select', 'panda-favourite-change', 'panda-source-change'],
      },
      'panda-resource': { attributes: ['resource', 'festival', 'lang'], events: ['panda-request'] },
      'panda-event-form': { attributes: ['festival', 'event', 'lang'], events: ['panda-event-published'] },
      'panda-connect': { attributes: ['lang'], events: ['panda-connect', 'panda-disconnect'] },
      'panda-festival-form': { attributes: ['festival', 'parent', 'lang'], events: ['panda-festival-published'] },
      'panda-resource-form': { attributes: ['festival', 'resource', 'kind', 'lang'], events: ['panda-resource-published', 'panda-source-change'] },
    };
    for (const [tag, element] of elements) {
      const attributes = (element.attributes ?? []).map((attribute) => attribute.name);
      for (const name of expected[tag]!.attributes) assert.ok(attributes.includes(name), `${tag} documents attribute ${name}`);
      const events = (element.events ?? []).map((event) => event.name);
      for (const name of expected[tag]!.events) assert.ok(events.includes(name), `${tag} documents event ${name}`);
      assert.ok(
        events.every((name) => name.startsWith('panda-')),
        `${tag}'s events are prefixed panda-: ${events.join(', ')}`,
      );
      assert.ok((element.cssParts ?? []).length > 0, `${tag} documents its ::part names`);
      assert.ok((element.cssProperties ?? []).length > 0, `${tag} documents its CSS custom properties`);
      for (const event of element.events ?? []) assert.ok(event.description, `${tag} describes ${event.name}`);
    }
  },
);
