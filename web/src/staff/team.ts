// Who else is signed in, whether they are available, and how many chats they hold.

import { byId, h, replaceChildren } from '../lib/dom';
import type { StaffMember } from '../lib/protocol';
import { chatCount, roleLabel } from './labels';

export class TeamPanel {
  private readonly list_ = byId<HTMLUListElement>('team-list');

  update(staff: StaffMember[], myId: number | null): void {
    if (staff.length === 0) {
      replaceChildren(this.list_, h('li', { class: 'hint' }, 'Nobody is signed in.'));
      return;
    }
    replaceChildren(
      this.list_,
      ...staff.map((member) =>
        h(
          'li',
          { class: member.available ? 'member available' : 'member away' },
          h(
            'span',
            { class: 'member-name' },
            member.id === myId ? `${member.name} (you)` : member.name,
          ),
          ' ',
          h('span', { class: 'hint' }, roleLabel(member.role)),
          h(
            'span',
            { class: 'member-state' },
            `${member.available ? 'Available' : 'Away'} · ${chatCount(member.chats)}`,
          ),
        ),
      ),
    );
  }
}
