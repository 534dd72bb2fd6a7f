// A long queue against the real server: with 61 people waiting, a console pages to the
// 61st and accepts them; the total in every queue frame stays true while chats come and
// go; each console keeps the page it asked for, and no frame carries more than 50 entries.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accept, availableCoordinator, isMessage, startVisitor, suiteServer } from './harness.mjs';

const WAITING = 61;

describe('paging through the queue', () => {
  const suite = suiteServer();
  const { clients } = suite;

  /** The next queue frame `staff` gets with this total and offset. */
  const page = (staff, total, offset) =>
    staff.ws.nextType('queue', (f) => f.total === total && f.offset === offset);

  it(`reaches the ${WAITING}st of ${WAITING} waiting and keeps the count true`, async () => {
    const { server } = suite;
    const ana = await availableCoordinator(server, { name: 'Ana' });
    const ben = await availableCoordinator(server, { name: 'Ben' });
    clients.push(ana.ws, ben.ws);

    const visitors = [];
    for (let i = 0; i < WAITING; i++) {
      const v = await startVisitor(server, { name: `visitor-${i + 1}` });
      clients.push(v.ws);
      visitors.push(v);
    }
    const last = visitors[WAITING - 1];
    assert.equal((await last.ws.nextType('queue')).position, WAITING);

    const first = await page(ana, WAITING, 0);
    assert.equal(first.entries.length, 50, 'a frame carries one page');
    // Every queue frame Ana got while more than 50 were waiting carried one page only.
    const long = ana.ws.seen.filter((x) => x.type === 'queue' && x.total > 50);
    assert.ok(long.length >= WAITING - 50, `a frame for each of the joins past 50: ${long.length}`);
    for (const f of long) assert.ok(f.entries.length <= 50, `${f.entries.length} entries for ${f.total} waiting`);
    ana.ws.drain((x) => x.type === 'queue');

    // Ana pages on; the 61st is the last entry of the second page.
    ana.ws.send({ type: 'queue_page', offset: 50 });
    const second = await page(ana, WAITING, 50);
    assert.equal(second.entries.length, 11);
    const id61 = second.entries[10].conversation_id;
    assert.ok(!first.entries.some((e) => e.conversation_id === id61));

    // She accepts the 61st: it is the last visitor who joined.
    const chat = await accept(ana, id61);
    assert.equal(chat.status, 'active');
    await last.ws.next(isMessage((m) => m.event === 'advocate_joined' && m.name === 'Ana'));
    const after61 = await page(ana, WAITING - 1, 50);
    assert.equal(after61.entries.length, 10);
    assert.ok(!after61.entries.some((e) => e.conversation_id === id61));
    // Ben, on the first page, sees the same true total.
    await page(ben, WAITING - 1, 0);

    // Chats come and go; every frame's total is the number waiting.
    let waiting = WAITING - 1;
    for (const v of visitors.slice(0, 5)) {
      v.ws.send({ type: 'end' });
      waiting -= 1;
      await page(ana, waiting, 50);
      await page(ben, waiting, 0);
    }
    for (let i = 0; i < 3; i++) {
      const v = await startVisitor(server, { name: `late-${i + 1}` });
      clients.push(v.ws);
      waiting += 1;
      const f = await page(ana, waiting, 50);
      assert.equal(f.entries.length, waiting - 50);
      await page(ben, waiting, 0);
    }
    // Past the end: the server shows the last page and says where it starts.
    ana.ws.send({ type: 'queue_page', offset: 5000 });
    const end = await page(ana, waiting, 50);
    assert.equal(end.entries.length, waiting - 50);

    // Bad offsets get a clear error.
    ana.ws.send({ type: 'queue_page', offset: -1 });
    assert.match((await ana.ws.nextError('bad_request')).message, /offset/);
    ana.ws.send({ type: 'queue_page', offset: 'ten' });
    assert.match((await ana.ws.nextError('bad_request')).message, /offset/);
  });
});
