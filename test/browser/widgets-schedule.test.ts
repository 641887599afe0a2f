/// <reference types="mocha" />
/**
 * <panda-schedule> in Chromium against fake sources: grid, list and now-and-next views, day
 * tabs and deep links, keyboard navigation (roving tabindex), time zones, filters,
 * favourites, exports, read-only notice, confirmation in words, narrow containers, print,
 * German, hostile data and axe.
 */
import { expect } from 'chai';
import type { PandaSchedule } from '../../widgets/schedule/panda-schedule.js';
import { fromFrabJson, fromProviderQueries } from '../../widgets/lib/schedule-data.js';
import { dayKey, formatDayKey, formatTime, localTimeZone } from '../../widgets/lib/time.js';
import { favouritesKey } from '../../widgets/lib/favourites.js';
import {
  $,
  $$,
  atMs,
  captureDownloads,
  expectAccessible,
  FakeSource,
  FESTIVAL_ID,
  FESTIVAL_ZONE,
  festivalResult,
  HOSTILE_TITLE,
  mount,
  scheduleData,
  scheduleItems,
  settle,
  shadow,
  unmountAll,
  until,
} from './widgets-support.js';

const clearHash = () => history.replaceState(null, '', location.pathname + location.search);

async function schedule(options: { source?: FakeSource; attributes?: Record<string, string>; width?: number; now?: number } = {}): Promise<PandaSchedule> {
  const element = await mount(
    'panda-schedule',
    { source: options.source ?? new FakeSource(scheduleData()), now: options.now ?? atMs('2026-07-03T10:45') },
    { festival: FESTIVAL_ID, lang: 'en-GB', day: '2026-07-03', ...options.attributes },
    options.width ?? 1000,
  );
  await until(() => $(element, 'h2'), 'the schedule');
  await settle(element);
  return element;
}

const cell = (element: Element, eventId: string) => $(element, `[role="gridcell"][data-event="${eventId}"]`);
const focused = (element: Element) => shadow(element).activeElement as HTMLElement | null;
const key = (target: Element, name: string, init: KeyboardEventInit = {}) =>
  target.dispatchEvent(new KeyboardEvent('keydown', { key: name, bubbles: true, composed: true, cancelable: true, ...init }));
const text = (element: Element | null) => (element?.textContent ?? '').replace(/\s+/g, ' ').trim();

describe('axe in shadow roots', () => {
  it('finds a violation inside a shadow root (so a clean result means something)', async () => {
    const host = document.createElement('div');
    host.attachShadow({ mode: 'open' }).innerHTML = '<button></button><img src="data:,">';
    document.body.append(host);
    try {
      let failure: unknown;
      await expectAccessible(host).catch((error: unknown) => (failure = error));
      const found = ((failure as { actual?: string[] }).actual ?? []).join('\n');
      expect(found).to.contain('button-name').and.contain('image-alt');
    } finally {
      host.remove();
    }
  });
});

describe('<panda-schedule>', () => {
  beforeEach(() => {
    localStorage.clear();
    clearHash();
  });
  afterEach(() => {
    unmountAll();
    clearHash();
  });

  describe('grid', () => {
    it('places the day’s events by location and time, overlapping ones side by side', async () => {
      const element = await schedule();
      const grid = $(element, '[role="grid"]')!;
      expect($$(element, '.grid'), 'only the grid is laid out as one').to.deep.equal([grid]);
      expect(grid.getAttribute('aria-label')).to.contain('Hoffnung 3000');
      expect($$(element, '[role="columnheader"].location').map(text)).to.deep.equal(['Klangkeller', 'Zelt']);
      expect($$(element, '[role="gridcell"]').map((item) => item.dataset.event)).to.have.members(['e-opening', 'e-workshop', 'e-concert']);
      expect(cell(element, 'e-opening')!.style.getPropertyValue('--lanes')).to.equal('2');
      expect(cell(element, 'e-workshop')!.style.getPropertyValue('--lane')).to.equal('1');
      expect(cell(element, 'e-concert')!.style.getPropertyValue('--lanes')).to.equal('1');
      // Rows of 15 minutes from 10:00: the workshop (10:30-12:00) starts in row 3 and spans 6.
      expect(cell(element, 'e-workshop')!.style.gridRow).to.match(/^4 \/ span 6$/);
      expect(text(cell(element, 'e-opening'))).to.contain('10:00–11:00');
      // Every row is an ARIA row with cells of role gridcell, rowheader or columnheader.
      for (const row of $$(element, '[role="row"]'))
        expect(Array.from(row.children).every((child) => ['gridcell', 'rowheader', 'columnheader'].includes(child.getAttribute('role')!))).to.equal(true);
      await expectAccessible(element);
    });

    it('draws a day of hundreds of events a slice at a time, morning first, until all are there; a day switch starts again', async () => {
      const base = scheduleData();
      const day = Date.UTC(2026, 6, 3, 6);
      const many = (offset: number, prefix: string) =>
        Array.from({ length: 200 }, (_, i) => ({
          ...base.events[0]!,
          id: `${prefix}-${i}`,
          title: `Talk ${i}`,
          locationIds: [base.locations[i % 2]!.id],
          start: offset + i * 120_000,
          end: offset + i * 120_000 + 60 * 60_000,
        }));
      const data = { ...base, events: [...many(day, 'a'), ...many(day + 86_400_000, 'b')] };
      const element = await mount(
        'panda-schedule',
        { source: new FakeSource(data), now: atMs('2026-07-03T10:45') },
        { festival: FESTIVAL_ID, lang: 'en-GB', day: '2026-07-03' },
        1000,
      );
      // What the first frame with events drew (later slices follow within milliseconds on a fast machine).
      let first: string[] = [];
      const observer = new MutationObserver(() => {
        if (first.length === 0) first = $$(element, '[role="gridcell"]').map((item) => item.dataset.event!);
      });
      observer.observe(element.shadowRoot!, { childList: true, subtree: true });
      await until(() => first.length > 0, 'the first events');
      observer.disconnect();
      expect(first.length, 'a slice, not the whole day').to.be.below(200);
      expect(first, 'the morning first').to.include('a-0');
      await until(() => $$(element, '[role="gridcell"]').length === 200, 'the whole day', 10_000).catch((error: Error) => {
        throw new Error(`${error.message}: ${$$(element, '[role="gridcell"]').length} drawn`);
      });
      element.day = '2026-07-04';
      await element.updateComplete;
      expect($$(element, '[role="gridcell"]').length, 'the next day begins with a slice again').to.be.below(200);
      await until(() => $$(element, '[role="gridcell"]').length === 200 && cell(element, 'b-199') !== null, 'the whole next day', 5_000);
    });

    it('says how confirmed each event is, in words', async () => {
      const element = await schedule();
      expect(text(cell(element, 'e-opening'))).to.contain('Confirmed · 100%');
      expect(text(cell(element, 'e-workshop'))).to.contain('Waiting for Beamer · 50%');
      expect(text(cell(element, 'e-concert'))).to.contain('Waiting for Zelt · 0%');
      expect(cell(element, 'e-concert')!.dataset.state).to.equal('pending');
      element.day = '2026-07-05';
      await settle(element);
      // Declined events show when asked for (widgets-schedule-status.test.ts).
      $(element, 'input[data-filter="declined"]')!.click();
      await settle(element);
      expect(text(cell(element, 'e-closing'))).to.contain('Declined by Desk · 75%');
      expect(cell(element, 'e-closing')!.dataset.state).to.equal('denied');
    });

    it('draws the now-line on today only, where the clock says', async () => {
      const element = await schedule();
      const line = $(element, '[data-now-line]')!;
      // 10:45 is row 3 (10:00 + 3 × 15 min) of the grid, i.e. CSS row 5.
      expect(line.style.gridRow).to.match(/^5/);
      expect(line.getAttribute('aria-hidden')).to.equal('true');
      element.now = atMs('2026-07-03T23:30');
      await settle(element);
      expect($(element, '[data-now-line]'), 'after the last event').to.equal(null);
      element.now = atMs('2026-07-03T10:45');
      element.day = '2026-07-04';
      await settle(element);
      expect($(element, '[data-now-line]'), 'another day').to.equal(null);
    });

    it('moves focus between events with the arrow keys (roving tabindex)', async () => {
      const element = await schedule();
      const tabbable = () => $$(element, '[role="gridcell"][tabindex="0"]').map((item) => item.dataset.event);
      expect(tabbable()).to.deep.equal(['e-opening']);
      cell(element, 'e-opening')!.focus();
      const press = async (name: string, init: KeyboardEventInit = {}) => {
        key(focused(element)!, name, init);
        await settle(element);
        return focused(element)?.dataset.event;
      };
      expect(await press('ArrowDown')).to.equal('e-workshop');
      expect(tabbable()).to.deep.equal(['e-workshop']);
      expect(await press('ArrowDown'), 'no further down').to.equal('e-workshop');
      expect(await press('ArrowRight')).to.equal('e-concert');
      expect(await press('ArrowLeft'), 'the nearest in time').to.equal('e-workshop');
      expect(await press('Home')).to.equal('e-opening');
      expect(await press('End')).to.equal('e-workshop');
      expect(await press('Home', { ctrlKey: true })).to.equal('e-opening');
      expect(await press('End', { ctrlKey: true })).to.equal('e-concert');
      expect(tabbable()).to.deep.equal(['e-concert']);
      // PageDown: the next day, focus on its first event.
      expect(await press('PageDown')).to.equal('e-breakfast');
      expect($(element, '[role="tab"][aria-selected="true"]')!.dataset.day).to.equal('2026-07-04');
      // Enter opens the event; Escape closes it and focus returns.
      key(focused(element)!, 'Enter');
      await settle(element);
      expect($(element, '[data-details]')!.dataset.details).to.equal('e-breakfast');
      expect(focused(element)?.id).to.equal('details-title');
      key(focused(element)!, 'Escape');
      await settle(element);
      await settle(element);
      expect($(element, '[data-details]')).to.equal(null);
      expect(focused(element)?.dataset.event).to.equal('e-breakfast');
    });
  });

  describe('days', () => {
    it('offers every festival day as a tab and announces a change', async () => {
      const element = await schedule();
      const changes: unknown[] = [];
      element.addEventListener('panda-day-change', (event) => changes.push((event as CustomEvent).detail));
      const tabs = $$(element, '[role="tablist"] [role="tab"]');
      expect(tabs.map((tab) => tab.dataset.day)).to.deep.equal(['2026-07-03', '2026-07-04', '2026-07-05']);
      expect(tabs.map((tab) => tab.getAttribute('aria-selected'))).to.deep.equal(['true', 'false', 'false']);
      expect(tabs.map((tab) => tab.tabIndex)).to.deep.equal([0, -1, -1]);
      expect(text(tabs[0]!)).to.contain(formatDayKey('2026-07-03', 'en-GB', 'medium'));
      expect($(element, '[role="tabpanel"]')!.getAttribute('aria-labelledby')).to.equal('tab-2026-07-03');
      tabs[1]!.click();
      await settle(element);
      expect(changes).to.deep.equal([{ day: '2026-07-04' }]);
      expect(element.getAttribute('day')).to.equal('2026-07-04');
      expect(location.hash).to.equal('#panda-day=2026-07-04');
      expect($$(element, '[role="gridcell"]').map((item) => item.dataset.event)).to.have.members(['e-breakfast', 'e-hostile']);
      expect(text($(element, '[aria-live="polite"]'))).to.equal(`${formatDayKey('2026-07-04', 'en-GB', 'long')}: 2 events`);
      // Arrow keys in the tab list move to the next day and focus its tab.
      key($(element, '[role="tab"][aria-selected="true"]')!, 'ArrowRight');
      await settle(element);
      expect(focused(element)?.dataset.day).to.equal('2026-07-05');
      expect(changes.at(-1)).to.deep.equal({ day: '2026-07-05' });
    });

    it('opens the day a link names', async () => {
      history.replaceState(null, '', '#panda-day=2026-07-05');
      const element = await schedule({ attributes: { day: '' } });
      await until(() => $(element, '[role="tab"][aria-selected="true"]')?.dataset.day === '2026-07-05', 'the linked day');
      // A link clicked later (hashchange) is followed too.
      location.hash = '#panda-day=2026-07-04';
      await until(() => $(element, '[role="tab"][aria-selected="true"]')?.dataset.day === '2026-07-04', 'the day after hashchange');
    });

    it('opens, shows and focuses the event a link names', async () => {
      history.replaceState(null, '', '#panda-event=e-closing');
      const element = await schedule({ attributes: { day: '' } });
      await until(() => focused(element)?.dataset.event === 'e-closing', 'focus on the linked event');
      expect($(element, '[role="tab"][aria-selected="true"]')!.dataset.day).to.equal('2026-07-05');
      expect($(element, '[data-details]')!.dataset.details).to.equal('e-closing');
      expect(text($(element, '[data-details]'))).to.contain('3 of 4 resources confirmed');
    });

    it('starts on today when the festival is on', async () => {
      const element = await schedule({ attributes: { day: '' }, now: atMs('2026-07-04T08:00') });
      expect($(element, '[role="tab"][aria-selected="true"]')!.dataset.day).to.equal('2026-07-04');
      expect(text($(element, '[role="tab"][aria-selected="true"]'))).to.contain('Today');
    });
  });

  describe('views', () => {
    it('lists the day’s events with times, places and confirmation', async () => {
      const element = await schedule({ attributes: { view: 'list' } });
      expect($(element, '[role="grid"]')).to.equal(null);
      const items = $$(element, '.list > li');
      expect(items.map((item) => item.dataset.event)).to.deep.equal(['e-opening', 'e-workshop', 'e-concert']);
      expect(text(items[1]!)).to.contain('10:30–12:00').and.contain('Klangkeller').and.contain('Waiting for Beamer · 50%');
      await expectAccessible(element);
    });

    it('shows what is on now and what comes next', async () => {
      const element = await schedule({ attributes: { view: 'now' } });
      expect($$(element, '[data-now] > li').map((item) => item.dataset.event)).to.deep.equal(['e-opening', 'e-workshop']);
      const next = $$(element, '[data-next] > li');
      // e-closing, with a declined request, is hidden at first.
      expect(next.map((item) => item.dataset.event)).to.deep.equal(['e-concert', 'e-breakfast', 'e-hostile']);
      expect(text(next[0]!)).to.contain('20:00').and.contain('starts in 9 hours');
      expect(text($$(element, '[data-now] > li')[0]!)).to.contain('until 11:00');
      await expectAccessible(element);
      element.now = atMs('2026-07-06T10:00');
      await settle(element);
      expect(text($(element, '[data-nothing-now]'))).to.equal('Nothing on right now');
    });

    it('switches views with the view buttons', async () => {
      const element = await schedule();
      const button = (view: string) => $(element, `[data-view="${view}"]`)!;
      expect(button('grid').getAttribute('aria-pressed')).to.equal('true');
      button('list').click();
      await settle(element);
      expect(element.getAttribute('view')).to.equal('list');
      expect(button('list').getAttribute('aria-pressed')).to.equal('true');
      expect($(element, '.list')).to.not.equal(null);
      button('now').click();
      await settle(element);
      expect($(element, '[part="now"]')).to.not.equal(null);
      expect($(element, '[role="tablist"]')).to.equal(null);
    });

    it('shows the list in a narrow container, the grid again when it widens', async () => {
      const element = await schedule({ width: 400 });
      await until(() => $(element, '.list'), 'the list when narrow');
      expect($(element, '[role="grid"]')).to.equal(null);
      element.parentElement!.style.width = '900px';
      await until(() => $(element, '[role="grid"]'), 'the grid when wide');
    });

    it('prints every day as a list, without controls', async () => {
      const element = await schedule();
      window.dispatchEvent(new Event('beforeprint'));
      await settle(element);
      expect($(element, '[role="grid"]')).to.equal(null);
      expect($(element, '.toolbar')).to.not.equal(null);
      expect(getComputedStyle($(element, '.toolbar')!).display).to.equal('none');
      expect($$(element, '.list > li').length, 'all but the declined e-closing').to.equal(5);
      expect($$(element, 'h3').length).to.be.at.least(3);
      window.dispatchEvent(new Event('afterprint'));
      await settle(element);
      expect($(element, '[role="grid"]')).to.not.equal(null);
    });

    it('updates when the source reports a change', async () => {
      const source = new FakeSource(scheduleData());
      const element = await schedule({ source });
      const items = scheduleItems();
      items[0]!.event.title = 'Grand opening';
      source.change(fromProviderQueries(festivalResult(), items));
      await until(() => text(cell(element, 'e-opening')).includes('Grand opening'), 'the new title');
    });

    it('adds an event that arrives where it belongs and keeps the cells already drawn as they are', async () => {
      const source = new FakeSource(scheduleData());
      const element = await schedule({ source });
      const before = { opening: cell(element, 'e-opening'), workshop: cell(element, 'e-workshop'), concert: cell(element, 'e-concert') };
      expect(Object.values(before).every(Boolean), 'the day drawn').to.equal(true);
      // In a row of its own before the others' rows (a slot that began none), as a sync brings events in any order.
      const items = scheduleItems();
      const opening = items[0]!;
      const soundcheck = {
        ...opening,
        event: { ...opening.event, id: 'e-soundcheck', title: 'Soundcheck', start: opening.event.start - 45 * 60, end: opening.event.start - 15 * 60 },
      };
      source.change(fromProviderQueries(festivalResult(), [soundcheck, ...items]));
      await until(() => cell(element, 'e-soundcheck'), 'the new event');
      await settle(element);
      expect(cell(element, 'e-opening'), 'the opening').to.equal(before.opening);
      expect(cell(element, 'e-workshop'), 'the workshop').to.equal(before.workshop);
      expect(cell(element, 'e-concert'), 'the concert').to.equal(before.concert);
      expect(text(cell(element, 'e-concert'))).to.include('Concert');
    });

    it('opens an event’s details, unless the page handles the selection', async () => {
      const element = await schedule();
      const selected: string[] = [];
      element.addEventListener('panda-event-select', (event) => selected.push((event as CustomEvent<{ eventId: string }>).detail.eventId));
      cell(element, 'e-workshop')!.click();
      await settle(element);
      const details = $(element, '[data-details]')!;
      expect(selected).to.deep.equal(['e-workshop']);
      expect(location.hash).to.equal('#panda-event=e-workshop');
      expect(text(details)).to.contain('Workshop: Löten').and.contain('1 of 2 resources confirmed').and.contain('Beamer: Waiting for confirmation');
      await expectAccessible(element);
      $(element, '[data-close]')!.click();
      await settle(element);
      element.addEventListener('panda-event-select', (event) => event.preventDefault());
      cell(element, 'e-opening')!.click();
      await settle(element);
      expect(selected.at(-1)).to.equal('e-opening');
      expect($(element, '[data-details]')).to.equal(null);
    });

    it('names the organiser in the details: the profile name, the short key where there is none, markup as text', async () => {
      const items = scheduleItems();
      Object.assign(items[0]!.event, { ownerName: 'Klangkeller e.V.' });
      Object.assign(items[1]!.event, { ownerName: '<b>Bold</b>\u0007' });
      const element = await schedule({ source: new FakeSource(fromProviderQueries(festivalResult(), items)) });
      cell(element, 'e-opening')!.click();
      await settle(element);
      expect(text($(element, '[data-organiser]'))).to.equal('Organised by Klangkeller e.V.');
      cell(element, 'e-workshop')!.click();
      await settle(element);
      expect(text($(element, '[data-organiser]'))).to.equal('Organised by <b>Bold</b>');
      expect($(element, '[data-details] b')).to.equal(null);
      cell(element, 'e-concert')!.click();
      await settle(element);
      expect(text($(element, '[data-organiser]'))).to.equal('Organised by ab12…ef56');
    });
  });

  describe('time zones', () => {
    it('shows festival time, or the visitor’s on request', async () => {
      const element = await schedule();
      const note = () => text($(element, '[data-zone-note]'));
      expect($(element, '[data-zone="festival"]')!.getAttribute('aria-pressed')).to.equal('true');
      expect(text(cell(element, 'e-opening'))).to.contain('10:00–11:00');
      const festivalNote = note();
      expect(festivalNote).to.match(/^Times in /);
      $(element, '[data-zone="local"]')!.click();
      await settle(element);
      expect(element.getAttribute('time-zone')).to.equal('local');
      const local = localTimeZone();
      element.day = dayKey(atMs('2026-07-03T10:00'), local);
      await settle(element);
      const expected = formatTime(atMs('2026-07-03T10:00'), { locale: 'en-GB', timeZone: local });
      expect(FESTIVAL_ZONE).to.not.equal(local);
      expect(text(cell(element, 'e-opening')))
        .to.contain(expected)
        .and.not.contain('10:00–11:00');
      expect(note()).to.not.equal(festivalNote);
    });
  });

  describe('filters and favourites', () => {
    it('filters by location, text and kind', async () => {
      const element = await schedule({ attributes: { view: 'list' } });
      const ids = () => $$(element, '.list > li').map((item) => item.dataset.event);
      const location = $<HTMLSelectElement>(element, 'select[data-filter="location"]')!;
      location.value = 'r-zelt';
      location.dispatchEvent(new Event('change'));
      await settle(element);
      expect(ids()).to.deep.equal(['e-concert']);
      $(element, '[data-clear]')!.click();
      await settle(element);
      const search = $<HTMLInputElement>(element, 'input[data-filter="text"]')!;
      search.value = 'loten';
      search.dispatchEvent(new Event('input'));
      await settle(element);
      expect(ids(), 'diacritics-insensitive').to.deep.equal(['e-workshop']);
      search.value = 'nothing like it';
      search.dispatchEvent(new Event('input'));
      await settle(element);
      expect(text($(element, '.empty'))).to.equal('No match today');
    });

    it('keeps favourites on the device and filters by them', async () => {
      const element = await schedule({ attributes: { view: 'list' } });
      const changes: unknown[] = [];
      element.addEventListener('panda-favourite-change', (event) => changes.push((event as CustomEvent).detail));
      const star = () => $(element, '.list > li[data-event="e-workshop"] .star')!;
      expect(text(star())).to.contain('Add to favourites');
      star().click();
      await settle(element);
      expect(star().hasAttribute('data-on')).to.equal(true);
      expect(text(star())).to.contain('Remove from favourites');
      expect(changes).to.deep.equal([{ eventId: 'e-workshop', favourite: true, favourites: ['e-workshop'] }]);
      expect(JSON.parse(localStorage.getItem(favouritesKey(FESTIVAL_ID))!)).to.deep.equal(['e-workshop']);

      unmountAll();
      const again = await schedule({ attributes: { view: 'list' } });
      expect($(again, '.list > li[data-event="e-workshop"] .star')!.hasAttribute('data-on'), 'kept after a reload').to.equal(true);
      const only = $<HTMLInputElement>(again, 'input[data-filter="favourites"]')!;
      only.click();
      await settle(again);
      expect($$(again, '.list > li').map((item) => item.dataset.event)).to.deep.equal(['e-workshop']);
      $(again, '.list > li[data-event="e-workshop"] .star')!.click();
      await settle(again);
      expect(localStorage.getItem(favouritesKey(FESTIVAL_ID))).to.equal(null);
      expect(text($(again, '.empty'))).to.equal('No match today');
    });
  });

  describe('exports', () => {
    it('downloads iCalendar, favourites, frab JSON and XML with their media types', async () => {
      const element = await schedule();
      const downloads = captureDownloads();
      try {
        ($(element, 'details.export') as HTMLDetailsElement).open = true;
        expect($<HTMLButtonElement>(element, '[data-export="favourites"]')!.disabled, 'no favourites yet').to.equal(true);
        for (const kind of ['ical', 'json', 'xml']) $(element, `[data-export="${kind}"]`)!.click();
        // The exporters come in chunks of their own, loaded on the first click.
        await until(() => downloads.files.length === 3, 'the three downloads');
        const [ical, json, xml] = downloads.files;
        expect(downloads.files.map((file) => file.name)).to.deep.equal(['hoffnung-3000.ics', 'hoffnung_3000-schedule.json', 'hoffnung_3000-schedule.xml']);
        expect(ical!.blob.type).to.equal('text/calendar;charset=utf-8');
        const calendar = await ical!.blob.text();
        expect(calendar)
          .to.match(/^BEGIN:VCALENDAR\r\n/)
          .and.contain('SUMMARY:Opening\r\n');
        expect(calendar.match(/BEGIN:VEVENT/g)).to.have.length(6);
        expect(json!.blob.type).to.equal('application/json');
        expect((JSON.parse(await json!.blob.text()) as { schedule: { conference: { title: string } } }).schedule.conference.title).to.equal('Hoffnung 3000');
        expect(xml!.blob.type).to.equal('application/xml');
        const document = new DOMParser().parseFromString(await xml!.blob.text(), 'application/xml');
        expect(document.querySelector('parsererror')).to.equal(null);
        expect(document.documentElement.nodeName).to.equal('schedule');
        expect(Array.from(document.querySelectorAll('event > title')).map((title) => title.textContent)).to.include(HOSTILE_TITLE);

        // Favourites only.
        element.view = 'list';
        await settle(element);
        $(element, '.list > li[data-event="e-concert"] .star')!.click();
        await settle(element);
        $(element, '[data-export="favourites"]')!.click();
        await until(() => downloads.files.length === 4, 'the favourites’ calendar');
        const favourites = downloads.files[3]!;
        expect(favourites.name).to.equal('hoffnung-3000-favourites.ics');
        const text = await favourites.blob.text();
        expect(text.match(/BEGIN:VEVENT/g)).to.have.length(1);
        expect(text).to.contain('SUMMARY:Concert');
      } finally {
        downloads.restore();
      }
    });

    it('adds one event to a calendar from its details', async () => {
      const element = await schedule();
      const downloads = captureDownloads();
      try {
        cell(element, 'e-workshop')!.click();
        await settle(element);
        $(element, '[data-add-to-calendar]')!.click();
        const [file] = downloads.files;
        expect(file!.name).to.equal('workshop-loten.ics');
        expect(file!.blob.type).to.equal('text/calendar;charset=utf-8');
        const calendar = await file!.blob.text();
        expect(calendar.match(/BEGIN:VEVENT/g)).to.have.length(1);
        expect(calendar).to.contain('SUMMARY:Workshop: Löten').and.not.contain('X-WR-CALNAME');
      } finally {
        downloads.restore();
      }
    });

    it('offers to subscribe to the live feeds when `feeds` names their server', async () => {
      const without = await schedule();
      expect($(without, '[data-feed]')).to.equal(null);
      without.remove();
      const element = await schedule({ attributes: { feeds: 'https://feeds.example.org/panda/' } });
      ($(element, 'details.export') as HTMLDetailsElement).open = true;
      const anchors = Array.from(element.shadowRoot!.querySelectorAll<HTMLAnchorElement>('[data-feed]'));
      const links: Record<string, string> = Object.fromEntries(anchors.map((a) => [a.dataset.feed ?? '', a.href]));
      expect(links).to.deep.equal({
        webcal: `webcal://feeds.example.org/panda/festivals/${FESTIVAL_ID}.ics`,
        json: `https://feeds.example.org/panda/festivals/${FESTIVAL_ID}.json`,
        xml: `https://feeds.example.org/panda/festivals/${FESTIVAL_ID}.xml`,
      });
      await expectAccessible(element);
      const unsafe = await schedule({ attributes: { feeds: 'javascript:alert(1)' } });
      expect($(unsafe, '[data-feed]')).to.equal(null);
    });
  });

  describe('read-only', () => {
    it('says it is read-only, with a link to take part, when the source is not writable', async () => {
      const events: unknown[] = [];
      const listener = (event: Event) => events.push((event as CustomEvent).detail);
      document.addEventListener('panda-source-change', listener);
      try {
        const element = await schedule({ source: new FakeSource(scheduleData(), 'peer', false), attributes: { 'help-url': 'https://pandakit.example/help' } });
        const banner = $(element, '[data-read-only]')!;
        expect(text(banner)).to.contain('Read-only: install the Panda Kit extension to take part');
        expect(banner.querySelector('a')!.href).to.equal('https://pandakit.example/help');
        expect(events).to.deep.equal([{ kind: 'peer', writable: false }]);
        await expectAccessible(element);
      } finally {
        document.removeEventListener('panda-source-change', listener);
      }
    });

    it('links only to http(s) help pages, and shows nothing when writable', async () => {
      const element = await schedule({ source: new FakeSource(scheduleData(), 'peer', false), attributes: { 'help-url': 'javascript:alert(1)' } });
      expect($(element, '[data-read-only] a')).to.equal(null);
      const writable = await schedule();
      expect($(writable, '[data-read-only]')).to.equal(null);
    });
  });

  describe('languages', () => {
    it('speaks German with lang="de"', async () => {
      const element = await schedule({ source: new FakeSource(scheduleData(), 'peer', false), attributes: { lang: 'de', day: '2026-07-03' } });
      expect(text($(element, '[data-view="grid"]'))).to.equal('Raster');
      expect(text($(element, '[data-view="list"]'))).to.equal('Liste');
      expect(text($(element, '[data-read-only]'))).to.contain('Nur lesen: Installiere die Panda-Kit-Erweiterung, um mitzumachen');
      expect(text(cell(element, 'e-workshop'))).to.match(/Wartet auf Beamer · 50\s%/);
      expect(text($(element, '[data-legend]')))
        .to.contain('Legende')
        .and.contain('Bestätigt')
        .and.contain('Abgelehnt');
      expect(text($(element, '[role="tab"][data-day="2026-07-05"]'))).to.contain(formatDayKey('2026-07-05', 'de', 'medium'));
      expect($(element, '[role="tablist"]')!.getAttribute('aria-label')).to.equal('Tage');
      await expectAccessible(element);
    });
  });

  describe('errors', () => {
    it('says when the festival is not known yet, and shows it once it arrives', async () => {
      const source = new FakeSource(scheduleData());
      let unknown = true;
      source.schedule = () => (unknown ? Promise.resolve().then(() => fromProviderQueries({ festival: null, tree: [] }, [])) : Promise.resolve(scheduleData()));
      const element = await mount('panda-schedule', { source }, { festival: FESTIVAL_ID, lang: 'en-GB' });
      const alert = await until(() => $(element, '[role="alert"]'), 'the message');
      expect(text(alert)).to.equal('This festival is not known here yet');
      unknown = false;
      source.change(scheduleData());
      await until(() => text($(element, 'h2')) === 'Hoffnung 3000', 'the festival');
      expect($(element, '[role="alert"]')).to.equal(null);
    });

    it('says when a static schedule cannot be loaded', async () => {
      const element = await mount('panda-schedule', {}, { src: '/test/browser/fixtures/missing.json', lang: 'en-GB' });
      const alert = await until(() => $(element, '[role="alert"]'), 'the message');
      expect(text(alert)).to.equal('The schedule could not be loaded');
    });
  });

  describe('untrusted data', () => {
    it('renders markup in titles and descriptions as text', async () => {
      const element = await schedule({ attributes: { view: 'list', day: '2026-07-04' } });
      const item = $(element, '.list > li[data-event="e-hostile"]')!;
      expect(text(item)).to.contain('<script>');
      expect(shadow(element).querySelector('script, img, iframe')).to.equal(null);
      item.querySelector<HTMLElement>('.open')!.click();
      await settle(element);
      expect(text($(element, '[data-details]'))).to.contain('<a href="javascript:alert(1)">click</a>');
      expect($$(element, 'a').filter((link) => !/^https?:/.test(link.getAttribute('href') ?? ''))).to.deep.equal([]);
      expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
    });

    it('keeps huge strings inside the element', async () => {
      const items = scheduleItems();
      items[0]!.event.title = 'W'.repeat(100_000);
      const element = await schedule({ source: new FakeSource(fromProviderQueries(festivalResult(), items)), attributes: { view: 'list' } });
      expect(element.getBoundingClientRect().width).to.be.at.most(1000);
      expect(element.scrollWidth).to.be.at.most(1000);
    });

    it('shows a frab schedule from src, with only http(s) links', async () => {
      const element = await mount(
        'panda-schedule',
        { now: Date.parse('2026-12-02T14:00:00Z') },
        { src: '/test/browser/fixtures/frab-camp2019-trimmed.json', lang: 'en-GB', view: 'list', day: '2019-08-22' },
      );
      await until(() => $$(element, '.list > li').length > 0, 'the frab events');
      expect(text($(element, 'h2'))).to.equal('Chaos Communication Camp 2019');
      expect(text($(element, '[data-zone-note]')), 'August in Berlin, looked at in December').to.equal('Times in CEST');
      expect(text($(element, '[data-read-only]'))).to.contain('Read-only schedule');
      const data = fromFrabJson(await (await fetch('/test/browser/fixtures/frab-camp2019-trimmed.json')).text());
      const hostile = data.events.find((event) => event.title === 'OpenCodes')!;
      $(element, `.list > li[data-event="${hostile.id}"] .open`)!.click();
      await settle(element);
      const links = $$<HTMLAnchorElement>(element, '[data-details] a');
      expect(links.map((link) => text(link)))
        .to.include('Slides')
        .and.not.include('evil');
      expect(links.every((link) => link.protocol === 'https:')).to.equal(true);
      await expectAccessible(element);
    });
  });
});

describe('<panda-schedule> details: where an event is', () => {
  afterEach(unmountAll);

  const open = async (eventId: string) => {
    const element = await mount(
      'panda-schedule',
      { source: new FakeSource(scheduleData()), now: atMs('2026-07-03T09:00') },
      { festival: FESTIVAL_ID, lang: 'en-GB', day: '2026-07-03' },
    );
    await until(() => $(element, `[data-event="${eventId}"]`), 'the event');
    $<HTMLElement>(element, `[data-event="${eventId}"] .open, [role="gridcell"][data-event="${eventId}"]`)!.click();
    await until(() => $(element, '[data-details]'), 'the details');
    return element;
  };

  it("names the place's address, links its GPS position to a map and its page", async () => {
    const element = await open('e-workshop');
    const place = $(element, '[data-details] [data-place="r-keller"]')!;
    expect($(element, '[data-details] [data-address]')!.textContent.trim()).to.equal('Klangkeller: Hauptstraße 1');
    const links = Array.from(place.querySelectorAll('a')).map((link) => [link.textContent.trim(), link.href]);
    expect(links).to.deep.equal([
      ['Klangkeller on the map', 'https://www.openstreetmap.org/?mlat=52.5&mlon=13.4#map=18/52.5/13.4'],
      ['Klangkeller', 'https://keller.example/'],
    ]);
    await expectAccessible(element);
  });

  it('says nothing more for a place without address, position or page', async () => {
    const element = await open('e-concert');
    expect($(element, '[data-details] [data-place]')).to.equal(null);
  });
});
