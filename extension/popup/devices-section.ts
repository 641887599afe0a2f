/**
 * Devices in `<panda-popup>`: linking another browser (or the `panda` command) so that it
 * acts as the identity in use, and unlinking it (background: device-pairing.ts).
 *
 * On the first device: "Add a device" shows an offer code (QR code and text) with when it
 * expires and a field for the other device's reply; once the reply passes its checks, the
 * fingerprint to compare ("Check that the other device shows: …") and "Link this device",
 * then the festivals code that hands it this identity's festivals. On the other device (the
 * fold "Use this browser as another device of mine", in the welcome too): the offer code in,
 * the reply code and this device's fingerprint out, then the festivals code in. Refusals
 * show in words with their stable code (PAIRING_EXPIRED, ...); nothing is signed then.
 * Outcomes show in the areas `devices` (adding) and `device-join` (joining).
 */
import { html, nothing } from 'lit';
import type { DevicesView, LinkedDeviceView, PopupState } from '../shared/popup-protocol.js';
import type { ActionController } from '../ui/actions.js';
import { submittedForm } from '../ui/forms.js';
import type { PopupStateController } from '../ui/popup-state.js';
import { qrImage } from '../ui/qr-image.js';
import { visibleText } from '../ui/visible-text.js';

// As the rest of the extension writes times: 21:05, 4 Jun (the person's time zone).
const clock = (ms: number) => new Date(ms).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
const day = (ms: number) => new Date(ms).toLocaleDateString('en-GB', { day: 'numeric', month: 'short' });

export class DevicesSection {
  constructor(
    private readonly actions: ActionController,
    private readonly live: PopupStateController,
  ) {}

  render(state: PopupState) {
    const devices = state.devices;
    if (!devices) return nothing;
    return html`<section aria-labelledby="devices-heading" data-devices>
      <h2 id="devices-heading">Devices</h2>
      ${
        devices.deviceOf
          ? html`<p data-device-of>
              This browser is another device of <strong>${visibleText(devices.deviceOf.name || 'yours')}</strong>: it decides and signs as them in every
              festival.
            </p>`
          : nothing
      }
      ${this.renderLinked(devices.linked)}
      ${
        devices.deviceOf
          ? html`<p class="muted">Add further devices from ${visibleText(devices.deviceOf.name || 'your first device')}’s first device.</p>`
          : this.renderAdding(devices)
      }
      ${this.renderJoin(state)}
    </section>`;
  }

  private renderLinked(linked: LinkedDeviceView[]) {
    if (linked.length === 0) return html`<p class="muted" data-no-devices>No other device acts as you yet.</p>`;
    return html`<p>${linked.length === 1 ? 'This device acts' : 'These devices act'} as you in every festival:</p>
      <ul data-linked-devices>
        ${linked.map(
          (device) =>
            html`<li data-linked-device=${device.publicKey}>
              <p>
                <strong>${visibleText(device.name ?? 'Another device')}</strong>
                <span class="muted">· ${device.linkedAt === null ? 'linked on another device' : `linked ${day(device.linkedAt)}`}</span>
              </p>
              <p class="muted">Check code <span class="fingerprint" data-fingerprint>${device.fingerprint}</span></p>
              <button
                class="danger"
                data-unlink
                aria-label=${`Unlink ${device.name ?? device.fingerprint}`}
                ?disabled=${this.actions.isBusy(`unlink:${device.publicKey}`)}
                @click=${() => this.unlink(device.publicKey)}
              >
                Unlink
              </button>
            </li>`,
        )}
      </ul>
      <p class="muted">Unlinking withdraws everything that device decided as you, earlier decisions too.</p>`;
  }

  private renderAdding(devices: DevicesView) {
    const busy = this.actions.isBusy('devices');
    if (devices.handover) {
      const { handover } = devices;
      return html`<div class="pairing" data-handover>
        <p role="status">Linked: <strong>${visibleText(handover.name ?? 'the other device')}</strong> now acts as you.</p>
        <p>So that it takes part in your festivals too, copy this festivals code into it (under “Use this browser as another device of mine”):</p>
        ${this.renderCode(handover.code, 'festivals code', 'The festivals code as a QR code', 240)}
        <button data-pairing-done ?disabled=${busy} @click=${this.cancel}>Done</button>
        ${this.feedback('devices')}
      </div>`;
    }
    if (devices.accepted) {
      return html`<form class="pairing" data-link-device @submit=${this.link}>
        <p>Check that the other device shows: <strong class="fingerprint" data-fingerprint>${devices.accepted.fingerprint}</strong></p>
        <p class="muted">Link it only if the two are the same; if not, someone else answered your code.</p>
        <label>What do you call it? (for this list) <input name="name" maxlength="64" placeholder="e.g. Phone" autocomplete="off" /></label>
        <div class="row">
          <button class="primary" type="submit" ?disabled=${busy}>Link this device</button>
          <button type="button" data-pairing-cancel ?disabled=${busy} @click=${this.cancel}>Cancel</button>
        </div>
        ${this.feedback('devices')}
      </form>`;
    }
    if (devices.offer) {
      const { offer } = devices;
      const expired = Date.now() >= offer.expiresAt;
      return html`<div class="pairing" data-offer>
        <p>On your other device, open Panda Kit, choose “Use this browser as another device of mine” and scan or type this code:</p>
        ${
          expired
            ? html`<p role="alert" data-offer-expired>This code expired at ${clock(offer.expiresAt)}. Make a new one.</p>`
            : html`${this.renderCode(offer.code, 'offer code', 'The offer code as a QR code')}
                <p class="muted" data-expires>Open until ${clock(offer.expiresAt)}, for one device.</p>`
        }
        <form data-device-reply @submit=${this.checkReply}>
          <label>Then the reply code it shows <textarea name="reply" rows="3" required spellcheck="false" autocomplete="off"></textarea></label>
          <div class="row">
            <button class="primary" type="submit" ?disabled=${busy}>Check the reply</button>
            <button type="button" data-offer-device ?disabled=${busy} @click=${this.offer}>New code</button>
            <button type="button" data-pairing-cancel ?disabled=${busy} @click=${this.cancel}>Cancel</button>
          </div>
        </form>
        ${this.feedback('devices')}
      </div>`;
    }
    return html`<button data-offer-device ?disabled=${busy} @click=${this.offer}>Add a device</button> ${this.feedback('devices')}`;
  }

  /**
   * The other side: this browser answers an offer and then takes the festivals code. Shown
   * folded in the section, and in the first-run welcome (a fresh install is where it starts);
   * not once this identity is linked, has devices of its own or is adding one.
   */
  renderJoin(state: PopupState) {
    const devices = state.devices;
    if (!devices || devices.deviceOf || devices.linked.length > 0 || devices.offer || devices.accepted || devices.handover) return nothing;
    const answer = devices.answer;
    const busy = this.actions.isBusy('device-join');
    return html`<details data-join-device ?open=${answer !== null}>
      <summary>Use this browser as another device of mine</summary>
      ${
        answer === null
          ? html`<p class="muted">On the device you use already, choose Devices → “Add a device”, then type or paste its code here.</p>
              <form data-answer-offer @submit=${this.answer}>
                <label>Code from your other device <textarea name="offer" rows="2" required spellcheck="false" autocomplete="off"></textarea></label>
                <button class="primary" type="submit" ?disabled=${busy}>Answer</button>
              </form>`
          : html`<p>Give this reply code to your other device:</p>
              ${this.renderCode(answer.reply, 'reply code', 'The reply code as a QR code')}
              <p>Check that the other device shows: <strong class="fingerprint" data-fingerprint>${answer.fingerprint}</strong></p>
              ${
                answer.festivals === null
                  ? html`<form data-take-festivals @submit=${this.takeFestivals}>
                      <label
                        >Once it has linked this browser, the festivals code it shows
                        <textarea name="code" rows="3" required spellcheck="false" autocomplete="off"></textarea>
                      </label>
                      <button class="primary" type="submit" ?disabled=${busy}>Take part in the same festivals</button>
                    </form>`
                  : html`<p role="status" data-waiting-link>
                      Taking part in ${answer.festivals === 1 ? 'one festival' : `${answer.festivals} festivals`} of your other device. Waiting to hear from it
                      that this browser is linked…
                    </p>`
              }
              <button data-forget-answer ?disabled=${busy} @click=${this.forgetAnswer}>Start over</button>`
      }
      ${this.feedback('device-join')}
    </details>`;
  }

  private renderCode(code: string, what: string, label: string, size?: number) {
    return html`<div class="code-box">
      ${qrImage(code, label, size)}
      <output class="code" data-code=${what} aria-label=${what}>${code}</output>
      <button type="button" data-copy @click=${() => this.copy(code, what)}>Copy the ${what}</button>
    </div>`;
  }

  /** An area's outcome; a refusal in words with its stable code, which the background's error carries. */
  private feedback(area: string) {
    const code = this.actions.errorCodeFor(area);
    const error = this.actions.errorFor(area);
    if (!error) return this.actions.feedback(area);
    const sentence = /[.!?…]$/.test(error) ? error : `${error}.`;
    return html`<p role="alert" data-error-code=${code ?? nothing}>
      ${sentence}${code?.startsWith('PAIRING_') ? ' Nothing was signed.' : ''} ${code ? html`<span class="error-code">(${code})</span>` : nothing}
    </p>`;
  }

  private async copy(code: string, what: string): Promise<void> {
    const area = what === 'reply code' ? 'device-join' : 'devices';
    await this.actions.run(area, `copy:${what}`, async () => {
      await navigator.clipboard.writeText(code);
      this.actions.note(area, `Copied the ${what}.`);
    });
  }

  private readonly offer = async (): Promise<void> => {
    await this.actions.run('devices', 'devices', () => this.live.request('popup_offerDevice'));
  };

  private readonly checkReply = async (event: SubmitEvent): Promise<void> => {
    const submitted = submittedForm(event);
    await this.actions.run('devices', 'devices', () => this.live.request('popup_checkDeviceReply', { reply: submitted.text('reply') }));
  };

  private readonly link = async (event: SubmitEvent): Promise<void> => {
    const submitted = submittedForm(event);
    const name = submitted.text('name').trim();
    await this.actions.run('devices', 'devices', () => this.live.request('popup_linkDevice', name ? { name } : {}));
  };

  private readonly cancel = async (): Promise<void> => {
    await this.actions.run('devices', 'devices', () => this.live.request('popup_cancelPairing'));
  };

  private async unlink(device: string): Promise<void> {
    const done = await this.actions.run('devices', `unlink:${device}`, () => this.live.request('popup_unlinkDevice', { device }));
    if (done) this.actions.note('devices', 'Unlinked. What it decides as you no longer counts, wherever the change arrives.');
  }

  private readonly answer = async (event: SubmitEvent): Promise<void> => {
    const submitted = submittedForm(event);
    await this.actions.run('device-join', 'device-join', () => this.live.request('popup_answerOffer', { offer: submitted.text('offer') }));
  };

  private readonly takeFestivals = async (event: SubmitEvent): Promise<void> => {
    const submitted = submittedForm(event);
    await this.actions.run('device-join', 'device-join', () => this.live.request('popup_takeFestivals', { code: submitted.text('code') }));
  };

  private readonly forgetAnswer = async (): Promise<void> => {
    await this.actions.run('device-join', 'device-join', () => this.live.request('popup_forgetAnswer'));
  };
}
