/**
 * What the planner's end-to-end tests share (e2e-planner.test.ts, e2e-planner-import.test.ts,
 * e2e-bot-meetings.test.ts, e2e-planner-files.test.ts, e2e-planner-qr.test.ts): a person's
 * Chromium with the built extension and the planner opened from the popup, the organiser's
 * website serving the widgets bundle (with a signaling server beside it), the planner's tabs,
 * its signaling settings, its festival, resource and event forms, the events it lists, and
 * the person's profile.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { buildWidgets } from '../../scripts/build-widgets.js';
import { releaseNodeDataChannel, startSignalingServer, type SignalingServer } from '../peer/support.js';
import { ROOT } from './e2e-support.js';

/** Debian's Chromium unless CHROMIUM_PATH names another; the tests skip without one. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}`;
export const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking'];

export interface Person {
  context: BrowserContext;
  extensionId: string;
  planner: Page;
  publicKey: string;
  close(): Promise<void>;
}

/** `args`: more of Chromium's flags (a fake camera, say). */
export async function withExtension(name: string, extension: string, options: { args?: string[] } = {}): Promise<Person> {
  const profile = mkdtempSync(join(tmpdir(), `panda-kit-planner-${name}-`));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...ARGS, `--disable-extensions-except=${extension}`, `--load-extension=${extension}`, ...(options.args ?? [])],
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 20_000 }));
  const extensionId = new URL(worker.url()).host;
  // The planner as people open it: the popup's button.
  const popup = await context.newPage();
  await popup.goto(`chrome-extension://${extensionId}/popup.html`);
  const opening = context.waitForEvent('page', { predicate: (page) => page.url().includes('/planner.html'), timeout: 20_000 });
  await popup.locator('[data-open-planner]').click();
  const planner = await opening;
  await planner.setViewportSize({ width: 1366, height: 900 });
  await planner.locator('[data-me]').waitFor({ timeout: 20_000 });
  const publicKey = (await planner.locator('[data-me] .key').getAttribute('title'))!;
  return {
    context,
    extensionId,
    planner,
    publicKey,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The organiser's website: `/fest` shows whatever `page.body` holds; the widgets bundle beside it. */
async function serveSite(widgets: string): Promise<{ url: string; body: string; close(): Promise<void> }> {
  const site = { url: '', body: '<p>Nothing here yet</p>', close: async () => {} };
  const types: Record<string, string> = { '.js': 'text/javascript', '.json': 'application/json' };
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path === '/fest') {
      response.setHeader('content-type', 'text/html; charset=utf-8');
      response.end(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test Fest</title></head><body><h1>Test Fest</h1>${site.body}</body></html>`,
      );
      return;
    }
    const file = normalize(join(widgets, path));
    if (file.startsWith(widgets) && existsSync(file) && extname(file) === '.js') {
      response.setHeader('content-type', types[extname(file)]!);
      response.end(readFileSync(file));
      return;
    }
    response.statusCode = 404;
    response.end('not found');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  site.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  site.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
  };
  return site;
}

/** Profile → the person's name, shown in the planner's header once saved. */
export async function setProfile(person: Person, name: string): Promise<void> {
  await tab(person.planner, 'profile');
  await person.planner.locator('form[data-profile] input[name="name"]').fill(name);
  await person.planner.locator('form[data-profile] button[type="submit"]').click();
  await person.planner.locator('[data-me]', { hasText: name }).waitFor({ timeout: 20_000 });
}

/** Mira's festival "Lakeside" with her resource "Main stage" (manual), made in `person`'s planner; its id. */
export async function lakesideWithStage(person: Person): Promise<string> {
  const planner = person.planner;
  await setProfile(person, 'Mira');
  await tab(planner, 'festivals');
  await planner.locator('[data-new-festival]').click();
  await createFestival(planner, { name: 'Lakeside', start: '2026-07-10T10:00', end: '2026-07-12T23:00', timezone: 'Europe/Berlin' });
  const festivalId = (await planner.locator('li[data-festival][data-name="Lakeside"]').getAttribute('data-festival'))!;
  await planner.locator('li[data-festival][data-name="Lakeside"] [data-open-resources]').click();
  await createResource(planner, { kind: 'location', title: 'Main stage', policy: 'manual' });
  return festivalId;
}

/** The titles and times of the festival's events in the planner's Events tab, in its order. */
export async function eventsShown(planner: Page): Promise<string[]> {
  await tab(planner, 'events');
  const items = planner.locator('panda-planner-events li[data-event]');
  return (await items.allInnerTexts()).map((text) => text.split('\n').slice(0, 2).join(' ').trim());
}

/** Events → the event form: an event at the resource "Main stage" (and a description, if given). */
export async function addEvent(planner: Page, title: string, start: string, end: string, description = ''): Promise<void> {
  const form = planner.locator('panda-event-form');
  await form.getByLabel('Main stage').check({ timeout: 20_000 });
  await form.locator('input[name="title"]').fill(title);
  if (description) await form.locator('textarea[name="description"]').fill(description);
  await form.locator('input[name="start"]').fill(start);
  await form.locator('input[name="end"]').fill(end);
  await form.locator('button[type="submit"]').click();
  await planner.locator(`li[data-event][data-title="${title}"]`).waitFor({ timeout: 20_000 });
}

export async function tab(planner: Page, name: string): Promise<void> {
  await planner.locator(`[data-tab="${name}"]`).click();
  await planner.locator(`panda-planner-${name}`).waitFor();
}

/** Fills and submits `<panda-festival-form>` in the planner. */
export async function createFestival(planner: Page, values: { name: string; start: string; end: string; timezone: string }): Promise<void> {
  const form = planner.locator('panda-festival-form');
  await form.locator('input[name="name"]').fill(values.name);
  await form.locator('select[name="timezone"]').selectOption(values.timezone);
  await form.locator('input[name="start"]').fill(values.start);
  await form.locator('input[name="end"]').fill(values.end);
  await form.locator('button[type="submit"]').click();
  await planner.locator(`li[data-festival][data-name="${values.name}"]`).waitFor({ timeout: 20_000 });
}

export interface FestivalSite {
  signaling: SignalingServer;
  site: Awaited<ReturnType<typeof serveSite>>;
  /** Stops the server and the site and removes the widgets build. */
  close(): Promise<void>;
}

/** A freshly built widgets bundle served by the organiser's website, and a signaling server. */
export async function festivalSite(): Promise<FestivalSite> {
  const widgetsDir = mkdtempSync(join(tmpdir(), 'panda-kit-planner-widgets-'));
  await buildWidgets({ root: ROOT, outDir: widgetsDir });
  const [signaling, site] = await Promise.all([startSignalingServer(), serveSite(widgetsDir)]);
  return {
    signaling,
    site,
    close: async () => {
      await site.close();
      await signaling.stop();
      rmSync(widgetsDir, { recursive: true, force: true });
      releaseNodeDataChannel();
    },
  };
}

/** Festivals → Settings: the signaling servers a new festival starts with. */
export async function saveDefaultSignaling(planner: Page, url: string): Promise<void> {
  await planner.locator('form[data-default-signaling] textarea').fill(url);
  await planner.locator('form[data-default-signaling] button[type="submit"]').click();
  await planner.locator('panda-planner-festivals [role="status"]', { hasText: 'Saved.' }).waitFor();
}

export interface ResourceInput {
  kind: string;
  title: string;
  address?: string;
  latitude?: string;
  longitude?: string;
  capacity?: string;
  policy: 'manual' | 'first-come-first-served' | 'quorum';
  memberKeys?: string[];
  quorum?: string;
}

/** Resources → New resource: fills and submits `<panda-resource-form>`. */
export async function createResource(planner: Page, values: ResourceInput): Promise<void> {
  await planner.locator('[data-new-resource]').click();
  const form = planner.locator('panda-resource-form');
  await form.locator(`input[name="kind"][value="${values.kind}"]`).check();
  await form.locator('input[name="title"]').fill(values.title);
  if (values.address) await form.locator('textarea[name="address"]').fill(values.address);
  if (values.latitude) await form.locator('input[name="latitude"]').fill(values.latitude);
  if (values.longitude) await form.locator('input[name="longitude"]').fill(values.longitude);
  if (values.capacity) await form.locator('input[name="capacity"]').fill(values.capacity);
  await form.locator(`input[name="policy"][value="${values.policy}"]`).check();
  if (values.memberKeys) await form.locator('textarea[name="memberKeys"]').fill(values.memberKeys.join('\n'));
  if (values.quorum) await form.locator('input[name="quorum"]').fill(values.quorum);
  await form.locator('button[type="submit"]').click();
  await planner.locator(`li[data-resource][data-title="${values.title}"]`).waitFor({ timeout: 20_000 });
}
