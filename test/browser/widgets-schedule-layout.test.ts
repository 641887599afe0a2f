/// <reference types="mocha" />
/**
 * <panda-schedule>'s layout as a visitor meets it, at 320, 390, 768 and 1366 px (the page's
 * viewport as wide as the element), light and dark: a real camp schedule (the frab fixture)
 * with long titles, long names and an event past midnight, and a festival whose events
 * request resources, some of them 15 and 30 minutes short.
 *
 * Measured with getBoundingClientRect: titles and names at least 6em wide and never broken
 * inside a word that fits their line, menus inside the viewport, the pressed view button the
 * view on screen, the selected day tab wholly in view, the first events high on a phone, the
 * details a modal dialog on phones and beside the events elsewhere; in the grid, time labels
 * on one line, the now-line behind the events, and no line of an event cut by its box.
 */
import { emulateMedia, sendKeys, setViewport } from '@web/test-runner-commands';
import { expect } from 'chai';
import { fromFrabJson, fromProviderQueries, type ScheduleData } from '../../widgets/lib/schedule-data.js';
import type { PandaSchedule } from '../../widgets/schedule/panda-schedule.js';
import {
  $,
  $$,
  at,
  atMs,
  expectAccessible,
  FakeSource,
  FESTIVAL_ID,
  festivalResult,
  mount,
  scheduleItems,
  settle,
  shadow,
  unmountAll,
  until,
} from './widgets-support.js';

const WIDTHS = [320, 390, 768, 1366];
const NARROW = 600;
const LONG_TITLE = 'Das Fediverse und seine dezentralen Gemeinschaften: Moderation ohne Plattformbetreiber';
const LONG_NAME = 'Tatiana Bazzichelli / Disruption Network Lab';

type FrabEvent = Record<string, unknown>;

/** The camp fixture, plus long titles, an event from 23:00 to 04:00, one overlapping another, and three more days. */
async function campData(): Promise<ScheduleData> {
  const json = (await (await fetch('/test/browser/fixtures/frab-camp2019-trimmed.json')).json()) as {
    schedule: { conference: { days: Array<{ date: string; rooms: Record<string, FrabEvent[]> }> } };
  };
  const days = json.schedule.conference.days;
  const template = days[0]!.rooms.Curie![0]!;
  let n = 0;
  const event = (date: string, start: string, duration: string, room: string, title: string): FrabEvent => {
    n += 1;
    return {
      ...template,
      id: 90000 + n,
      guid: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      date: `${date}T${start}:00+02:00`,
      start,
      duration,
      room,
      slug: `layout-${n}`,
      title,
      persons: [{ id: 80000 + n, public_name: LONG_NAME }],
      links: [],
    };
  };
  days[0]!.rooms.Curie!.push(
    event('2019-08-22', '12:15', '00:30', 'Curie', 'Automated security testing for people who do not know security'),
    event('2019-08-22', '23:00', '05:00', 'Curie', 'Late night DJ set with visuals and a very long name that goes on'),
  );
  days[0]!.rooms.Meitner!.push(event('2019-08-22', '17:30', '00:30', 'Meitner', LONG_TITLE));
  for (const date of ['2019-08-24', '2019-08-25', '2019-08-26'])
    days.push({ ...days[1]!, date, rooms: { Curie: [event(date, '12:00', '01:00', 'Curie', LONG_TITLE)] } });
  return fromFrabJson(JSON.stringify(json));
}

/** The test festival with events of 15, 30 and 45 minutes that request resources (a status line each). */
function statusData(): ScheduleData {
  const items = scheduleItems();
  const short = (id: string, start: string, minutes: number) => {
    const copy = structuredClone(items[1]!);
    Object.assign(copy.event, { id, title: `${LONG_TITLE} (${minutes} min)`, start: at(start), end: at(start) + minutes * 60 });
    for (const request of copy.resources) request.status.event = id;
    return copy;
  };
  return fromProviderQueries(festivalResult(), [
    ...items,
    short('e-15', '2026-07-03T14:00', 15),
    short('e-30', '2026-07-03T14:30', 30),
    short('e-45', '2026-07-03T15:15', 45),
  ]);
}

const CAMP_NOW = Date.parse('2019-08-22T16:33:00+02:00');

async function schedule(width: number, data: ScheduleData, attributes: Record<string, string> = {}, now = CAMP_NOW): Promise<PandaSchedule> {
  const element = await mount(
    'panda-schedule',
    { source: new FakeSource(data, 'frab', false), now },
    { lang: 'en-US', 'no-deep-links': '', ...attributes },
    width,
  );
  await until(() => $(element, '[data-event]'), 'the events');
  await until(() => $(element, '.base')!.classList.contains('narrow') === width < NARROW, 'the layout for the width');
  await settle(element);
  return element;
}

const rect = (element: Element) => element.getBoundingClientRect();
const em = (element: Element) => parseFloat(getComputedStyle(element).fontSize);
/** Out of sight (visually hidden, still read by screen readers). */
const hidden = (element: Element) => rect(element).width <= 1 || rect(element).height <= 1;
const insideViewport = (element: Element) => {
  const box = rect(element);
  return box.left >= -0.5 && box.top >= -0.5 && box.right <= innerWidth + 0.5 && box.bottom <= innerHeight + 0.5;
};
const shownView = (element: Element) =>
  $(element, '[role="grid"]') ? 'grid' : $(element, '[part="now"]') ? 'now' : $(element, '[part="list"]') ? 'list' : 'none';
const pressedViews = (element: Element) => $$(element, '[data-view][aria-pressed="true"]').map((button) => button.dataset.view);

/** Words of `element`'s text that are broken across lines although they fit its width. */
function brokenWords(element: Element): string[] {
  const width = rect(element).width;
  const broken: string[] = [];
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const match of (node.textContent ?? '').matchAll(/\S+/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      // One rect per line the word is on (Chromium repeats the rect of a line cut with an ellipsis).
      const lines = new Map(Array.from(range.getClientRects()).map((piece) => [Math.round(piece.top), piece.width]));
      const wordWidth = [...lines.values()].reduce((sum, piece) => sum + piece, 0);
      if (lines.size > 1 && wordWidth < width) broken.push(match[0]);
    }
  }
  return broken;
}

/** Every title and name box in the view: at least 6em wide, no word broken that fits. */
function expectReadable(boxes: HTMLElement[], what: string): void {
  expect(boxes.length, what).to.be.above(0);
  for (const box of boxes.filter((item) => !hidden(item))) {
    const label = `${what} "${box.textContent?.trim().slice(0, 40)}"`;
    expect(rect(box).width, `${label}: width in px at ${em(box)}px a letter`).to.be.at.least(6 * em(box) - 0.5);
    expect(brokenWords(box), `${label}: words broken`).to.deep.equal([]);
  }
}

for (const scheme of ['light', 'dark'] as const) {
  for (const width of WIDTHS) {
    const narrow = width < NARROW;
    describe(`<panda-schedule> at ${width} px, ${scheme}`, () => {
      before(async () => {
        document.body.style.margin = '0';
        await setViewport({ width, height: 900 });
        await emulateMedia({ colorScheme: scheme });
      });
      after(async () => {
        document.body.style.margin = '';
        await setViewport({ width: 800, height: 600 });
        await emulateMedia({ colorScheme: 'light' });
      });
      afterEach(() => unmountAll());

      it('presses the button of the view on screen; on a phone, Grid says why it is not there', async () => {
        const element = await schedule(width, await campData());
        const button = (view: string) => $(element, `[data-view="${view}"]`)!;
        expect(pressedViews(element)).to.deep.equal([shownView(element)]);
        for (const view of ['list', 'now', 'grid', 'list']) {
          button(view).click();
          await settle(element);
          expect(pressedViews(element), `after ${view}`).to.deep.equal([shownView(element)]);
        }
        if (narrow) {
          expect(shownView(element)).to.equal('list');
          const grid = button('grid');
          expect(grid.getAttribute('aria-disabled')).to.equal('true');
          const note = shadow(element).getElementById(grid.getAttribute('aria-describedby')!)!;
          expect(note.textContent?.trim()).to.equal('The grid needs a wider screen');
          expect(hidden(note) || !insideViewport(note), 'the reason can be seen').to.equal(false);
        } else {
          expect(shownView(element)).to.equal('list');
          button('grid').click();
          await settle(element);
          expect(shownView(element)).to.equal('grid');
          expect(button('grid').hasAttribute('aria-disabled')).to.equal(false);
        }
        await expectAccessible(element);
      });

      it('gives titles and names room in the list, with the time above the title on a phone', async () => {
        const element = await schedule(width, await campData(), { view: 'list', day: '2019-08-22' });
        const items = $$(element, '.list > li');
        expect(
          items.some((item) => /11:00 PM – .*4:00 AM/.test(item.querySelector('.when')!.textContent)),
          'a long time label',
        ).to.equal(true);
        expectReadable(
          items.map((item) => item.querySelector<HTMLElement>('.what')!),
          'title',
        );
        expectReadable(
          items.map((item) => item.querySelector<HTMLElement>('.what .muted')!),
          'places',
        );
        for (const item of items) {
          const [when, title] = [rect(item.querySelector('.when')!), rect(item.querySelector('.open')!)];
          if (narrow) expect(when.bottom, 'the time above the title').to.be.at.most(title.top + 0.5);
          else expect(when.right, 'the time beside the title').to.be.at.most(title.left + 0.5);
        }
        // Opened: the participants' names too.
        items
          .find((item) => item.textContent.includes('Late night'))!
          .querySelector<HTMLElement>('.open')!
          .click();
        await settle(element);
        expectReadable($$(element, '[data-details] h3, [data-details] p'), 'details');
        await expectAccessible(element);
      });

      it('gives titles room in now and next, beside long labels such as "5:30 PM, starts in 57 minutes"', async () => {
        const element = await schedule(width, await campData(), { view: 'now' });
        expect($(element, '[data-next]')!.textContent).to.contain('5:30 PM, starts in 57 minutes');
        expectReadable($$(element, '[part="now"] .item .what'), 'title');
        await expectAccessible(element);
      });

      it('keeps the export menu and the filters inside the viewport', async () => {
        const element = await schedule(width, await campData());
        const details = $<HTMLDetailsElement>(element, 'details.export')!;
        details.querySelector('summary')!.click();
        await settle(element);
        expect(details.open).to.equal(true);
        const menu = [details.querySelector<HTMLElement>('.menu')!, ...Array.from(details.querySelectorAll<HTMLElement>('.menu button'))];
        for (const item of menu) expect(insideViewport(item), item.textContent ?? '').to.equal(true);
        details.querySelector('summary')!.click();
        await settle(element);
        const toggle = $(element, '[aria-controls="options"]');
        const options = $(element, '#options')!;
        if (narrow) {
          expect(toggle!.getAttribute('aria-expanded')).to.equal('false');
          expect(getComputedStyle(options).display, 'folded').to.equal('none');
          toggle!.click();
          await settle(element);
          expect(toggle!.getAttribute('aria-expanded')).to.equal('true');
        } else expect(toggle, 'no toggle when there is room').to.equal(null);
        const controls = $$(element, '#options button, #options select, #options input');
        expect(controls.length).to.be.above(3);
        for (const control of controls) expect(insideViewport(control), control.outerHTML.slice(0, 60)).to.equal(true);
        await expectAccessible(element);
        if (narrow) {
          toggle!.click();
          await settle(element);
          expect(toggle!.getAttribute('aria-expanded')).to.equal('false');
          expect(getComputedStyle(options).display).to.equal('none');
        }
      });

      it('scrolls the day tabs to keep the selected one wholly in view', async () => {
        const element = await schedule(width, await campData(), { day: '2019-08-26' });
        const list = $(element, '[role="tablist"]')!;
        if (width <= 390) expect(list.scrollWidth, 'the tabs do not fit').to.be.above(list.clientWidth);
        const selectedInView = () => {
          const [outer, inner] = [rect(list), rect($(element, '[role="tab"][aria-selected="true"]')!)];
          return inner.left >= outer.left - 0.5 && inner.right <= outer.right + 0.5;
        };
        expect(selectedInView(), 'the last day').to.equal(true);
        $(element, '[role="tab"][data-day="2019-08-22"]')!.click();
        await settle(element);
        expect(selectedInView(), 'the first day').to.equal(true);
        // Today's, when no day is asked for.
        unmountAll();
        const today = await schedule(width, await campData(), {}, Date.parse('2019-08-25T12:00:00+02:00'));
        expect($(today, '[role="tab"][aria-selected="true"]')!.dataset.day).to.equal('2019-08-25');
        const [outer, inner] = [rect($(today, '[role="tablist"]')!), rect($(today, '[role="tab"][aria-selected="true"]')!)];
        expect(inner.left >= outer.left - 0.5 && inner.right <= outer.right + 0.5, 'today').to.equal(true);
      });

      it(
        narrow ? 'opens the details as a modal dialog; Escape closes it and focus returns' : 'opens the details beside the events, moving nothing',
        async () => {
          const element = await schedule(width, await campData(), { day: '2019-08-22' });
          const panel = $(element, '[role="tabpanel"]')!;
          const before = rect(panel);
          const opener = narrow ? $(element, '.list > li .open')! : $(element, '[role="gridcell"]')!;
          opener.click();
          await settle(element);
          const dialog = $<HTMLDialogElement>(element, 'dialog[data-details]')!;
          expect(dialog.open).to.equal(true);
          expect(dialog.matches(':modal')).to.equal(narrow);
          expect(shadow(element).activeElement?.id).to.equal('details-title');
          expect(insideViewport(dialog), 'the dialog in the viewport').to.equal(true);
          expect(rect(panel).top, 'the events stay where they were').to.equal(before.top);
          if (!narrow) expect(rect(dialog).top, 'over the events, below the day tabs').to.be.at.least(rect($(element, '[role="tablist"]')!).bottom);
          await expectAccessible(element);
          await sendKeys({ press: 'Escape' });
          await settle(element);
          expect($(element, 'dialog[data-details]')).to.equal(null);
          await until(() => shadow(element).activeElement === opener, 'focus back on the event');
        },
      );

      if (narrow) {
        it('shows the first events high on the first screen', async () => {
          const element = await schedule(width, await campData(), { day: '2019-08-22' });
          const first = rect($(element, '.list > li')!);
          expect(first.top - rect(element).top).to.be.at.most(300);
        });
      } else {
        it('keeps the grid readable: time labels on one line, the now-line behind events, no line cut', async () => {
          const element = await mount(
            'panda-schedule',
            { source: new FakeSource(statusData()), now: atMs('2026-07-03T10:45') },
            { festival: FESTIVAL_ID, lang: 'en-US', day: '2026-07-03', 'no-deep-links': '' },
            width,
          );
          await until(() => $$(element, '[role="gridcell"]').length === 6, 'the events');
          await settle(element);
          for (const label of $$(element, '.slot > span:not(.sr)')) expect(label.getClientRects().length, `"${label.textContent}" on one line`).to.equal(1);
          const line = $(element, '[data-now-line]')!;
          const card = $(element, '[data-event="e-opening"]')!;
          expect(rect(line).top).to.be.within(rect(card).top, rect(card).bottom);
          expect(Number(getComputedStyle(line).zIndex), 'the now-line behind the events').to.be.below(Number(getComputedStyle(card).zIndex));
          expectReadable($$(element, '.event .name'), 'title');
          for (const cell of $$(element, '[role="gridcell"]')) {
            const box = rect(cell);
            const border = parseFloat(getComputedStyle(cell).borderBottomWidth);
            const lines = Array.from(cell.querySelectorAll<HTMLElement>('.time, .name, .confirmation'));
            for (const part of lines.filter((item) => !hidden(item))) {
              const label = `${cell.dataset.event} ${part.className}`;
              expect(rect(part).top, label).to.be.at.least(box.top - 0.5);
              expect(rect(part).bottom, `${label} cut at the bottom`).to.be.at.most(box.bottom - border + 0.5);
              if (part.scrollWidth > part.clientWidth) expect(cell.title, `${label} in full in the title`).to.contain(part.textContent.trim());
            }
            expect(cell.title).to.contain(cell.querySelector('.name')!.textContent.trim());
            const status = cell.querySelector<HTMLElement>('.confirmation');
            if (status) expect(cell.title, 'the status in the title').to.contain(status.textContent.trim());
          }
          for (const id of ['e-30', 'e-45', 'e-opening'])
            expect(hidden($(element, `[data-event="${id}"] .confirmation`)!), `${id}: the status shown`).to.equal(false);
          await expectAccessible(element);
        });
      }
    });
  }
}

describe('<panda-schedule> details when the width changes', () => {
  afterEach(() => unmountAll());

  it('turns the open details into a modal dialog when the element narrows, and back', async () => {
    const element = await schedule(1000, await campData(), { day: '2019-08-22' });
    $(element, '[role="gridcell"]')!.click();
    await settle(element);
    const dialog = () => $<HTMLDialogElement>(element, 'dialog[data-details]')!;
    expect(dialog().matches(':modal')).to.equal(false);
    element.parentElement!.style.width = '390px';
    await until(() => $(element, '.base')!.classList.contains('narrow'), 'narrow');
    await settle(element);
    expect(dialog().open && dialog().matches(':modal'), 'modal when narrow').to.equal(true);
    element.parentElement!.style.width = '1000px';
    await until(() => !$(element, '.base')!.classList.contains('narrow'), 'wide again');
    await settle(element);
    expect(dialog().open && !dialog().matches(':modal'), 'beside the events again').to.equal(true);
  });
});
