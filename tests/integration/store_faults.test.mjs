// The store decides what the clients are told: nothing is acknowledged or delivered before
// its commit is durable, and a commit that fails is reported, forgotten and can be sent
// again without leaving a gap; a policy version or a retention change the store cannot save
// is published nowhere. The fault VFS holds syncs and fills the disk on demand.

import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import {
  ADMIN_EMAIL, ADMIN_PASSWORD, accept, availableCoordinator, isMessage, isStaffMessage, login,
  newClientId, openChat, request, resumeVisitor, staffHeaders, staffSay, startVisitor, suiteServer,
  visitorSay, waitQueue,
} from './harness.mjs';

/**
 * Resolves once the server has read and handled every frame this client sent before: the
 * `ping` frame is answered in order, after the frames ahead of it. Unlike ws.barrier() it
 * does not wait for the store, which these tests hold or fail on purpose; what the store
 * would send once it finishes is exactly what must not have arrived.
 */
async function framesHandled(ws) {
  ws.send({ type: 'ping' });
  await ws.nextType('pong');
}

const seen = (ws, pred) => ws.seen.some((f) => {
  try {
    return pred(f);
  } catch {
    return false;
  }
});

describe('store faults', () => {
  const suite = suiteServer({ faults: true });
  // A test that failed half-way must not leave the store stopped for the next one.
  afterEach(async () => {
    await suite.server?.faults.releaseSyncs();
    await suite.server?.faults.freeDisk();
  });

  it('sends no acknowledgement and no delivery before the commit is durable', async () => {
    const { server } = suite;
    const { staff, visitor, convId } = await openChat(server);
    suite.clients.push(staff.ws, visitor.ws);
    const before = await visitorSay(visitor, 'before the hold');

    await server.faults.holdSyncs();
    visitor.ws.send({ type: 'send', client_id: 'held-v', text: 'visitor while held' });
    staff.ws.send({ type: 'send', conversation_id: convId, client_id: 'held-s', text: 'advocate while held' });
    await server.faults.syncHeld();
    await framesHandled(visitor.ws);
    await framesHandled(staff.ws);

    const heldText = (m) => m.text === 'visitor while held' || m.text === 'advocate while held';
    assert.ok(!seen(visitor.ws, (f) => f.type === 'ack' && f.client_id === 'held-v'), 'no visitor ack yet');
    assert.ok(!seen(staff.ws, (f) => f.type === 'ack' && f.client_id === 'held-s'), 'no staff ack yet');
    assert.ok(!seen(visitor.ws, isMessage(heldText)), 'the visitor got no unstored message');
    assert.ok(!seen(staff.ws, isStaffMessage(convId, heldText)), 'the advocate got no unstored message');

    await server.faults.releaseSyncs();
    const vack = await visitor.ws.next((f) => f.type === 'ack' && f.client_id === 'held-v');
    const sack = await staff.ws.next((f) => f.type === 'ack' && f.client_id === 'held-s');
    assert.deepEqual([vack.seq, sack.seq].sort((a, b) => a - b), [before.seq + 1, before.seq + 2]);
    await visitor.ws.next(isMessage((m) => m.seq === sack.seq && m.text === 'advocate while held'));
    await staff.ws.next(isStaffMessage(convId, (m) => m.seq === vack.seq && m.text === 'visitor while held'));
  });

  it('reports a failed commit, forgets its client id and leaves no gap', async () => {
    const { server } = suite;
    const { staff, visitor, convId } = await openChat(server);
    suite.clients.push(staff.ws, visitor.ws);
    const before = await visitorSay(visitor, 'before the disk filled');
    const vids = [1, 2, 3].map(() => newClientId('full-v'));
    const sid = newClientId('full-s');

    // Three in flight at once: the later ones fail after the first, and none may leave a gap.
    await server.faults.fillDisk();
    for (const [i, id] of vids.entries()) {
      visitor.ws.send({ type: 'send', client_id: id, text: `visitor on a full disk ${i}` });
    }
    for (const id of vids) {
      const err = await visitor.ws.next((f) => f.type === 'error' && f.ref === id);
      assert.equal(err.code, 'internal', JSON.stringify(err));
      assert.match(err.message, /not saved/);
    }
    staff.ws.send({ type: 'send', conversation_id: convId, client_id: sid, text: 'advocate on a full disk' });
    const serr = await staff.ws.nextError('internal');
    assert.equal(serr.ref, sid, JSON.stringify(serr));
    await framesHandled(visitor.ws);
    await framesHandled(staff.ws);
    const fullText = (m) => /on a full disk/.test(m.text ?? '');
    for (const id of vids) {
      assert.ok(!seen(visitor.ws, (f) => f.type === 'ack' && f.client_id === id), 'no ack for a failed commit');
    }
    assert.ok(!seen(staff.ws, (f) => f.type === 'ack' && f.client_id === sid), 'no ack for a failed commit');
    assert.ok(!seen(visitor.ws, isMessage(fullText)), 'nothing unsaved reached the visitor');
    assert.ok(!seen(staff.ws, isStaffMessage(convId, fullText)), 'nothing unsaved reached the advocate');
    await server.checkAlive('a full disk');

    // Once there is room again, the same client ids are new messages, right after the last one.
    await server.faults.freeDisk();
    for (const [i, id] of vids.entries()) {
      const v = await visitorSay(visitor, `visitor on a full disk ${i}`, id);
      assert.equal(v.seq, before.seq + 1 + i, 'the failed messages left no gap');
    }
    const s = await staffSay(staff, convId, 'advocate on a full disk', sid);
    assert.equal(s.seq, before.seq + 4);

    // What the store holds agrees: after a restart the replay is gap-free and has each once.
    await server.restart();
    const { ws, resumed } = await resumeVisitor(server, visitor.token, 0, 'visitor after the full disk');
    suite.clients.push(ws);
    const replay = [];
    for (let seq = 1; seq <= resumed.conversation.last_seq; seq += 1) {
      replay.push((await ws.next(isMessage())).message);
    }
    assert.deepEqual(replay.map((m) => m.seq), replay.map((_, i) => i + 1), 'gap-free');
    assert.equal(replay.filter(fullText).length, 4, 'each resent message is stored once');
    assert.equal(resumed.conversation.last_seq, s.seq);
  });

  it('an accept, transfer or end the store refuses changes nothing, in memory or on disk', async () => {
    const { server } = suite;
    const ana = await availableCoordinator(server);
    const ben = await availableCoordinator(server);
    const visitor = await startVisitor(server);
    suite.clients.push(ana.ws, ben.ws, visitor.ws);
    const [entry] = await waitQueue(ana, (e) => e.length === 1);
    const convId = entry.conversation_id;

    await server.faults.fillDisk();
    ana.ws.send({ type: 'accept', conversation_id: convId });
    assert.match((await ana.ws.nextError('internal')).message, /could not be accepted/);
    ana.ws.send({ type: 'queue_page', offset: 0 });
    await framesHandled(ana.ws);
    const queue = ana.ws.seen.filter((f) => f.type === 'queue').at(-1);
    assert.deepEqual(queue.entries.map((e) => e.conversation_id), [convId], 'still waiting');
    await server.faults.freeDisk();
    await accept(ana, convId);
    const joined = await visitor.ws.next(isMessage((m) => m.event === 'advocate_joined'));

    await server.faults.fillDisk();
    ana.ws.send({ type: 'transfer', conversation_id: convId, to: ben.state.me.id });
    assert.match((await ana.ws.nextError('internal')).message, /could not be handed on/);
    ana.ws.send({ type: 'end', conversation_id: convId, disposition: 'information' });
    assert.match((await ana.ws.nextError('internal')).message, /could not be ended/);
    visitor.ws.send({ type: 'end' });
    assert.match((await visitor.ws.nextError('internal')).message, /could not be ended/);
    await framesHandled(ana.ws);
    await framesHandled(ben.ws);
    await framesHandled(visitor.ws);
    await server.faults.freeDisk();

    // Still Ana's and still open: both write, Ben never had it, the visitor was not told.
    const fromAna = await staffSay(ana, convId, 'still mine');
    const fromVisitor = await visitorSay(visitor, 'still here');
    assert.deepEqual([fromAna.seq, fromVisitor.seq], [joined.message.seq + 1, joined.message.seq + 2]);
    assert.ok(!seen(ben.ws, (f) => f.type === 'chat'), 'the failed transfer reached nobody');
    assert.ok(!seen(visitor.ws, (f) => f.type === 'ended'), 'the failed end reached nobody');
    assert.ok(!seen(ana.ws, (f) => f.type === 'removed'), 'the chat stayed on its console');

    // And the store agrees: after a restart the chat is active, with exactly those messages.
    await server.restart();
    const { ws, resumed } = await resumeVisitor(server, visitor.token, 0, 'visitor after the refusals');
    suite.clients.push(ws);
    assert.equal(resumed.conversation.status, 'active');
    assert.equal(resumed.conversation.last_seq, fromVisitor.seq);
  });

  it('a policy version or retention change on a full disk is refused and published nowhere', async () => {
    const { server } = suite;
    const admin = await login(server, ADMIN_EMAIL, ADMIN_PASSWORD);
    const headers = staffHeaders(server, admin);
    const get = (p) => request(server, 'GET', p, { headers });
    const post = (p, json) => request(server, 'POST', p, { headers, json });
    const versionShown = (page) => page.text.match(/Version (\d+)\b/)?.[1];
    const mark = `written-on-a-full-disk-${process.pid}`;
    const markdown = `# Privacy policy\n\n${mark}. {{retention_summary}}\n`;
    const versionsBefore = (await get('/api/staff/policies')).json.versions;
    const retentionBefore = (await get('/api/staff/retention')).json.hours;
    const inForceBefore = versionShown(await request(server, 'GET', '/privacy'));
    assert.ok(inForceBefore, '/privacy names its version');

    await server.faults.fillDisk();
    // Each request records the session's use; within the same second that changes no byte,
    // so the wait makes the full disk refuse that record too. The member is still answered.
    await new Promise((resolve) => { setTimeout(resolve, 1100); });
    assert.equal((await get('/api/staff/retention')).status, 200, 'a read works on a full disk');
    const refused = await post('/api/staff/policies', { markdown });
    assert.equal(refused.status, 500, refused.text);
    assert.equal(refused.json?.error?.code, 'internal', refused.text);
    assert.match(refused.json.error.message, /could not be saved, so nothing was published/);
    const unchanged = await post('/api/staff/retention', { hours: retentionBefore + 1 });
    assert.equal(unchanged.status, 500, unchanged.text);
    assert.match(unchanged.json?.error?.message ?? '', /nothing changed/);
    const page = await request(server, 'GET', '/privacy');
    assert.equal(page.status, 200);
    assert.equal(versionShown(page), inForceBefore, '/privacy shows the same version');
    assert.ok(!page.text.includes(mark));
    assert.ok(!(await request(server, 'GET', '/privacy/versions')).text.includes(mark));
    await server.faults.freeDisk();
    assert.deepEqual((await get('/api/staff/policies')).json.versions, versionsBefore);
    assert.equal((await get('/api/staff/retention')).json.hours, retentionBefore);

    // Once there is room, the same publish goes through, and the store agrees after a restart.
    const published = await post('/api/staff/policies', { markdown });
    assert.equal(published.status, 201, published.text);
    assert.equal(published.json.version, versionsBefore[0].version + 1, 'no number was used up');
    assert.ok((await request(server, 'GET', '/privacy')).text.includes(mark));
    await server.restart();
    const afterRestart = await request(server, 'GET', '/privacy');
    assert.equal(versionShown(afterRestart), String(published.json.version));
    assert.ok(afterRestart.text.includes(mark));
  });
});
