// Every acknowledged message survives a kill -9: after a restart on the same
// data directory the visitor resumes and the coordinator reconnects, and both
// see every acknowledged message with its original seq.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  STAFF_PASSWORD, closeAll, connectStaff, isMessage, isStaffMessage, login, openChat, request,
  resumeVisitor, staffSay, startServer, visitorSay,
} from './harness.mjs';

describe('crash recovery', () => {
  let server;
  const clients = [];

  before(async () => {
    server = await startServer();
  });

  after(async () => {
    await closeAll(clients);
    await server?.cleanup();
  });

  it('keeps every acknowledged message across kill -9', async () => {
    const { staff, visitor, convId } = await openChat(server, { intake: { state: 'CT', age: '30' } });
    clients.push(staff.ws, visitor.ws);

    // Acknowledged messages both ways. `acked` is what the clients were promised.
    const acked = [];
    for (let i = 1; i <= 5; i += 1) {
      const v = await visitorSay(visitor, `visitor says ${i} — ünïcödé ✓`);
      acked.push({ seq: v.seq, from: 'visitor', text: `visitor says ${i} — ünïcödé ✓` });
      const s = await staffSay(staff, convId, `advocate says ${i}`);
      acked.push({ seq: s.seq, from: 'advocate', text: `advocate says ${i}` });
    }
    const oldSession = staff.session;

    const exit = await server.kill9();
    assert.equal(exit.signal, 'SIGKILL');
    await closeAll(staff.ws, visitor.ws);

    await server.launch(); // same data dir, new port
    const health = await request(server, 'GET', '/healthz');
    assert.equal(health.status, 200);

    // The visitor resumes from zero and sees everything, in order, with the same seqs.
    const { ws: vws, resumed } = await resumeVisitor(server, visitor.token, 0, 'visitor-after-crash');
    clients.push(vws);
    assert.equal(resumed.conversation.status, 'active', JSON.stringify(resumed));
    const lastAcked = acked[acked.length - 1].seq;
    assert.ok(resumed.conversation.last_seq >= lastAcked, `last_seq ${resumed.conversation.last_seq} >= ${lastAcked}`);
    const replay = [];
    for (let s = 1; s <= resumed.conversation.last_seq; s += 1) {
      replay.push((await vws.next(isMessage(() => true))).message);
    }
    assert.deepEqual(replay.map((m) => m.seq), Array.from({ length: replay.length }, (_, i) => i + 1), 'gap-free');
    for (const a of acked) {
      const m = replay.find((x) => x.seq === a.seq);
      assert.ok(m, `acknowledged seq ${a.seq} survived`);
      assert.equal(m.from, a.from, `seq ${a.seq} from`);
      assert.equal(m.text, a.text, `seq ${a.seq} text`);
    }

    // The coordinator reconnects: same session if it survived, else a fresh sign-in.
    let session = oldSession;
    const me = session && (await request(server, 'GET', '/api/staff/me', { headers: { cookie: session.cookie } }));
    if (!me || me.status !== 200) {
      session = await login(server, staff.email, STAFF_PASSWORD);
    } else {
      session = { ...session, csrf: me.json.csrf_token };
    }
    const st = await connectStaff(server, session, 'staff-after-crash');
    clients.push(st.ws);
    // The console learns it still owns the chat: a `chat` frame follows `state`.
    const owned = await st.ws.nextType('chat', (f) => f.chat.conversation_id === convId);
    assert.equal(owned.chat.status, 'active');
    assert.ok(owned.chat.messages.some((m) => m.seq === lastAcked), 'the pushed chat has the history');

    st.ws.send({ type: 'history', conversation_id: convId, after_seq: 0 });
    const hist = await st.ws.nextType('chat', (f) => f.chat.conversation_id === convId);
    assert.equal(hist.chat.status, 'active');
    assert.equal(hist.chat.intake.state, 'CT');
    const hseqs = hist.chat.messages.map((m) => m.seq);
    assert.deepEqual(hseqs, Array.from({ length: hseqs.length }, (_, i) => i + 1), 'history is gap-free from 1');
    for (const a of acked) {
      const m = hist.chat.messages.find((x) => x.seq === a.seq);
      assert.ok(m, `staff history has seq ${a.seq}`);
      assert.equal(m.text, a.text);
    }

    // The chat goes on after the restart.
    const v = await visitorSay({ ws: vws }, 'after the restart');
    assert.equal(v.seq, resumed.conversation.last_seq + 1);
    await st.ws.next(isStaffMessage(convId, (m) => m.seq === v.seq && m.text === 'after the restart'));
    const s = await staffSay(st, convId, 'still here');
    await vws.next(isMessage((m) => m.seq === s.seq && m.text === 'still here'));
  });

  it('shuts down cleanly on SIGTERM and starts again', async () => {
    const exit = await server.stop();
    assert.equal(exit.code, 0, `exit on SIGTERM: ${JSON.stringify(exit)}\n${server.logTail()}`);
    await server.launch();
    const health = await request(server, 'GET', '/healthz');
    assert.equal(health.status, 200);
  });
});
