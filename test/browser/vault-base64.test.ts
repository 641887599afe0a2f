/// <reference types="mocha" />
/**
 * The vault's base64 in Chromium, where @scure/base takes the native `Uint8Array.fromBase64`
 * path (Node 20 runs its own code, see test/extension/vault-parts.test.ts): it must refuse all
 * the stored or imported text the vault's old strict decoder refused.
 */
import { expect } from 'chai';
import { base64ToBytes } from '../../extension/vault/crypto.js';
import { NOT_TEXT, OLD_STRICT_BASE64, REFUSED, randomByteArrays, refusedRandomTexts } from '../extension/vault-base64-cases.js';

describe('vault base64 on the browser-native path', () => {
  it('runs where the native decoder exists', () => {
    expect(typeof (Uint8Array as unknown as { fromBase64?: unknown }).fromBase64).to.equal('function');
  });

  it('decodes what the vault writes, byte for byte', () => {
    for (const bytes of randomByteArrays(1, 70)) {
      const text = btoa(String.fromCharCode(...bytes));
      expect(Array.from(base64ToBytes(text) ?? [-1]), text).to.deep.equal(Array.from(bytes));
    }
  });

  it('refuses everything the old strict decoder refused, and a non-canonical tail', () => {
    for (const value of NOT_TEXT) expect(base64ToBytes(value), String(value)).to.equal(undefined);
    const texts = [...REFUSED, ...refusedRandomTexts(2, 20_000)];
    expect(texts.length).to.be.greaterThan(10_000);
    for (const text of texts) {
      expect(OLD_STRICT_BASE64.test(text)).to.equal(false);
      expect(base64ToBytes(text), JSON.stringify(text)).to.equal(undefined);
    }
    expect(base64ToBytes('AB==')).to.equal(undefined);
  });
});
