// Waiting times tick once a second. Elements that show one carry `data-since` (an ISO
// time); a single timer refreshes them all, so panels need not keep timers of their own.

import { h } from '../lib/dom';
import { elapsed } from '../lib/time';

export function startTicker(root: HTMLElement): () => void {
  const tick = () => {
    const now = Date.now();
    const items = root.querySelectorAll<HTMLElement>('[data-since]');
    for (let i = 0; i < items.length; i++) {
      const text = elapsed(items[i].dataset.since, now);
      if (items[i].textContent !== text) items[i].textContent = text;
    }
  };
  tick();
  const timer = setInterval(tick, 1000);
  return () => clearInterval(timer);
}

/** A <time> showing how long ago `iso` was, kept current by the ticker. */
export function sinceTime(iso: string | null | undefined): HTMLTimeElement {
  if (!iso) return h('time');
  return h('time', { class: 'since', 'data-since': iso, datetime: iso }, elapsed(iso));
}
