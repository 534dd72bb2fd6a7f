// Entry point of visitor.js: mounts the chat into the page's #chat-app.

import { EXIT_EVENT } from '../lib/events';
import { VisitorChat } from './chat';
import { readIntake } from './intake';
import { ChatView } from './view';

function mount(root: HTMLElement): void {
  const view = new ChatView(root);
  const chat = new VisitorChat(view);

  view.startForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const form = view.startForm;
    // The browser cannot point at an invalid field inside a closed <details>.
    if (!form.checkValidity()) {
      (form.querySelector('details') as HTMLDetailsElement).open = true;
      form.reportValidity();
      return;
    }
    const intake = readIntake(form);
    form.reset(); // the answers now live only in memory until the server has them
    chat.begin(intake);
  });

  const sendDraft = () => {
    if (chat.send(view.message.value)) view.clearMessage();
  };
  view.composer.addEventListener('submit', (event) => {
    event.preventDefault();
    sendDraft();
    view.message.focus();
  });
  view.message.addEventListener('keydown', (event) => {
    // Enter sends, Shift+Enter is a new line; leave Enter alone while an IME composes.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    sendDraft();
  });
  view.message.addEventListener('input', () => chat.typed());

  view.endButton.addEventListener('click', () => view.confirmEnd(true));
  view.endNo.addEventListener('click', () => view.confirmEnd(false));
  view.endYes.addEventListener('click', () => {
    view.confirmEnd(false, false);
    chat.end();
  });
  view.newChat.addEventListener('click', () => chat.restart());

  window.addEventListener(EXIT_EVENT, () => chat.quickExit());

  chat.boot();
}

const root = document.getElementById('chat-app');
if (root) mount(root);
