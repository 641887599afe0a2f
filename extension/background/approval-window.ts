/**
 * The approval window: one at a time, focused again when asked again; closing it denies what
 * it still showed. Once it answered its last question it asks the background (`done`) before
 * it closes: the background lets it go only if nothing waits, and forgets it first, so that a
 * question asked while it closes opens a new window instead of being shown in the closing one
 * and denied by its closing. (The page closes itself, not the background its window: a
 * browser may have put other tabs into that window.)
 */
import type { ApprovalQueue } from './approvals.js';

/** The part of `browser.windows` the approval window needs (injected: tests use a fake). */
export interface WindowsApi {
  create(options: { url: string; type: 'popup'; width: number; height: number }): Promise<{ id?: number }>;
  update(windowId: number, options: { focused: boolean }): Promise<unknown>;
  onRemoved: { addListener(listener: (windowId: number) => void): void };
}

export interface ApprovalWindow {
  /** Opens the window, or focuses it if it is open. */
  open(): Promise<void>;
  /** Whether the window may close now (nothing waits): then it is forgotten, and its closing denies nothing. */
  done(): boolean;
}

export function approvalWindow(windows: WindowsApi | undefined, url: string, queue: () => ApprovalQueue): ApprovalWindow {
  let windowId: number | undefined;
  windows?.onRemoved.addListener((closed) => {
    if (closed !== windowId) return;
    windowId = undefined;
    queue().promptClosed();
  });
  return {
    open: async () => {
      if (!windows) return;
      if (windowId !== undefined) {
        await windows.update(windowId, { focused: true });
        return;
      }
      windowId = (await windows.create({ url, type: 'popup', width: 420, height: 640 })).id;
    },
    done: () => {
      if (windowId === undefined || queue().pending().length > 0) return false;
      // From here the next question opens a new window, and this one's closing denies nothing.
      windowId = undefined;
      queue().promptClosed();
      return true;
    },
  };
}
