/**
 * The festival and resource forms' logic (DOM-free, shared with the planner): each rule's
 * code on its field, the publish parameters, and agreement with the festival model. What the
 * forms accept, a FestivalNode signs and its model lists as valid; for each of the model's
 * rules the forms refuse, the node refuses the same raw value (DOCUMENT_INVALID): the forms
 * and the model apply the same functions (core/festival/rules.ts).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FestivalNode, hashingReady, isPandaError, KeyPair, MemoryStore } from '../../core/index.js';
import {
  emptyFestival,
  festivalPublishParams,
  festivalValuesOf,
  timeZoneOptions,
  validateFestival,
  type FestivalValues,
} from '../../widgets/festival-form/festival-logic.js';
import { formTranslator, errorText, FORM_MESSAGES } from '../../widgets/lib/form-i18n.js';
import {
  allMembers,
  decimal,
  emptyResource,
  positionOf,
  resourcePublishParams,
  resourceValuesOf,
  validateResource,
  type ResourceValues,
} from '../../widgets/resource-form/resource-logic.js';

const ZONE = 'Europe/Lisbon';
const T = (iso: string) => Date.parse(iso) / 1000;
const festival = (change: Partial<FestivalValues> = {}): FestivalValues => ({
  ...emptyFestival('', ZONE),
  name: 'Test Fest',
  start: '2027-06-04T14:00',
  end: '2027-06-07T02:00',
  ...change,
});
const resource = (change: Partial<ResourceValues> = {}): ResourceValues => ({ ...emptyResource(), title: 'Klangkeller', ...change });
const codes = (errors: Record<string, { code: string } | undefined>) =>
  Object.fromEntries(Object.entries(errors).map(([field, error]) => [field, error!.code]));
const KEY_A = 'a1'.repeat(32);
const KEY_B = 'b2'.repeat(32);
const PARENT = { id: '0020' + 'aa'.repeat(32), name: 'Main', start: T('2027-06-01T00:00:00Z'), end: T('2027-06-10T00:00:00Z'), timezone: ZONE };

describe('festival form logic', () => {
  test('reads start and end on the wall clock of the chosen zone (Lisbon is UTC+1 in June)', () => {
    const checked = validateFestival(festival());
    assert.deepEqual(checked.errors, {});
    assert.equal(checked.fields!.start, T('2027-06-04T13:00:00Z'));
    assert.equal(checked.fields!.end, T('2027-06-07T01:00:00Z'));
    assert.deepEqual(festivalPublishParams(checked.fields!), {
      type: 'festival',
      action: 'create',
      fields: {
        name: 'Test Fest',
        description: '',
        start: T('2027-06-04T13:00:00Z'),
        end: T('2027-06-07T01:00:00Z'),
        timezone: ZONE,
        parent: '',
        image: '',
        url: '',
      },
    });
    assert.deepEqual(festivalPublishParams(checked.fields!, PARENT.id).action, 'update');
    assert.deepEqual(festivalValuesOf({ ...checked.fields!, name: 'Test Fest' }), festival());
  });

  test('each rule names its field and code', () => {
    const cases: Array<[Partial<FestivalValues>, Record<string, string>]> = [
      [{ name: ' ' }, { name: 'required' }],
      [{ start: '' }, { start: 'required' }],
      [{ end: '2027-06-04T14:00' }, { end: 'end-not-after-start' }],
      [{ end: '2027-06-03T14:00' }, { end: 'end-not-after-start' }],
      [{ start: '1969-12-31T00:00', timezone: 'UTC' }, { start: 'time-range' }],
      [{ timezone: 'Mars/Olympus' }, { timezone: 'timezone-unknown' }],
      [{ url: 'javascript:alert(1)' }, { url: 'url-not-http' }],
      [{ url: 'www.example.org' }, { url: 'url-invalid' }],
      [{ image: 'data:image/png;base64,AAAA' }, { image: 'url-not-http' }],
      [{ parent: 'nope' }, { parent: 'document-id' }],
    ];
    for (const [change, expected] of cases) {
      const checked = validateFestival(festival(change));
      assert.deepEqual(codes(checked.errors), expected, JSON.stringify(change));
      assert.equal(checked.fields, undefined, 'nothing to sign');
    }
  });

  test('a sub-festival lies within its known parent; an unknown parent is refused where the festivals are known', () => {
    const context = { festivals: [PARENT] };
    assert.deepEqual(validateFestival(festival({ parent: PARENT.id }), context).errors, {});
    assert.deepEqual(codes(validateFestival(festival({ parent: PARENT.id, end: '2027-06-11T00:00' }), context).errors), { end: 'outside-parent' });
    assert.deepEqual(codes(validateFestival(festival({ parent: PARENT.id, start: '2027-05-31T12:00' }), context).errors), { start: 'outside-parent' });
    assert.deepEqual(codes(validateFestival(festival({ parent: '0020' + 'bb'.repeat(32) }), context).errors), { parent: 'parent-unknown' });
    assert.deepEqual(codes(validateFestival(festival({ parent: PARENT.id }), { ...context, self: PARENT.id }).errors), { parent: 'parent-unknown' });
    assert.deepEqual(validateFestival(festival({ parent: '0020' + 'bb'.repeat(32) })).errors, {}, 'without a list, any document id');
  });

  test('time zones: Intl’s list with UTC and the current one', () => {
    const zones = timeZoneOptions('Europe/Lisbon');
    assert.ok(zones.length > 300 && zones.includes('UTC') && zones.includes('Europe/Lisbon') && zones.includes('America/Sao_Paulo'));
    assert.deepEqual(zones, [...zones].sort());
  });

  test('every message exists in English and German, and reads as words', () => {
    assert.deepEqual(Object.keys(FORM_MESSAGES.de).sort(), Object.keys(FORM_MESSAGES.en).sort());
    const error = validateFestival(festival({ parent: PARENT.id, end: '2027-06-11T00:00' }), { festivals: [PARENT] }).errors.end!;
    assert.equal(errorText(formTranslator('en'), error), 'Must lie within the festival it is part of (2027-06-01 01:00 – 2027-06-10 01:00)');
    assert.equal(errorText(formTranslator('de'), error), 'Muss innerhalb des übergeordneten Festivals liegen (2027-06-01 01:00 – 2027-06-10 01:00)');
  });
});

describe('resource form logic', () => {
  const known = { resources: ['0020' + 'cc'.repeat(32), '0020' + 'dd'.repeat(32)] };

  test('a location with address, GPS position (geo URI and map link), URL and 3D coordinate', () => {
    const values = resource({
      address: 'Rua Augusta 1',
      latitude: '38,7139',
      longitude: '-9.1394',
      url: 'https://room.example/a',
      x: '1.5',
      y: '-2',
      z: '0',
      capacity: '3',
      dependsOn: [known.resources[0]!],
    });
    assert.deepEqual(positionOf(values), {
      uri: 'geo:38.7139,-9.1394',
      mapUrl: 'https://www.openstreetmap.org/?mlat=38.713900&mlon=-9.139400#map=17/38.713900/-9.139400',
    });
    const checked = validateResource(values, known);
    assert.deepEqual(checked.errors, {});
    assert.deepEqual(checked.fields, {
      title: 'Klangkeller',
      description: '',
      kind: 'location',
      position: 'geo:38.7139,-9.1394',
      address: 'Rua Augusta 1',
      url: 'https://room.example/a',
      coordinate: '1.5,-2,0',
      capacity: 3,
      policy: 'manual',
      quorum: 0,
      members: [],
      dependsOn: [known.resources[0]],
    });
    const update = resourcePublishParams(checked.fields, { documentId: known.resources[1]! });
    const { dependsOn, ...rest } = checked.fields;
    assert.deepEqual(update.fields, { ...rest, members: '', depends_on: dependsOn.join(' ') }, 'an update names fields as the schema does');
    assert.equal(decimal(' 1e5 '), undefined);
    assert.equal(decimal('-0,5'), -0.5);
  });

  test('each rule names its field and code', () => {
    const cases: Array<[Partial<ResourceValues>, Record<string, string>]> = [
      [{ title: '' }, { title: 'required' }],
      [{ kind: 'other', otherKind: 'Big Van' }, { kind: 'kind-word' }],
      [{ kind: 'other', otherKind: '' }, { kind: 'kind-word' }],
      [{ latitude: '52.5' }, { longitude: 'geo-incomplete' }],
      [{ longitude: '13' }, { latitude: 'geo-incomplete' }],
      [{ latitude: 'north', longitude: '13' }, { latitude: 'number' }],
      [{ latitude: '90.5', longitude: '13' }, { latitude: 'geo-outside' }],
      [{ latitude: '52', longitude: '180.1' }, { longitude: 'geo-outside' }],
      [{ url: 'ftp://files.example' }, { url: 'url-not-http' }],
      [{ url: 'room 3' }, { url: 'url-invalid' }],
      [{ x: '1', y: '2' }, { coordinate: 'coordinate-incomplete' }],
      [{ x: '1', y: 'two', z: '3' }, { coordinate: 'number' }],
      [{ capacity: '0' }, { capacity: 'count-range' }],
      [{ capacity: '1000001' }, { capacity: 'count-range' }],
      [{ capacity: '' }, { capacity: 'required' }],
      [{ capacity: '2.5' }, { capacity: 'number' }],
      [{ policy: 'quorum', members: [KEY_A], quorum: '2' }, { quorum: 'quorum-range' }],
      [{ policy: 'quorum', members: [], quorum: '1' }, { quorum: 'quorum-range' }],
      [{ policy: 'quorum', members: [KEY_A], quorum: '0' }, { quorum: 'count-range' }],
      [{ policy: 'quorum', memberKeys: `${KEY_B}\nAB12`, quorum: '1' }, { members: 'public-key' }],
      [{ dependsOn: ['0020' + 'ee'.repeat(32)] }, { dependsOn: 'resource-unknown' }],
    ];
    for (const [change, expected] of cases) {
      const checked = validateResource(resource(change), known);
      assert.deepEqual(codes(checked.errors), expected, JSON.stringify(change));
      assert.equal(checked.fields, undefined, 'nothing to sign');
    }
    assert.deepEqual(
      codes(validateResource(resource({ dependsOn: [known.resources[0]!] }), { ...known, self: known.resources[0]! }).errors),
      { dependsOn: 'resource-unknown' },
      'not on itself',
    );
  });

  test('quorum members: picked and pasted, without repeats; values of an existing resource', () => {
    const values = resource({ policy: 'quorum', members: [KEY_A], memberKeys: `${KEY_B}\n${KEY_A}  `, quorum: '2' });
    assert.deepEqual(allMembers(values), [KEY_A, KEY_B]);
    const checked = validateResource(values, known);
    assert.deepEqual(checked.fields && [checked.fields.members, checked.fields.quorum], [[KEY_A, KEY_B], 2]);
    const back = resourceValuesOf(
      { title: 'Skill', kind: 'first-aid', policy: 'quorum', quorum: 2, members: [KEY_A, KEY_B], location: { position: { latitude: 1, longitude: 2 } } },
      [KEY_A],
    );
    assert.deepEqual(
      [back.kind, back.otherKind, back.members, back.memberKeys, back.latitude, back.longitude],
      ['other', 'first-aid', [KEY_A], KEY_B, '1', '2'],
    );
  });
});

describe('the forms and the festival model agree', () => {
  test('what the forms accept, the node signs and the model lists as valid', async () => {
    await hashingReady();
    const node = new FestivalNode(new MemoryStore());
    const owner = new KeyPair();
    const main = validateFestival(festival({ url: 'https://fest.example', image: 'https://fest.example/a.png' }));
    const { documentId: festivalId } = await node.createFestival(owner, main.fields!);
    const sub = validateFestival(festival({ name: 'Kids', parent: festivalId, start: '2027-06-05T10:00', end: '2027-06-05T18:00' }), {
      festivals: [{ id: festivalId, ...main.fields! }],
    });
    assert.deepEqual(sub.errors, {});
    await node.createFestival(owner, sub.fields!);
    const venue = validateResource(resource({ address: 'Rua Augusta 1', latitude: '38.7139', longitude: '-9.1394', capacity: '2', x: '1', y: '2', z: '3.5' }), {
      resources: [],
    });
    const { documentId: venueId } = await node.createResource(owner, { festival: festivalId, ...venue.fields! });
    const skill = validateResource(
      resource({ title: 'Sound', kind: 'skill', policy: 'quorum', memberKeys: [KEY_A, KEY_B, 'c3'.repeat(32)].join('\n'), quorum: '2', dependsOn: [venueId] }),
      { resources: [venueId] },
    );
    assert.deepEqual(skill.errors, {});
    await node.createResource(owner, { festival: festivalId, ...skill.fields! });
    const model = await node.model();
    assert.deepEqual(model.invalid, []);
    assert.equal(model.festivals.size, 2);
    assert.deepEqual(model.resources.get(venueId)!.location, {
      address: 'Rua Augusta 1',
      position: { latitude: 38.7139, longitude: -9.1394 },
      coordinate: { x: 1, y: 2, z: 3.5 },
    });
    assert.equal([...model.resources.values()].find((item) => item.title === 'Sound')!.quorum, 2);
  });

  test('for each model rule the forms refuse, the node refuses the same value', async () => {
    await hashingReady();
    const node = new FestivalNode(new MemoryStore());
    const owner = new KeyPair();
    const base = validateFestival(festival()).fields!;
    const { documentId: festivalId } = await node.createFestival(owner, base);
    const refused = async (create: () => Promise<unknown>, what: string) => assert.rejects(create, (error) => isPandaError(error, 'DOCUMENT_INVALID'), what);
    await refused(() => node.createFestival(owner, { ...base, end: base.start }), 'end-not-after-start');
    await refused(() => node.createFestival(owner, { ...base, url: 'javascript:alert(1)' }), 'url-not-http');
    await refused(() => node.createFestival(owner, { ...base, timezone: 'Mars/Olympus' }), 'timezone-unknown');
    const plain = { festival: festivalId, title: 'X', kind: 'location' };
    await refused(() => node.createResource(owner, { ...plain, position: 'geo:90.5,13' }), 'geo-outside');
    await refused(() => node.createResource(owner, { ...plain, coordinate: '1,2' }), 'coordinate-invalid');
    await refused(() => node.createResource(owner, { ...plain, capacity: 0 }), 'count-range');
    await refused(() => node.createResource(owner, { ...plain, policy: 'quorum', members: [KEY_A], quorum: 2 }), 'quorum-range');
    await refused(() => node.createResource(owner, { ...plain, policy: 'quorum', members: ['AB12'], quorum: 1 }), 'public-key');
    for (const [change, code] of [
      [{ end: '2027-06-04T14:00' }, 'end-not-after-start'],
      [{ url: 'javascript:alert(1)' }, 'url-not-http'],
      [{ timezone: 'Mars/Olympus' }, 'timezone-unknown'],
    ] as const) {
      assert.equal(Object.values(validateFestival(festival(change)).errors)[0]!.code, code);
    }
  });
});
