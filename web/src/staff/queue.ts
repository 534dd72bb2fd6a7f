// The live queue: who is waiting, for how long, and an Accept button for each. A long queue
// comes a page at a time; Previous and Next ask the server for another page, which it then
// keeps up to date.

import { byId, h } from '../lib/dom';
import type { QueueEntry } from '../lib/protocol';
import { chatLabel, langLabel } from './labels';
import { sinceTime } from './ticker';

/** Entries per page; the server's page size (PROTOCOL.md). */
export const QUEUE_PAGE_SIZE = 50;

interface Row {
  li: HTMLLIElement;
  position: HTMLElement;
  /** "Disconnected": the visitor's page lost its connection while waiting. */
  gone: HTMLElement;
  button: HTMLButtonElement;
}

export class QueuePanel {
  private readonly list_ = byId<HTMLUListElement>('queue-list');
  private readonly summary_ = byId('queue-summary');
  private readonly pager_ = byId('queue-pager');
  private readonly range_ = byId('queue-range');
  private readonly prev_ = byId<HTMLButtonElement>('queue-prev');
  private readonly next_ = byId<HTMLButtonElement>('queue-next');
  private readonly full_ = h(
    'li',
    { class: 'hint queue-full' },
    'You have as many chats as you can take.',
  );
  // Rows are kept and moved rather than redrawn, so keyboard focus survives updates.
  private readonly rows_ = new Map<string, Row>();
  private entries_: QueueEntry[] = [];
  private total_ = 0;
  private offset_ = 0;
  /** The total of the last update, to tell arrivals from page turns. */
  private seenTotal_ = 0;
  private canAccept_ = true;
  private accepting_: string | null = null;
  /** Language of each waiting visitor; the chat object does not carry it. */
  readonly langs = new Map<string, string>();

  constructor(
    private readonly onAccept_: (conversationId: string) => void,
    private readonly onPage_: (offset: number) => void,
  ) {
    // aria-disabled rather than disabled: a button that stops working keeps the focus.
    this.prev_.addEventListener('click', () => this.turn_(-QUEUE_PAGE_SIZE));
    this.next_.addEventListener('click', () => this.turn_(QUEUE_PAGE_SIZE));
  }

  /**
   * Shows one page of the queue: `entries` from position `offset`, `total` counting
   * everyone; returns how many people arrived since the last update.
   */
  update(entries: QueueEntry[], total: number = entries.length, offset = 0): number {
    this.total_ = Math.max(total, offset + entries.length);
    const fresh = Math.max(0, this.total_ - this.seenTotal_);
    this.seenTotal_ = this.total_;
    this.entries_ = entries;
    this.offset_ = offset;
    const ids = new Set(entries.map((entry) => entry.conversation_id));
    this.rows_.forEach((row, id) => {
      if (!ids.has(id)) {
        row.li.remove();
        this.rows_.delete(id);
      }
    });
    if (this.accepting_ && !ids.has(this.accepting_)) this.accepting_ = null;
    for (const entry of entries) this.langs.set(entry.conversation_id, entry.lang);
    this.render_();
    return fresh;
  }

  get count(): number {
    return this.total_;
  }

  /** False while the coordinator already holds max_chats chats. */
  setCanAccept(can: boolean): void {
    this.canAccept_ = can;
    this.render_();
  }

  /** The accept was answered or refused; let the buttons be pressed again. */
  acceptSettled(): void {
    this.accepting_ = null;
    this.render_();
  }

  clear(): void {
    this.update([]);
  }

  private turn_(by: number): void {
    const offset = this.offset_ + by;
    if (offset < 0 || offset >= this.total_) return;
    this.onPage_(offset);
  }

  private render_(): void {
    const n = this.total_;
    const shown = this.entries_.length;
    const summary =
      n === 0
        ? 'Nobody is waiting.'
        : n === 1
          ? '1 person is waiting.'
          : `${n} people are waiting.`;
    if (this.summary_.textContent !== summary) this.summary_.textContent = summary;
    this.renderPager_(shown);

    this.entries_.forEach((entry, i) => {
      const row = this.rows_.get(entry.conversation_id) || this.createRow_(entry);
      row.position.textContent = `${this.offset_ + i + 1}.`;
      row.gone.hidden = entry.visitor_connected !== false;
      row.button.disabled = !this.canAccept_ || this.accepting_ !== null;
      row.button.textContent = this.accepting_ === entry.conversation_id ? 'Accepting…' : 'Accept';
      if (this.list_.children[i] !== row.li)
        this.list_.insertBefore(row.li, this.list_.children[i] || null);
    });
    if (!this.canAccept_ && n > 0) this.list_.appendChild(this.full_);
    else this.full_.remove();
  }

  private renderPager_(shown: number): void {
    const paged = this.total_ > QUEUE_PAGE_SIZE || this.offset_ > 0;
    this.pager_.hidden = !paged;
    if (!paged) return;
    const first = shown === 0 ? this.offset_ : this.offset_ + 1;
    const range = `Showing ${first}–${this.offset_ + shown} of ${this.total_}`;
    if (this.range_.textContent !== range) this.range_.textContent = range;
    const atStart = this.offset_ === 0;
    const atEnd = this.offset_ + QUEUE_PAGE_SIZE >= this.total_;
    this.prev_.setAttribute('aria-disabled', String(atStart));
    this.next_.setAttribute('aria-disabled', String(atEnd));
  }

  private createRow_(entry: QueueEntry): Row {
    const id = entry.conversation_id;
    const label = chatLabel(id);
    const lang = langLabel(entry.lang);
    const position = h('span', { class: 'queue-position' });
    const gone = h('span', { class: 'badge badge-warn', hidden: true }, 'Disconnected');
    const button = h('button', {
      type: 'button',
      class: 'button button-primary',
      'aria-label': `Accept ${label}`,
    });
    button.addEventListener('click', () => {
      this.accepting_ = id;
      this.render_();
      this.onAccept_(id);
    });
    const li = h(
      'li',
      { class: 'queue-entry' },
      h(
        'div',
        { class: 'queue-info' },
        h('span', { class: 'queue-label' }, position, ' ', label),
        h('span', null, 'waiting ', sinceTime(entry.waiting_since)),
        entry.has_intake && h('span', { class: 'badge' }, 'Intake'),
        lang && h('span', { class: 'badge' }, lang),
        gone,
      ),
      button,
    );
    const row = { li, position, gone, button };
    this.rows_.set(id, row);
    return row;
  }
}
