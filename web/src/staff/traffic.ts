// Admins: visitors and page views per day, as a plain table.

import { byId, h, replaceChildren, setText } from '../lib/dom';
import { DataPanel } from './data-panel';
import { readTraffic, type TrafficDay } from './privacy-api';

const DAY_MS = 24 * 60 * 60 * 1000;

export class TrafficPanel extends DataPanel<TrafficDay[]> {
  private readonly range_ = byId<HTMLSelectElement>('traffic-days');
  private readonly caption_ = byId('traffic-caption');
  private readonly head_ = byId('traffic-head');
  private readonly rows_ = byId('traffic-rows');
  private readonly totals_ = byId('traffic-totals');
  private readonly table_ = byId('traffic-table');
  private readonly empty_ = byId('traffic-empty');

  constructor(sessionEnded: () => void) {
    super('traffic', sessionEnded);
    this.range_.addEventListener('change', () => void this.load());
  }

  protected override fetch(): Promise<TrafficDay[]> {
    return readTraffic(this.days_());
  }

  protected override render(counted: TrafficDay[]): void {
    const days = everyDay(counted, this.days_());
    const pages = pagesOf(counted);
    const anything = counted.length > 0;
    this.empty_.hidden = anything;
    this.table_.hidden = !anything;
    setText(
      this.caption_,
      `Visitors and page views per day, last ${days.length} days, newest first`,
    );
    replaceChildren(
      this.head_,
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, 'Day (UTC)'),
        h('th', { scope: 'col', class: 'number' }, 'Visitors'),
        ...pages.map((page) =>
          h(
            'th',
            { scope: 'col', class: 'number' },
            h('span', { class: 'visually-hidden' }, 'Views of '),
            page,
          ),
        ),
      ),
    );
    replaceChildren(
      this.rows_,
      ...days.map((day) =>
        h(
          'tr',
          null,
          h('th', { scope: 'row' }, h('time', { datetime: day.day }, day.day)),
          numberCell(day.visitors),
          ...pages.map((page) => numberCell(day.pages[page] || 0)),
        ),
      ),
    );
    const sum = (count: (day: TrafficDay) => number) =>
      days.reduce((total, day) => total + count(day), 0);
    replaceChildren(
      this.totals_,
      h(
        'tr',
        null,
        h('th', { scope: 'row' }, 'Total'),
        numberCell(sum((day) => day.visitors)),
        ...pages.map((page) => numberCell(sum((day) => day.pages[page] || 0))),
      ),
    );
  }

  protected override reset(): void {
    replaceChildren(this.head_);
    replaceChildren(this.rows_);
    replaceChildren(this.totals_);
    this.table_.hidden = true;
    this.empty_.hidden = true;
  }

  private days_(): number {
    return Number(this.range_.value) || 30;
  }
}

function numberCell(n: number): HTMLTableCellElement {
  return h('td', { class: 'number' }, n.toLocaleString());
}

/** Page paths in a stable order: the home page first, then alphabetical. */
function pagesOf(days: TrafficDay[]): string[] {
  const seen: Record<string, true> = {};
  for (const day of days) for (const page of Object.keys(day.pages)) seen[page] = true;
  return Object.keys(seen).sort((a, b) => (a === '/' ? -1 : b === '/' ? 1 : a < b ? -1 : 1));
}

/** The server leaves out days nobody visited; the table shows them as zeros. */
function everyDay(counted: TrafficDay[], count: number): TrafficDay[] {
  const byDay: Record<string, TrafficDay> = {};
  for (const day of counted) byDay[day.day] = day;
  // The server counts UTC days; start from its newest day if the browser's clock is behind.
  let newest = Date.now();
  if (counted.length > 0) newest = Math.max(newest, Date.parse(`${counted[0].day}T00:00:00Z`));
  const out: TrafficDay[] = [];
  for (let i = 0; i < count; i++) {
    const day = new Date(newest - i * DAY_MS).toISOString().slice(0, 10);
    out.push(byDay[day] || { day, visitors: 0, pages: {} });
  }
  return out;
}
