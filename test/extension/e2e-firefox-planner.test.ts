/**
 * The planner's main flow in Firefox ESR with the shipped build (puppeteer-core over WebDriver
 * BiDi, headless): create a festival, a resource and an event in the planner's forms, then
 * confirm the request in its Requests tab.
 *
 * WebDriver BiDi refuses to navigate to moz-extension: URLs, but a tab the extension opens
 * itself can be driven. So the planner is reached as a person reaches it from a join link:
 * a page's `#panda-join=` makes the extension open the planner, which asks first; the person
 * says "Not now" and plans. (The popup's button is tested in Chromium.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import {
  click,
  FIREFOX,
  inPlanner,
  planFestival,
  plannerFromJoinLink,
  plannerText,
  setValue,
  skip,
  UNKNOWN_FESTIVAL,
  waitForText,
} from './e2e-firefox-planner-support.js';
import { builtExtension, serveTestSites, type TestSites } from './e2e-support.js';

describe('Firefox: the planner (festival, resource, event, confirm)', { skip, timeout: 300_000 }, () => {
  let browser: Browser;
  let sites: TestSites;
  let planner: Page;

  before(async () => {
    sites = await serveTestSites();
    browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true, protocol: 'webDriverBiDi' });
    await browser.installExtension(await builtExtension('firefox'));
  });
  after(async () => {
    await browser?.close();
    await sites?.close();
  });

  test('a join link opens the planner, which asks before taking part', async () => {
    planner = await plannerFromJoinLink(browser, `${sites.page}/plain#panda-join=${UNKNOWN_FESTIVAL}&signaling=${encodeURIComponent('ws://127.0.0.1:9')}`);
    await waitForText(planner, 'Take part in a festival Panda Kit does not know yet');
    await waitForText(planner, 'ws://127.0.0.1:9');
    await click(planner, inPlanner('[data-join-decline]'));
    await waitForText(planner, 'You take part in no festival yet');
  });

  test('create a festival, a resource and an event in the planner; confirm the request; its status reads confirmed', async () => {
    await planFestival(planner, { festival: 'Firefox Fest', resource: 'Cellar', event: 'Night of chaos' });
    await click(planner, inPlanner('[data-tab="festivals"]'));
    assert.match(await plannerText(planner), /Firefox Fest .*Fri, 4 Jun 2027 – Mon, 7 Jun 2027 \( Europe\/Lisbon \)/);

    await click(planner, inPlanner('[data-tab="requests"]'));
    await waitForText(planner, 'Night of chaos asks for Cellar');
    await setValue(planner, inPlanner('li[data-pending-request] input[name="note"]'), 'See you there');
    await click(planner, inPlanner('li[data-pending-request] [data-decide="confirm"]'));
    await waitForText(planner, 'Confirmed: Cellar for Night of chaos.');
    await waitForText(planner, 'Nothing is waiting for your decision.');

    await click(planner, inPlanner('[data-tab="events"]'));
    await waitForText(planner, 'Cellar : confirmed');
  });
});
