// The coordinator's open chats: one tab and one panel each, one panel shown at a time.

import { byId, setText } from '../lib/dom';
import type { Chat, Me, Message, RemovedFrame, StaffMember } from '../lib/protocol';
import { ChatPanel, type ChatActions } from './chat-panel';

export class ChatList {
  private readonly tabs_ = byId<HTMLUListElement>('chat-tabs');
  private readonly container_ = byId('chat-panels');
  private readonly empty_ = byId('no-chats');
  private readonly count_ = byId('chat-count');
  private readonly panels_ = new Map<string, ChatPanel>();
  private selected_: string | null = null;
  private me_: Me | null = null;
  private maxChats_ = 1;
  private blockHours_ = 24;
  private staff_: StaffMember[] = [];
  /** After a `state` frame: chats not yet confirmed as still ours. */
  private stale_: Set<string> | null = null;
  /** The chat we just accepted: open it and put the cursor in its reply box. */
  private expected_: string | null = null;

  constructor(
    private readonly actions_: Omit<ChatActions, 'select'>,
    private readonly langs_: Map<string, string>,
    private readonly announce_: (text: string) => void,
  ) {}

  setMe(me: Me, maxChats: number, blockHours: number): void {
    this.me_ = me;
    this.maxChats_ = maxChats;
    this.blockHours_ = blockHours;
  }

  /**
   * A `state` frame. The server may list the chats in it or send each as a `chat` frame
   * right after it, so chats not listed are only dropped at settle().
   */
  sync(chats: Chat[]): void {
    this.stale_ = new Set(this.panels_.keys());
    for (const chat of chats) this.upsert(chat, false);
    this.render_();
  }

  /** The first frame after `state` and its `chat` frames: whatever was not re-sent is gone. */
  settle(): void {
    if (!this.stale_) return;
    const stale = this.stale_;
    this.stale_ = null;
    if (stale.size === 0) return;
    stale.forEach((id) => this.drop_(id));
    if (!this.selected_) this.selectFirst_();
    this.render_();
  }

  /** A `chat` frame: a chat given to us (accept, transfer) or the answer to `history`. */
  upsert(chat: Chat, announce = true): void {
    const id = chat.conversation_id;
    const existing = this.panels_.get(id);
    if (existing) {
      existing.update(chat);
      if (this.stale_) {
        // Re-sent after a reconnect: still ours. Send again what may not have arrived.
        this.stale_.delete(id);
        existing.resendPending();
      }
      this.render_();
      return;
    }
    if (!this.me_) return;
    const panel = new ChatPanel(chat, this.me_, this.langs_.get(id), this.blockHours_, {
      ...this.actions_,
      select: (chosen) => this.select_(chosen, true),
    });
    panel.setStaff(this.staff_);
    this.panels_.set(id, panel);
    this.tabs_.appendChild(panel.tab);
    this.container_.appendChild(panel.panel);
    if (id === this.expected_) {
      this.expected_ = null;
      this.select_(id, true);
    } else {
      // Chats re-sent after a `state` frame are not news.
      if (announce && !this.stale_) this.announce_(`${panel.label} was given to you.`);
      if (!this.selected_) this.select_(id, false);
    }
    this.render_();
  }

  expect(conversationId: string): void {
    this.expected_ = conversationId;
  }

  /** A new message; tells screen-reader users when it is in a chat that is not on screen. */
  message(conversationId: string, message: Message): void {
    const panel = this.panels_.get(conversationId);
    if (!panel) return;
    if (panel.addMessage(message) && (this.selected_ !== conversationId || !document.hasFocus())) {
      this.announce_(`New message in ${panel.label}.`);
    }
  }

  ack(conversationId: string, clientId: string, seq: number): void {
    this.panels_.get(conversationId)?.ack(clientId, seq);
  }

  /** An error named one of our client_ids: mark that message as not sent. */
  fail(clientId: string): boolean {
    for (const panel of this.panels_.values()) if (panel.fail(clientId)) return true;
    return false;
  }

  typing(conversationId: string, active: boolean): void {
    this.panels_.get(conversationId)?.setVisitorTyping(active);
  }

  visitorConnected(conversationId: string, connected: boolean): void {
    this.panels_.get(conversationId)?.setVisitorConnected(connected);
  }

  ended(conversationId: string, by: 'visitor' | 'advocate'): void {
    const panel = this.panels_.get(conversationId);
    if (!panel) return;
    panel.ended(by);
    if (by === 'visitor')
      this.announce_(`The visitor left ${panel.label}. Choose a disposition to close it.`);
    this.render_();
  }

  removed(conversationId: string, reason: RemovedFrame['reason']): void {
    const panel = this.panels_.get(conversationId);
    if (!panel) return;
    this.announce_(
      reason === 'transferred' ? `${panel.label} was transferred.` : `${panel.label} is closed.`,
    );
    const wasSelected = this.selected_ === conversationId;
    this.drop_(conversationId);
    if (wasSelected) this.selectFirst_();
    this.render_();
  }

  /** A refused action (transfer, end, block): re-enable that chat's buttons. */
  actionFailed(): void {
    this.panels_.forEach((panel) => panel.actionFailed());
  }

  setStaff(staff: StaffMember[]): void {
    this.staff_ = staff;
    this.panels_.forEach((panel) => panel.setStaff(staff));
  }

  /** Chats counting toward max_chats. */
  get seatsUsed(): number {
    let n = 0;
    this.panels_.forEach((panel) => {
      if (panel.holdsSeat) n++;
    });
    return n;
  }

  get hasRoom(): boolean {
    return this.seatsUsed < this.maxChats_;
  }

  disconnected(): void {
    this.panels_.forEach((panel) => panel.disconnected());
  }

  clear(): void {
    this.panels_.forEach((_panel, id) => this.drop_(id));
    this.expected_ = null;
    this.stale_ = null;
    this.render_();
  }

  private select_(id: string, focus: boolean): void {
    this.selected_ = id;
    this.panels_.forEach((panel, panelId) =>
      panel.setSelected(panelId === id, focus && panelId === id),
    );
  }

  private selectFirst_(): void {
    const next = this.panels_.keys().next();
    if (!next.done) this.select_(next.value, false);
  }

  private drop_(id: string): void {
    const panel = this.panels_.get(id);
    if (!panel) return;
    panel.tab.remove();
    panel.panel.remove();
    this.panels_.delete(id);
    if (this.selected_ === id) this.selected_ = null;
  }

  private render_(): void {
    const n = this.panels_.size;
    this.empty_.hidden = n > 0;
    setText(this.count_, n > 0 ? `(${this.seatsUsed} of ${this.maxChats_})` : '');
  }
}
