/// <reference types="mocha" />
/**
 * The popup as a visitor meets it, in a Chromium page against the fake client: the first-run
 * welcome (name yourself, back up, a folded passphrase; skipped or done, it is gone), "My
 * events" in words, the festivals' health in words, and people by their profile names in the
 * popup and the approval window.
 */
import { expect } from 'chai';
import type { PandaApproval } from '../../extension/approval/panda-approval.js';
import type { PandaPopup } from '../../extension/popup/panda-popup.js';
import type { PopupState } from '../../extension/shared/popup-protocol.js';
import { shortKey } from '../../extension/ui/format.js';
import { ALICE_KEY, BOB_KEY, FakeClient, mount, unlockedState } from './popup-support.js';
import { deepQuery, deepText, fill, waitFor } from './ui-support.js';

const headings = (root: ShadowRoot) => Array.from(root.querySelectorAll('h2')).map((heading) => heading.textContent);
const text = (element: Element | null) => (element?.textContent ?? '').replace(/\s+/g, ' ').trim();

function firstStart(): PopupState {
  const state = unlockedState();
  return {
    ...state,
    identities: [{ id: 'alice', name: 'Me', publicKey: ALICE_KEY }],
    hasPassphrase: false,
    backedUp: false,
    welcome: true,
    pending: [],
    ownerRequests: [],
  };
}

describe('the first-run welcome', () => {
  it('asks for a name, a backup and (folded) a passphrase, ticks each off, and is gone once done', async () => {
    const client = new FakeClient(firstStart());
    client.handlers.popup_nameYourself = (params) => {
      const { name } = params as { name: string };
      client.state = { ...client.state, identities: [{ id: 'alice', name, publicKey: ALICE_KEY }], names: { [ALICE_KEY]: name } };
      return client.state.identities[0];
    };
    client.handlers.popup_exportBackup = () => {
      client.state = { ...client.state, backedUp: true };
      return '{"panda-kit-backup":1}';
    };
    client.handlers.popup_closeWelcome = () => {
      client.state = { ...client.state, welcome: false };
      return true;
    };
    const popup = await mount<PandaPopup>('panda-popup', client);
    const root = popup.shadowRoot!;
    // The welcome alone (no requests wait): no backup nudge beside it, none of the other sections yet.
    expect(headings(root)).to.deep.equal(['Welcome to Panda Kit']);
    expect(root.querySelector('[data-first-start]')).to.equal(null);
    const step = (name: string) => root.querySelector<HTMLElement>(`[data-step="${name}"]`)!;
    const marks = () => Array.from(root.querySelectorAll('[data-step] .step-mark')).map(text);
    expect(Array.from(root.querySelectorAll('[data-step] h3')).map((heading) => text(heading).slice(1))).to.deep.equal([
      'Name yourself',
      'Back up your key',
      'A passphrase (optional)',
    ]);
    expect(marks()).to.deep.equal(['1', '2', '3']);
    // "Me" is the vault's name, not the person's: the field starts empty.
    const nameForm = step('name').querySelector<HTMLFormElement>('[data-name-yourself]')!;
    expect((nameForm.elements.namedItem('name') as HTMLInputElement).value).to.equal('');
    const fold = step('passphrase').querySelector<HTMLDetailsElement>('[data-passphrase-fold]')!;
    expect(fold.open).to.equal(false);
    expect(fold.querySelector('[data-set-passphrase]')!.checkVisibility()).to.equal(false);
    expect(text(root.querySelector('[data-welcome-close]'))).to.equal('Skip for now');

    fill(nameForm, { name: 'Mira' });
    nameForm.requestSubmit();
    await waitFor(() => step('name').hasAttribute('data-done'), 'the name step ticked off');
    expect(client.callsOf('popup_nameYourself')).to.deep.equal([{ name: 'Mira' }]);
    expect(text(step('name'))).to.contain('Others see you as Mira.');
    expect(marks()).to.deep.equal(['✓', '2', '3']);
    expect(root.querySelector('header')!.textContent).to.contain('Mira');

    const backupForm = step('backup').querySelector<HTMLFormElement>('[data-export-backup]')!;
    fill(backupForm, { passphrase: 'backup passphrase' });
    backupForm.requestSubmit();
    await waitFor(() => step('backup').hasAttribute('data-done'), 'the backup step ticked off');
    expect(client.callsOf('popup_exportBackup')).to.deep.equal([{ passphrase: 'backup passphrase' }]);

    // Name and backup done: the passphrase stays optional.
    const done = root.querySelector<HTMLButtonElement>('[data-welcome-close]')!;
    expect([done.dataset.welcomeClose, text(done)]).to.deep.equal(['done', 'Done']);
    done.click();
    await waitFor(() => root.querySelector('[data-welcome]') === null, 'the welcome gone');
    expect(client.callsOf('popup_closeWelcome')).to.deep.equal([{ outcome: 'done' }]);
    expect(headings(root)).to.deep.equal(['Requests', 'My events', 'Sites', 'Festivals', 'Devices', 'Security']);
  });

  it('can be skipped; a site asking meanwhile is shown below it', async () => {
    const client = new FakeClient({ ...firstStart(), pending: unlockedState().pending.slice(0, 1) });
    client.handlers.popup_closeWelcome = () => {
      client.state = { ...client.state, welcome: false };
      return true;
    };
    const popup = await mount<PandaPopup>('panda-popup', client);
    const root = popup.shadowRoot!;
    expect(headings(root)).to.deep.equal(['Welcome to Panda Kit', 'Requests']);
    root.querySelector<HTMLButtonElement>('[data-welcome-close="skipped"]')!.click();
    await waitFor(() => root.querySelector('[data-welcome]') === null, 'the welcome gone');
    expect(client.callsOf('popup_closeWelcome')).to.deep.equal([{ outcome: 'skipped' }]);
    // Skipped without a backup: the popup still asks for one.
    expect(root.querySelector('[data-first-start]')).to.not.equal(null);
  });
});

describe('the popup in words', () => {
  it('lists my events with where each stands, and each request while it is not confirmed', async () => {
    const requests = [
      { resourceTitle: 'Klangkeller', words: 'confirmed' },
      { resourceTitle: 'Werkstatt', words: 'waiting for Klara to decide' },
    ];
    const client = new FakeClient({
      ...unlockedState(),
      myEvents: [
        { id: 'e1', title: 'Jam', when: 'Fri 20:00-22:00', festivalName: 'Hoffnung 3000', state: 'confirmed', headline: 'Confirmed', requests: [] },
        {
          id: 'e2',
          title: 'Workshop',
          when: 'Sat 10:00-12:00',
          festivalName: 'Hoffnung 3000',
          state: 'waiting',
          headline: '1 of 2 resources confirmed · Waiting for Werkstatt',
          requests,
        },
        {
          id: 'e3',
          title: 'Late show',
          when: 'Sat 23:00-01:00',
          festivalName: null,
          state: 'declined',
          headline: 'Declined by Bühne',
          requests: [{ resourceTitle: 'Bühne', words: 'denied: “closed”' }],
        },
      ],
    });
    const popup = await mount<PandaPopup>('panda-popup', client);
    const root = popup.shadowRoot!;
    const events = Array.from(root.querySelectorAll<HTMLElement>('[data-my-event]'));
    expect(events.map((event) => [event.dataset.state, text(event.querySelector('[data-headline]'))])).to.deep.equal([
      ['confirmed', 'Confirmed'],
      ['waiting', '1 of 2 resources confirmed · Waiting for Werkstatt'],
      ['declined', 'Declined by Bühne'],
    ]);
    expect(text(events[0]!)).to.contain('Jam').and.contain('Fri 20:00-22:00, Hoffnung 3000');
    expect(events[0]!.querySelector('ul.requests')).to.equal(null);
    expect(Array.from(events[1]!.querySelectorAll('ul.requests li')).map(text)).to.deep.equal([
      'Klangkeller: confirmed',
      'Werkstatt: waiting for Klara to decide',
    ]);
    expect(text(events[2]!)).to.contain('Bühne: denied: “closed”');
    // The headline's colour follows the state (accent, danger).
    const colour = (event: HTMLElement) => getComputedStyle(event.querySelector('[data-headline]')!).color;
    expect(colour(events[0]!)).to.not.equal(colour(events[2]!));

    client.state = { ...client.state, myEvents: [] };
    client.changed();
    await waitFor(() => deepText(popup).includes('You have not made any events yet.'), 'the empty list');
  });

  it('says how each festival replicates in words, the figures in a tooltip', async () => {
    const [withPeers] = unlockedState().festivals;
    const client = new FakeClient({
      ...unlockedState(),
      peers: 0,
      festivals: [
        { ...withPeers!, id: 'f1', peers: 2, missing: 12 },
        { ...withPeers!, id: 'f2', peers: 2, missing: 0 },
        { ...withPeers!, id: 'f3', peers: 0, missing: 0, servers: 0 },
        { ...withPeers!, id: 'f4', peers: 1, missing: 0, servers: 2, known: 14 },
        { ...withPeers!, id: 'f5', peers: 0, missing: 0, servers: 2, lastActive: null },
      ],
    });
    const popup = await mount<PandaPopup>('panda-popup', client);
    const root = popup.shadowRoot!;
    expect(Array.from(root.querySelectorAll('[data-health]')).map(text)).to.deep.equal([
      '12 entries still coming from 2 people',
      'In step with 2 people',
      'On this device only: no signaling server',
      'In step with 1 person; 14 more reachable through them',
      'Nobody else is online with it right now',
    ]);
    expect(root.querySelector('[data-health]')!.getAttribute('title')).to.equal('120 entries held here, 12 missing');
    expect(text(root.querySelector('[data-festival="f5"]'))).to.contain('No activity seen yet');
    expect(text(root.querySelector('[data-total-peers]'))).to.equal('Not connected to anyone right now');
    expect(deepText(popup)).to.not.contain('missing');
  });
});

describe('names, not keys', () => {
  const KLARA_KEY = 'c3'.repeat(32);
  const STRANGER_KEY = 'd4'.repeat(32);

  function named(): PopupState {
    const state = unlockedState();
    return {
      ...state,
      names: { [ALICE_KEY]: 'Mira', [BOB_KEY]: 'Bo Bühne', [KLARA_KEY]: 'Klara' },
      festivals: [
        { ...state.festivals[0]!, owner: KLARA_KEY },
        { ...state.festivals[1]!, name: 'Kids', owner: STRANGER_KEY },
      ],
      ownerRequests: [{ ...state.ownerRequests[0]!, requestedBy: KLARA_KEY }],
    };
  }

  it('a festival whose owners have profiles shows their names in the popup; a key only where there is none', async () => {
    const popup = await mount<PandaPopup>('panda-popup', new FakeClient(named()));
    const root = popup.shadowRoot!;
    expect(Array.from(root.querySelectorAll('[data-festival-owner]')).map(text)).to.deep.equal(['by Klara', `by ${shortKey(STRANGER_KEY)}`]);
    expect(root.querySelector('[data-festival-owner] .key')!.textContent).to.equal(shortKey(STRANGER_KEY));
    expect(text(root.querySelector('[data-owner-request]')))
      .to.contain('Asked by Klara')
      .and.not.contain(shortKey(KLARA_KEY));
    // The identity that would sign, as the sites see it: its name here and its profile's.
    const card = root.querySelector('[data-pending][data-id="9"]')!;
    expect(text(deepQuery(card, '.signer'))).to.equal(`As Bob at work (profile “Bo Bühne”) ${shortKey(BOB_KEY)}`);
  });

  it('the approval window names the signer by its profile', async () => {
    const state = named();
    const approval = await mount<PandaApproval>('panda-approval', new FakeClient({ ...state, pending: state.pending.slice(1) }));
    expect(text(deepQuery(approval.shadowRoot!, '.signer'))).to.contain('profile “Bo Bühne”');
  });
});
