// A whole chat over the real server: a visitor starts with an empty intake, a
// coordinator sees it queued and accepts it, they talk both ways with acks and
// gap-free sequence numbers, typing is relayed both ways, and the coordinator
// ends it with a disposition.

import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import {
  ISO_UTC, STAFF_PASSWORD, accept, closeAll, connectStaff, isMessage, isStaffMessage, newStaff,
  setAvailable, startServer, startVisitor,
} from './harness.mjs';

describe('full chat', () => {
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

  it('runs from start to end with acks, seqs, typing and a disposition', async () => {
    const ana = await newStaff(server, { name: 'Ana' });
    const staff = await connectStaff(server, ana.session);
    clients.push(staff.ws);

    assert.equal(staff.state.type, 'state');
    assert.equal(staff.state.me.name, 'Ana');
    assert.equal(staff.state.me.role, 'coordinator');
    assert.equal(typeof staff.state.me.id, 'number');
    assert.equal(typeof staff.state.max_chats, 'number');
    assert.ok(staff.state.max_chats >= 1);
    assert.equal(staff.state.available, false, 'a console starts as away');
    assert.match(staff.state.now, ISO_UTC);
    assert.deepEqual(staff.state.queue, []);

    await setAvailable(staff, true);

    // Visitor: start with an empty intake.
    const visitor = await startVisitor(server, { intake: {} });
    clients.push(visitor.ws);
    assert.match(visitor.token, /^[0-9a-f]{64}$/, 'resume token is 64 hex characters');
    assert.deepEqual(visitor.conversation, { status: 'waiting', last_seq: 0, advocate: null });

    const pos = await visitor.ws.nextType('queue');
    assert.equal(pos.position, 1);
    assert.ok(Number.isInteger(pos.estimated_wait_s) && pos.estimated_wait_s >= 0,
      `estimated_wait_s is a non-negative integer: ${JSON.stringify(pos)}`);

    // Coordinator sees it queued.
    const q = await staff.ws.nextType('queue', (f) => f.entries.length === 1);
    const entry = q.entries[0];
    assert.equal(typeof entry.conversation_id, 'string');
    assert.ok(entry.conversation_id.length > 0);
    assert.match(entry.waiting_since, ISO_UTC);
    assert.equal(entry.has_intake, false, 'an empty intake is no intake');
    assert.equal(entry.visitor_connected, true);
    assert.match(q.now, ISO_UTC);
    const convId = entry.conversation_id;

    // Accept: the chat object, and advocate_joined on both sides as seq 1.
    const chat = await accept(staff, convId);
    assert.equal(chat.conversation_id, convId);
    assert.equal(chat.status, 'active');
    assert.equal(chat.visitor_connected, true);
    assert.equal(chat.needs_disposition, false);
    assert.equal(chat.lang, 'en', 'no lang given means English');
    assert.ok(Array.isArray(chat.messages));

    const vJoined = (await visitor.ws.next(isMessage((m) => m.event === 'advocate_joined'))).message;
    assert.equal(vJoined.seq, 1);
    assert.equal(vJoined.from, 'system');
    assert.equal(vJoined.name, 'Ana');
    assert.match(vJoined.at, ISO_UTC);

    let sJoined = chat.messages.find((m) => m.event === 'advocate_joined');
    if (!sJoined) {
      sJoined = (await staff.ws.next(isStaffMessage(convId, (m) => m.event === 'advocate_joined'))).message;
    }
    assert.equal(sJoined.seq, 1);
    assert.equal(sJoined.name, 'Ana');

    let lastSeq = 1;

    // Visitor → advocate.
    visitor.ws.send({ type: 'send', client_id: 'v1', text: '  hello, is anyone there?  ' });
    const vAck = await visitor.ws.nextType('ack', (f) => f.client_id === 'v1');
    assert.equal(vAck.seq, lastSeq + 1, 'seq has no gaps');
    lastSeq = vAck.seq;
    const vOwn = (await visitor.ws.next(isMessage((m) => m.seq === vAck.seq))).message;
    assert.equal(vOwn.from, 'visitor');
    assert.equal(vOwn.text, 'hello, is anyone there?', 'text is trimmed');
    const sGot = (await staff.ws.next(isStaffMessage(convId, (m) => m.seq === vAck.seq))).message;
    assert.equal(sGot.from, 'visitor');
    assert.equal(sGot.text, 'hello, is anyone there?');
    assert.match(sGot.at, ISO_UTC);

    // Advocate → visitor.
    staff.ws.send({ type: 'send', conversation_id: convId, client_id: 's1', text: "Hi, I'm Ana. Are you safe right now?" });
    const sAck = await staff.ws.nextType('ack', (f) => f.client_id === 's1');
    assert.equal(sAck.conversation_id, convId);
    assert.equal(sAck.seq, lastSeq + 1);
    lastSeq = sAck.seq;
    const vGot = (await visitor.ws.next(isMessage((m) => m.seq === sAck.seq))).message;
    assert.equal(vGot.from, 'advocate');
    assert.equal(vGot.name, 'Ana');
    assert.equal(vGot.text, "Hi, I'm Ana. Are you safe right now?");
    // The advocate's own message comes back to the console like any new message.
    const sOwn = (await staff.ws.next(isStaffMessage(convId, (m) => m.seq === sAck.seq))).message;
    assert.equal(sOwn.from, 'advocate');

    // A few more both ways, interleaved; seqs stay contiguous.
    for (let i = 2; i <= 4; i += 1) {
      visitor.ws.send({ type: 'send', client_id: `v${i}`, text: `visitor line ${i}` });
      const a = await visitor.ws.nextType('ack', (f) => f.client_id === `v${i}`);
      assert.equal(a.seq, lastSeq + 1);
      lastSeq = a.seq;
      await staff.ws.next(isStaffMessage(convId, (m) => m.seq === a.seq && m.text === `visitor line ${i}`));
      await visitor.ws.next(isMessage((m) => m.seq === a.seq));

      staff.ws.send({ type: 'send', conversation_id: convId, client_id: `s${i}`, text: `advocate line ${i}` });
      const b = await staff.ws.nextType('ack', (f) => f.client_id === `s${i}`);
      assert.equal(b.seq, lastSeq + 1);
      lastSeq = b.seq;
      await visitor.ws.next(isMessage((m) => m.seq === b.seq && m.text === `advocate line ${i}`));
      await staff.ws.next(isStaffMessage(convId, (m) => m.seq === b.seq));
    }

    // Typing, both ways, on and off.
    visitor.ws.send({ type: 'typing', active: true });
    let t = await staff.ws.nextType('typing', (f) => f.conversation_id === convId);
    assert.equal(t.active, true);
    visitor.ws.send({ type: 'typing', active: false });
    t = await staff.ws.nextType('typing', (f) => f.conversation_id === convId);
    assert.equal(t.active, false);

    staff.ws.send({ type: 'typing', conversation_id: convId, active: true });
    t = await visitor.ws.nextType('typing');
    assert.equal(t.active, true);
    staff.ws.send({ type: 'typing', conversation_id: convId, active: false });
    t = await visitor.ws.nextType('typing');
    assert.equal(t.active, false);

    // The coordinator ends the chat with a disposition.
    staff.ws.send({ type: 'end', conversation_id: convId, disposition: 'safety_planning' });
    const vEnded = await visitor.ws.nextType('ended');
    assert.equal(vEnded.by, 'advocate');
    const vEndMsg = (await visitor.ws.next(isMessage((m) => m.event === 'ended'))).message;
    assert.equal(vEndMsg.seq, lastSeq + 1, 'the ended event takes the next seq');
    assert.equal(vEndMsg.from, 'system');
    assert.equal(vEndMsg.by, 'advocate');

    // The console learns the chat is over (ended or removed), and the error-free run left no error frames.
    const done = await staff.ws.next((f) =>
      (f.type === 'ended' || f.type === 'removed') && f.conversation_id === convId);
    if (done.type === 'ended') assert.equal(done.by, 'advocate');
    else assert.equal(done.reason, 'closed');

    await visitor.ws.barrier();
    await staff.ws.barrier();
    assert.deepEqual(visitor.ws.seen.filter((f) => f.type === 'error'), [], 'visitor saw no error');
    assert.deepEqual(staff.ws.seen.filter((f) => f.type === 'error'), [], 'staff saw no error');

    // Sending into a closed chat is refused, and the connection stays open.
    visitor.ws.send({ type: 'send', client_id: 'v-late', text: 'still there?' });
    const late = await visitor.ws.nextType('error', (f) => f.ref === 'v-late');
    assert.equal(late.code, 'conflict');
    staff.ws.send({ type: 'send', conversation_id: convId, client_id: 's-late', text: 'x' });
    const sLate = await staff.ws.nextType('error', (f) => f.ref === 's-late');
    assert.ok(['conflict', 'forbidden', 'not_found'].includes(sLate.code), JSON.stringify(sLate));

    // The logs hold no message text, token, password or session.
    const log = server.log();
    for (const secret of ['hello, is anyone there?', 'Are you safe right now?', 'visitor line',
      'advocate line', visitor.token, STAFF_PASSWORD, ana.session.cookie.split('=')[1], ana.session.csrf]) {
      assert.ok(!log.includes(secret), `server log must not contain ${JSON.stringify(secret)}`);
    }
  });

  it('accepting a chat that is already taken is a conflict', async () => {
    const a = await newStaff(server);
    const b = await newStaff(server);
    const sa = await connectStaff(server, a.session);
    const sb = await connectStaff(server, b.session);
    clients.push(sa.ws, sb.ws);
    await setAvailable(sa, true);
    await setAvailable(sb, true);
    const visitor = await startVisitor(server);
    clients.push(visitor.ws);
    const entries = (await sa.ws.nextType('queue', (f) => f.entries.length === 1)).entries;
    const convId = entries[0].conversation_id;
    await accept(sa, convId);
    sb.ws.send({ type: 'accept', conversation_id: convId });
    const err = await sb.ws.nextError();
    assert.equal(err.code, 'conflict', JSON.stringify(err));
    assert.ok(sb.ws.isOpen);
  });

  it('a visitor who ends the chat leaves it needing a disposition', async () => {
    const c = await newStaff(server, { name: 'Bea' });
    const staff = await connectStaff(server, c.session);
    clients.push(staff.ws);
    await setAvailable(staff, true);
    const visitor = await startVisitor(server);
    clients.push(visitor.ws);
    const entries = (await staff.ws.nextType('queue', (f) => f.entries.length === 1)).entries;
    const convId = entries[0].conversation_id;
    await accept(staff, convId);
    await visitor.ws.next(isMessage((m) => m.event === 'advocate_joined'));

    visitor.ws.send({ type: 'end' });
    const vEnded = await visitor.ws.nextType('ended');
    assert.equal(vEnded.by, 'visitor');
    const sEnded = await staff.ws.nextType('ended', (f) => f.conversation_id === convId);
    assert.equal(sEnded.by, 'visitor');

    staff.ws.send({ type: 'end', conversation_id: convId, disposition: 'no_response' });
    // Recording the disposition removes the chat from the console.
    const removed = await staff.ws.nextType('removed', (f) => f.conversation_id === convId);
    assert.equal(removed.reason, 'closed');
    await staff.ws.barrier();
    assert.deepEqual(staff.ws.seen.filter((f) => f.type === 'error'), []);
  });

  it('a visitor who leaves the queue disappears from it', async () => {
    const c = await newStaff(server);
    const staff = await connectStaff(server, c.session);
    clients.push(staff.ws);
    const visitor = await startVisitor(server);
    clients.push(visitor.ws);
    await staff.ws.nextType('queue', (f) => f.entries.length === 1);
    visitor.ws.send({ type: 'end' });
    const ended = await visitor.ws.nextType('ended');
    assert.equal(ended.by, 'visitor');
    await staff.ws.nextType('queue', (f) => f.entries.length === 0);
  });
});
