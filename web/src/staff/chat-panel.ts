// One chat in the console: its tab, its transcript, the visitor's intake answers beside it,
// the reply box, and the Transfer, End and Block controls.

import { append, h, replaceChildren, setLive, setText } from '../lib/dom';
import type { BlockReason, Chat, Disposition, Me, Message, StaffMember } from '../lib/protocol';
import { randomId } from '../lib/random';
import { clockTime } from '../lib/time';
import { Transcript, type MessageLook } from '../lib/transcript';
import { TypingSignal } from '../lib/typing';
import {
  BLOCK_REASONS,
  DISPOSITIONS,
  INTAKE_FIELDS,
  chatCount,
  chatLabel,
  hoursText,
  langLabel,
} from './labels';
import { sinceTime } from './ticker';

const MAX_LENGTH = 4000;

export interface ChatActions {
  /** Returns false when the connection is down (the message then waits). */
  send(conversationId: string, clientId: string, text: string): boolean;
  typing(conversationId: string, active: boolean): void;
  transfer(conversationId: string, to: number): void;
  end(conversationId: string, disposition: Disposition): void;
  /** Ends the chat and blocks its visitor; no disposition means "other". */
  block(conversationId: string, reason: BlockReason, disposition?: Disposition): void;
  select(conversationId: string): void;
}

/** The value chosen in `select`; when none is, says so in `error` and moves focus there. */
function chosen<T extends string>(
  select: HTMLSelectElement,
  error: HTMLElement,
  what: string,
): T | null {
  if (!select.value) {
    setLive(error, `Choose ${what} first.`);
    select.focus();
    return null;
  }
  setLive(error, '');
  return select.value as T;
}

function systemText(m: Message): string {
  const name = m.name || 'An advocate';
  switch (m.event) {
    case 'advocate_joined':
      return `${name} joined the chat.`;
    case 'transferred':
      return `The chat was transferred to ${name}.`;
    case 'ended':
      return m.by === 'visitor' ? 'The visitor ended the chat.' : 'The advocate ended the chat.';
    default:
      return '';
  }
}

const staffLook: MessageLook = {
  render(m: Message): HTMLElement {
    if (m.from === 'system') return h('div', { class: 'msg msg-system' }, systemText(m));
    const ours = m.from === 'advocate';
    const time = clockTime(m.at);
    return h(
      'div',
      { class: ours ? 'msg msg-own' : 'msg msg-other' },
      h(
        'p',
        { class: 'msg-meta' },
        h('span', { class: 'msg-from' }, ours ? m.name || 'Advocate' : 'Visitor'),
        time && h('time', { datetime: m.at }, time),
        ours && h('span', { class: 'msg-state' }),
      ),
      h('p', { class: 'msg-text' }, m.text || ''),
    );
  },
  sending: 'Sending…',
  notSent: 'Not sent',
};

export class ChatPanel {
  readonly id: string;
  readonly label: string;
  private chat_: Chat;
  private readonly pending_ = new Map<string, string>();
  private unread_ = 0;
  private visitorTyping_ = false;
  private selected_ = false;

  readonly tab: HTMLLIElement;
  private readonly tabButton_: HTMLButtonElement;
  private readonly tabNote_ = h('span', { class: 'tab-note' });

  readonly panel: HTMLElement;
  private readonly transcript_: Transcript;
  private readonly meta_ = h('p', { class: 'chat-meta' });
  private readonly banner_ = h(
    'p',
    { class: 'chat-banner', hidden: true },
    'Visitor left — choose a disposition to close.',
  );
  private readonly typingNote_ = h(
    'p',
    { class: 'typing', hidden: true },
    'The visitor is typing…',
  );
  private readonly intakeBox_ = h('div', { class: 'intake-answers' });
  private readonly textarea_: HTMLTextAreaElement;
  private readonly composer_: HTMLFormElement;
  private readonly typingSignal_: TypingSignal;
  private readonly transferForm_: HTMLFormElement;
  private readonly transferSelect_: HTMLSelectElement;
  private readonly transferButton_: HTMLButtonElement;
  private readonly dispositionSelect_: HTMLSelectElement;
  private readonly endButton_: HTMLButtonElement;
  private readonly endError_ = h('p', { class: 'form-message', role: 'alert' });
  private readonly blockForm_: HTMLFormElement;
  private readonly blockReason_: HTMLSelectElement;
  private readonly blockButton_: HTMLButtonElement;
  private readonly blockError_ = h('p', { class: 'form-message', role: 'alert' });

  constructor(
    chat: Chat,
    private readonly me_: Me,
    private readonly lang_: string | undefined,
    private readonly blockHours_: number,
    private readonly actions_: ChatActions,
  ) {
    this.id = chat.conversation_id;
    this.chat_ = chat;
    this.label = chatLabel(this.id);
    const key = this.id.replace(/[^A-Za-z0-9_-]/g, '');

    this.tabButton_ = h(
      'button',
      { type: 'button', class: 'chat-tab' },
      h('span', { class: 'tab-label' }, this.label),
      this.tabNote_,
    );
    this.tabButton_.addEventListener('click', () => this.actions_.select(this.id));
    this.tab = h('li', null, this.tabButton_);

    const log = h('div', {
      class: 'messages',
      role: 'log',
      'aria-live': 'polite',
      'aria-label': `Messages in ${this.label}`,
      tabindex: 0,
    });
    this.transcript_ = new Transcript(log, staffLook);

    this.textarea_ = h('textarea', {
      id: `reply-${key}`,
      rows: 3,
      maxlength: MAX_LENGTH,
      autocomplete: 'off',
    });
    this.composer_ = h(
      'form',
      { class: 'composer' },
      h('label', { for: `reply-${key}` }, 'Reply'),
      this.textarea_,
      h('p', { class: 'hint' }, 'Enter sends; Shift+Enter adds a line.'),
      h('button', { type: 'submit', class: 'button button-primary' }, 'Send'),
    );
    this.typingSignal_ = new TypingSignal((active) => this.actions_.typing(this.id, active));
    this.wireComposer_();

    this.transferSelect_ = h('select', { id: `transfer-${key}` });
    this.transferButton_ = h('button', { type: 'submit', class: 'button' }, 'Transfer');
    this.transferForm_ = h(
      'form',
      { class: 'transfer' },
      h('label', { for: `transfer-${key}` }, 'Transfer to'),
      this.transferSelect_,
      this.transferButton_,
    );
    this.transferForm_.addEventListener('submit', (event) => {
      event.preventDefault();
      const to = Number(this.transferSelect_.value);
      if (to) this.actions_.transfer(this.id, to);
    });

    this.dispositionSelect_ = h(
      'select',
      { id: `disposition-${key}` },
      h('option', { value: '' }, 'Choose…'),
      ...DISPOSITIONS.map(([value, text]) => h('option', { value }, text)),
    );
    this.endButton_ = h('button', { type: 'submit', class: 'button button-danger' }, 'End chat');
    const endForm = h(
      'form',
      { class: 'end-chat' },
      h('label', { for: `disposition-${key}` }, 'Disposition'),
      this.dispositionSelect_,
      this.endButton_,
      this.endError_,
    );
    endForm.addEventListener('submit', (event) => {
      event.preventDefault();
      this.requestEnd_();
    });

    this.blockReason_ = h(
      'select',
      { id: `block-reason-${key}`, 'aria-describedby': `block-hint-${key}` },
      h('option', { value: '' }, 'Choose…'),
      ...BLOCK_REASONS.map(([value, text]) => h('option', { value }, text)),
    );
    this.blockButton_ = h(
      'button',
      { type: 'submit', class: 'button button-danger' },
      'Block visitor',
    );
    this.blockForm_ = h(
      'form',
      { class: 'block-visitor' },
      h('label', { for: `block-reason-${key}` }, 'Block reason'),
      h(
        'p',
        { class: 'hint', id: `block-hint-${key}` },
        `For abusive, threatening or prank contacts: ends the chat and refuses new chats and ` +
          `messages from the visitor's network for ${hoursText(this.blockHours_)}.`,
      ),
      this.blockReason_,
      this.blockButton_,
      this.blockError_,
    );
    this.blockReason_.addEventListener('change', () => setLive(this.blockError_, ''));
    this.blockForm_.addEventListener('submit', (event) => {
      event.preventDefault();
      this.requestBlock_();
    });

    const title = h('h3', { id: `chat-title-${key}`, tabindex: -1 }, this.label);
    this.panel = h(
      'section',
      { class: 'chat-panel', 'aria-labelledby': `chat-title-${key}`, hidden: true },
      h('div', { class: 'chat-head' }, title, this.meta_),
      this.banner_,
      h(
        'div',
        { class: 'chat-body' },
        h('div', { class: 'chat-main' }, log, this.typingNote_, this.composer_),
        h(
          'aside',
          { class: 'chat-intake', 'aria-label': `Intake answers, ${this.label}` },
          h('h4', null, 'Intake answers'),
          this.intakeBox_,
        ),
      ),
      h('div', { class: 'chat-actions' }, this.transferForm_, endForm, this.blockForm_),
    );

    this.update(chat);
  }

  /** Takes a fresh chat object (state, accept, transfer, history): merges its messages. */
  update(chat: Chat): void {
    this.chat_ = { ...chat, messages: [] };
    for (const message of chat.messages || []) this.transcript_.add(message);
    this.renderIntake_();
    this.renderState_();
  }

  get lastSeq(): number {
    return this.transcript_.lastSeq;
  }

  /** Counts toward max_chats: active and not merely waiting for a disposition. */
  get holdsSeat(): boolean {
    return this.chat_.status === 'active' && !this.chat_.needs_disposition;
  }

  /** Returns true when it was new and from the visitor (worth telling about). */
  addMessage(message: Message): boolean {
    if (!this.transcript_.add(message)) return false;
    if (message.from !== 'visitor') return false;
    this.setVisitorTyping(false);
    if (!this.selected_) {
      this.unread_++;
      this.renderTab_();
    }
    return true;
  }

  ack(clientId: string, seq: number): boolean {
    if (!this.pending_.delete(clientId)) return false;
    this.transcript_.ack(clientId, seq);
    return true;
  }

  fail(clientId: string): boolean {
    if (!this.pending_.delete(clientId)) return false;
    this.transcript_.fail(clientId);
    return true;
  }

  /** After a reconnect: send again what may not have arrived (same client_id, no duplicates). */
  resendPending(): void {
    this.pending_.forEach((text, clientId) => this.actions_.send(this.id, clientId, text));
  }

  setVisitorTyping(active: boolean): void {
    if (active === this.visitorTyping_) return;
    this.visitorTyping_ = active;
    this.typingNote_.hidden = !active;
    this.renderTab_();
  }

  /** The visitor's connection dropped or came back. */
  setVisitorConnected(connected: boolean): void {
    if (connected === this.chat_.visitor_connected) return;
    this.chat_.visitor_connected = connected;
    if (!connected) this.setVisitorTyping(false);
    this.renderState_();
  }

  /** The chat closed. Ended by the visitor, it still needs our disposition. */
  ended(by: 'visitor' | 'advocate'): void {
    this.chat_.status = 'closed';
    if (by === 'visitor') this.chat_.needs_disposition = true;
    this.setVisitorTyping(false);
    this.typingSignal_.reset();
    this.pending_.forEach((_text, clientId) => this.transcript_.fail(clientId));
    this.pending_.clear();
    this.renderState_();
  }

  setStaff(staff: StaffMember[]): void {
    const others = staff.filter((member) => member.id !== this.me_.id);
    const current = this.transferSelect_.value;
    replaceChildren(
      this.transferSelect_,
      h('option', { value: '' }, others.length ? 'Choose a person…' : 'No one else is signed in'),
      ...others.map((member) =>
        h(
          'option',
          { value: member.id },
          `${member.name} (${member.available ? 'available' : 'away'}, ${chatCount(member.chats)})`,
        ),
      ),
    );
    this.transferSelect_.value = others.some((m) => String(m.id) === current) ? current : '';
    this.transferButton_.disabled = others.length === 0;
  }

  setSelected(selected: boolean, focus: boolean): void {
    this.selected_ = selected;
    this.panel.hidden = !selected;
    if (selected) {
      this.tabButton_.setAttribute('aria-current', 'true');
      this.unread_ = 0;
      this.transcript_.scrollToEnd();
      if (focus)
        (this.chat_.status === 'active' ? this.textarea_ : this.dispositionSelect_).focus();
    } else {
      this.tabButton_.removeAttribute('aria-current');
    }
    this.renderTab_();
  }

  /** The connection dropped: typing states are unknown now. */
  disconnected(): void {
    this.typingSignal_.reset();
    this.setVisitorTyping(false);
  }

  private wireComposer_(): void {
    const submit = () => {
      const text = this.textarea_.value.trim();
      if (!text || this.chat_.status !== 'active') return;
      const clientId = randomId('s');
      this.pending_.set(clientId, text);
      this.transcript_.addPending(clientId, {
        seq: 0,
        from: 'advocate',
        name: this.me_.name,
        text,
        at: new Date().toISOString(),
      });
      this.typingSignal_.stop();
      this.actions_.send(this.id, clientId, text);
      this.textarea_.value = '';
    };
    this.composer_.addEventListener('submit', (event) => {
      event.preventDefault();
      submit();
      this.textarea_.focus();
    });
    this.textarea_.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
      event.preventDefault();
      submit();
    });
    this.textarea_.addEventListener('input', () => {
      if (this.textarea_.value) this.typingSignal_.input();
      else this.typingSignal_.stop();
    });
  }

  private requestEnd_(): void {
    const disposition = chosen<Disposition>(
      this.dispositionSelect_,
      this.endError_,
      'a disposition',
    );
    if (!disposition) return;
    if (this.chat_.status === 'active' && !this.chat_.needs_disposition) {
      if (!window.confirm(`End ${this.label}? The visitor will see that the chat has ended.`))
        return;
    }
    this.endButton_.disabled = true;
    this.actions_.end(this.id, disposition);
  }

  private requestBlock_(): void {
    const reason = chosen<BlockReason>(this.blockReason_, this.blockError_, 'a reason');
    if (!reason) return;
    const message =
      `End ${this.label} and block this visitor? New chats and messages from their network ` +
      `will be refused for ${hoursText(this.blockHours_)}, unless a supervisor lifts the ` +
      'block. The visitor only sees that the chat has ended.';
    if (!window.confirm(message)) return;
    const disposition = this.dispositionSelect_.value as Disposition | '';
    this.blockButton_.disabled = true;
    this.endButton_.disabled = true;
    this.actions_.block(this.id, reason, disposition || undefined);
  }

  /** The server refused an action on this chat; let the buttons work again. */
  actionFailed(): void {
    this.endButton_.disabled = false;
    this.blockButton_.disabled = false;
  }

  private renderIntake_(): void {
    const intake = this.chat_.intake || {};
    const rows: [string, string][] = [];
    const lang = langLabel(this.lang_);
    if (lang) rows.push(['Language', lang]);
    for (const [field, label] of INTAKE_FIELDS) {
      const value = intake[field];
      if (value !== undefined && value !== null && String(value) !== '')
        rows.push([label, String(value)]);
    }
    if (rows.length === 0) {
      replaceChildren(
        this.intakeBox_,
        h('p', { class: 'hint' }, 'The visitor gave no intake answers.'),
      );
      return;
    }
    const dl = h('dl');
    for (const [label, value] of rows) append(dl, [h('dt', null, label), h('dd', null, value)]);
    replaceChildren(this.intakeBox_, dl);
  }

  private renderState_(): void {
    const chat = this.chat_;
    const open = chat.status === 'active';
    replaceChildren(
      this.meta_,
      chat.accepted_at ? `Accepted ${clockTime(chat.accepted_at)} · ` : '',
      open ? 'open for ' : 'Ended',
      open && sinceTime(chat.accepted_at || chat.waiting_since),
      open && !chat.visitor_connected
        ? ' · The visitor’s connection dropped; they may come back.'
        : '',
    );
    this.banner_.hidden = !chat.needs_disposition;
    this.composer_.hidden = !open;
    this.transferForm_.hidden = !open || chat.needs_disposition;
    this.endButton_.textContent = open && !chat.needs_disposition ? 'End chat' : 'Close chat';
    this.endButton_.disabled = false;
    this.blockForm_.hidden = !open && !chat.needs_disposition;
    this.blockButton_.disabled = false;
    this.renderTab_();
  }

  private renderTab_(): void {
    const notes: string[] = [];
    if (this.chat_.needs_disposition) notes.push('Visitor left');
    else if (this.chat_.status === 'closed') notes.push('Closed');
    if (this.visitorTyping_) notes.push('typing…');
    if (this.unread_ > 0) notes.push(`${this.unread_} new`);
    setText(this.tabNote_, notes.join(' · '));
    this.tab.classList.toggle('needs-disposition', this.chat_.needs_disposition);
    this.tab.classList.toggle('has-unread', this.unread_ > 0);
  }
}
