// Admins: the privacy policy's versions, and publishing a new one.

import { byId, h, replaceChildren, setText } from '../lib/dom';
import { dateTime, localInputToUtc, toLocalInput } from '../lib/time';
import { DataPanel } from './data-panel';
import { listPolicies, publishPolicy, type PolicyVersion } from './privacy-api';

export class PoliciesPanel extends DataPanel<PolicyVersion[]> {
  private readonly rows_ = byId('policies-rows');
  private readonly form_ = byId<HTMLFormElement>('policy-form');
  private readonly text_ = byId<HTMLTextAreaElement>('policy-text');
  private readonly basis_ = byId('policy-text-basis');
  private readonly effective_ = byId<HTMLInputElement>('policy-effective');
  private readonly publish_ = byId<HTMLButtonElement>('policy-publish');
  private readonly preview_ = byId('policy-preview');
  private readonly previewTitle_ = byId('policy-preview-title');
  private readonly previewText_ = byId('policy-preview-text');
  /** The text was changed by hand; a refresh must not replace it. */
  private edited_ = false;

  constructor(sessionEnded: () => void) {
    super('policies', sessionEnded);
    this.text_.addEventListener('input', () => {
      this.edited_ = true;
    });
    this.form_.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submit_();
    });
  }

  protected override fetch(): Promise<PolicyVersion[]> {
    return listPolicies();
  }

  protected override render(versions: PolicyVersion[]): void {
    replaceChildren(this.rows_, ...versions.map((version) => this.row_(version)));
    this.preview_.hidden = true;
    // The newest version, even one not yet in force: a new version follows it.
    const newest = versions[0];
    if (newest && !this.edited_) {
      this.text_.value = newest.markdown;
      setText(this.basis_, `The text starts as a copy of version ${newest.version}.`);
    }
    this.effective_.min = toLocalInput(new Date());
  }

  protected override reset(): void {
    replaceChildren(this.rows_);
    this.preview_.hidden = true;
    setText(this.previewText_, '');
    this.form_.reset();
    this.edited_ = false;
    setText(this.basis_, '');
  }

  private async submit_(): Promise<void> {
    const markdown = this.text_.value;
    const when = this.effective_.value;
    this.text_.removeAttribute('aria-invalid');
    this.effective_.removeAttribute('aria-invalid');
    if (!markdown.trim()) {
      this.invalid_(this.text_, 'The policy text is empty.');
      return;
    }
    const effectiveAt = when ? localInputToUtc(when) : null;
    if (when && !effectiveAt) {
      this.invalid_(
        this.effective_,
        'Enter the effective date and time in full, or leave it empty.',
      );
      return;
    }
    if (effectiveAt && Date.parse(effectiveAt) < Date.now() - 60 * 1000) {
      this.invalid_(
        this.effective_,
        'The effective time is in the past. Choose a later time, or leave it empty for now.',
      );
      return;
    }
    const from = effectiveAt ? `from ${dateTime(effectiveAt)}` : 'at once';
    if (
      !window.confirm(
        `Publish this text as a new version of the privacy policy, in force ${from}?\n\n` +
          'A published version cannot be changed or withdrawn.',
      )
    )
      return;
    this.publish_.disabled = true;
    try {
      const published = await publishPolicy(markdown, effectiveAt);
      this.edited_ = false;
      this.effective_.value = '';
      this.fail(null);
      this.done(
        `Version ${published.version} is published. It applies from ` +
          `${dateTime(published.effective_at)}.`,
      );
      await this.load();
    } catch (error) {
      this.fail(error);
    } finally {
      this.publish_.disabled = false;
    }
  }

  private row_(version: PolicyVersion): HTMLTableRowElement {
    const show = h(
      'button',
      { type: 'button', class: 'button button-quiet', 'aria-controls': 'policy-preview' },
      'Show text',
      h('span', { class: 'visually-hidden' }, ` of version ${version.version}`),
    );
    show.addEventListener('click', () => this.showText_(version));
    return h(
      'tr',
      { class: version.in_force ? 'current' : null },
      h('th', { scope: 'row' }, `Version ${version.version}`),
      h('td', null, timeCell(version.effective_at)),
      h('td', null, timeCell(version.published_at)),
      h('td', null, stateOf(version)),
      h('td', null, show),
    );
  }

  /** One version's text, below the table where it has the room of the whole panel. */
  private showText_(version: PolicyVersion): void {
    setText(this.previewTitle_, `Text of version ${version.version} (${stateOf(version)})`);
    setText(this.previewText_, version.markdown);
    this.preview_.hidden = false;
    this.previewTitle_.focus();
  }

  private invalid_(field: HTMLElement, text: string): void {
    field.setAttribute('aria-invalid', 'true');
    this.fail(new Error(text));
    field.focus();
  }
}

function timeCell(iso: string): HTMLTimeElement {
  return h('time', { datetime: iso }, dateTime(iso));
}

function stateOf(version: PolicyVersion): string {
  if (version.in_force) return 'In force';
  return Date.parse(version.effective_at) > Date.now() ? 'Scheduled' : 'Replaced';
}
