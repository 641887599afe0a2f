/**
 * Runs the requests a page's buttons and forms start: while one runs its controls are
 * disabled, and when it fails the error is kept, in words, for the page's area it belongs
 * to (shown there in a `role="alert"`), until the next action in that area. An area can
 * also keep a notice of success ("Passphrase changed."), shown in a `role="status"`.
 */
import { html, nothing, type ReactiveControllerHost } from 'lit';
import { errorCodeOf, errorMessage } from './errors.js';

export class ActionController {
  private readonly running = new Set<string>();
  private readonly errors = new Map<string, string>();
  /** The stable code (`data.code`) of an area's error, where the background gave one. */
  private readonly codes = new Map<string, string>();
  private readonly notices = new Map<string, string>();

  /** `host` renders again whenever an action starts or ends. */
  constructor(private readonly host: Pick<ReactiveControllerHost, 'requestUpdate'>) {}

  /** Whether the action `key` is running. */
  isBusy(key: string): boolean {
    return this.running.has(key);
  }

  errorFor(area: string): string | undefined {
    return this.errors.get(area);
  }

  errorCodeFor(area: string): string | undefined {
    return this.errors.has(area) ? this.codes.get(area) : undefined;
  }

  noticeFor(area: string): string | undefined {
    return this.notices.get(area);
  }

  /** An action's outcome in `area`: its error, or its notice of success. */
  feedback(area: string) {
    const error = this.errorFor(area);
    if (error) return html`<p role="alert">${error}</p>`;
    const notice = this.noticeFor(area);
    return notice ? html`<p role="status">${notice}</p>` : nothing;
  }

  /** Shows that an action of `area` succeeded. */
  note(area: string, message: string): void {
    this.notices.set(area, message);
    this.host.requestUpdate();
  }

  /** Shows an error found before asking the background (e.g. two passphrases that differ). */
  fail(area: string, message: string): void {
    this.notices.delete(area);
    this.codes.delete(area);
    this.errors.set(area, message);
    this.host.requestUpdate();
  }

  /**
   * Runs `task` as the action `key` of `area` unless it is running already; resolves with
   * its result, or undefined when it failed (the error is then shown in `area`).
   */
  async run<T>(area: string, key: string, task: () => Promise<T>): Promise<T | undefined> {
    if (this.running.has(key)) return undefined;
    this.running.add(key);
    this.errors.delete(area);
    this.codes.delete(area);
    this.notices.delete(area);
    this.host.requestUpdate();
    try {
      return await task();
    } catch (error) {
      this.errors.set(area, errorMessage(error));
      const code = errorCodeOf(error);
      if (code !== undefined) this.codes.set(area, code);
      return undefined;
    } finally {
      this.running.delete(key);
      this.host.requestUpdate();
    }
  }
}
