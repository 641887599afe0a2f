/**
 * Issue 13, findings 1-3, 8 and 10 in the background (Node): a site sees only the festivals
 * it was granted; joining asks and cannot take over another's festival; grants and prompts
 * follow what is signed; questions are limited per registrable domain and in all.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApprovalQueue, siteOf } from '../../extension/background/approvals.js';
import { MAX_FESTIVALS_PER_SITE } from '../../extension/background/festival-settings.js';
import { ProviderErrorCode, ProviderRpcError } from '../../extension/shared/protocol.js';
import { code, HOUR, setup, T0 } from './router-support.js';

const rejection = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error instanceof ProviderRpcError ? { code: error.code, message: error.message } : error;
  }
  return 'answered';
};
const someId = (n: number) => `0020${n.toString(16).padStart(64, '0')}`;

describe('finding 1: a site sees only what it was granted', () => {
  test("another site's festival answers 4100 in panda_festivals, panda_query and publishing, exactly as one that does not exist", async () => {
    const { router, site, festival, cellar, connectWithFestival, node, organiser } = await setup();
    await connectWithFestival();
    const other = { origin: 'https://other.example' };
    await router.handle(other, { method: 'panda_connect' });
    assert.deepEqual(await router.handle(site, { method: 'panda_festivals' }), [festival]);
    assert.deepEqual(await router.handle(other, { method: 'panda_festivals' }), []);
    const event = await node.createEvent(organiser, { festival, title: 'Secret meeting', start: T0, end: T0 + HOUR, resources: [cellar] });
    const missing = someId(7);
    const queries = (id: string, resource: string) => [
      { query: 'festival', festivalId: id },
      { query: 'schedule', festivalId: id },
      { query: 'resource', resourceId: resource },
      { query: 'bookings', resourceId: resource },
      { query: 'freeSlots', resourceId: resource },
      { query: 'conflicts', resourceId: resource },
    ];
    const real = queries(festival, cellar);
    const fake = queries(missing, someId(8));
    for (let index = 0; index < real.length; index++) {
      const [existing, absent] = [
        await rejection(router.handle(other, { method: 'panda_query', params: real[index] })),
        await rejection(router.handle(other, { method: 'panda_query', params: fake[index] })),
      ];
      assert.deepEqual(
        existing,
        { code: ProviderErrorCode.UNAUTHORIZED, message: 'This site was not granted that festival (or it does not exist)' },
        JSON.stringify(real[index]),
      );
      assert.deepEqual(existing, absent, 'indistinguishable from nothing');
    }
    // Lists leave out what is not granted; the granted site sees it all.
    assert.deepEqual(await router.handle(other, { method: 'panda_query', params: { query: 'conflicts' } }), []);
    assert.deepEqual(await router.handle(other, { method: 'panda_query', params: { query: 'pending' } }), []);
    assert.deepEqual(
      ((await router.handle(site, { method: 'panda_query', params: { query: 'schedule', festivalId: festival } })) as Array<{ event: { title: string } }>).map(
        (item) => item.event.title,
      ),
      ['Secret meeting'],
    );
    // Writing into it, or changing its documents, is as refused as reading.
    for (const params of [
      { type: 'event', fields: { festival, title: 'x', start: T0, end: T0 + HOUR } },
      { type: 'event', action: 'update', documentId: event.documentId, fields: { title: 'Taken over' } },
      { type: 'festival', action: 'delete', documentId: festival },
      { type: 'authorization', fields: { resource: cellar, event: event.documentId, decision: 'deny' } },
    ]) {
      await assert.rejects(router.handle(other, { method: 'panda_publish', params }), code(ProviderErrorCode.UNAUTHORIZED), JSON.stringify(params));
    }
  });

  test('a festival a site created is granted to it; festivalChanged reaches a site only when what it sees changed', async () => {
    const { router, site, connectWithFestival, festival } = await setup();
    const other = { origin: 'https://other.example' };
    await router.handle(other, { method: 'panda_connect' });
    const heard = { site: 0, other: 0 };
    router.subscribe(site.origin, (event) => void (event === 'festivalChanged' && heard.site++));
    router.subscribe(other.origin, (event) => void (event === 'festivalChanged' && heard.other++));
    await connectWithFestival();
    await router.notifyChanged();
    const before = { ...heard };
    await router.handle(site, { method: 'panda_publish', params: { type: 'event', fields: { festival, title: 'Talk', start: T0, end: T0 + HOUR } } });
    await router.notifyChanged();
    assert.equal(heard.site, before.site + 1, 'the granted site hears of its change');
    assert.equal(heard.other, before.other, 'the other site hears nothing');
    // The other site's own festival: granted to it, and it hears of its changes, not of the first site's.
    const own = (await router.handle(other, { method: 'panda_publish', params: { type: 'festival', fields: { name: 'Own', start: T0, end: T0 + HOUR } } })) as {
      documentId: string;
    };
    assert.deepEqual(await router.handle(other, { method: 'panda_festivals' }), [own.documentId]);
    await router.notifyChanged();
    assert.equal(heard.other, before.other + 1);
    assert.equal(heard.site, before.site + 1);
  });
});

describe('finding 2: joining asks, is capped, and takes nothing over', () => {
  test("joining names the festival and its servers; a second site's join keeps the first one's secret and servers; caps per site; revoking leaves what only it joined", async () => {
    const { router, site, festival, settings, questions, configured } = await setup();
    await router.handle(site, { method: 'panda_connect' });
    assert.equal(
      await router.handle(site, { method: 'panda_joinFestival', params: { festivalId: festival, signaling: ['ws://127.0.0.1:1'], secret: 'original' } }),
      true,
    );
    assert.equal(questions.at(-1)!.kind, 'join');
    assert.deepEqual(questions.at(-1)!.details, [
      { label: 'Festival', value: `Hoffnung 3000 (${festival.slice(4, 12)}…)` },
      { label: 'Servers that will learn this festival', value: 'ws://127.0.0.1:1' },
      { label: 'Secret', value: 'given' },
    ]);
    assert.equal(configured(), 1);
    const evil = { origin: 'https://evil.example' };
    await router.handle(evil, { method: 'panda_connect' });
    await router.handle(evil, { method: 'panda_joinFestival', params: { festivalId: festival, signaling: ['ws://evil.example:2'], secret: 'mine' } });
    assert.equal(questions.at(-1)!.details![1]!.label, 'Servers (not used: it keeps its own)');
    assert.deepEqual(
      settings.peerConfig(),
      { festivals: [{ festivalId: festival, signaling: ['ws://127.0.0.1:1'], secret: 'original' }] },
      'secret and servers unchanged',
    );
    // Caps: festivals per site, servers per site.
    for (let n = 0; n < MAX_FESTIVALS_PER_SITE - 1; n++)
      await router.handle(evil, { method: 'panda_joinFestival', params: { festivalId: someId(n), signaling: ['ws://evil.example:2'] } });
    const over = await rejection(router.handle(evil, { method: 'panda_joinFestival', params: { festivalId: someId(99), signaling: ['ws://evil.example:2'] } }));
    assert.equal((over as { code: number }).code, ProviderErrorCode.INVALID_PARAMS);
    const third = { origin: 'https://third.example' };
    await router.handle(third, { method: 'panda_connect' });
    await router.handle(third, { method: 'panda_joinFestival', params: { festivalId: someId(50), signaling: ['ws://a:1', 'ws://a:2', 'ws://a:3'] } });
    await assert.rejects(
      router.handle(third, { method: 'panda_joinFestival', params: { festivalId: someId(51), signaling: ['ws://a:4', 'ws://a:5'] } }),
      code(ProviderErrorCode.INVALID_PARAMS),
    );
    // Revoking: the festivals only it joined are left; the shared one stays with the first site's servers.
    const count = settings.ids().length;
    await router.revoke(evil.origin);
    assert.equal(settings.ids().length, count - (MAX_FESTIVALS_PER_SITE - 1));
    assert.deepEqual(
      settings.peerConfig().festivals.find((item) => item.festivalId === festival),
      { festivalId: festival, signaling: ['ws://127.0.0.1:1'], secret: 'original' },
    );
    assert.ok(
      settings.peerConfig().festivals.every((item) => !item.signaling.includes('ws://evil.example:2')),
      'no festival uses its server any more',
    );
  });

  test('a denied join is 4001 and changes nothing', async () => {
    const { router, site, festival, settings, permissions } = await setup((_description, kind) => (kind === 'join' ? 'deny' : 'approve-once'));
    await router.handle(site, { method: 'panda_connect' });
    await assert.rejects(
      router.handle(site, { method: 'panda_joinFestival', params: { festivalId: festival, signaling: ['ws://127.0.0.1:1'] } }),
      code(ProviderErrorCode.USER_REJECTED),
    );
    assert.deepEqual(settings.ids(), []);
    assert.deepEqual(permissions.festivalsOf(site.origin), []);
  });
});

describe('finding 3: grants and prompts follow what will be signed', () => {
  test('"always allow changing events" cannot rename or delete a festival: a type that does not match the document is -32602', async () => {
    const { router, site, festival, connectWithFestival, store, questions } = await setup(() => 'approve-always');
    await connectWithFestival();
    const talk = (await router.handle(site, {
      method: 'panda_publish',
      params: { type: 'event', fields: { festival, title: 'Talk', start: T0, end: T0 + HOUR } },
    })) as { documentId: string };
    await router.handle(site, {
      method: 'panda_publish',
      params: { type: 'event', action: 'update', documentId: talk.documentId, fields: { title: 'Talk 2' } },
    });
    await router.handle(site, { method: 'panda_publish', params: { type: 'event', action: 'delete', documentId: talk.documentId } });
    const logs = (await store.getLogs()).length;
    const asked = questions.length;
    await assert.rejects(
      router.handle(site, { method: 'panda_publish', params: { type: 'event', action: 'update', documentId: festival, fields: { name: 'Renamed' } } }),
      code(ProviderErrorCode.INVALID_PARAMS),
    );
    await assert.rejects(
      router.handle(site, { method: 'panda_publish', params: { type: 'event', action: 'delete', documentId: festival } }),
      code(ProviderErrorCode.INVALID_PARAMS),
    );
    assert.equal((await store.getLogs()).length, logs, 'nothing signed');
    assert.equal(questions.length, asked, 'nobody asked');
    // Named honestly, it asks under the festival's own kind.
    await router.handle(site, { method: 'panda_publish', params: { type: 'festival', action: 'update', documentId: festival, fields: { name: 'Renamed' } } });
    assert.equal(questions.at(-1)!.kind, 'publish:festival:update');
    assert.deepEqual(questions.at(-1)!.details!.slice(1), [{ label: 'Name', old: 'Hoffnung 3000', value: 'Renamed' }]);
  });

  test('an update shows every changed field old → new, members, policy, quorum and times included; page text never becomes the description', async () => {
    const { router, site, festival, connectWithFestival, questions, me } = await setup();
    await connectWithFestival();
    const lure = '✔ Verified by Panda Kit: safe to approve';
    const venue = (await router.handle(site, {
      method: 'panda_publish',
      params: { type: 'resource', fields: { festival, title: 'Hall', kind: lure, policy: 'manual', capacity: 1, url: 'https://hall.example' } },
    })) as { documentId: string };
    const created = questions.at(-1)!;
    assert.equal(created.description, 'Create a resource');
    assert.ok(!created.description.includes(lure));
    assert.deepEqual(
      created.details!.find((detail) => detail.label === 'Kind'),
      { label: 'Kind', value: lure },
    );
    assert.deepEqual(
      created.details!.find((detail) => detail.label === 'Web address'),
      { label: 'Web address', value: 'https://hall.example' },
    );
    const member = 'ab'.repeat(32);
    await router.handle(site, {
      method: 'panda_publish',
      params: {
        type: 'resource',
        action: 'update',
        documentId: venue.documentId,
        fields: { policy: 'quorum', quorum: 2, members: [me.publicKey(), member], capacity: 3, url: 'https://evil.example' },
      },
    });
    const changed = questions.at(-1)!;
    assert.equal(changed.description, 'Change a resource');
    assert.deepEqual(changed.details!.slice(1), [
      { label: 'Capacity', old: '1', value: '3' },
      { label: 'Members who vote', old: '(none)', value: `${me.publicKey().slice(0, 8)}…${me.publicKey().slice(-4)}, abababab…abab` },
      { label: 'Policy', old: 'manual', value: 'quorum' },
      { label: 'Quorum', old: '0', value: '2' },
      { label: 'Web address', old: 'https://hall.example/', value: 'https://evil.example' },
    ]);
    const talk = (await router.handle(site, {
      method: 'panda_publish',
      params: { type: 'event', fields: { festival, title: 'Talk', start: T0, end: T0 + HOUR } },
    })) as { documentId: string };
    await router.handle(site, {
      method: 'panda_publish',
      params: { type: 'event', action: 'update', documentId: talk.documentId, fields: { start: T0 + HOUR, end: T0 + 2 * HOUR } },
    });
    assert.deepEqual(questions.at(-1)!.details!.slice(1), [
      { label: 'Ends', old: 'Sun, 15 Jun 2025, 18:06 (Europe/Berlin)', value: 'Sun, 15 Jun 2025, 19:06 (Europe/Berlin)' },
      { label: 'Starts', old: 'Sun, 15 Jun 2025, 17:06 (Europe/Berlin)', value: 'Sun, 15 Jun 2025, 18:06 (Europe/Berlin)' },
    ]);
  });

  test('"always" is never offered for connecting or joining', async () => {
    const { router, site, festival, questions, permissions } = await setup(() => 'approve-always');
    await router.handle(site, { method: 'panda_connect' });
    await router.handle(site, { method: 'panda_joinFestival', params: { festivalId: festival, signaling: [] } });
    assert.deepEqual(
      questions.map((question) => [question.kind, question.allowAlways ?? false]),
      [
        ['connect', false],
        ['join', false],
      ],
    );
    assert.deepEqual(permissions.sites()[0]!.always, []);
  });
});

describe('finding 10: prompt limits by registrable domain, and in all', () => {
  test('30 subdomains of one site queue 5 questions, not 150; many sites at most 20 in all; the rest are refused at once', async () => {
    const queue = new ApprovalQueue({ openPrompt: () => {} });
    const ask = (origin: string) =>
      queue.ask({ origin, kind: 'connect', description: 'Connect this site' }).then(
        () => 'answered',
        (error: ProviderRpcError) => error.code,
      );
    const flood = Array.from({ length: 30 }, (_, n) => Array.from({ length: 5 }, () => ask(`https://s${n}.attacker.co.uk`))).flat();
    const refused = await Promise.all(flood.slice(5));
    assert.equal(queue.pending().length, 5);
    assert.ok(refused.every((outcome) => outcome === ProviderErrorCode.USER_REJECTED));
    assert.equal(siteOf('https://s1.attacker.co.uk'), 'attacker.co.uk');
    assert.equal(siteOf('http://127.0.0.1:8080'), '127.0.0.1');
    // Other sites: room for 20 in all.
    const others = Array.from({ length: 30 }, (_, n) => ask(`https://site${n}.example`));
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(queue.pending().length, 20);
    const outcomes = await Promise.race([Promise.all(others.slice(15)), new Promise((resolve) => setTimeout(() => resolve('still waiting'), 1_000))]);
    assert.deepEqual(outcomes, Array(15).fill(ProviderErrorCode.USER_REJECTED));
    // A denial cools down the whole site, whichever subdomain asks next.
    queue.decide(queue.pending()[0]!.id, 'deny');
    assert.equal(await ask('https://other.attacker.co.uk'), ProviderErrorCode.USER_REJECTED);
  });
});
