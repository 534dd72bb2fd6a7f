// Turns keystrokes into few typing frames: "active" once when typing starts, "inactive"
// after a quiet spell or when the message is sent.

const IDLE_MS = 3000;

export class TypingSignal {
  private active_ = false;
  private timer_: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly send_: (active: boolean) => void) {}

  /** Call on every input event. */
  input(): void {
    if (!this.active_) {
      this.active_ = true;
      this.send_(true);
    }
    clearTimeout(this.timer_);
    this.timer_ = setTimeout(() => this.stop(), IDLE_MS);
  }

  /** Call when the message is sent or the box is cleared. */
  stop(): void {
    clearTimeout(this.timer_);
    if (!this.active_) return;
    this.active_ = false;
    this.send_(false);
  }

  /** Forgets the state without sending (the connection is gone). */
  reset(): void {
    clearTimeout(this.timer_);
    this.active_ = false;
  }
}
