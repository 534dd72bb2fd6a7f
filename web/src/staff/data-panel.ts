// What the panels that load their data over HTTP have in common: they load when opened
// and on Refresh, show when they last loaded, and report errors (role=alert) and results
// (role=status) on lines of their own. A 401 means the session is gone.
//
// A panel with prefix "audit" expects in the page: #panel-audit (the section), #audit-title
// (its heading, tabindex=-1 so focus can return to it), #audit-refresh, #audit-updated,
// #audit-error and #audit-status.

import { byId, setLive, setText } from '../lib/dom';
import { clockTime } from '../lib/time';
import { ApiError } from './api';

export abstract class DataPanel<T> {
  private readonly section_: HTMLElement;
  private readonly title_: HTMLElement;
  private readonly refresh_: HTMLButtonElement;
  private readonly updated_: HTMLElement;
  private readonly error_: HTMLElement;
  private readonly status_: HTMLElement;
  /** Counts loads, so the answer to an older one never overwrites a newer one. */
  private loads_ = 0;

  protected constructor(
    prefix: string,
    private readonly sessionEnded_: () => void,
  ) {
    this.section_ = byId(`panel-${prefix}`);
    this.title_ = byId(`${prefix}-title`);
    this.refresh_ = byId<HTMLButtonElement>(`${prefix}-refresh`);
    this.updated_ = byId(`${prefix}-updated`);
    this.error_ = byId(`${prefix}-error`);
    this.status_ = byId(`${prefix}-status`);
    this.refresh_.addEventListener('click', () => {
      this.done('');
      void this.load();
    });
  }

  /** Fetches and shows the panel's data; false if that failed or a newer load overtook it. */
  async load(): Promise<boolean> {
    const load = ++this.loads_;
    this.refresh_.disabled = true;
    this.section_.setAttribute('aria-busy', 'true');
    try {
      const data = await this.fetch();
      if (load !== this.loads_) return false;
      this.fail(null);
      this.render(data);
      setText(this.updated_, `Updated at ${clockTime(new Date().toISOString())}`);
      return true;
    } catch (error) {
      if (load === this.loads_) this.fail(error);
      return false;
    } finally {
      if (load === this.loads_) {
        this.refresh_.disabled = false;
        this.section_.removeAttribute('aria-busy');
      }
    }
  }

  /** Forgets what was shown (on sign-out), so the next person never sees it. */
  clear(): void {
    this.loads_++;
    this.refresh_.disabled = false;
    this.section_.removeAttribute('aria-busy');
    setText(this.updated_, '');
    this.done('');
    this.fail(null);
    this.reset();
  }

  protected abstract fetch(): Promise<T>;
  protected abstract render(data: T): void;
  protected abstract reset(): void;

  /** Says that something worked (role=status); empty text clears the line. */
  protected done(text: string): void {
    setLive(this.status_, text);
  }

  /** Shows an error (role=alert); null clears it. Returns to sign-in on a lost session. */
  protected fail(error: unknown): void {
    if (error instanceof ApiError && error.status === 401) {
      this.sessionEnded_();
      return;
    }
    if (error) this.done('');
    setLive(this.error_, error === null ? '' : sentence(error));
  }

  /** Puts the keyboard focus on the panel heading, e.g. after the focused row went away. */
  protected focusTitle(): void {
    this.title_.focus();
  }
}

/** The server's messages are lower-case fragments ("the effective time is in the past"). */
function sentence(error: unknown): string {
  const text = error instanceof Error && error.message ? error.message : 'Something went wrong.';
  const capital = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
