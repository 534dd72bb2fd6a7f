// Supervisors and admins: every live chat, from `overview` frames.

import { byId, h, replaceChildren } from '../lib/dom';
import type { OverviewChat } from '../lib/protocol';
import { clockTime } from '../lib/time';
import { chatLabel, statusLabel } from './labels';
import { sinceTime } from './ticker';

export class OverviewPanel {
  private readonly rows_ = byId('overview-rows');
  private readonly table_ = byId('overview-table');
  private readonly empty_ = byId('overview-empty');

  update(chats: OverviewChat[]): void {
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
