/**
 * Device pairing by typed code in Firefox ESR with the shipped build (puppeteer-core over
 * WebDriver BiDi, headless), against the `panda devices` command as the other device:
 *
 * - Firefox as device A: "Add a device" shows an offer code; `panda devices join` answers it;
 *   the reply is typed into the popup key by key, which shows the fingerprint the command
 *   printed; "Link this device" signs, and the device is listed by the name given.
 * - Firefox as device B (a second identity in the same browser): the command's offer is typed
 *   into "Use this browser as another device of mine", the popup's reply goes to
 *   `panda devices add --reply`, and `panda devices list` there lists this identity.
 * - A mistyped reply is refused with its code, nothing signed.
 *
 * WebDriver BiDi refuses to navigate to moz-extension: URLs, but a tab the extension opened
 * itself (the planner, from a join link) may go on to the popup's page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { deviceFingerprint } from '../../core/index.js';
import { DataDir } from '../../node/data-dir.js';
import { runPanda, scratchDirs } from '../node/cli-support.js';
import { waitForExpression } from '../firefox-wait.js';
import { FIREFOX, plannerFromJoinLink, skip, UNKNOWN_FESTIVAL } from './e2e-firefox-planner-support.js';
import { builtExtension, serveTestSites, type TestSites } from './e2e-support.js';

const tempDir = scratchDirs('panda-firefox-pairing-');
const inPopup = (selector: string) => `panda-popup >>> ${selector}`;

/** The one line a command that succeeds prints, and what it said on stderr. */
async function panda(...args: string[]): Promise<{ line: string; notes: string[] }> {
  const { code, lines, notes } = await runPanda(...args);
  assert.equal(code, 0, notes.join('\n'));
  assert.equal(lines.length, 1, lines.join('\n'));
  return { line: lines[0]!, notes };
}

/** The element of the popup's shadow root `selector` finds, as an expression in the page. */
const inShadow = (selector: string) => `document.querySelector('panda-popup').shadowRoot.querySelector(${JSON.stringify(selector)})`;

/** The text of the popup's element `selector`, once it is there. */
async function textOf(page: Page, selector: string): Promise<string> {
  await waitForExpression(page, `!!${inShadow(selector)}`, { timeout: 20_000 });
  return ((await page.evaluate(`${inShadow(selector)}.textContent`)) as string).replace(/\s+/g, ' ').trim();
}

/**
 * The popup's element `selector`, once it is there. Waited for by evaluating (puppeteer's
 * own wait watches the document, not the shadow roots where the popup's elements appear).
 */
async function element(page: Page, selector: string) {
  await waitForExpression(page, `!!${inShadow(selector)}`, { timeout: 20_000 });
  const handle = await page.$(inPopup(selector));
  assert.ok(handle, selector);
  return handle;
}

const press = async (page: Page, selector: string) => (await element(page, selector)).click();

/** Types `text` into the field, key by key, as a person copying a code from another screen. */
async function typeInto(page: Page, selector: string, text: string): Promise<void> {
  const field = await element(page, selector);
  await field.click();
  await field.type(text);
}

describe('Firefox: pairing by typed code with the panda command', { skip, timeout: 300_000 }, () => {
  let browser: Browser;
  let sites: TestSites;
  let popup: Page;

  before(async () => {
    sites = await serveTestSites();
    browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true, protocol: 'webDriverBiDi' });
    await browser.installExtension(await builtExtension('firefox'));
    popup = await plannerFromJoinLink(browser, `${sites.page}/plain#panda-join=${UNKNOWN_FESTIVAL}&signaling=${encodeURIComponent('ws://127.0.0.1:9')}`);
    await popup.evaluate(`location.assign('/popup.html')`);
    await waitForExpression(popup, `location.pathname === '/popup.html' && !!document.querySelector('panda-popup')?.shadowRoot?.querySelector('h1')`);
    await press(popup, '[data-welcome-close="skipped"]');
    await element(popup, '[data-devices]');
  });
  after(async () => {
    await browser?.close();
    await sites?.close();
  });

  test('Firefox offers; the command joins; the reply typed in shows the same fingerprint; linking lists the device', async () => {
    const me = (await popup.evaluate(`${inShadow('[data-key]')}.title`)) as string;
    await press(popup, '[data-offer-device]');
    const offer = (await textOf(popup, '[data-code="offer code"]')).replace(/\s/g, '');
    assert.match(offer, /^PKPAIR1:[A-Z2-7-]+$/);
    assert.match(await textOf(popup, '[data-expires]'), /^Open until \d{2}:\d{2}, for one device\.$/);

    const B = tempDir();
    const joined = await panda('devices', 'join', offer, '--data', B);
    const keyB = new DataDir(B).identity().publicKey();
    const printed = deviceFingerprint(keyB);
    assert.ok(joined.notes.some((note) => note.includes(printed)));
    assert.ok(
      joined.notes.some((note) => note.includes(me.slice(0, 16))),
      'the command names the identity it answered',
    );

    // One character off: the check bytes catch it as a typo; nothing is signed.
    const typo = joined.line.replace(/-(.)/, (_match, char: string) => `-${char === 'A' ? 'B' : 'A'}`);
    await typeInto(popup, 'textarea[name="reply"]', typo);
    await press(popup, 'form[data-device-reply] button[type="submit"]');
    await waitForExpression(popup, `!!${inShadow('[data-error-code="PAIRING_CODE_INVALID"]')}`);
    assert.match(await textOf(popup, '[role="alert"]'), /mistyped\?.*Nothing was signed\. \(PAIRING_CODE_INVALID\)/);

    await popup.evaluate(`${inShadow('textarea[name="reply"]')}.value = ''`);
    await typeInto(popup, 'textarea[name="reply"]', joined.line);
    await press(popup, 'form[data-device-reply] button[type="submit"]');
    assert.equal(await textOf(popup, 'form[data-link-device] [data-fingerprint]'), printed, 'the fingerprint the command printed');
    await typeInto(popup, 'form[data-link-device] input[name="name"]', 'Terminal');
    await press(popup, 'form[data-link-device] button[type="submit"]');
    await element(popup, '[data-handover]');
    const listed = await textOf(popup, `[data-linked-device="${keyB}"]`);
    assert.match(listed, new RegExp(`^Terminal · linked \\d{1,2} \\w{3} Check code ${printed} Unlink$`));
  });

  test('Firefox as the other device: a new identity answers the command’s offer typed in; the command links it and lists it', async () => {
    // Another identity in use here: the one this browser lends the other person's profile.
    await press(popup, '[data-handover] [data-pairing-done]');
    await press(popup, 'section[aria-label="Identities"] summary');
    await typeInto(popup, 'form[data-create-identity] input[name="name"]', 'Festival phone');
    await press(popup, 'form[data-create-identity] button[type="submit"]');
    await waitForExpression(popup, `[...document.querySelector('panda-popup').shadowRoot.querySelectorAll('[data-active-identity] option')].length === 2`);
    await popup.evaluate(
      `(() => { const select = ${inShadow('[data-active-identity]')}; select.value = select.options[1].value; select.dispatchEvent(new Event('change')); })()`,
    );
    await waitForExpression(popup, `${inShadow('header strong')}?.textContent === 'Festival phone'`);
    const phone = (await popup.evaluate(`${inShadow('[data-key]')}.title`)) as string;

    const A = tempDir();
    await panda('identity', 'create', '--data', A);
    const offer = (await panda('devices', 'offer', '--data', A)).line;
    await press(popup, 'details[data-join-device] summary');
    await typeInto(popup, 'form[data-answer-offer] textarea[name="offer"]', offer);
    await press(popup, 'form[data-answer-offer] button[type="submit"]');
    const reply = (await textOf(popup, '[data-code="reply code"]')).replace(/\s/g, '');
    assert.match(reply, /^PKJOIN1:/);
    assert.equal(await textOf(popup, 'details[data-join-device] [data-fingerprint]'), deviceFingerprint(phone));

    const added = await panda('devices', 'add', '--reply', reply, '--yes', '--name', 'Cleo', '--data', A);
    assert.match(added.line, new RegExp(`^linked ${phone} \\(${deviceFingerprint(phone)}\\) to profile 0020`));
    const { lines } = await runPanda('devices', 'list', '--data', A);
    assert.equal(lines.at(-1), `  ${phone}  ${deviceFingerprint(phone)}`);
  });
});
