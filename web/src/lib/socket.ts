// A WebSocket to this site that reconnects by itself after a drop, waiting 1 s, 2 s,
// 4 s … up to 15 s between tries. Phones lose their network often; the chat must carry on.

const MAX_DELAY_MS = 15000;
// A handshake that hangs on a dead network would otherwise block retries for minutes.
const CONNECT_TIMEOUT_MS = 20000;

export interface SocketEvents<In> {
  /** The socket is open: say hello (start, resume, hello). */
  open(): void;
  /** A frame arrived that parsed as a JSON object with a string `type`. */
  frame(frame: In): void;
  /** The connection dropped; a retry is scheduled. */
  down(): void;
}

export class ReconnectingSocket<In extends { type: string }, Out extends { type: string }> {
  private ws_: WebSocket | null = null;
  private attempt_ = 0;
  private retryTimer_: ReturnType<typeof setTimeout> | undefined;
  private connectTimer_: ReturnType<typeof setTimeout> | undefined;
  private running_ = false;
  private preparing_ = false;

  /**
   * @param path endpoint on this host, e.g. "/ws/visitor"
   * @param prepare runs before each connection attempt; false means stop trying
   *   (the staff console checks its session here). A throw counts as a failed attempt.
   */
  constructor(
    private readonly path_: string,
    private readonly events_: SocketEvents<In>,
    private readonly prepare_?: () => Promise<boolean>,
  ) {
    // Reconnect at once when the phone gets its network back or the tab is shown again,
    // instead of waiting out the backoff.
    window.addEventListener('online', () => this.retryNow_());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.retryNow_();
    });
  }

  start(): void {
    if (this.running_) return;
    this.running_ = true;
    this.attempt_ = 0;
    void this.connect_();
  }

  /** Closes for good (until the next start); no retry. */
  stop(): void {
    this.running_ = false;
    clearTimeout(this.retryTimer_);
    clearTimeout(this.connectTimer_);
    const ws = this.ws_;
    this.ws_ = null;
    if (ws) ws.close(1000);
  }

  get isOpen(): boolean {
    return this.ws_ !== null && this.ws_.readyState === WebSocket.OPEN;
  }

  /** Sends a frame if the socket is open; returns whether it went out. */
  send(frame: Out): boolean {
    if (!this.ws_ || this.ws_.readyState !== WebSocket.OPEN) return false;
    this.ws_.send(JSON.stringify(frame));
    return true;
  }

  /** The server accepted us (started, resumed, state): the next drop starts over at 1 s. */
  markHealthy(): void {
    this.attempt_ = 0;
  }

  private retryNow_(): void {
    if (!this.running_ || this.ws_ || this.preparing_) return;
    void this.connect_();
  }

  private async connect_(): Promise<void> {
    clearTimeout(this.retryTimer_);
    if (this.preparing_ || this.ws_) return;
    if (this.prepare_) {
      this.preparing_ = true;
      let go: boolean;
      try {
        go = await this.prepare_();
      } catch {
        this.preparing_ = false;
        this.scheduleRetry_();
        return;
      }
      this.preparing_ = false;
      if (!go) {
        this.running_ = false;
        return;
      }
    }
    if (!this.running_ || this.ws_) return;

    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${scheme}//${location.host}${this.path_}`);
    this.ws_ = ws;
    this.connectTimer_ = setTimeout(() => ws.close(), CONNECT_TIMEOUT_MS);

    ws.onopen = () => {
      clearTimeout(this.connectTimer_);
      if (this.ws_ === ws) this.events_.open();
    };
    ws.onmessage = (event: MessageEvent) => {
      if (this.ws_ !== ws || typeof event.data !== 'string') return;
      let frame: unknown;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      if (frame && typeof frame === 'object' && typeof (frame as In).type === 'string') {
        this.events_.frame(frame as In);
      }
    };
    ws.onclose = () => {
      clearTimeout(this.connectTimer_);
      if (this.ws_ !== ws) return; // stopped on purpose, or an old socket
      this.ws_ = null;
      if (!this.running_) return;
      this.events_.down();
      this.scheduleRetry_();
    };
  }

  private scheduleRetry_(): void {
    if (!this.running_) return;
    const base = Math.min(MAX_DELAY_MS, 1000 * 2 ** this.attempt_);
    this.attempt_++;
    // A little jitter so a restarted server is not hit by every client in the same second.
    const delay = base * (0.9 + Math.random() * 0.2);
    this.retryTimer_ = setTimeout(() => void this.connect_(), delay);
  }
}
