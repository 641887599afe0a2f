/**
 * Focus in `<panda-schedule>` after it redraws: what the keys, deep links and the details
 * panel move the focus to exists only once the next update is drawn.
 */
import type { LitElement } from 'lit';

/** Focuses the first match of `selector` once drawn; `scroll`: into view too. */
export function focusWhenDrawn(host: LitElement, selector: string, scroll = false): void {
  void host.updateComplete.then(() => {
    const target = host.renderRoot.querySelector<HTMLElement>(selector);
    target?.focus();
    if (scroll) target?.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
  });
}

/**
 * Focuses an event once drawn: its grid cell (`onCell` makes it the one in the tab order),
 * else its button in a list; `scroll` (a deep link) brings it into view.
 */
export async function focusEvent(host: LitElement, eventId: string, scroll: boolean, onCell: (cellKey: string) => void): Promise<void> {
  await host.updateComplete;
  const target = host.renderRoot.querySelector<HTMLElement>(`[data-event="${CSS.escape(eventId)}"]`);
  if (!target) return;
  const focusable = target.matches('[role="gridcell"]') ? target : target.querySelector<HTMLElement>('.open');
  if (target.dataset.key) onCell(target.dataset.key);
  await host.updateComplete;
  if (scroll) target.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  focusable?.focus({ preventScroll: !scroll });
}
