// The queue is first come, first served: positions are reported to waiting
// visitors and move up as chats are accepted.

import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import {
  accept, closeAll, connectStaff, isMessage, newStaff, setAvailable, startServer, startVisitor,
} from './harness.mjs';

describe('queue order', () => {
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

  it('reports positions, serves the oldest first, and moves the next one up', async () => {
    const a = await newStaff(server, { name: 'Ana' });
    const b = await newStaff(server, { name: 'Bea' });
    const sa = await connectStaff(server, a.session);
    clients.push(sa.ws);
    await setAvailable(sa, true);

    const v1 = await startVisitor(server, { name: 'visitor-1' });
    clients.push(v1.ws);
    assert.equal((await v1.ws.nextType('queue')).position, 1);
    const q1 = await sa.ws.nextType('queue', (f) => f.entries.length === 1);
    const id1 = q1.entries[0].conversation_id;

    const v2 = await startVisitor(server, { name: 'visitor-2', intake: { state: 'CT' }, lang: 'es' });
    clients.push(v2.ws);
    assert.equal((await v2.ws.nextType('queue')).position, 2);
    const q2 = await sa.ws.nextType('queue', (f) => f.entries.length === 2);
    assert.equal(q2.entries[0].conversation_id, id1, 'oldest first');
    const id2 = q2.entries[1].conversation_id;
    assert.notEqual(id2, id1);
    assert.equal(q2.entries[0].has_intake, false);
    assert.equal(q2.entries[1].has_intake, true);
    assert.equal(q2.entries[1].lang, 'es');
    assert.ok(q2.entries[0].waiting_since <= q2.entries[1].waiting_since, 'waiting_since ascending');
    // The first visitor's position did not change: every queue frame it got, the one on joining
    // and any update since, says 1.
    await v1.ws.barrier();
    const v1Positions = v1.ws.seen.filter((x) => x.type === 'queue').map((f) => f.position);
    assert.ok(v1Positions.length >= 1, 'the first visitor was told its position');
    assert.deepEqual(v1Positions, v1Positions.map(() => 1));
    v1.ws.drain((x) => x.type === 'queue');

    // A second coordinator signs in and sees the same queue in `state`.
    const sb = await connectStaff(server, b.session);
    clients.push(sb.ws);
    const stateQueue = Array.isArray(sb.state.queue) ? sb.state.queue : sb.state.queue.entries;
    assert.deepEqual(stateQueue.map((e) => e.conversation_id), [id1, id2]);
    await setAvailable(sb, true);

    // Ana accepts the oldest.
    const chat1 = await accept(sa, id1);
    assert.equal(chat1.status, 'active');
    const j1 = await v1.ws.next(isMessage((m) => m.event === 'advocate_joined'));
    assert.equal(j1.message.name, 'Ana');

    // The second visitor moves up to position 1; both consoles see one entry left.
    const p2 = await v2.ws.nextType('queue', (f) => f.position === 1);
    assert.equal(p2.position, 1);
    for (const s of [sa, sb]) {
      const q = await s.ws.nextType('queue', (f) => f.entries.length === 1);
      assert.equal(q.entries[0].conversation_id, id2);
    }

    // Bea accepts the other one.
    const chat2 = await accept(sb, id2);
    assert.equal(chat2.intake.state, 'CT');
    const j2 = await v2.ws.next(isMessage((m) => m.event === 'advocate_joined'));
    assert.equal(j2.message.name, 'Bea');
    assert.equal(j2.message.seq, 1);
    for (const s of [sa, sb]) await s.ws.nextType('queue', (f) => f.entries.length === 0);

    // Nobody got the other's chat.
    await sa.ws.barrier();
    await sb.ws.barrier();
    assert.equal(sa.ws.seen.filter((f) => f.type === 'chat' && f.chat.conversation_id === id2).length, 0);
    assert.equal(sb.ws.seen.filter((f) => f.type === 'chat' && f.chat.conversation_id === id1).length, 0);
  });
});
