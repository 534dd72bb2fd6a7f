// Handing an active chat from one coordinator to another: the new advocate gets
// the whole history, the old one loses the chat, the visitor is told.

import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import {
  closeAll, connectStaff, isMessage, isStaffMessage, newStaff, openChat, setAvailable, staffSay,
  startServer, visitorSay,
} from './harness.mjs';

describe('transfer', () => {
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

  it('moves an active chat from A to B with its history', async () => {
    const a = await newStaff(server, { name: 'Ana' });
    const b = await newStaff(server, { name: 'Bea' });
    const sa = await connectStaff(server, a.session);
    const sb = await connectStaff(server, b.session);
    clients.push(sa.ws, sb.ws);
    await setAvailable(sa, true);
    await setAvailable(sb, true);

    // Bea is only available; Ana takes the chat.
    const { visitor, convId } = await openChat(server, { coordinator: sa, intake: { city: 'Hartford' } });
    clients.push(visitor.ws);
    const m1 = await visitorSay(visitor, 'first from visitor');
    const m2 = await staffSay(sa, convId, 'first from Ana');
    await visitor.ws.next(isMessage((m) => m.seq === m2.seq));

    // Ana sees Bea signed in and available in the staff list.
    const bId = sb.state.me.id;
    assert.notEqual(bId, sa.state.me.id);

    sa.ws.send({ type: 'transfer', conversation_id: convId, to: bId });

    const got = await sb.ws.nextType('chat', (f) => f.chat.conversation_id === convId);
    assert.equal(got.chat.status, 'active');
    assert.equal(got.chat.intake.city, 'Hartford', 'the intake travels with the chat');
    const texts = got.chat.messages.map((m) => m.text).filter(Boolean);
    assert.ok(texts.includes('first from visitor'), `history has the visitor's message: ${JSON.stringify(got.chat.messages)}`);
    assert.ok(texts.includes('first from Ana'), 'history has the advocate message');
    const seqs = got.chat.messages.map((m) => m.seq);
    assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y), 'history is ordered by seq');
    assert.equal(seqs[0], 1, 'history starts at seq 1');
    for (let i = 1; i < seqs.length; i += 1) assert.equal(seqs[i], seqs[i - 1] + 1, 'history has no gaps');
    assert.ok(seqs.includes(m1.seq) && seqs.includes(m2.seq));

    const removed = await sa.ws.nextType('removed', (f) => f.conversation_id === convId);
    assert.equal(removed.reason, 'transferred');

    const tv = await visitor.ws.next(isMessage((m) => m.event === 'transferred'));
    assert.equal(tv.message.from, 'system');
    assert.equal(tv.message.name, 'Bea');
    assert.equal(tv.message.seq, m2.seq + 1);

    // The transferred event reaches Bea too, in the snapshot or as a message.
    if (!got.chat.messages.some((m) => m.event === 'transferred')) {
      await sb.ws.next(isStaffMessage(convId, (m) => m.event === 'transferred' && m.seq === tv.message.seq));
    }

    // Bea and the visitor talk.
    const m3 = await staffSay(sb, convId, 'Hi, Bea here');
    assert.equal(m3.seq, tv.message.seq + 1);
    const seen = await visitor.ws.next(isMessage((m) => m.seq === m3.seq));
    assert.equal(seen.message.from, 'advocate');
    assert.equal(seen.message.name, 'Bea');
    assert.equal(seen.message.text, 'Hi, Bea here');

    const m4 = await visitorSay(visitor, 'thanks Bea');
    const toBea = await sb.ws.next(isStaffMessage(convId, (m) => m.seq === m4.seq));
    assert.equal(toBea.message.text, 'thanks Bea');

    // Ana can no longer write into it.
    sa.ws.send({ type: 'send', conversation_id: convId, client_id: 'ana-after', text: 'still mine?' });
    const err = await sa.ws.nextType('error', (f) => f.ref === 'ana-after');
    assert.ok(['forbidden', 'conflict', 'not_found'].includes(err.code), JSON.stringify(err));

    // Nothing after the transfer reached Ana's console for this chat.
    await sa.ws.barrier();
    assert.deepEqual(sa.ws.seen.filter((f) => f.type === 'message' && f.conversation_id === convId && f.message.seq > m2.seq &&
      f.message.event !== 'transferred'), []);
  });

  it('refuses a transfer to someone who is not signed in', async () => {
    const c = await newStaff(server, { name: 'Cleo' });
    const offline = await newStaff(server, { name: 'Dora' }); // signed in over HTTP, not on /ws/staff
    const sc = await connectStaff(server, c.session);
    clients.push(sc.ws);
    await setAvailable(sc, true);
    const { visitor, convId } = await openChat(server, { coordinator: sc });
    clients.push(visitor.ws);
    sc.ws.send({ type: 'transfer', conversation_id: convId, to: offline.session.user.id });
    const err = await sc.ws.nextError();
    assert.ok(['conflict', 'not_found', 'bad_request'].includes(err.code), JSON.stringify(err));
    // Still Cleo's chat.
    const m = await staffSay(sc, convId, 'still here');
    await visitor.ws.next(isMessage((x) => x.seq === m.seq));
  });
});
