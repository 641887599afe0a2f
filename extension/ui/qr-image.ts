/**
 * A code shown as a QR code for the other device's camera: core's SVG (replication/qr.ts)
 * as an image, so nothing of it is ever markup in the page. Dark on light in both colour
 * schemes, as cameras read it best.
 */
import { html } from 'lit';
import { qrSvg } from '../../core/replication/qr.js';

/** `size` in CSS pixels: larger for longer codes, whose modules are smaller. */
export function qrImage(code: string, label: string, size = 180) {
  const src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(qrSvg(code))}`;
  return html`<img class="qr" data-qr src=${src} alt=${label} width=${size} height=${size} />`;
}
