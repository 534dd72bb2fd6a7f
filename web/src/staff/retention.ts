// Supervisors and admins: how long closed conversations stay stored. Admins change it.

import { byId, setText } from '../lib/dom';
import { DataPanel } from './data-panel';
import { getRetention, setRetention } from './privacy-api';

export const MAX_RETENTION_HOURS = 87600;

/** "1 hour", "36 hours", "72 hours (3 days)". */
export function retentionPeriod(hours: number): string {
  const text = `${hours} ${hours === 1 ? 'hour' : 'hours'}`;
  return hours >= 48 && hours % 24 === 0 ? `${text} (${hours / 24} days)` : text;
}

/** What a retention period means for the people who chat. */
export function retentionMeaning(hours: number): string {
  return hours === 0
    ? 'A conversation is erased within a minute of the chat ending: ' +
        'nobody can read it after it is closed.'
    : `A conversation is erased ${retentionPeriod(hours)} after the chat ends.`;
}

export class RetentionPanel extends DataPanel<number> {
  private readonly value_ = byId('retention-value');
  private readonly meaning_ = byId('retention-meaning');
  private readonly readOnly_ = byId('retention-readonly');
  private readonly form_ = byId<HTMLFormElement>('retention-form');
  private readonly input_ = byId<HTMLInputElement>('retention-hours');
  private readonly preview_ = byId('retention-preview');
  private readonly save_ = byId<HTMLButtonElement>('retention-save');
  private hours_: number | null = null;

  constructor(sessionEnded: () => void) {
    super('retention', sessionEnded);
    this.form_.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submit_();
    });
    this.input_.addEventListener('input', () => this.showPreview_());
  }

  /** Only admins may change the period; others see it read-only. */
  setEditable(editable: boolean): void {
    this.form_.hidden = !editable;
    this.readOnly_.hidden = editable;
  }

  protected override fetch(): Promise<number> {
    return getRetention();
  }

  protected override render(hours: number): void {
    // Keep what an admin is typing; follow the server otherwise.
    const typed = this.input_.value;
    if (typed === '' || typed === String(this.hours_)) this.input_.value = String(hours);
    this.hours_ = hours;
    setText(this.value_, retentionPeriod(hours));
    setText(this.meaning_, retentionMeaning(hours));
    this.showPreview_();
  }

  protected override reset(): void {
    this.hours_ = null;
    this.input_.value = '';
    setText(this.value_, '—');
    setText(this.meaning_, '');
    this.showPreview_();
  }

  /** The typed value in hours, or null if it is not a whole number in range. */
  private typedHours_(): number | null {
    const text = this.input_.value.trim();
    if (!/^\d+$/.test(text)) return null;
    const hours = Number(text);
    return hours <= MAX_RETENTION_HOURS ? hours : null;
  }

  private showPreview_(): void {
    const hours = this.typedHours_();
    const changed = hours !== null && this.hours_ !== null && hours !== this.hours_;
    setText(
      this.preview_,
      changed && hours !== null
        ? `With ${retentionPeriod(hours)}: ${lower(retentionMeaning(hours))}`
        : '',
    );
  }

  private async submit_(): Promise<void> {
    const hours = this.typedHours_();
    this.input_.removeAttribute('aria-invalid');
    if (hours === null) {
      this.input_.setAttribute('aria-invalid', 'true');
      this.fail(new Error(`Enter a whole number of hours from 0 to ${MAX_RETENTION_HOURS}.`));
      this.input_.focus();
      return;
    }
    if (hours === this.hours_) {
      this.fail(null);
      this.done(`Nothing to save: the period already is ${retentionPeriod(hours)}.`);
      return;
    }
    if (
      this.hours_ !== null &&
      hours < this.hours_ &&
      !window.confirm(
        `Shorten the period to ${retentionPeriod(hours)}?\n\n` +
          'It applies to the conversations already stored too: every closed conversation ' +
          `that ended more than ${retentionPeriod(hours)} ago is erased within a minute. ` +
          'That cannot be undone.',
      )
    )
      return;
    this.save_.disabled = true;
    try {
      this.render(await setRetention(hours));
      this.fail(null);
      this.done(`Saved. ${retentionMeaning(hours)}`);
    } catch (error) {
      this.fail(error);
    } finally {
      this.save_.disabled = false;
    }
  }
}

function lower(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
