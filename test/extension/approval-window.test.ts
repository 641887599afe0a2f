/**
 * The approval window as the background keeps it (extension/background/approval-window.ts),
 * over a fake `browser.windows`: it closes only once the background let it go, so that a
 * question asked while it closes opens a new window instead of being denied by the closing.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { approvalWindow, type WindowsApi } from '../../extension/background/approval-window.js';
import { ApprovalQueue, type Decision } from '../../extension/background/approvals.js';

function fakeWindows() {
  let next = 1;
  const open = new Set<number>();
  const removedListeners: Array<(id: number) => void> = [];
  const windows: WindowsApi = {
    create: async () => {
      const id = next++;
      open.add(id);
      return { id };
    },
    update: async () => undefined,
    onRemoved: { addListener: (listener) => void removedListeners.push(listener) },
  };
  /** A window closes (the person, or its page). */
  const close = (id: number) => {
    open.delete(id);
    removedListeners.forEach((listener) => listener(id));
  };
  return { windows, open, close };
}

function setUp() {
  const fake = fakeWindows();
  let queue!: ApprovalQueue;
  const prompt = approvalWindow(fake.windows, 'chrome-extension://x/approval.html', () => queue);
  queue = new ApprovalQueue({ openPrompt: () => prompt.open() });
  const ask = (description: string) => queue.ask({ origin: 'https://fest.example', kind: `publish:${description}`, description });
  const settled = async <T>(promise: Promise<T>) => Promise.race([promise, new Promise<'waiting'>((resolve) => setTimeout(() => resolve('waiting'), 20))]);
  return { fake, prompt, queue, ask, settled };
}

describe('the approval window', () => {
  test('once nothing waits the window may close; the next question opens a new window and is not denied by the old one closing', async () => {
    const { fake, prompt, queue, ask, settled } = setUp();
    const first = ask('First');
    await new Promise((resolve) => setTimeout(resolve));
    assert.deepEqual([...fake.open], [1]);
    queue.decide(queue.pending()[0]!.id, 'approve-once');
    assert.equal(await first, 'approve-once');
    assert.equal(prompt.done(), true);
    // Asked while window 1 is still closing: the browser tells of its closing only later.
    const second = ask('Second');
    await new Promise((resolve) => setTimeout(resolve, 10));
    fake.close(1);
    assert.equal(await settled(second), 'waiting', 'not denied by the closing of window 1');
    assert.deepEqual([...fake.open], [2], 'a window of its own');
    queue.decide(queue.pending()[0]!.id, 'approve-once');
    assert.equal(await second, 'approve-once');
  });

  test('a question that came before the window asked to be closed keeps it open', async () => {
    const { fake, prompt, queue, ask, settled } = setUp();
    const first = ask('First');
    await new Promise((resolve) => setTimeout(resolve));
    queue.decide(queue.pending()[0]!.id, 'approve-once');
    await first;
    const second = ask('Second');
    assert.equal(prompt.done(), false);
    assert.deepEqual([...fake.open], [1]);
    assert.equal(await settled(second), 'waiting');
  });

  test('the person closing the window denies what it still showed', async () => {
    const { fake, ask } = setUp();
    const first: Promise<Decision> = ask('First');
    await new Promise((resolve) => setTimeout(resolve));
    fake.close(1);
    assert.equal(await first, 'deny');
  });
});
