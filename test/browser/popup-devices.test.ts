/// <reference types="mocha" />
/**
 * The popup's Devices section against a fake PopupClient: on the first device, "Add a
 * device" shows the offer as a QR code and as text with when it expires, takes the reply,
 * shows the fingerprint to compare and links; then the festivals code; linked devices by
 * name with "Unlink". On the other device (in the welcome too), the offer code in, the reply
 * code and fingerprint out, then the festivals code in. Refusals in words with their code.
 */
import { expect } from 'chai';
import type { PandaPopup } from '../../extension/popup/panda-popup.js';
import type { DevicesView, PopupState } from '../../extension/shared/popup-protocol.js';
import { ProviderErrorCode, ProviderRpcError } from '../../extension/shared/protocol.js';
import { BOB_KEY, FakeClient, mount, unlockedState } from './popup-support.js';
import { alerts, fill, waitFor } from './ui-support.js';

const OFFER = 'PKPAIR1:AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH-2222-3333-4444-5555-6666-7777-AAAA-BBBB-CCCC-DDDD';
const REPLY = 'PKJOIN1:ZZZZ-YYYY-XXXX-WWWW';
const FESTIVALS = 'PKFEST1:eyJhIjoxfQ';
const FINGERPRINT = '9f3a 07c2 e1d4 5b60';

const withDevices = (devices: Partial<DevicesView>, state = unlockedState()): PopupState => ({ ...state, devices: { ...state.devices!, ...devices } });

const refusal = (code: string, message: string) => new ProviderRpcError(ProviderErrorCode.INVALID_PARAMS, message, { code });

/** The text as a person reads it (spaces between inline parts as the page has them). */
const text = (element: Element | null) => (element?.textContent ?? '').replace(/\s+/g, ' ').trim();

async function devicesOf(client: FakeClient) {
  const popup = await mount<PandaPopup>('panda-popup', client);
  const root = popup.shadowRoot!;
  const section = () => root.querySelector<HTMLElement>('[data-devices]')!;
  return { popup, root, section };
}

describe('<panda-popup> devices: adding one', () => {
  it('offers a code as a QR code and text, with its expiry; checks the reply; shows the fingerprint; links; hands over the festivals', async () => {
    const client = new FakeClient(unlockedState());
    const expiresAt = Date.now() + 10 * 60_000;
    client.handlers.popup_offerDevice = () => {
      client.state = withDevices({ offer: { code: OFFER, expiresAt } });
      return { code: OFFER, expiresAt };
    };
    client.handlers.popup_checkDeviceReply = () => {
      client.state = withDevices({ accepted: { fingerprint: FINGERPRINT } });
      return { fingerprint: FINGERPRINT };
    };
    client.handlers.popup_linkDevice = () => {
      client.state = withDevices({
        linked: [{ publicKey: BOB_KEY, fingerprint: FINGERPRINT, name: 'Phone', linkedAt: Date.now() }],
        handover: { fingerprint: FINGERPRINT, name: 'Phone', code: FESTIVALS },
      });
      return { fingerprint: FINGERPRINT, code: FESTIVALS };
    };
    const { root, section } = await devicesOf(client);
    expect(Array.from(root.querySelectorAll('h2')).map((heading) => heading.textContent)).to.include('Devices');
    expect(text(section())).to.contain('No other device acts as you yet.');

    section().querySelector<HTMLButtonElement>('[data-offer-device]')!.click();
    await waitFor(() => section().querySelector('[data-offer]') !== null, 'the offer');
    const offer = section().querySelector('[data-offer]')!;
    expect(offer.querySelector('[data-code="offer code"]')!.textContent).to.equal(OFFER);
    const qr = offer.querySelector<HTMLImageElement>('img[data-qr]')!;
    expect(qr.src).to.match(/^data:image\/svg\+xml/);
    expect(decodeURIComponent(qr.src)).to.contain('<svg');
    expect(qr.alt).to.equal('The offer code as a QR code');
    expect(text(offer.querySelector('[data-expires]'))).to.match(/^Open until \d{2}:\d{2}, for one device\.$/);

    const form = offer.querySelector<HTMLFormElement>('form[data-device-reply]')!;
    fill(form, { reply: REPLY });
    form.requestSubmit();
    await waitFor(() => section().querySelector('form[data-link-device]') !== null, 'the fingerprint to compare');
    expect(client.callsOf('popup_checkDeviceReply')).to.deep.equal([{ reply: REPLY }]);
    const confirm = section().querySelector<HTMLFormElement>('form[data-link-device]')!;
    expect(text(confirm)).to.contain(`Check that the other device shows: ${FINGERPRINT}`);
    expect(client.callsOf('popup_linkDevice')).to.deep.equal([], 'nothing signed before the person links');

    fill(confirm, { name: ' Phone ' });
    confirm.requestSubmit();
    await waitFor(() => section().querySelector('[data-handover]') !== null, 'the festivals code');
    expect(client.callsOf('popup_linkDevice')).to.deep.equal([{ name: 'Phone' }]);
    const handover = section().querySelector('[data-handover]')!;
    expect(text(handover)).to.contain('Linked: Phone now acts as you.');
    expect(handover.querySelector('[data-code="festivals code"]')!.textContent).to.equal(FESTIVALS);
    expect(handover.querySelector('img[data-qr]')).to.not.equal(null);
    const device = section().querySelector(`[data-linked-device="${BOB_KEY}"]`)!;
    expect(text(device))
      .to.contain('Phone')
      .and.contain(FINGERPRINT)
      .and.match(/· linked \d{1,2} \w{3}/);
    expect(text(device)).to.not.contain(BOB_KEY.slice(0, 8), 'a device in words, not by its key');
    expect(text(section())).to.contain('This device acts as you in every festival:');
    expect(section().querySelector('details[data-join-device]')).to.equal(null, 'an identity with devices of its own is no other’s device');

    client.handlers.popup_cancelPairing = () => {
      client.state = withDevices({ linked: client.state.devices!.linked });
      return true;
    };
    handover.querySelector<HTMLButtonElement>('[data-pairing-done]')!.click();
    await waitFor(() => section().querySelector('[data-handover]') === null, 'the festivals code closed');
    expect(section().querySelector('[data-offer-device]')).to.not.equal(null);
  });

  it('a refused reply shows in words with its code, and the offer stays; an expired offer says so', async () => {
    const client = new FakeClient(withDevices({ offer: { code: OFFER, expiresAt: Date.now() + 60_000 } }));
    client.handlers.popup_checkDeviceReply = () => {
      throw refusal('PAIRING_USED', 'This pairing offer was used already (each offer links one device): make a new one');
    };
    const { popup, section } = await devicesOf(client);
    const form = section().querySelector<HTMLFormElement>('form[data-device-reply]')!;
    fill(form, { reply: REPLY });
    form.requestSubmit();
    await waitFor(() => alerts(popup).length > 0, 'the refusal');
    const alert = section().querySelector<HTMLElement>('[role="alert"]')!;
    expect(alert.dataset.errorCode).to.equal('PAIRING_USED');
    expect(text(alert)).to.equal('This pairing offer was used already (each offer links one device): make a new one. Nothing was signed. (PAIRING_USED)');
    expect(section().querySelector('[data-offer]')).to.not.equal(null);
    expect(client.callsOf('popup_linkDevice')).to.deep.equal([]);

    client.state = withDevices({ offer: { code: OFFER, expiresAt: Date.now() - 1000 } });
    client.changed();
    await waitFor(() => section().querySelector('[data-offer-expired]') !== null, 'the expired offer');
    expect(text(section().querySelector('[data-offer-expired]'))).to.match(/^This code expired at .+\. Make a new one\.$/);
    expect(section().querySelector('[data-code="offer code"]')).to.equal(null, 'an expired code is not shown to copy');
  });

  it('lists linked devices by name (or in words without one) and unlinks one', async () => {
    const other = 'cd'.repeat(32);
    const client = new FakeClient(
      withDevices({
        linked: [
          { publicKey: BOB_KEY, fingerprint: FINGERPRINT, name: 'Laptop', linkedAt: Date.now() },
          { publicKey: other, fingerprint: '0000 1111 2222 3333', name: null, linkedAt: null },
        ],
      }),
    );
    const { section } = await devicesOf(client);
    const items = Array.from(section().querySelectorAll<HTMLElement>('[data-linked-device]'));
    expect(items.map((item) => item.querySelector('strong')!.textContent)).to.deep.equal(['Laptop', 'Another device']);
    expect(text(items[1]!)).to.contain('linked on another device').and.contain('0000 1111 2222 3333');
    expect(text(section())).to.contain('Unlinking withdraws everything that device decided as you, earlier decisions too.');
    items[1]!.querySelector<HTMLButtonElement>('[data-unlink]')!.click();
    await waitFor(() => client.callsOf('popup_unlinkDevice').length === 1, 'the unlink');
    expect(client.callsOf('popup_unlinkDevice')).to.deep.equal([{ device: other }]);
    await waitFor(() => text(section()).includes('Unlinked.'), 'the outcome');
  });
});

describe('<panda-popup> devices: this browser as another device', () => {
  it('answers an offer: the reply code and QR code and this device’s fingerprint; then takes the festivals; then says it is linked', async () => {
    const client = new FakeClient(unlockedState());
    const expiresAt = Date.now() + 60_000;
    const answer = { reply: REPLY, fingerprint: FINGERPRINT, expiresAt, festivals: null };
    client.handlers.popup_answerOffer = () => {
      client.state = withDevices({ answer });
      return { reply: REPLY, fingerprint: FINGERPRINT };
    };
    client.handlers.popup_takeFestivals = () => {
      client.state = withDevices({ answer: { ...answer, festivals: 2 } });
      return { festivals: 2 };
    };
    const { section } = await devicesOf(client);
    const fold = section().querySelector<HTMLDetailsElement>('details[data-join-device]')!;
    expect(fold.open).to.equal(false);
    expect(fold.querySelector('summary')!.textContent).to.equal('Use this browser as another device of mine');
    const form = fold.querySelector<HTMLFormElement>('form[data-answer-offer]')!;
    fill(form, { offer: OFFER });
    form.requestSubmit();
    await waitFor(() => section().querySelector('[data-code="reply code"]') !== null, 'the reply code');
    expect(client.callsOf('popup_answerOffer')).to.deep.equal([{ offer: OFFER }]);
    const joined = section().querySelector<HTMLDetailsElement>('details[data-join-device]')!;
    expect(joined.open).to.equal(true);
    expect(joined.querySelector('[data-code="reply code"]')!.textContent).to.equal(REPLY);
    expect(joined.querySelector('img[data-qr]')).to.not.equal(null);
    expect(text(joined)).to.contain(`Check that the other device shows: ${FINGERPRINT}`);

    const take = joined.querySelector<HTMLFormElement>('form[data-take-festivals]')!;
    fill(take, { code: FESTIVALS });
    take.requestSubmit();
    await waitFor(() => section().querySelector('[data-waiting-link]') !== null, 'waiting for the link');
    expect(client.callsOf('popup_takeFestivals')).to.deep.equal([{ code: FESTIVALS }]);
    expect(text(section().querySelector('[data-waiting-link]'))).to.match(/^Taking part in 2 festivals of your other device\. Waiting to hear from it/);

    client.state = withDevices({ deviceOf: { publicKey: BOB_KEY, name: 'Ana' } });
    client.changed();
    await waitFor(() => section().querySelector('[data-device-of]') !== null, 'linked');
    expect(text(section().querySelector('[data-device-of]'))).to.equal(
      'This browser is another device of Ana: it decides and signs as them in every festival.',
    );
    expect(section().querySelector('details[data-join-device]')).to.equal(null);
    expect(section().querySelector('[data-offer-device]')).to.equal(null, 'further devices are added from the first one');
    expect(text(section())).to.contain('Add further devices from Ana’s first device.');
  });

  it('a refused offer code shows in words with its code; the fold is in the first-run welcome too', async () => {
    const client = new FakeClient({ ...unlockedState(), welcome: true, backedUp: false, pending: [] });
    client.handlers.popup_answerOffer = () => {
      throw refusal('PAIRING_EXPIRED', 'The pairing offer expired 3 min ago: make a new one on the other device');
    };
    const popup = await mount<PandaPopup>('panda-popup', client);
    const root = popup.shadowRoot!;
    const fold = root.querySelector<HTMLDetailsElement>('[data-welcome] details[data-join-device]')!;
    expect(fold).to.not.equal(null);
    expect(root.querySelector('[data-devices]')).to.equal(null, 'the welcome alone, no other section');
    const form = fold.querySelector<HTMLFormElement>('form[data-answer-offer]')!;
    fill(form, { offer: OFFER });
    form.requestSubmit();
    await waitFor(() => alerts(popup).length > 0, 'the refusal');
    const alert = fold.querySelector<HTMLElement>('[role="alert"]')!;
    expect(alert.dataset.errorCode).to.equal('PAIRING_EXPIRED');
    expect(text(alert)).to.contain('The pairing offer expired 3 min ago').and.contain('Nothing was signed.').and.contain('(PAIRING_EXPIRED)');
  });
});
