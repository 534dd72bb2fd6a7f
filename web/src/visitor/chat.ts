// The visitor's side of the chat protocol: start or resume, keep messages flowing across
// dropped connections, and forget everything when the chat ends.

import type {
  Conversation,
  ErrorFrame,
  Intake,
  Message,
  VisitorFrame,
  VisitorRequest,
} from '../lib/protocol';
import { randomId } from '../lib/random';
import { ReconnectingSocket } from '../lib/socket';
import { Transcript } from '../lib/transcript';
import { TypingSignal } from '../lib/typing';
import { visitorLook } from './messages';
import { forgetChat, loadToken, saveChat } from './storage';
import { lang, t } from './strings';
import { ChatView, MAX_LENGTH } from './view';

type Phase = 'idle' | 'connecting' | 'waiting' | 'active' | 'closed';

const RATE_LIMIT_RETRY_MS = 2000;

export class VisitorChat {
  private readonly socket_ = new ReconnectingSocket<VisitorFrame, VisitorRequest>('/ws/visitor', {
    open: () => this.hello_(),
    frame: (frame) => this.onFrame_(frame),
    down: () => this.onDown_(),
  });
  private readonly transcript_: Transcript;
  private readonly typing_ = new TypingSignal((active) => {
    if (this.ready_) this.socket_.send({ type: 'typing', active });
  });

  private phase_: Phase = 'idle';
  private token_: string | null = null;
  /** Intake answers, held only until the server has them. */
  private intake_: Intake | null = null;
  /** This connection has our conversation (started or resumed), so we may send. */
  private ready_ = false;
  private advocate_: string | null = null;
  /** Our messages not yet acknowledged, by client_id, in the order they were written. */
  private readonly pending_ = new Map<string, string>();
  private endRequested_ = false;

  constructor(private readonly view_: ChatView) {
    this.transcript_ = new Transcript(this.view_.log, visitorLook);
  }

  /** On page load: rejoin the chat this tab already had, or offer a new one. */
  boot(): void {
    this.token_ = loadToken();
    if (!this.token_) {
      this.view_.showStart();
      return;
    }
    this.view_.showRoom();
    this.connect_();
  }

  /** "Start chat": a new conversation with whatever intake was given (maybe none). */
  begin(intake: Intake): void {
    this.reset_();
    this.intake_ = intake;
    this.view_.showRoom();
    this.view_.message.focus();
    this.connect_();
  }

  send(raw: string): boolean {
    const text = raw.trim();
    if (!text || this.phase_ === 'closed' || this.phase_ === 'idle') return false;
    if (text.length > MAX_LENGTH) {
      this.view_.setAlert(t('errorTooLong'));
      return false;
    }
    const clientId = randomId('v');
    const draft: Message = { seq: 0, from: 'visitor', text, at: new Date().toISOString() };
    this.pending_.set(clientId, text);
    this.transcript_.addPending(clientId, draft);
    this.typing_.stop();
    if (this.ready_) this.socket_.send({ type: 'send', client_id: clientId, text });
    return true;
  }

  /** Called on every keystroke in the message box. */
  typed(): void {
    if (this.ready_) this.typing_.input();
  }

  end(): void {
    if (this.phase_ === 'closed' || this.phase_ === 'idle') return;
    this.endRequested_ = true;
    this.view_.setStatus(t('ending'));
    if (this.ready_) {
      this.socket_.send({ type: 'end' });
    } else if (!this.token_ && !this.socket_.isOpen) {
      // No conversation exists yet and none is on its way.
      this.socket_.stop();
      this.reset_();
      this.view_.showStart();
    }
    // Otherwise `end` goes out as soon as the conversation is (re)joined.
  }

  /** Quick exit: end the chat so nobody waits for a visitor who is gone, then hang up. */
  quickExit(): void {
    if (this.ready_) this.socket_.send({ type: 'end' });
    this.socket_.stop();
    forgetChat();
  }

  /** Back to a clean start screen, keeping nothing from the last chat. */
  restart(): void {
    this.reset_();
    this.view_.showStart();
  }

  private reset_(): void {
    this.socket_.stop();
    this.transcript_.clear();
    this.pending_.clear();
    this.typing_.reset();
    this.phase_ = 'idle';
    this.token_ = null;
    this.intake_ = null;
    this.ready_ = false;
    this.advocate_ = null;
    this.endRequested_ = false;
    this.view_.setAlert('');
  }

  private connect_(): void {
    this.phase_ = 'connecting';
    this.view_.setStatus(t('connecting'));
    this.socket_.start();
  }

  private hello_(): void {
    if (this.token_) {
      this.socket_.send({ type: 'resume', token: this.token_, last_seq: this.transcript_.lastSeq });
      return;
    }
    const intake = this.intake_ && Object.keys(this.intake_).length ? this.intake_ : undefined;
    this.socket_.send({ type: 'start', intake, lang });
  }

  private onFrame_(frame: VisitorFrame): void {
    switch (frame.type) {
      case 'started':
        this.token_ = frame.token;
        this.intake_ = null;
        if (!saveChat(frame.token, 0)) this.view_.setAlert(t('errorStorage'));
        this.joined_(frame.conversation);
        break;
      case 'resumed':
        this.joined_(frame.conversation);
        break;
      case 'queue':
        if (this.phase_ === 'waiting')
          this.view_.setStatus(queueText(frame.position, frame.estimated_wait_s));
        break;
      case 'message':
        this.onMessage_(frame.message);
        break;
      case 'ack':
        this.pending_.delete(frame.client_id);
        this.transcript_.ack(frame.client_id, frame.seq);
        this.remember_();
        break;
      case 'typing':
        this.view_.setTyping(
          frame.active && this.phase_ === 'active' ? this.advocateName_() : null,
        );
        break;
      case 'ended':
        this.finish_(frame.by);
        break;
      case 'error':
        this.onError_(frame);
        break;
    }
  }

  /** The server has our conversation on this connection. */
  private joined_(conversation: Conversation): void {
    this.socket_.markHealthy();
    this.ready_ = true;
    if (conversation.status === 'closed') {
      this.finish_(null);
      return;
    }
    this.advocate_ = conversation.advocate;
    if (conversation.status === 'active') this.becomeActive_();
    else {
      this.phase_ = 'waiting';
      this.view_.setStatus(t('waiting'));
    }
    if (this.endRequested_) {
      this.socket_.send({ type: 'end' });
      return;
    }
    // Resend what the last connection may have lost; the same client_id never duplicates.
    this.pending_.forEach((text, clientId) => {
      this.socket_.send({ type: 'send', client_id: clientId, text });
    });
  }

  private onMessage_(message: Message): void {
    if (!this.transcript_.add(message)) return;
    this.remember_();
    if (message.event === 'advocate_joined' || message.event === 'transferred') {
      this.advocate_ = message.name || null;
      this.becomeActive_();
    }
  }

  private becomeActive_(): void {
    this.phase_ = 'active';
    if (!this.endRequested_)
      this.view_.setStatus(t('chattingWith', { name: this.advocateName_() }));
  }

  private advocateName_(): string {
    return this.advocate_ || t('advocate');
  }

  private remember_(): void {
    if (this.token_) saveChat(this.token_, this.transcript_.lastSeq);
  }

  private onDown_(): void {
    this.ready_ = false;
    this.typing_.reset();
    this.view_.setTyping(null);
    if (this.phase_ !== 'closed') this.view_.setStatus(t('reconnecting'));
  }

  private onError_(error: ErrorFrame): void {
    if (error.code === 'not_found' && !this.ready_ && this.token_) {
      // The saved chat is gone (ended or expired while we were away).
      forgetChat();
      this.restart();
      this.view_.setAlert(t('expired'));
      return;
    }
    if (error.code === 'unavailable' && !this.token_) {
      // The server will not start a chat now; let the visitor try again later.
      this.socket_.stop();
      this.phase_ = 'idle';
      this.view_.showStart();
      this.view_.setAlert(t('errorUnavailable'));
      return;
    }
    const ref = error.ref;
    if (ref && this.pending_.has(ref)) {
      if (error.code === 'rate_limited') {
        setTimeout(() => this.resend_(ref), RATE_LIMIT_RETRY_MS);
        return;
      }
      this.pending_.delete(ref);
      this.transcript_.fail(ref);
      this.view_.setAlert(
        error.code === 'unavailable' ? t('errorServiceUnavailable') : t('errorNotSent'),
      );
      return;
    }
    // Dropped typing frames do not matter.
    if (error.code === 'rate_limited') return;
    this.view_.setAlert(error.code === 'internal' ? t('errorInternal') : t('errorGeneric'));
  }

  private resend_(clientId: string): void {
    const text = this.pending_.get(clientId);
    if (text !== undefined && this.ready_)
      this.socket_.send({ type: 'send', client_id: clientId, text });
  }

  private finish_(by: 'visitor' | 'advocate' | null): void {
    this.phase_ = 'closed';
    this.ready_ = false;
    this.token_ = null;
    this.socket_.stop();
    this.typing_.reset();
    forgetChat();
    this.pending_.forEach((_text, clientId) => this.transcript_.fail(clientId));
    this.pending_.clear();
    this.view_.showEnded(by);
  }
}

function queueText(position: number, waitSeconds: number): string {
  const minutes = Math.ceil(waitSeconds / 60);
  const wait =
    waitSeconds <= 0
      ? t('queueWaitUnknown')
      : minutes <= 1
        ? t('queueWaitMinute')
        : t('queueWaitMinutes', { n: minutes });
  return `${t('queuePosition', { n: position })} ${wait}`;
}
