// The signed-in console: one connection to /ws/staff and the panels it feeds. A `state`
// frame (the answer to every hello, also after a reconnect) rebuilds everything.

import { byId, setLive, setText } from '../lib/dom';
import type {
  ErrorFrame,
  Me,
  QueueEntry,
  Role,
  StaffFrame,
  StaffMember,
  StaffRequest,
  StateFrame,
} from '../lib/protocol';
import { ReconnectingSocket } from '../lib/socket';
import { AccountsPanel } from './accounts';
import { ApiError, csrf, me as fetchSession, type User } from './api';
import { Attention } from './attention';
import { AuditPanel } from './audit';
import { BlocksPanel } from './blocks';
import { ChatList } from './chats';
import { ErasurePanel } from './erasure';
import { chatLabel, errorText, roleLabel } from './labels';
import { OverviewPanel } from './overview';
import { PoliciesPanel } from './policies';
import { QueuePanel } from './queue';
import { RetentionPanel } from './retention';
import { TeamPanel } from './team';
import { startTicker } from './ticker';
import { TrafficPanel } from './traffic';
import { clockTime } from '../lib/time';

export interface ConsoleEvents {
  /** The session is gone (expired, signed out elsewhere, account disabled). */
  sessionEnded(): void;
}

/** Who sees which section besides Chats; the server refuses the others' data anyway. */
const SECTION_ROLES: Record<string, Role[]> = {
  'panel-overview': ['supervisor', 'admin'],
  'panel-blocks': ['supervisor', 'admin'],
  'panel-accounts': ['admin'],
  'panel-retention': ['supervisor', 'admin'],
  'panel-erasure': ['supervisor', 'admin'],
  'panel-audit': ['supervisor', 'admin'],
  'panel-traffic': ['admin'],
  'panel-policies': ['admin'],
};

/** A section that fetches its data over HTTP each time it is opened. */
interface LoadedSection {
  load(): Promise<unknown>;
  clear(): void;
}

export class StaffConsole {
  private readonly section_ = byId('console');
  private readonly meLine_ = byId('me');
  private readonly connection_ = byId('connection');
  private readonly alertLine_ = byId('console-alert');
  private readonly notice_ = byId('console-notice');
  private readonly live_ = byId('console-live');
  private readonly availableOn_ = byId<HTMLInputElement>('available-on');
  private readonly availableOff_ = byId<HTMLInputElement>('available-off');
  private readonly sound_ = byId<HTMLInputElement>('sound');
  private readonly views_ = Array.from(
    document.querySelectorAll<HTMLButtonElement>('.view-button'),
  );

  private readonly attention_ = new Attention();
  private readonly queue_: QueuePanel;
  private readonly chats_: ChatList;
  private readonly team_ = new TeamPanel();
  private readonly overview_ = new OverviewPanel();
  private readonly blocks_: BlocksPanel;
  private readonly accounts_: AccountsPanel;
  private readonly retention_: RetentionPanel;
  private readonly loaded_: Record<string, LoadedSection>;
  private readonly socket_: ReconnectingSocket<StaffFrame, StaffRequest>;

  private me_: Me | null = null;
  private view_ = 'panel-chats';
  private available_ = false;
  /** The session was just checked (sign-in or page load); skip one /me call. */
  private sessionFresh_ = false;
  private hadState_ = false;
  /** The queue page this console shows (0: the oldest 50). */
  private queueOffset_ = 0;
  private stopTicker_: (() => void) | null = null;

  constructor(private readonly events_: ConsoleEvents) {
    this.queue_ = new QueuePanel((id) => {
      this.chats_.expect(id);
      if (!this.send_({ type: 'accept', conversation_id: id })) this.queue_.acceptSettled();
    }, (offset) => void this.send_({ type: 'queue_page', offset }));
    this.blocks_ = new BlocksPanel(
      () => void this.send_({ type: 'blocks' }),
      (blockId) => {
        if (!this.send_({ type: 'unblock', block_id: blockId })) this.blocks_.liftFailed();
      },
    );
    this.chats_ = new ChatList(
      {
        send: (id, clientId, text) =>
          this.send_({ type: 'send', conversation_id: id, client_id: clientId, text }),
        typing: (id, active) => void this.send_({ type: 'typing', conversation_id: id, active }),
        transfer: (id, to) => void this.send_({ type: 'transfer', conversation_id: id, to }),
        end: (id, disposition) => {
          if (!this.send_({ type: 'end', conversation_id: id, disposition }))
            this.chats_.actionFailed();
        },
        block: (id, reason, disposition) => {
          if (!this.send_({ type: 'block', conversation_id: id, reason, disposition }))
            this.chats_.actionFailed();
        },
      },
      this.queue_.langs,
      (text) => this.announce_(text),
    );
    const sessionEnded = () => this.sessionEnded_();
    this.accounts_ = new AccountsPanel(sessionEnded);
    this.retention_ = new RetentionPanel(sessionEnded);
    this.loaded_ = {
      'panel-retention': this.retention_,
      'panel-erasure': new ErasurePanel(sessionEnded),
      'panel-audit': new AuditPanel(sessionEnded),
      'panel-traffic': new TrafficPanel(sessionEnded),
      'panel-policies': new PoliciesPanel(sessionEnded),
    };
    this.socket_ = new ReconnectingSocket<StaffFrame, StaffRequest>(
      '/ws/staff',
      {
        open: () => this.hello_(),
        frame: (frame) => this.onFrame_(frame),
        down: () => this.onDown_(),
      },
      () => this.checkSession_(),
    );
    this.wireControls_();
  }

  /** Opens the console; `failedSignIns` are the attempts on the account the owner is told of. */
  start(user: User, failedSignIns = 0): void {
    setLive(
      this.notice_,
      failedSignIns > 0
        ? `${failedSignIns} failed sign-in ${failedSignIns === 1 ? 'attempt' : 'attempts'} ` +
            'on your account since your last sign-in. If that was not you, tell an administrator.'
        : '',
    );
    this.me_ = { id: user.id, name: user.name, role: user.role };
    this.showMe_();
    this.section_.hidden = false;
    this.showView_('panel-chats');
    this.setConnection_('Connecting…');
    this.sessionFresh_ = true;
    this.hadState_ = false;
    this.stopTicker_ = startTicker(this.section_);
    this.socket_.start();
  }

  /** Hides the console while "Your account" is open; the connection stays. */
  setVisible(visible: boolean): void {
    this.section_.hidden = !visible;
  }

  stop(): void {
    setLive(this.notice_, '');
    this.socket_.stop();
    this.stopTicker_?.();
    this.stopTicker_ = null;
    this.section_.hidden = true;
    this.chats_.clear();
    this.queue_.clear();
    this.blocks_.clear();
    this.attention_.reset();
    for (const id of Object.keys(this.loaded_)) this.loaded_[id].clear();
    for (const button of this.views_) {
      if (SECTION_ROLES[button.dataset.view || '']) button.hidden = true;
    }
    this.me_ = null;
    setLive(this.alertLine_, '');
  }

  private wireControls_(): void {
    const onAvailability = () => {
      const wanted = this.availableOn_.checked;
      if (this.send_({ type: 'availability', available: wanted })) {
        setLive(this.alertLine_, '');
      } else {
        this.showAvailability_(); // not connected: show what the server last said
        setLive(this.alertLine_, 'Not connected; your status was not changed.');
      }
    };
    this.availableOn_.addEventListener('change', onAvailability);
    this.availableOff_.addEventListener('change', onAvailability);
    this.sound_.addEventListener('change', () => {
      this.attention_.sound = this.sound_.checked;
    });
    for (const button of this.views_) {
      button.addEventListener('click', () => this.showView_(button.dataset.view || 'panel-chats'));
    }
  }

  private showView_(panelId: string): void {
    this.view_ = panelId;
    for (const button of this.views_) {
      const target = button.dataset.view || '';
      const on = target === panelId;
      button.setAttribute('aria-pressed', String(on));
      byId(target).hidden = !on;
    }
    if (panelId === 'panel-accounts' && this.me_) void this.accounts_.load(this.me_.id);
    if (this.loaded_[panelId]) void this.loaded_[panelId].load();
    if (panelId === 'panel-blocks') this.send_({ type: 'blocks' });
  }

  /** Before each (re)connection: the session must still exist, and the CSRF token be current. */
  private async checkSession_(): Promise<boolean> {
    if (this.sessionFresh_) {
      this.sessionFresh_ = false;
      return true;
    }
    try {
      await fetchSession();
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        this.sessionEnded_();
        return false;
      }
      throw error; // network trouble: try again later
    }
  }

  private sessionEnded_(): void {
    this.stop();
    this.events_.sessionEnded();
  }

  private hello_(): void {
    this.send_({ type: 'hello', csrf_token: csrf() });
  }

  private send_(frame: StaffRequest): boolean {
    return this.socket_.send(frame);
  }

  private onDown_(): void {
    this.setConnection_('Connection lost. Reconnecting…');
    this.chats_.disconnected();
  }

  private onFrame_(frame: StaffFrame): void {
    if (frame.type !== 'state' && frame.type !== 'chat') this.chats_.settle();
    switch (frame.type) {
      case 'state':
        this.onState_(frame);
        break;
      case 'queue':
        this.onQueue_(frame.entries, frame.total, frame.offset);
        break;
      case 'chat':
        this.chats_.upsert(frame.chat);
        this.queue_.acceptSettled(); // the accept is answered; buttons work again
        this.updateSeats_();
        break;
      case 'message':
        this.chats_.message(frame.conversation_id, frame.message);
        break;
      case 'ack':
        this.chats_.ack(frame.conversation_id, frame.client_id, frame.seq);
        break;
      case 'typing':
        this.chats_.typing(frame.conversation_id, frame.active);
        break;
      case 'visitor':
        this.chats_.visitorConnected(frame.conversation_id, frame.connected);
        break;
      case 'ended':
        this.chats_.ended(frame.conversation_id, frame.by);
        this.updateSeats_();
        break;
      case 'removed':
        this.chats_.removed(frame.conversation_id, frame.reason);
        this.updateSeats_();
        break;
      case 'staff':
        this.onStaff_(frame.staff);
        break;
      case 'overview':
        this.overview_.update(frame.chats, frame.waiting);
        break;
      case 'blocked':
        setLive(
          this.alertLine_,
          `${chatLabel(frame.conversation_id)} was ended and its visitor blocked until ` +
            `${clockTime(frame.expires_at)}.`,
        );
        break;
      case 'blocks':
        this.blocks_.update(frame.blocks);
        break;
      case 'unblocked':
        this.blocks_.lifted(frame.block_id);
        break;
      case 'error':
        this.onError_(frame);
        break;
    }
  }

  private onState_(state: StateFrame): void {
    this.socket_.markHealthy();
    const wasAvailable = this.hadState_ && this.available_;
    this.hadState_ = true;
    this.me_ = state.me;
    this.available_ = state.available;
    this.chats_.setMe(state.me, state.max_chats, state.block_hours || 24);
    this.showMe_();
    this.showAvailability_();
    this.setConnection_('');
    setLive(
      this.alertLine_,
      wasAvailable && !state.available
        ? 'Your connection dropped, so you were set to Away. Choose Available to take new chats.'
        : '',
    );

    this.showSections_(state.me.role);
    const mayOverview = SECTION_ROLES['panel-overview'].indexOf(state.me.role) >= 0;
    if (mayOverview) {
      this.overview_.update(state.overview, state.queue_total);
      this.blocks_.update(state.blocks || []);
    }

    this.onStaff_(state.staff);
    // The chats this member holds follow as `chat` frames; those not re-sent are gone.
    this.chats_.sync([]);
    // A reconnect starts at the first page; go back to the one this console was looking at.
    const page = this.queueOffset_;
    this.onQueue_(state.queue, state.queue_total, state.queue_offset);
    if (page > 0) this.send_({ type: 'queue_page', offset: page });
    this.updateSeats_();
  }

  /** Shows the section buttons this role may use; leaves a section it may no longer see. */
  private showSections_(role: Role): void {
    for (const button of this.views_) {
      const roles = SECTION_ROLES[button.dataset.view || ''];
      if (roles) button.hidden = roles.indexOf(role) < 0;
    }
    this.retention_.setEditable(role === 'admin');
    const roles = SECTION_ROLES[this.view_];
    if (roles && roles.indexOf(role) < 0) this.showView_('panel-chats');
  }

  private onQueue_(entries: QueueEntry[], total?: number, offset = 0): void {
    const waiting = total === undefined ? entries.length : total;
    const fresh = this.queue_.update(entries, waiting, offset);
    this.queueOffset_ = offset;
    this.attention_.setWaiting(waiting);
    if (fresh > 0) {
      this.attention_.alert(this.available_);
      this.announce_(fresh === 1 ? 'Someone new is waiting.' : `${fresh} new people are waiting.`);
    }
  }

  private onStaff_(staff: StaffMember[]): void {
    const myId = this.me_ ? this.me_.id : null;
    const mine = staff.find((member) => member.id === myId);
    if (mine && mine.available !== this.available_) {
      this.available_ = mine.available;
      this.showAvailability_();
    }
    this.team_.update(staff, myId);
    this.chats_.setStaff(staff);
  }

  private onError_(error: ErrorFrame): void {
    if (error.ref && this.chats_.fail(error.ref)) {
      setLive(this.alertLine_, `A reply was not sent. ${errorText(error.code, error.message)}`);
      return;
    }
    // Whatever failed, buttons waiting for an answer may be pressed again.
    this.queue_.acceptSettled();
    this.chats_.actionFailed();
    this.blocks_.liftFailed();
    if (error.code === 'rate_limited' && !error.ref) return; // a dropped typing frame
    setLive(this.alertLine_, errorText(error.code, error.message));
  }

  private updateSeats_(): void {
    this.queue_.setCanAccept(this.chats_.hasRoom);
  }

  private showMe_(): void {
    if (this.me_)
      setText(this.meLine_, `Signed in as ${this.me_.name} (${roleLabel(this.me_.role)})`);
  }

  private showAvailability_(): void {
    this.availableOn_.checked = this.available_;
    this.availableOff_.checked = !this.available_;
  }

  private setConnection_(text: string): void {
    setLive(this.connection_, text);
  }

  private announce_(text: string): void {
    // Clearing first makes a repeated sentence be read again.
    this.live_.textContent = '';
    setTimeout(() => {
      this.live_.textContent = text;
    }, 50);
  }
}
