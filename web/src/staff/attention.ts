// Getting a coordinator's attention when someone starts waiting: a short beep made with
// WebAudio (no sound file to fetch) and a flashing tab title until the window is focused.

type AudioContextClass = typeof AudioContext;

export class Attention {
  private readonly baseTitle_ = document.title;
  private waiting_ = 0;
  private flashTimer_: ReturnType<typeof setInterval> | undefined;
  private flashOn_ = false;
  private audio_: AudioContext | null = null;
  sound = true;

  constructor() {
    window.addEventListener('focus', () => this.stopFlashing_());
    // Browsers only let a page make sound after the person has interacted with it.
    const unlock = () => this.unlockAudio_();
    document.addEventListener('pointerdown', unlock);
    document.addEventListener('keydown', unlock);
  }

  /** How many visitors wait; shown in the title as "(2) Waiting — …". */
  setWaiting(count: number): void {
    this.waiting_ = count;
    if (count === 0) this.stopFlashing_();
    this.showTitle_(true);
  }

  /** Someone new is waiting. */
  alert(beep: boolean): void {
    if (beep && this.sound) this.beep_();
    if (!document.hasFocus() && this.flashTimer_ === undefined) {
      this.flashTimer_ = setInterval(() => {
        this.flashOn_ = !this.flashOn_;
        this.showTitle_(this.flashOn_);
      }, 1000);
    }
  }

  reset(): void {
    this.waiting_ = 0;
    this.stopFlashing_();
    document.title = this.baseTitle_;
  }

  private stopFlashing_(): void {
    clearInterval(this.flashTimer_);
    this.flashTimer_ = undefined;
    this.showTitle_(true);
  }

  private showTitle_(withCount: boolean): void {
    document.title =
      withCount && this.waiting_ > 0
        ? `(${this.waiting_}) Waiting — ${this.baseTitle_}`
        : this.baseTitle_;
  }

  private unlockAudio_(): void {
    if (!this.audio_) {
      const Ctor: AudioContextClass | undefined =
        window.AudioContext ||
        (window as unknown as { webkitAudioContext?: AudioContextClass }).webkitAudioContext;
      if (!Ctor) return;
      this.audio_ = new Ctor();
    }
    if (this.audio_.state === 'suspended') void this.audio_.resume();
  }

  /** Two short soft tones, clearly a notification rather than an alarm. */
  private beep_(): void {
    const ctx = this.audio_;
    if (!ctx || ctx.state !== 'running') return;
    const start = ctx.currentTime;
    [660, 880].forEach((frequency, i) => {
      const at = start + i * 0.18;
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.25, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.15);
      osc.connect(gain);
      gain.connect(ctx.destination);
      osc.start(at);
      osc.stop(at + 0.16);
    });
  }
}
