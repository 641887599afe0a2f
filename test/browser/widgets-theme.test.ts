/// <reference types="mocha" />
/**
 * Light and dark out of the box: every widget follows prefers-color-scheme (emulated in
 * Chromium), a page's `--panda-color-*` custom properties win over both, and axe still finds
 * no violations (colour contrast included) in the dark.
 */
import { emulateMedia } from '@web/test-runner-commands';
import { expect } from 'chai';
import '../../widgets/index.js';
import { $, expectAccessible, FakeSource, mount, scheduleData, unmountAll, until } from './widgets-support.js';

const colours = (element: Element) => {
  const style = getComputedStyle(element);
  return { text: style.color, background: style.backgroundColor };
};
/** Relative luminance of an rgb() colour (WCAG). */
const luminance = (colour: string) => {
  const [r, g, b] = colour
    .match(/\d+(\.\d+)?/g)!
    .slice(0, 3)
    .map((part) => {
      const channel = Number(part) / 255;
      return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
    });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
};

describe('widgets in light and dark', () => {
  afterEach(async () => {
    unmountAll();
    await emulateMedia({ colorScheme: 'light' });
  });

  for (const tag of ['panda-schedule', 'panda-resource', 'panda-event-form', 'panda-connect'] as const) {
    it(`${tag}: light text on a dark background when the visitor prefers dark, and the other way round`, async () => {
      const element = await mount(tag, tag === 'panda-connect' ? {} : { source: new FakeSource(scheduleData(), 'peer', false) });
      await emulateMedia({ colorScheme: 'light' });
      const light = colours(element);
      await emulateMedia({ colorScheme: 'dark' });
      const dark = colours(element);
      expect(luminance(light.text)).to.be.below(0.2);
      expect(luminance(dark.text)).to.be.above(0.5);
      // <panda-connect> sits inline on the page's own background; the others paint theirs.
      if (tag !== 'panda-connect') {
        expect(luminance(light.background)).to.be.above(0.8);
        expect(luminance(dark.background)).to.be.below(0.05);
      }
    });
  }

  it("a page's custom properties theme the widget, whatever the visitor prefers", async () => {
    await emulateMedia({ colorScheme: 'dark' });
    const element = await mount('panda-schedule', { source: new FakeSource(scheduleData(), 'peer', false) });
    element.style.setProperty('--panda-color-background', 'rgb(250, 240, 200)');
    expect(colours(element).background).to.equal('rgb(250, 240, 200)');
  });

  it('the schedule in the dark has no axe violations', async () => {
    await emulateMedia({ colorScheme: 'dark' });
    // A day with events whatever the date (after the festival, its last day holds only a declined event, hidden).
    const element = await mount('panda-schedule', { source: new FakeSource(scheduleData(), 'peer', false) }, { day: '2026-07-03' });
    await until(() => $(element, '[data-event]'), 'events');
    await expectAccessible(element);
  });
});
