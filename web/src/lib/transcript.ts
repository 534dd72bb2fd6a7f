// A list of chat messages kept in `seq` order with no duplicates, plus the sender's own
// messages that are still on their way ("sending") at the bottom. Used by both the
// visitor chat and the staff console; each supplies how a message looks.

import type { Message } from './protocol';

export interface MessageLook {
  /** The element for a stored message; own messages include an empty `.msg-state`. */
  render(message: Message): HTMLElement;
  sending: string;
  notSent: string;
}

export class Transcript {
  private readonly bySeq_ = new Map<number, HTMLElement>();
  private readonly pending_ = new Map<string, HTMLElement>();
  private highest_ = 0;

  constructor(
    readonly list: HTMLElement,
    private readonly look_: MessageLook,
  ) {}

  /** Highest seq shown: what to ask for after a reconnect. */
  get lastSeq(): number {
    return this.highest_;
  }

  has(seq: number): boolean {
    return this.bySeq_.has(seq);
  }

  /** Shows a stored message; returns false if it was already shown. */
  add(message: Message): boolean {
    if (this.bySeq_.has(message.seq)) return false;
    const el = this.look_.render(message);
    this.place_(el, message.seq);
    return true;
  }

  /** Shows one of our own messages as "sending" until it is acknowledged. */
  addPending(clientId: string, message: Message): void {
    const el = this.look_.render(message);
    el.classList.add('msg-pending');
    setState(el, this.look_.sending);
    this.pending_.set(clientId, el);
    this.keepBottom_(() => this.list.appendChild(el));
  }

  /** The server stored our message as `seq`. */
  ack(clientId: string, seq: number): void {
    const el = this.pending_.get(clientId);
    if (!el) return;
    this.pending_.delete(clientId);
    if (this.bySeq_.has(seq)) {
      // The replay after a reconnect already showed it.
      el.remove();
      return;
    }
    el.classList.remove('msg-pending');
    setState(el, '');
    el.remove();
    this.place_(el, seq);
  }

  /** The server refused our message; it stays visible, marked as not sent. */
  fail(clientId: string): void {
    const el = this.pending_.get(clientId);
    if (!el) return;
    this.pending_.delete(clientId);
    el.classList.remove('msg-pending');
    el.classList.add('msg-failed');
    setState(el, this.look_.notSent);
  }

  /** Jumps to the newest message (after the list was hidden, for example). */
  scrollToEnd(): void {
    this.list.scrollTop = this.list.scrollHeight;
  }

  clear(): void {
    this.bySeq_.clear();
    this.pending_.clear();
    this.highest_ = 0;
    while (this.list.firstChild) this.list.removeChild(this.list.firstChild);
  }

  /** Inserts a stored message in seq order, above any still-sending ones. */
  private place_(el: HTMLElement, seq: number): void {
    el.dataset.seq = String(seq);
    this.bySeq_.set(seq, el);
    if (seq > this.highest_) this.highest_ = seq;
    let before: Element | null = null;
    for (let node = this.list.lastElementChild; node; node = node.previousElementSibling) {
      const other = (node as HTMLElement).dataset.seq;
      const isPending = node.classList.contains('msg-pending');
      if (isPending || (other !== undefined && Number(other) > seq)) before = node;
      else break;
    }
    this.keepBottom_(() => this.list.insertBefore(el, before));
  }

  /** Follows new messages only if the reader was already at the bottom. */
  private keepBottom_(change: () => void): void {
    const list = this.list;
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    change();
    if (atBottom) list.scrollTop = list.scrollHeight;
  }
}

function setState(el: HTMLElement, text: string): void {
  const slot = el.querySelector('.msg-state');
  if (slot) slot.textContent = text;
}
