// Quick exit, on every page. The server-rendered link works without this script; with it,
// leaving also forgets the chat, closes the connection and keeps Back from returning here.
// The Escape key does the same, because a visitor may need to leave in under a second.

import { EXIT_EVENT } from './lib/events';

function quickExit(link: HTMLAnchorElement): void {
  try {
    window.dispatchEvent(new CustomEvent(EXIT_EVENT));
  } catch {
    // Leaving matters more than a tidy close.
  }
  try {
    sessionStorage.clear();
  } catch {
    // Storage may be disabled; then there is nothing to clear.
  }
  // replace(), not assign(): this page drops out of the tab's history.
  location.replace(link.href);
}

function init(): void {
  const link = document.getElementById('quick-exit');
  if (!(link instanceof HTMLAnchorElement)) return;

  link.addEventListener('click', (event) => {
    // Let a modified click (new tab) behave normally; a plain one leaves for good.
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    quickExit(link);
  });

  document.addEventListener('keydown', (event) => {
    // isComposing: Escape then only cancels an input method's composition.
    if (event.key !== 'Escape' && event.key !== 'Esc') return;
    if (event.isComposing || event.defaultPrevented) return;
    quickExit(link);
  });
}

init();
