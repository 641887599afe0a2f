/// <reference types="mocha" />
/**
 * The extension's popup and approval window in a Chromium page, against a fake PopupClient
 * that records every request and answers with canned state; and the real PopupClient
 * against a fake `runtime`.
 */
import { expect } from 'chai';
import type { Runtime } from 'webextension-polyfill';
import type { PandaApproval } from '../../extension/approval/panda-approval.js';
import type { PandaPopup } from '../../extension/popup/panda-popup.js';
import { createPopupClient, type PopupRuntime } from '../../extension/shared/popup-client.js';
import { POPUP_PORT, POPUP_TARGET } from '../../extension/shared/popup-protocol.js';
import { ProviderErrorCode, ProviderRpcError } from '../../extension/shared/protocol.js';
import { backupFileName, kindPhrase, relativeTime, shortKey } from '../../extension/ui/format.js';
import { identiconPattern } from '../../extension/ui/identicon.js';
import { FakeClient, ALICE_KEY, BOB_KEY, lockedState, MINUTE, mount, unlockedState } from './popup-support.js';
import { alerts, deepQuery, deepText, deferred, fill, waitFor } from './ui-support.js';

describe('format and identicon', () => {
  it('shortens keys, names request kinds, times and backup files', () => {
    expect(shortKey(ALICE_KEY)).to.equal('ab12cd34…ef56');
    expect(kindPhrase('connect')).to.equal('connecting');
    expect(kindPhrase('publish:event:create')).to.equal('creating events');
    expect(kindPhrase('something:new')).to.equal('something:new');
    expect(relativeTime(1_000_000 - 3 * MINUTE, 1_000_000)).to.equal('3 minutes ago');
    expect(relativeTime(1_000_000 - 5_000, 1_000_000)).to.equal('now');
    expect(backupFileName(new Date(2025, 6, 4, 23, 59))).to.equal('panda-kit-backup-2025-07-04.json');
  });

  it('draws the same symmetric pattern for the same key, and different ones for different keys', () => {
    const pattern = identiconPattern(ALICE_KEY);
    expect(identiconPattern(ALICE_KEY)).to.deep.equal(pattern);
    expect(pattern.cells).to.have.length(25);
    for (let row = 0; row < 5; row++) {
      for (let column = 0; column < 5; column++) expect(pattern.cells[row * 5 + column]).to.equal(pattern.cells[row * 5 + 4 - column]);
    }
    const other = identiconPattern(BOB_KEY);
    expect([other.hue, other.cells]).to.not.deep.equal([pattern.hue, pattern.cells]);
  });
});

describe('<panda-popup>', () => {
  it('shows the identity in use, the requests, resources, sites, festivals and security', async () => {
    const client = new FakeClient(unlockedState());
    const popup = await mount<PandaPopup>('panda-popup', client);
    const root = popup.shadowRoot!;
    expect(root.querySelector('h1')!.textContent).to.equal('Panda Kit');
    expect(root.querySelector('header')!.textContent).to.contain('Alice');
    expect(root.querySelector('[data-key]')!.textContent).to.equal('ab12cd34…ef56');
    expect(root.querySelector('header svg[data-identicon] rect')).to.not.equal(null);
    expect(Array.from(root.querySelectorAll('h2')).map((heading) => heading.textContent)).to.deep.equal([
      'Requests',
      'Your resources',
      'My events',
      'Sites',
      'Festivals',
      'Devices',
      'Security',
    ]);
    expect(root.querySelector<HTMLSelectElement>('[data-active-identity]')!.value).to.equal('alice');

    const cards = Array.from(root.querySelectorAll<HTMLElement>('[data-pending]'));
    expect(cards.map((card) => card.dataset.id)).to.deep.equal(['7', '9']);
    const second = deepText(cards[1]!);
    expect(second).to.contain('Create an event').and.contain('Title').and.contain('Night of chaos');
    expect(second).to.contain('Bob at work');
    expect(second).to.contain('Always allow creating events for this site');

    const owner = root.querySelector('[data-owner-request]')!;
    expect(owner.textContent).to.contain('Klangkeller').and.contain('Night of chaos').and.contain('Fri 21:00-23:00').and.contain(shortKey(BOB_KEY));

    const site = root.querySelector('[data-site="https://hoffnung3000.de"]')!;
    expect(site.textContent).to.contain('connected').and.contain('creating events');
    expect(site.querySelector<HTMLSelectElement>('select')!.value).to.equal('bob');
    expect(root.querySelector('[data-site="https://example.org"]')!.textContent).to.contain('not connected');

    const festivals = Array.from(root.querySelectorAll('[data-festival]')).map((festival) => festival.textContent.replace(/\s+/g, ' '));
    expect(festivals[0]).to.contain('Hoffnung 3000').and.contain('5 entries still coming from 2 people').and.contain('3 minutes ago');
    expect(festivals[1]).to.contain(shortKey('0020' + 'bb'.repeat(32)));
    expect(root.querySelector('[data-total-peers]')!.textContent).to.equal('Online with 3 people');
    expect(root.querySelector('[data-lock]')).to.not.equal(null);
    expect(root.querySelector('[data-locked]')).to.equal(null);
  });

  it('sends each answer to a request with its id once its buttons are armed, and disables the card while it is sent', async () => {
    const client = new FakeClient(unlockedState());
    const held = deferred<boolean>();
    client.handlers.popup_decide = () => held.promise;
    const popup = await mount<PandaPopup>('panda-popup', client);
    const card = popup.shadowRoot!.querySelector('[data-pending][data-id="7"]')!;
    const approve = () => deepQuery<HTMLButtonElement>(card, '[data-decision="approve-once"]');
    // Not armed at once: a click does nothing; armed after its time on screen.
    expect(approve().disabled).to.equal(true);
    approve().click();
    await waitFor(() => !approve().disabled, 'the buttons to be armed');
    expect(client.callsOf('popup_decide')).to.deep.equal([]);
    // The second question is not on turn: it is never armed while the first waits.
    const later = popup.shadowRoot!.querySelector('[data-pending][data-id="9"]')!;
    expect(deepQuery<HTMLButtonElement>(later, '[data-decision="approve-once"]').disabled).to.equal(true);
    expect(card.shadowRoot!.querySelector('[data-decision="approve-always"]'), 'no "always" for connecting').to.equal(null);
    approve().click();
    approve().click();
    await waitFor(() => deepQuery<HTMLButtonElement>(card, '[data-decision="deny"]').disabled, 'the buttons to be disabled');
    expect(client.callsOf('popup_decide')).to.deep.equal([{ id: 7, decision: 'approve-once' }], 'one click, one answer');
    held.resolve(true);
    // The question is still there (the answer did not take): armed again, after its wait.
    await waitFor(() => !deepQuery<HTMLButtonElement>(card, '[data-decision="deny"]').disabled, 'the buttons to be enabled again');
    delete client.handlers.popup_decide;
    deepQuery<HTMLButtonElement>(card, '[data-decision="deny"]').click();
    await waitFor(() => client.callsOf('popup_decide').length === 2, 'one more decision');
  });

  it('revokes a site, changes the identity it sees, and shows a failure as an alert', async () => {
    const client = new FakeClient(unlockedState());
    const popup = await mount<PandaPopup>('panda-popup', client);
    const root = popup.shadowRoot!;
    root.querySelector<HTMLButtonElement>('[data-site="https://example.org"] [data-revoke]')!.click();
    await waitFor(() => client.callsOf('popup_revoke').length === 1, 'popup_revoke');
    expect(client.callsOf('popup_revoke')).to.deep.equal([{ origin: 'https://example.org' }]);

    const select = root.querySelector<HTMLSelectElement>('[data-site="https://hoffnung3000.de"] select')!;
    select.value = 'alice';
    select.dispatchEvent(new Event('change'));
    await waitFor(() => client.callsOf('popup_setIdentityFor').length === 1, 'popup_setIdentityFor');
    expect(client.callsOf('popup_setIdentityFor')).to.deep.equal([{ origin: 'https://hoffnung3000.de', identityId: 'alice' }]);

    client.handlers.popup_revoke = () => {
      throw new ProviderRpcError(ProviderErrorCode.INTERNAL, 'storage is full');
    };
    root.querySelector<HTMLButtonElement>('[data-site="https://hoffnung3000.de"] [data-revoke]')!.click();
    await waitFor(() => alerts(root).length > 0, 'an alert');
    expect(alerts(root)).to.deep.equal(['storage is full']);
  });

  it('fetches the state again when the background says it changed', async () => {
    const client = new FakeClient(unlockedState());
    const popup = await mount<PandaPopup>('panda-popup', client);
    const fetched = client.callsOf('popup_state').length;
    client.state = { ...unlockedState(), identities: [{ id: 'alice', name: 'Alice B.', publicKey: ALICE_KEY }] };
    client.changed();
    await waitFor(() => popup.shadowRoot!.querySelector('header')!.textContent.includes('Alice B.'), 'the new name');
    expect(client.callsOf('popup_state').length).to.equal(fetched + 1);
    popup.remove();
    expect(client.listeners.size).to.equal(0);
  });

  it('sets a passphrase: differing ones are refused here, a weak one is explained', async () => {
    const client = new FakeClient({ ...unlockedState(), hasPassphrase: false });
    client.handlers.popup_setPassphrase = () => {
      throw new ProviderRpcError(ProviderErrorCode.INVALID_PARAMS, 'too short', { code: 'VAULT_PASSPHRASE_WEAK' });
    };
    const popup = await mount<PandaPopup>('panda-popup', client);
    const root = popup.shadowRoot!;
    expect(root.querySelector('[data-lock]')).to.equal(null);
    // Folded until asked for.
    const fold = root.querySelector<HTMLDetailsElement>('[data-passphrase-fold]')!;
    const form = fold.querySelector<HTMLFormElement>('[data-set-passphrase]')!;
    expect(fold.open).to.equal(false);
    expect(form.checkVisibility()).to.equal(false);
    expect(fold.querySelector('summary')!.textContent).to.equal('Set a passphrase');
    fold.querySelector('summary')!.click();
    await waitFor(() => form.checkVisibility(), 'the unfolded form');
    fill(form, { passphrase: 'short', repeat: 'shorter' });
    form.requestSubmit();
    await waitFor(() => alerts(root).length > 0, 'an alert');
    expect(alerts(root)).to.deep.equal(['The two new passphrases differ.']);
    expect(client.callsOf('popup_setPassphrase')).to.have.length(0);

    fill(form, { passphrase: 'short', repeat: 'short' });
    form.requestSubmit();
    await waitFor(
      () => client.callsOf('popup_setPassphrase').length === 1 && alerts(root)[0] !== 'The two new passphrases differ.',
      'the weak-passphrase alert',
    );
    expect(client.callsOf('popup_setPassphrase')).to.deep.equal([{ passphrase: 'short' }]);
    expect(alerts(root)).to.deep.equal(['The passphrase is too short: use at least 8 characters.']);
  });

  it('exports a backup as a dated file and restores one', async () => {
    const client = new FakeClient(unlockedState());
    const backup = '{"panda-kit-backup":1}';
    client.handlers.popup_exportBackup = () => backup;
    client.handlers.popup_restoreBackup = () => ({ added: 2, existing: 1 });
    const popup = await mount<PandaPopup>('panda-popup', client);
    const root = popup.shadowRoot!;

    const exportForm = root.querySelector<HTMLFormElement>('[data-export-backup]')!;
    fill(exportForm, { passphrase: 'backup passphrase' });
    exportForm.requestSubmit();
    await waitFor(() => root.querySelector('a[data-backup-download]') !== null, 'the download link');
    expect(client.callsOf('popup_exportBackup')).to.deep.equal([{ passphrase: 'backup passphrase' }]);
    const link = root.querySelector<HTMLAnchorElement>('a[data-backup-download]')!;
    expect(link.download).to.equal(backupFileName());
    expect(await (await fetch(link.href)).text()).to.equal(backup);

    const restoreForm = root.querySelector<HTMLFormElement>('[data-restore-backup]')!;
    const files = new DataTransfer();
    files.items.add(new File([backup], 'panda-kit-backup.json', { type: 'application/json' }));
    (restoreForm.elements.namedItem('file') as HTMLInputElement).files = files.files;
    fill(restoreForm, { passphrase: 'backup passphrase' });
    restoreForm.requestSubmit();
    await waitFor(() => root.querySelector('[role="status"]') !== null, 'the restore result');
    expect(client.callsOf('popup_restoreBackup')).to.deep.equal([{ text: backup, passphrase: 'backup passphrase' }]);
    expect(root.querySelector('[role="status"]')!.textContent).to.equal('Added 2 identities, already had 1.');
  });

  it('says so when the background does not answer', async () => {
    const client = new FakeClient(unlockedState());
    client.handlers.popup_state = () => {
      throw new ProviderRpcError(ProviderErrorCode.DISCONNECTED, 'no answer');
    };
    const popup = await mount<PandaPopup>('panda-popup', client);
    expect(alerts(popup.shadowRoot!)).to.deep.equal(['Panda Kit is not responding. Close this window and open it again.']);
  });
});

describe('<panda-approval>', () => {
  let closed = 0;
  const close = window.close;
  beforeEach(() => {
    closed = 0;
    window.close = () => void (closed += 1);
  });
  afterEach(() => {
    window.close = close;
  });

  it('shows the first request and how many more wait, and closes after the last answer once the background lets it go', async () => {
    const client = new FakeClient(unlockedState());
    client.handlers.popup_approvalDone = () => true;
    client.handlers.popup_decide = (params) => {
      const { id } = params as { id: number };
      client.state = { ...client.state, pending: client.state.pending.filter((request) => request.id !== id) };
      return true;
    };
    const approval = await mount<PandaApproval>('panda-approval', client);
    const root = approval.shadowRoot!;
    expect(root.querySelector('h1')!.textContent).to.equal('Panda Kit');
    expect(root.querySelectorAll('[data-pending]')).to.have.length(1);
    expect(root.querySelector<HTMLElement>('[data-pending]')!.dataset.id).to.equal('7');
    expect(root.querySelector('[data-more]')!.textContent).to.equal('1 more waiting');

    await waitFor(() => !deepQuery<HTMLButtonElement>(root, '[data-decision="approve-once"]').disabled, 'the answers to be armed');
    deepQuery<HTMLButtonElement>(root, '[data-decision="approve-once"]').click();
    await waitFor(() => root.querySelector<HTMLElement>('[data-pending]')?.dataset.id === '9', 'the second request');
    expect(root.querySelector('[data-more]')).to.equal(null);
    expect(closed).to.equal(0);
    // The next question waits its own time before its answers work.
    expect(deepQuery<HTMLButtonElement>(root, '[data-decision="deny"]').disabled).to.equal(true);
    await waitFor(() => !deepQuery<HTMLButtonElement>(root, '[data-decision="deny"]').disabled, 'the next answers to be armed');
    deepQuery<HTMLButtonElement>(root, '[data-decision="deny"]').click();
    await waitFor(() => client.callsOf('popup_approvalDone').length > 0, 'the background asked to close the window');
    expect(client.callsOf('popup_decide')).to.deep.equal([
      { id: 7, decision: 'approve-once' },
      { id: 9, decision: 'deny' },
    ]);
    expect(client.callsOf('popup_approvalDone')).to.have.length(1);
    await waitFor(() => closed > 0, 'window.close()');
    expect(closed).to.equal(1);
  });

  it('stays open when the background says a question came meanwhile', async () => {
    const state = unlockedState();
    const client = new FakeClient({ ...state, pending: state.pending.slice(0, 1) });
    client.handlers.popup_approvalDone = () => false;
    client.handlers.popup_decide = () => {
      client.state = { ...client.state, pending: [] };
      return true;
    };
    const approval = await mount<PandaApproval>('panda-approval', client);
    const root = approval.shadowRoot!;
    await waitFor(() => !deepQuery<HTMLButtonElement>(root, '[data-decision="approve-once"]').disabled, 'the answers to be armed');
    deepQuery<HTMLButtonElement>(root, '[data-decision="approve-once"]').click();
    await waitFor(() => client.callsOf('popup_approvalDone').length > 0, 'the background asked');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closed).to.equal(0);
  });

  it('closes itself when the background cannot be asked to', async () => {
    const state = unlockedState();
    const client = new FakeClient({ ...state, pending: state.pending.slice(0, 1) });
    client.handlers.popup_approvalDone = () => {
      throw new ProviderRpcError(ProviderErrorCode.DISCONNECTED, 'no answer');
    };
    client.handlers.popup_decide = () => {
      client.state = { ...client.state, pending: [] };
      return true;
    };
    const approval = await mount<PandaApproval>('panda-approval', client);
    const root = approval.shadowRoot!;
    await waitFor(() => !deepQuery<HTMLButtonElement>(root, '[data-decision="approve-once"]').disabled, 'the answers to be armed');
    deepQuery<HTMLButtonElement>(root, '[data-decision="approve-once"]').click();
    await waitFor(() => closed > 0, 'window.close()');
  });

  it('stays open when opened with nothing waiting', async () => {
    const client = new FakeClient({ ...unlockedState(), pending: [] });
    const approval = await mount<PandaApproval>('panda-approval', client);
    expect(deepText(approval)).to.contain('No requests are waiting.');
    client.changed();
    await waitFor(() => client.callsOf('popup_state').length === 2, 'a second fetch');
    await approval.updateComplete;
    expect(closed).to.equal(0);
  });

  it('asks for the passphrase first while locked', async () => {
    const client = new FakeClient(lockedState());
    client.handlers.popup_unlock = () => {
      client.state = unlockedState();
      return true;
    };
    const approval = await mount<PandaApproval>('panda-approval', client);
    const root = approval.shadowRoot!;
    expect(root.querySelector('[data-locked]')).to.not.equal(null);
    expect(root.querySelector('[data-pending]')).to.equal(null);
    expect(root.querySelector('[data-pending-count]')!.textContent).to.equal('2 requests waiting');
    const form = deepQuery<HTMLFormElement>(deepQuery(root, '[data-locked]'), 'form');
    fill(form, { passphrase: 'correct horse battery' });
    form.requestSubmit();
    await waitFor(() => root.querySelector('[data-pending]') !== null, 'the first request');
    expect(client.callsOf('popup_unlock')).to.deep.equal([{ passphrase: 'correct horse battery' }]);
    expect(closed).to.equal(0);
  });
});

/** A runtime whose `sendMessage` answers with `reply` and whose ports the test controls. */
function fakeRuntime(reply: (message: unknown) => unknown) {
  const sent: unknown[] = [];
  const ports: Array<{ name: string | undefined; disconnected: boolean; receive(message: unknown): void; drop(): void }> = [];
  const runtime: PopupRuntime = {
    sendMessage: async (message: unknown) => {
      sent.push(message);
      return reply(message);
    },
    connect: ((info?: { name?: string }) => {
      const messageListeners: Array<(message: unknown) => void> = [];
      const disconnectListeners: Array<() => void> = [];
      const port = {
        name: info?.name,
        disconnected: false,
        receive: (message: unknown) => messageListeners.forEach((listener) => listener(message)),
        drop: () => disconnectListeners.forEach((listener) => listener()),
      };
      ports.push(port);
      return {
        name: info?.name ?? '',
        onMessage: { addListener: (listener: (message: unknown) => void) => messageListeners.push(listener) },
        onDisconnect: { addListener: (listener: () => void) => disconnectListeners.push(listener) },
        disconnect: () => void (port.disconnected = true),
      } as unknown as Runtime.Port;
    }) as PopupRuntime['connect'],
  };
  return { runtime, sent, ports };
}

async function rejection(promise: Promise<unknown>): Promise<ProviderRpcError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(ProviderRpcError);
    return error as ProviderRpcError;
  }
  throw new Error('expected a rejection');
}

describe('createPopupClient', () => {
  it('sends requests to the background and unwraps results and errors', async () => {
    const { runtime, sent } = fakeRuntime((message) => {
      const { method } = message as { method: string };
      if (method === 'popup_lock') return { result: true };
      if (method === 'popup_unlock') return { error: { code: 4001, message: 'wrong', data: { code: 'VAULT_PASSPHRASE_WRONG' } } };
      return undefined;
    });
    const client = createPopupClient(runtime);
    expect(await client.request('popup_lock')).to.equal(true);
    const wrong = await rejection(client.request('popup_unlock', { passphrase: 'x' }));
    expect([wrong.code, wrong.data]).to.deep.equal([4001, { code: 'VAULT_PASSPHRASE_WRONG' }]);
    expect((await rejection(client.request('popup_state'))).code).to.equal(4900);
    expect(sent).to.deep.equal([
      { target: POPUP_TARGET, method: 'popup_lock' },
      { target: POPUP_TARGET, method: 'popup_unlock', params: { passphrase: 'x' } },
      { target: POPUP_TARGET, method: 'popup_state' },
    ]);
  });

  it('keeps one port while someone listens, reconnects when it is cut, and closes it after the last', async () => {
    const { runtime, ports } = fakeRuntime(() => undefined);
    const client = createPopupClient(runtime);
    let first = 0;
    let second = 0;
    const stopFirst = client.onChanged(() => (first += 1));
    const stopSecond = client.onChanged(() => (second += 1));
    expect(ports.map((port) => port.name)).to.deep.equal([POPUP_PORT]);
    ports[0]!.receive({ type: 'changed' });
    ports[0]!.receive({ type: 'something else' });
    expect([first, second]).to.deep.equal([1, 1]);

    // The service worker stopped: a new port, and the listeners hear that things may have changed.
    ports[0]!.drop();
    await waitFor(() => ports.length === 2, 'a new port', 3000);
    expect([first, second]).to.deep.equal([2, 2]);
    ports[1]!.receive({ type: 'changed' });
    expect([first, second]).to.deep.equal([3, 3]);

    stopFirst();
    expect(ports[1]!.disconnected).to.equal(false);
    stopSecond();
    expect(ports[1]!.disconnected).to.equal(true);
    expect(ports).to.have.length(2);
  });
});
