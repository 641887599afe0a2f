/**
 * What the Chromium end-to-end tests share: starting Chromium with an unpacked extension
 * (playwright-core, headless), opening the test pages, answering the extension's questions
 * in its approval window or popup as the person would, skipping the popup's welcome and
 * reading the toolbar badge.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}`;

export interface Session {
  context: BrowserContext;
  worker: Worker;
  extensionId: string;
  close(): Promise<void>;
}

/** Starts Chromium with the extension in `dir`, on a new profile or on `keep.profile` (left on disk, for a restart). */
export async function launch(dir: string, keep?: { profile: string }): Promise<Session> {
  const profile = keep?.profile ?? mkdtempSync(join(tmpdir(), 'panda-kit-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', `--disable-extensions-except=${dir}`, `--load-extension=${dir}`],
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 10_000 }));
  return {
    context,
    worker,
    extensionId: new URL(worker.url()).host,
    close: async () => {
      await context.close();
      if (!keep) rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function open(session: Session, url: string): Promise<Page> {
  const page = await session.context.newPage();
  await page.goto(url);
  await page.waitForFunction('window.T !== undefined');
  return page;
}

/**
 * The approval window the extension opens by itself; with `showing`, the one that shows a question with that text.
 * A window closes itself once its last question is answered, so right after an answer the window still open may be
 * closing: asking for the question's text finds the window that will stay.
 */
export async function approvalWindow(session: Session, showing?: string): Promise<Page> {
  // A new window's URL may still be about:blank when its 'page' event fires: look again until it is there.
  const deadline = Date.now() + 15_000;
  for (;;) {
    for (const page of session.context.pages()) {
      if (!page.url().endsWith('/approval.html') || page.isClosed()) continue;
      if (showing === undefined) return page;
      const shown = await page
        .locator('[data-pending]', { hasText: showing })
        .count()
        .catch(() => 0);
      if (shown > 0) return page;
    }
    if (Date.now() > deadline) throw new Error(`no approval window${showing === undefined ? '' : ` showing "${showing}"`} opened within 15 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Answers the question whose text includes `text` in whichever approval window shows it. */
export async function decideInApproval(session: Session, text: string, decision: 'approve-once' | 'approve-always' | 'deny'): Promise<void> {
  await decide(await approvalWindow(session, text), text, decision);
}

/** Clicks `decision` on the request on screen in `page` (popup or approval window) whose text includes `text`. */
export async function decide(page: Page, text: string, decision: 'approve-once' | 'approve-always' | 'deny'): Promise<void> {
  const card = page.locator('[data-pending]', { hasText: text }).first();
  await card.waitFor({ timeout: 15_000 });
  await card.locator(`[data-decision="${decision}"]`).click();
}

/** Answers the only question waiting in the approval window and waits for the window to close itself (so the next question opens a new one). */
export async function decideLast(session: Session, text: string, decision: 'approve-once' | 'approve-always' | 'deny'): Promise<void> {
  const window = await approvalWindow(session, text);
  const closed = window.waitForEvent('close', { timeout: 10_000 });
  await decide(window, text, decision);
  await closed;
}

/** Waits until the toolbar badge shows `text` (the service worker's `chrome.action`); the last text seen otherwise. */
export async function badgeShows(session: Session, text: string, ms = 10_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const shown = await session.worker.evaluate<string>('chrome.action.getBadgeText({})');
    if (shown === text || Date.now() > deadline) return shown;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Skips the popup's first-run welcome in `popup` (stored: it does not come back on this profile). */
export async function skipWelcome(popup: Page): Promise<void> {
  await popup.locator('[data-welcome-close="skipped"]').click();
  await popup.locator('[data-welcome]').waitFor({ state: 'detached' });
}
