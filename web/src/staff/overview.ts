// Supervisors and admins: every live chat, from `overview` frames.

import { byId, h, replaceChildren, setText } from '../lib/dom';
import type { OverviewChat } from '../lib/protocol';
import { clockTime } from '../lib/time';
import { chatLabel, statusLabel } from './labels';
import { sinceTime } from './ticker';

export class OverviewPanel {
  private readonly rows_ = byId('overview-rows');
  private readonly table_ = byId('overview-table');
  private readonly empty_ = byId('overview-empty');
  private readonly more_ = byId('overview-more');

  /** `waiting` counts everyone waiting; the server lists only the 50 who waited longest. */
  update(chats: OverviewChat[], waiting?: number): void {
    const listed = chats.filter((chat) => chat.status === 'waiting').length;
    const unlisted = waiting === undefined ? 0 : waiting - listed;
    setText(
      this.more_,
      unlisted > 0
        ? `${waiting} people are waiting; the ${listed} who have waited longest are listed. ` +
            'The waiting list in Chats pages through all of them.'
        : '',
    );
    this.empty_.hidden = chats.length > 0;
    this.table_.hidden = chats.length === 0;
    replaceChildren(
      this.rows_,
      ...chats.map((chat) =>
        h(
          'tr',
          null,
          h('th', { scope: 'row' }, chatLabel(chat.conversation_id)),
          h('td', null, statusLabel(chat.status)),
          h('td', null, chat.advocate || '—'),
          h('td', null, chat.status === 'waiting' ? sinceTime(chat.waiting_since) : '—'),
          h(
            'td',
            null,
            chat.started_at
              ? h('time', { datetime: chat.started_at }, clockTime(chat.started_at))
              : '—',
          ),
        ),
      ),
    );
  }
}
