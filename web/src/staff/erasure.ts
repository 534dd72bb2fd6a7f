// Supervisors and admins: closed conversations whose messages are still stored, when each
// is due to be erased, and "Erase now" for one of them.

import { byId, h, replaceChildren, setText } from '../lib/dom';
import { dateTime } from '../lib/time';
import { ApiError } from './api';
import { DataPanel } from './data-panel';
import { chatLabel, DISPOSITIONS } from './labels';
import {
  listClosedConversations,
  purgeConversation,
  type ClosedConversation,
  type ClosedConversations,
} from './privacy-api';
import { retentionPeriod } from './retention';

/** The server lists at most this many, the most recently closed first. */
const LIST_LIMIT = 500;

export class ErasurePanel extends DataPanel<ClosedConversations> {
  private readonly retention_ = byId('erasure-retention');
  private readonly empty_ = byId('erasure-empty');
  private readonly table_ = byId('erasure-table');
  private readonly rows_ = byId('erasure-rows');
  private readonly limit_ = byId('erasure-limit');
  /** The conversation ids shown now. */
  private listed_: Record<string, true> = {};

  constructor(sessionEnded: () => void) {
    super('erasure', sessionEnded);
  }

  protected override fetch(): Promise<ClosedConversations> {
    return listClosedConversations();
  }

  protected override render(data: ClosedConversations): void {
    const list = data.conversations;
    this.listed_ = {};
    for (const chat of list) this.listed_[chat.conversation_id] = true;
    setText(
      this.retention_,
      data.retention_hours === 0
        ? 'Retention period: none. Each conversation is erased within a minute of closing.'
        : `Retention period: ${retentionPeriod(data.retention_hours)} after closing.`,
    );
    this.empty_.hidden = list.length > 0;
    this.table_.hidden = list.length === 0;
    this.limit_.hidden = list.length < LIST_LIMIT;
    replaceChildren(this.rows_, ...list.map((chat) => this.row_(chat)));
  }

  protected override reset(): void {
    setText(this.retention_, '');
    this.empty_.hidden = true;
    this.table_.hidden = true;
    this.limit_.hidden = true;
    replaceChildren(this.rows_);
    this.listed_ = {};
  }

  private row_(chat: ClosedConversation): HTMLTableRowElement {
    const label = chatLabel(chat.conversation_id);
    let action: HTMLElement | string = '';
    if (!chat.legal_hold) {
      const button = h(
        'button',
        { type: 'button', class: 'button button-quiet', 'aria-label': `Erase ${label} now` },
        'Erase now',
      );
      button.addEventListener('click', () => void this.erase_(chat, button));
      action = button;
    }
    return h(
      'tr',
      null,
      h('th', { scope: 'row' }, label),
      h('td', null, timeCell(chat.closed_at)),
      h('td', null, closedByLabel(chat.closed_by)),
      h('td', null, chat.advocate || '—'),
      h('td', null, dispositionLabel(chat.disposition)),
      h('td', null, chat.legal_hold ? h('strong', null, 'On legal hold: kept') : dueCell(chat)),
      h('td', null, action),
    );
  }

  private async erase_(chat: ClosedConversation, button: HTMLButtonElement): Promise<void> {
    const label = chatLabel(chat.conversation_id);
    if (
      !window.confirm(
        `Erase ${label} now?\n\n` +
          'Its messages and intake answers are destroyed at once. This cannot be undone, ' +
          'and no backup can bring them back.',
      )
    )
      return;
    button.disabled = true;
    let failure: unknown = null;
    try {
      await purgeConversation(chat.conversation_id);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        this.fail(error);
        return;
      }
      failure = error;
    }
    // Look again after an error too: the erasure may have happened and only the answer got
    // lost, or the conversation was erased meanwhile by someone else or by the schedule.
    const fresh = await this.load();
    this.focusTitle(); // the focused button went away with the list
    if (!failure || (fresh && !this.listed_[chat.conversation_id])) {
      this.fail(null);
      this.done(`${label} was erased.`);
    } else {
      const reason = failure instanceof Error ? failure.message : 'something went wrong';
      this.fail(new Error(`${label} was not erased: ${reason}`));
    }
  }
}

function timeCell(iso: string | null): HTMLElement | string {
  return iso ? h('time', { datetime: iso }, dateTime(iso)) : '—';
}

function dueCell(chat: ClosedConversation): HTMLElement | string {
  if (!chat.purge_due_at) return '—';
  if (new Date(chat.purge_due_at).getTime() <= Date.now()) return 'Due now (within a minute)';
  return timeCell(chat.purge_due_at);
}

function closedByLabel(by: string): string {
  if (by === 'visitor') return 'Visitor';
  if (by === 'advocate') return 'Advocate';
  return '—';
}

function dispositionLabel(disposition: string): string {
  if (!disposition) return 'Not recorded';
  const found = DISPOSITIONS.find(([value]) => value === disposition);
  return found ? found[1] : disposition;
}
