// A visitor whose connection drops comes back with the resume token and the
// last seq it saw, and gets exactly what it missed; resending a message whose
// ack it never saw does not duplicate it.

import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import {
  closeAll, connectVisitor, isMessage, isStaffMessage, openChat, resumeVisitor, staffSay,
  startServer, visitorSay,
} from './harness.mjs';

describe('resume', () => {
  let server;
  const clients = [];

  before(async () => {
    server = await startServer();
  });

  after(async () => {
    await closeAll(clients);
    await server?.cleanup();
  });

  // A test that crashes the server fails itself, and the next one gets a fresh process.
  beforeEach(async () => {
    await server?.ensureRunning();
  });
  afterEach(() => {
    server?.assertAlive();
  });

  it('replays exactly the missed messages, and resends are idempotent', async () => {
    const { staff, visitor, convId, joined } = await openChat(server);
    clients.push(staff.ws, visitor.ws);
    let lastSeen = joined.seq;

    const a = await visitorSay(visitor, 'before the drop');
    lastSeen = a.seq;
    const b = await staffSay(staff, convId, 'advocate before the drop');
    lastSeen = (await visitor.ws.next(isMessage((m) => m.seq === b.seq))).message.seq;

    // A message whose ack the visitor will "not see": stored (we wait for the ack
    // to know that), then the connection drops.
    const unacked = await visitorSay(visitor, 'sent just before the drop', 'v-unacked');
    await staff.ws.next(isStaffMessage(convId, (m) => m.seq === unacked.seq));
    await visitor.ws.drop();
    const gone = await staff.ws.nextType('visitor', (f) => f.conversation_id === convId);
    assert.equal(gone.connected, false, 'the console hears that the visitor dropped');

    // The advocate keeps writing while the visitor is away.
    const missed = [];
    for (let i = 1; i <= 3; i += 1) {
      const s = await staffSay(staff, convId, `while you were away ${i}`);
      missed.push({ seq: s.seq, text: `while you were away ${i}` });
    }
    assert.deepEqual(missed.map((m) => m.seq), [unacked.seq + 1, unacked.seq + 2, unacked.seq + 3]);

    // Resume with the last seq the visitor displayed (before the un-acked message).
    const { ws, resumed } = await resumeVisitor(server, visitor.token, lastSeen, 'visitor-resumed');
    clients.push(ws);
    assert.equal(resumed.conversation.status, 'active');
    assert.equal(resumed.conversation.last_seq, missed[2].seq);
    assert.equal(typeof resumed.conversation.advocate, 'string');
    const back = await staff.ws.nextType('visitor', (f) => f.conversation_id === convId);
    assert.equal(back.connected, true, 'the console hears that the visitor came back');

    // Exactly the messages after lastSeen, in order: the un-acked one and the three missed.
    const expected = [{ seq: unacked.seq, text: 'sent just before the drop' }, ...missed];
    const replay = [];
    for (const e of expected) {
      const f = await ws.next(isMessage(() => true));
      replay.push({ seq: f.message.seq, text: f.message.text });
    }
    assert.deepEqual(replay, expected);

    // Resend the message that was never acked: same seq, no new message.
    ws.send({ type: 'send', client_id: 'v-unacked', text: 'sent just before the drop' });
    const reAck = await ws.nextType('ack', (f) => f.client_id === 'v-unacked');
    assert.equal(reAck.seq, unacked.seq, 'the original seq');

    // A new message is a barrier: everything sent before it has arrived by its ack.
    const c = await visitorSay({ ws }, 'after resume');
    assert.equal(c.seq, missed[2].seq + 1, 'the resend did not take a seq');
    // (A repeated delivery of the original, same seq, would be harmless; a new seq never.)
    const extra = ws.drain((f) => f.type === 'message' && f.message.seq !== unacked.seq);
    assert.deepEqual(extra, [], 'no duplicate or extra message after the replay');
    assert.deepEqual(ws.seen.filter((f) => f.type === 'error'), []);

    // The advocate saw the visitor's text once, and the new message.
    await staff.ws.next(isStaffMessage(convId, (m) => m.seq === c.seq && m.text === 'after resume'));
    const dupes = staff.ws.drain((f) => f.type === 'message' && f.conversation_id === convId &&
      f.message.text === 'sent just before the drop');
    assert.deepEqual(dupes, [], 'the advocate got no second copy');

    // The conversation replays fully from zero, gap-free.
    const { ws: again } = await resumeVisitor(server, visitor.token, 0, 'visitor-from-zero');
    clients.push(again);
    const all = [];
    for (let s = 1; s <= c.seq; s += 1) all.push((await again.next(isMessage(() => true))).message);
    assert.deepEqual(all.map((m) => m.seq), Array.from({ length: c.seq }, (_, i) => i + 1));
    assert.equal(all.filter((m) => m.text === 'sent just before the drop').length, 1);
  });

  it('never duplicates a message whose sender dropped before the ack', async () => {
    const { staff, visitor, convId, joined } = await openChat(server);
    clients.push(staff.ws, visitor.ws);

    // Send and drop at once: the server may or may not have stored it.
    visitor.ws.send({ type: 'send', client_id: 'v-race', text: 'racing the drop' });
    await visitor.ws.drop();

    const { ws } = await resumeVisitor(server, visitor.token, joined.seq, 'visitor-race');
    clients.push(ws);
    ws.send({ type: 'send', client_id: 'v-race', text: 'racing the drop' });
    const ack = await ws.nextType('ack', (f) => f.client_id === 'v-race');
    const barrier = await visitorSay({ ws }, 'barrier');
    assert.equal(barrier.seq, ack.seq + 1);

    const copies = ws.drain((f) => f.type === 'message' && f.message.text === 'racing the drop');
    assert.ok(copies.length >= 1, 'the message reached the visitor (replayed or echoed)');
    for (const f of copies) assert.equal(f.message.seq, ack.seq, 'one seq for the message');

    const s = await staffSay(staff, convId, 'got it');
    assert.equal(s.seq, barrier.seq + 1);
  });

  it('refuses an unknown token and a second conversation on one connection', async () => {
    const ws = await connectVisitor(server, 'visitor-bad-token');
    clients.push(ws);
    ws.send({ type: 'resume', token: 'f'.repeat(64), last_seq: 0 });
    const err = await ws.nextError();
    assert.equal(err.code, 'not_found');
    // Whether this counts as "asking for a conversation it may not see" (which closes the
    // connection) is not settled by PROTOCOL.md, so the rest uses a new connection.

    const ws2 = await connectVisitor(server, 'visitor-two-starts');
    clients.push(ws2);
    ws2.send({ type: 'start' });
    await ws2.nextType('started');
    ws2.send({ type: 'start' });
    assert.equal((await ws2.nextError()).code, 'conflict');
    ws2.send({ type: 'resume', token: 'f'.repeat(64), last_seq: 0 });
    assert.equal((await ws2.nextError()).code, 'conflict');
  });

  it('a resume token is good for a waiting chat too', async () => {
    const ws = await connectVisitor(server, 'visitor-waiting');
    clients.push(ws);
    ws.send({ type: 'start' });
    const started = await ws.nextType('started');
    await ws.nextType('queue');
    await ws.drop();
    const { ws: back, resumed } = await resumeVisitor(server, started.token, 0, 'visitor-waiting-back');
    clients.push(back);
    assert.equal(resumed.conversation.status, 'waiting');
    assert.equal(resumed.conversation.advocate, null);
    const q = await back.nextType('queue');
    assert.ok(q.position >= 1);
  });
});
