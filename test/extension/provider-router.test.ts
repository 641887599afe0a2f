/**
 * The background's answers to page requests, with a real festival node (MemoryStore) and a
 * scripted person in place of the approval window.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApprovalQueue, type Decision } from '../../extension/background/approvals.js';
import { timeRange } from '../../extension/background/describe.js';
import { Permissions } from '../../extension/background/permissions.js';
import { ProviderErrorCode, ProviderRpcError } from '../../extension/shared/protocol.js';
import { code, HOUR, setup, T0 } from './router-support.js';

describe('provider router', () => {
  test('an unconnected site gets 4100 for everything but panda_connect; unknown methods 4200; bad params -32602', async () => {
    const { router, site } = await setup();
    for (const method of ['panda_getPublicKey', 'panda_query', 'panda_publish', 'panda_festivals']) {
      await assert.rejects(router.handle(site, { method }), code(ProviderErrorCode.UNAUTHORIZED), method);
    }
    await assert.rejects(router.handle(site, { method: 'eth_sendTransaction' }), code(ProviderErrorCode.UNSUPPORTED_METHOD));
    await assert.rejects(router.handle(site, { method: 42 } as never), code(ProviderErrorCode.INVALID_PARAMS));
    await router.handle(site, { method: 'panda_connect' });
    await assert.rejects(router.handle(site, { method: 'panda_publish', params: { type: 'party' } }), code(ProviderErrorCode.INVALID_PARAMS));
    await assert.rejects(
      router.handle(site, { method: 'panda_query', params: { query: 'schedule', festivalId: 'nope' } }),
      code(ProviderErrorCode.INVALID_PARAMS),
    );
  });

  test('connect after approval; a denial is 4001 and the site must wait before asking again', async () => {
    let answer: Decision = 'deny';
    const { router, site, me, permissions } = await setup(() => answer);
    await assert.rejects(router.handle(site, { method: 'panda_connect' }), code(ProviderErrorCode.USER_REJECTED));
    answer = 'approve-once';
    await assert.rejects(router.handle(site, { method: 'panda_connect' }), code(ProviderErrorCode.USER_REJECTED), 'cooldown');
    assert.equal(permissions.isConnected(site.origin), false);
    const other = { origin: 'https://other.example' };
    assert.deepEqual(await router.handle(other, { method: 'panda_connect' }), { publicKey: me.publicKey() });
    assert.equal(await router.handle(other, { method: 'panda_getPublicKey' }), me.publicKey());
    // A frame of another origin inherits nothing.
    await assert.rejects(router.handle({ origin: 'https://ads.example' }, { method: 'panda_getPublicKey' }), code(ProviderErrorCode.UNAUTHORIZED));
  });

  test('publishing an event: every signed field shown, signed by the site identity after approval, valid for p2panda', async () => {
    const { router, site, festival, cellar, prompts, questions, store, me, connectWithFestival } = await setup();
    await connectWithFestival();
    // Fri 2025-06-20 21:00 in Berlin = 19:00 UTC.
    const start = Date.UTC(2025, 5, 20, 19) / 1000;
    const result = (await router.handle(site, {
      method: 'panda_publish',
      params: { type: 'event', action: 'create', fields: { festival, title: 'Night of chaos', start, end: start + 2 * HOUR, resources: [cellar] } },
    })) as { documentId: string; operationId: string };
    assert.equal(prompts.at(-1), 'Create an event');
    assert.deepEqual(
      questions.at(-1)!.details!.map(({ label, value }) => `${label}: ${value}`),
      [
        `Festival: Hoffnung 3000 (${festival.slice(4, 12)}…)`,
        'Title: Night of chaos',
        'Starts: Fri, 20 Jun 2025, 21:00 (Europe/Berlin)',
        'Ends: Fri, 20 Jun 2025, 23:00 (Europe/Berlin)',
        `Resources: Klangkeller (${cellar.slice(4, 12)}…)`,
      ],
    );
    const entry = await store.getEntryByHash(result.operationId);
    assert.equal(entry!.publicKey, me.publicKey());
    const p2panda = await import('p2panda-js');
    const decoded = p2panda.decodeEntry(Buffer.from(entry!.bytes).toString('hex'));
    assert.equal(decoded.publicKey, me.publicKey());
    const schedule = (await router.handle(site, { method: 'panda_query', params: { query: 'schedule', festivalId: festival } })) as Array<{
      event: { title: string };
    }>;
    assert.deepEqual(
      schedule.map((item) => item.event.title),
      ['Night of chaos'],
    );
  });

  test('approve always for this site and kind: the next request of that kind asks no one, other kinds still ask', async () => {
    const { router, site, festival, prompts, questions, permissions, storage, connectWithFestival } = await setup(() => 'approve-always');
    await connectWithFestival();
    const event = (n: number) => ({ method: 'panda_publish', params: { type: 'event', fields: { festival, title: `Talk ${n}`, start: T0, end: T0 + HOUR } } });
    const first = (await router.handle(site, event(1))) as { documentId: string };
    const asked = prompts.length;
    await router.handle(site, event(2));
    assert.equal(prompts.length, asked);
    await router.handle(site, {
      method: 'panda_publish',
      params: { type: 'event', action: 'update', documentId: first.documentId, fields: { title: 'Talk 1 (moved)' } },
    });
    assert.equal(prompts.length, asked + 1);
    assert.equal(prompts.at(-1), 'Change an event');
    assert.deepEqual(questions.at(-1)!.details!.slice(1), [{ label: 'Title', old: 'Talk 1', value: 'Talk 1 (moved)' }]);
    // Grants are stored, and revoking removes them.
    const reopened = await Permissions.open(storage);
    assert.equal(reopened.allowsAlways(site.origin, 'publish:event:create'), true);
    await router.revoke(site.origin);
    assert.equal(permissions.isConnected(site.origin), false);
    await assert.rejects(router.handle(site, event(3)), code(ProviderErrorCode.UNAUTHORIZED));
  });

  test('a request flood opens one prompt at a time and at most five wait per site', async () => {
    const { router, site, festival } = await setup();
    await router.handle(site, { method: 'panda_connect' });
    let opens = 0;
    const slow = new ApprovalQueue({ openPrompt: () => void opens++ });
    // A separate queue the test controls by hand.
    const flood = Array.from({ length: 20 }, () =>
      slow.ask({ origin: site.origin, kind: 'publish:event:create', description: 'x' }).then(
        () => 'ok',
        (error) => (error as ProviderRpcError).code,
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(opens, 1);
    assert.equal(slow.pending().length, 5);
    for (const item of slow.pending()) slow.decide(item.id, 'approve-once');
    const outcomes = await Promise.all(flood);
    assert.equal(outcomes.filter((outcome) => outcome === 'ok').length, 5);
    assert.equal(outcomes.filter((outcome) => outcome === ProviderErrorCode.USER_REJECTED).length, 15);
    void router;
    void festival;
  });

  test('invalid festival data is -32602 with the stable core code, and nothing is stored', async () => {
    const { router, site, festival, store, connectWithFestival } = await setup();
    await connectWithFestival();
    const before = (await store.getLogs()).length;
    await assert.rejects(
      router.handle(site, { method: 'panda_publish', params: { type: 'event', fields: { festival, title: 'Backwards', start: T0 + HOUR, end: T0 } } }),
      (error: unknown) => error instanceof ProviderRpcError && error.code === ProviderErrorCode.INVALID_PARAMS,
    );
    await assert.rejects(
      router.handle(site, { method: 'panda_publish', params: { type: 'event', fields: { festival, title: 'x', start: 'soon', end: T0 } } }),
      code(ProviderErrorCode.INVALID_PARAMS),
    );
    assert.equal((await store.getLogs()).length, before);
  });

  test('times are shown in the festival time zone', () => {
    assert.equal(timeRange(Date.UTC(2025, 5, 20, 19) / 1000, Date.UTC(2025, 5, 20, 21) / 1000, 'Europe/Berlin'), 'Fri 21:00-23:00');
    assert.equal(timeRange(Date.UTC(2025, 5, 20, 22) / 1000, Date.UTC(2025, 5, 21, 2) / 1000, 'UTC'), 'Fri 22:00 - Sat 02:00');
  });
});
