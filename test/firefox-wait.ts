/**
 * Waiting for an expression in a Firefox page driven by puppeteer-core over WebDriver BiDi.
 * Puppeteer's own `waitForFunction` turns a string into a function inside the page, which a
 * page's strict Content Security Policy refuses in Firefox ESR 140 ("call to Function()
 * blocked by CSP"); evaluating the expression through BiDi is not the page's own script, so
 * it works under any policy.
 */
import type { Frame, Page } from 'puppeteer-core';

export async function waitForExpression(target: Page | Frame, expression: string, { timeout = 30_000 }: { timeout?: number } = {}): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await target.evaluate(expression).catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`waiting for ${expression.slice(0, 120)} timed out after ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
