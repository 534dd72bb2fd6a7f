// Supervisors and admins: the visitors blocked now, from `blocks` frames, with a Lift button
// for each. A block is shown by its opaque id only; the server never sends anything else.

import { byId, h, replaceChildren, setLive } from '../lib/dom';
import type { VisitorBlock } from '../lib/protocol';
import { dateTime } from '../lib/time';
import { blockLabel, blockReasonLabel } from './labels';

export class BlocksPanel {
  private readonly rows_ = byId('blocks-rows');
  private readonly table_ = byId('blocks-table');
  private readonly empty_ = byId('blocks-empty');
  private readonly status_ = byId('blocks-status');
  private lifting_: string | null = null;

  constructor(
    private readonly onRefresh_: () => void,
    private readonly onLift_: (blockId: string) => void,
  ) {
    byId('blocks-refresh').addEventListener('click', () => this.onRefresh_());
  }

  update(blocks: VisitorBlock[]): void {
    if (this.lifting_ && !blocks.some((b) => b.block_id === this.lifting_)) this.lifting_ = null;
    this.empty_.hidden = blocks.length > 0;
    this.table_.hidden = blocks.length === 0;
    replaceChildren(this.rows_, ...blocks.map((block) => this.row_(block)));
  }

  /** The server answered a lift. */
  lifted(blockId: string): void {
    setLive(this.status_, `${blockLabel(blockId)} was lifted.`);
  }

  /** A lift was refused; its button works again. */
  liftFailed(): void {
    this.lifting_ = null;
    this.rows_
      .querySelectorAll<HTMLButtonElement>('button')
      .forEach((button) => (button.disabled = false));
  }

  clear(): void {
    this.update([]);
    setLive(this.status_, '');
  }

  private row_(block: VisitorBlock): HTMLTableRowElement {
    const label = blockLabel(block.block_id);
    const button = h(
      'button',
      { type: 'button', class: 'button', 'aria-label': `Lift ${label}` },
      'Lift',
    );
    button.disabled = this.lifting_ !== null;
    button.addEventListener('click', () => {
      if (!window.confirm(`Lift ${label}? That visitor will be able to chat again at once.`))
        return;
      this.lifting_ = block.block_id;
      button.disabled = true;
      setLive(this.status_, '');
      this.onLift_(block.block_id);
    });
    const when = (iso: string) => h('time', { datetime: iso }, dateTime(iso));
    return h(
      'tr',
      null,
      h('th', { scope: 'row' }, label),
      h('td', null, block.placed_by_name || `Account number ${block.placed_by}`),
      h('td', null, when(block.placed_at)),
      h('td', null, when(block.expires_at)),
      h('td', null, blockReasonLabel(block.reason)),
      h('td', null, button),
    );
  }
}
