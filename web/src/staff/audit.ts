// Supervisors and admins: the audit log, newest first, a page at a time.

import { append, byId, h, replaceChildren } from '../lib/dom';
import { dateTime } from '../lib/time';
import { DataPanel } from './data-panel';
import { blockLabel, chatLabel } from './labels';
import { AUDIT_PAGE_SIZE, readAudit, type AuditEntry } from './privacy-api';

const ACTIONS: Record<string, string> = {
  signed_in: 'Signed in',
  signed_out: 'Signed out',
  account_added: 'Added a staff account',
  account_disabled: 'Disabled a staff account',
  transcript_opened: 'Opened a transcript',
  conversation_purged: 'Erased a conversation',
  retention_purge: 'Erased conversations past the retention period',
  retention_changed: 'Changed the retention period',
  policy_published: 'Published a privacy policy version',
  visitor_blocked: 'Blocked a visitor',
  visitor_block_lifted: 'Lifted a visitor block',
};

export function actionLabel(action: string): string {
  return ACTIONS[action] || action;
}

/** The subject in words: "staff 4" → "Account 4", a conversation id → "Chat #1A2B". */
function subjectText(entry: AuditEntry): string {
  const subject = entry.subject;
  switch (entry.action) {
    case 'transcript_opened':
    case 'conversation_purged':
      return subject ? chatLabel(subject) : '';
    case 'account_added':
    case 'account_disabled':
      return subject.replace(/^staff (\d+)$/, 'Account number $1');
    case 'retention_changed':
      return subject.replace(' -> ', ' → ');
    case 'policy_published':
      return subject.replace(/^version/, 'Version');
    case 'visitor_blocked':
    case 'visitor_block_lifted':
      return subject ? blockLabel(subject) : '';
    default:
      return subject;
  }
}

export class AuditPanel extends DataPanel<AuditEntry[]> {
  private readonly empty_ = byId('audit-empty');
  private readonly table_ = byId('audit-table');
  private readonly rows_ = byId('audit-rows');
  private readonly older_ = byId<HTMLButtonElement>('audit-older');
  private readonly end_ = byId('audit-end');
  private oldestId_: number | null = null;

  constructor(sessionEnded: () => void) {
    super('audit', sessionEnded);
    this.older_.addEventListener('click', () => void this.loadOlder_());
  }

  protected override fetch(): Promise<AuditEntry[]> {
    return readAudit();
  }

  protected override render(entries: AuditEntry[]): void {
    replaceChildren(this.rows_);
    this.empty_.hidden = entries.length > 0;
    this.table_.hidden = entries.length === 0;
    this.add_(entries);
  }

  protected override reset(): void {
    replaceChildren(this.rows_);
    this.oldestId_ = null;
    this.empty_.hidden = true;
    this.table_.hidden = true;
    this.older_.hidden = true;
    this.end_.hidden = true;
  }

  private add_(entries: AuditEntry[]): void {
    append(this.rows_, entries.map(row));
    if (entries.length > 0) this.oldestId_ = entries[entries.length - 1].id;
    const more = entries.length >= AUDIT_PAGE_SIZE;
    this.older_.hidden = !more;
    this.end_.hidden = more || this.rows_.childElementCount === 0;
  }

  private async loadOlder_(): Promise<void> {
    if (this.oldestId_ === null) return;
    this.older_.disabled = true;
    try {
      const entries = await readAudit(this.oldestId_);
      this.fail(null);
      this.add_(entries);
      this.done(
        entries.length === 0
          ? 'There are no older entries.'
          : `Added ${entries.length} older ${entries.length === 1 ? 'entry' : 'entries'}.`,
      );
      // The button goes away after the last page; keep the focus somewhere sensible.
      if (this.older_.hidden) this.end_.focus();
    } catch (error) {
      this.fail(error);
    } finally {
      this.older_.disabled = false;
    }
  }
}

function row(entry: AuditEntry): HTMLTableRowElement {
  return h(
    'tr',
    null,
    h('td', null, h('time', { datetime: entry.at }, dateTime(entry.at, true))),
    h('td', null, entry.staff_id === null ? 'The server (automatic)' : entry.staff_name || '—'),
    h('td', null, actionLabel(entry.action)),
    h('td', null, subjectText(entry)),
  );
}
