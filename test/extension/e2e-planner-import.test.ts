/**
 * The planner's "Import a schedule file" in Chromium with the built extension, as an
 * organiser would do it: a festival created in the planner, frab's camp2019 schedule
 * (../shared/reference/schedules) imported into it from its card, the talks in the planner's
 * Events, an event of the organiser's own added with the event form beside them, the same
 * file again changing nothing; a visitor's page with the share snippet's `<panda-schedule>`
 * shows the imported talks and the added event.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { SCHEDULES } from '../widgets/support.js';
import {
  ARGS,
  CHROMIUM,
  createFestival,
  festivalSite,
  saveDefaultSignaling,
  skip,
  tab,
  withExtension,
  type FestivalSite,
  type Person,
} from './e2e-planner-support.js';
import { builtExtension } from './e2e-support.js';

const CAMP = join(SCHEDULES, 'frab-camp2019.json');
/** Replication through the signaling server and WebRTC on a loaded machine. */
const SYNC = 120_000;
/** 79 talks signed one by one into IndexedDB. */
const IMPORT = 60_000;

describe('the planner imports a schedule file into a festival of the person’s own', { skip, timeout: 600_000 }, () => {
  let web: FestivalSite;
  let organiser: Person;
  let visitor: Browser | undefined;
  let festivalId = '';

  before(async () => {
    web = await festivalSite();
    organiser = await withExtension('import', await builtExtension('chrome'));
  });
  after(async () => {
    await organiser?.close().catch(() => undefined);
    await visitor?.close();
    await web?.close();
  });

  test('camp2019 imported from the festival’s card: the talks in Events, said in words; an event added with the form; the same file again changes nothing', async () => {
    const planner = organiser.planner;
    await saveDefaultSignaling(planner, web.signaling.url);
    await planner.locator('[data-new-festival]').click();
    await createFestival(planner, { name: 'Camp 2019', start: '2019-08-21T10:00', end: '2019-08-26T23:00', timezone: 'Europe/Berlin' });
    const card = planner.locator('li[data-festival][data-name="Camp 2019"]');
    festivalId = (await card.getAttribute('data-festival'))!;

    await card.locator('[data-open-import]').click();
    await planner.locator('panda-planner-events').waitFor();
    const importer = planner.locator('form[data-import-schedule]');
    await importer.locator('input[type="file"]').setInputFiles(CAMP);
    await importer.locator('button[type="submit"]').click();
    const said = planner.locator('[data-import] [role="status"]');
    await said.waitFor({ timeout: IMPORT });
    assert.equal((await said.innerText()).trim(), 'Imported frab-camp2019.json: 79 events added, 2 rooms added.');
    const events = planner.locator('panda-planner-events li[data-event]');
    await planner.waitForFunction(
      `document.querySelector('panda-planner').shadowRoot.querySelector('panda-planner-events').shadowRoot.querySelectorAll('li[data-event]').length === 79`,
      undefined,
      { timeout: 20_000 },
    );
    const opening = planner.locator('li[data-event][data-title="Opening Ceremony"]');
    assert.match(await opening.innerText(), /Curie/);

    // The person adds to the imported programme with the planner's event form.
    const form = planner.locator('panda-event-form');
    await form.getByLabel('Curie (location)').check({ timeout: 20_000 });
    await form.locator('input[name="title"]').fill('Camp breakfast');
    await form.locator('input[name="start"]').fill('2019-08-21T08:00');
    await form.locator('input[name="end"]').fill('2019-08-21T09:00');
    await form.locator('button[type="submit"]').click();
    await planner.locator('li[data-event][data-title="Camp breakfast"]').waitFor({ timeout: 20_000 });
    assert.equal(await events.count(), 80);

    await tab(planner, 'resources');
    await tab(planner, 'events');
    await planner.locator('form[data-import-schedule] input[type="file"]').setInputFiles(CAMP);
    await planner.locator('form[data-import-schedule] button[type="submit"]').click();
    await planner.locator('[data-import] [role="status"]', { hasText: 'nothing changed' }).waitFor({ timeout: IMPORT });
    assert.equal((await planner.locator('[data-import] [role="status"]').innerText()).trim(), 'Imported frab-camp2019.json: nothing changed.');
    assert.equal(await events.count(), 80, 'the event the person added stays');
  });

  test('a visitor’s page with the festival’s <panda-schedule> shows the imported talks and the added event', async () => {
    assert.ok(festivalId, 'the festival of the first test');
    const planner = organiser.planner;
    await tab(planner, 'share');
    web.site.body = await planner.locator('[data-snippet]').inputValue();
    assert.ok(web.site.body.includes(`festival="${festivalId}"`));
    visitor = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
    const page = await visitor.newPage();
    await page.goto(`${web.site.url}/fest`);
    const schedule = page.locator('panda-schedule');
    await schedule.getByText('Camp 2019').first().waitFor({ timeout: SYNC });
    // Long over, the schedule opens on its last day (26 August, no talks there): the visitor picks the first.
    await schedule.locator('[data-day="2019-08-21"]').click({ timeout: SYNC });
    for (const title of ['Opening Ceremony', 'card10 Badge', 'Camp breakfast']) await schedule.getByText(title).first().waitFor({ timeout: SYNC });
  });
});
