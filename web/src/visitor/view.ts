// The visitor chat's screens, built from strings.ts into the page's #chat-app:
// "start" (notice + optional intake), "room" (messages + composer) and, inside the room,
// the "ended" panel. No logic about the protocol lives here.

import { h, setLive, setText } from '../lib/dom';
import { intakeDetails } from './intake';
import { t } from './strings';

export const MAX_LENGTH = 4000;
// Show the remaining count only near the limit, so it does not distract.
const COUNT_FROM = 500;

export class ChatView {
  readonly status = h('p', { class: 'chat-status', id: 'chat-status', role: 'status' });
  readonly alert = h('p', { class: 'chat-alert', id: 'chat-alert', role: 'alert' });

  readonly startForm = h(
    'form',
    { class: 'start-form', id: 'start-form', novalidate: true, autocomplete: 'off' },
    intakeDetails(),
    h(
      'button',
      { type: 'submit', class: 'button button-primary', id: 'start-chat' },
      t('startChat'),
    ),
  );
  private readonly noticeHeading_ = h('h2', { tabindex: -1 }, t('noticeTitle'));
  readonly startScreen = h(
    'section',
    { class: 'chat-start' },
    h(
      'div',
      { class: 'notice' },
      this.noticeHeading_,
      h('p', null, t('noticeConfidential')),
      h('p', null, t('noticeException')),
      h('p', null, t('noticeDevice')),
      h('p', { class: 'emergency' }, t('noticeEmergency')),
    ),
    this.startForm,
  );

  readonly log = h('div', {
    class: 'messages',
    id: 'chat-log',
    role: 'log',
    'aria-live': 'polite',
    'aria-label': t('logLabel'),
    tabindex: 0,
  });
  readonly typing = h('p', { class: 'typing', id: 'chat-typing', hidden: true });

  readonly message = h('textarea', {
    id: 'chat-message',
    name: 'message',
    rows: 3,
    maxlength: MAX_LENGTH,
    autocomplete: 'off',
    'aria-describedby': 'chat-message-hint chat-chars-left',
  });
  private readonly charsLeft_ = h('p', { class: 'hint', id: 'chat-chars-left', hidden: true });
  readonly composer = h(
    'form',
    { class: 'composer', id: 'composer', autocomplete: 'off' },
    h('label', { for: 'chat-message' }, t('messageLabel')),
    this.message,
    h('p', { class: 'hint', id: 'chat-message-hint' }, t('messageHint')),
    this.charsLeft_,
    h('button', { type: 'submit', class: 'button button-primary' }, t('send')),
  );

  readonly endButton = h('button', { type: 'button', class: 'button button-quiet' }, t('endChat'));
  readonly endYes = h('button', { type: 'button', class: 'button button-danger' }, t('endYes'));
  readonly endNo = h('button', { type: 'button', class: 'button' }, t('endNo'));
  private readonly endConfirm_ = h(
    'div',
    { class: 'end-confirm', hidden: true },
    h('p', null, t('endConfirm')),
    h('div', { class: 'actions' }, this.endYes, this.endNo),
  );
  private readonly endArea_ = h('div', { class: 'end-area' }, this.endButton, this.endConfirm_);

  private readonly endedHeading_ = h('h2', { tabindex: -1 }, t('endedTitle'));
  private readonly endedBy_ = h('p');
  readonly newChat = h('button', { type: 'button', class: 'button button-primary' }, t('newChat'));
  private readonly endedPanel_ = h(
    'section',
    { class: 'chat-ended', hidden: true },
    this.endedHeading_,
    this.endedBy_,
    h('p', null, t('endedHelp')),
    this.newChat,
  );

  readonly room = h(
    'section',
    { class: 'chat-room', hidden: true },
    this.log,
    this.typing,
    this.composer,
    this.endArea_,
    this.endedPanel_,
  );

  constructor(root: HTMLElement) {
    root.appendChild(h('h1', null, t('title')));
    root.appendChild(this.status);
    root.appendChild(this.alert);
    root.appendChild(this.startScreen);
    root.appendChild(this.room);
    this.message.addEventListener('input', () => this.updateCount_());
  }

  showStart(): void {
    this.startForm.reset();
    (this.startForm.querySelector('details') as HTMLDetailsElement).open = false;
    this.room.hidden = true;
    this.startScreen.hidden = false;
    this.setStatus('');
    this.noticeHeading_.focus();
  }

  showRoom(): void {
    this.startScreen.hidden = true;
    this.room.hidden = false;
    this.endedPanel_.hidden = true;
    this.composer.hidden = false;
    this.endArea_.hidden = false;
    this.confirmEnd(false, false);
    this.setTyping(null);
  }

  /** The chat is over: keep the transcript readable, take away the composer. */
  showEnded(by: 'visitor' | 'advocate' | null): void {
    this.composer.hidden = true;
    this.endArea_.hidden = true;
    this.setTyping(null);
    this.setStatus('');
    this.endedBy_.textContent =
      by === 'visitor' ? t('endedByVisitor') : by === 'advocate' ? t('endedByAdvocate') : '';
    this.endedPanel_.hidden = false;
    this.endedHeading_.focus();
  }

  confirmEnd(ask: boolean, focus = true): void {
    this.endConfirm_.hidden = !ask;
    this.endButton.hidden = ask;
    if (focus) (ask ? this.endNo : this.endButton).focus();
  }

  setStatus(text: string): void {
    setLive(this.status, text);
  }

  setAlert(text: string): void {
    setLive(this.alert, text);
  }

  setTyping(name: string | null): void {
    setText(this.typing, name === null ? '' : t('typing', { name }));
  }

  clearMessage(): void {
    this.message.value = '';
    this.updateCount_();
  }

  private updateCount_(): void {
    const left = MAX_LENGTH - this.message.value.length;
    setText(this.charsLeft_, left <= COUNT_FROM ? t('charsLeft', { n: left }) : '');
  }
}
