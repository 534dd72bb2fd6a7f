// Blocking an abusive visitor against the real server. The abuser connects from 127.0.0.88,
// everyone else from other loopback addresses. A coordinator ends the chat and blocks; new
// chats and messages from that address are refused with the neutral answer while others
// chat on; coordinators may not lift blocks, a supervisor does (audited by block id); a
// restart ends a block; and the address reaches no file of the data directory and no log.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  accept, availableCoordinator, connectStaff, connectVisitor, isMessage, newClientId, newStaff, request,
  staffHeaders, startVisitor, suiteServer, visitorSay, waitQueue,
} from './harness.mjs';
import { describeFiles, findBytes, readFiles, textForms } from './privacy_helpers.mjs';

const ABUSER = '127.0.0.88';
const OTHER = '127.0.0.89';
const NEUTRAL = 'The chat service is not available right now. If you are in danger, call 911.';

describe('blocking an abusive visitor', () => {
  const suite = suiteServer();
  const { clients } = suite;
  const taken = new Set(); // conversations already accepted

  /** A chat from `localAddress` that `staff` accepts; returns {visitor, convId}. */
  async function chatFrom(staff, localAddress) {
    const visitor = await startVisitor(suite.server, { localAddress });
    clients.push(visitor.ws);
    const entries = await waitQueue(staff, (e) => e.some((x) => !taken.has(x.conversation_id)));
    const convId = entries.find((x) => !taken.has(x.conversation_id)).conversation_id;
    taken.add(convId);
    await accept(staff, convId);
    await visitor.ws.next(isMessage((m) => m.event === 'advocate_joined'));
    return { visitor, convId };
  }

  /** A start from `localAddress`: the `started` frame, or the error frame refusing it. */
  async function tryStart(localAddress) {
    const ws = await connectVisitor(suite.server, `visitor@${localAddress}`, { localAddress });
    clients.push(ws);
    ws.send({ type: 'start' });
    return ws.next((f) => f.type === 'started' || f.type === 'error', undefined, 'started or error');
  }

  async function expectRefused(localAddress, what) {
    const reply = await tryStart(localAddress);
    assert.equal(reply.type, 'error', `${what}: ${JSON.stringify(reply)}`);
    assert.equal(reply.code, 'unavailable');
    assert.equal(reply.message, NEUTRAL);
    assert.doesNotMatch(reply.message, /block/i, 'the visitor is not told they were blocked');
  }

  /** A start that must work; the visitor leaves the queue again at once. */
  async function expectStarts(localAddress, what) {
    const reply = await tryStart(localAddress);
    assert.equal(reply.type, 'started', `${what}: ${JSON.stringify(reply)}`);
    const ws = clients[clients.length - 1];
    ws.send({ type: 'end' });
    await ws.nextType('ended');
  }

  async function block(staff, convId, reason = 'threatening') {
    staff.ws.send({ type: 'block', conversation_id: convId, reason });
    const f = await staff.ws.next((x) => (x.type === 'blocked' && x.conversation_id === convId) || x.type === 'error',
      undefined, `blocked ${convId}`);
    assert.equal(f.type, 'blocked', JSON.stringify(f));
    assert.match(f.block_id, /^[0-9a-f]{16}$/);
    return f;
  }

  it('blocks a visitor, refuses their network, and a supervisor lifts the block', async () => {
    const ana = await availableCoordinator(suite.server, { name: 'Ana' });
    const ben = await availableCoordinator(suite.server, { name: 'Ben' });
    const sup = await newStaff(suite.server, { role: 'supervisor', name: 'Sue' });
    const sue = await connectStaff(suite.server, sup.session);
    clients.push(ana.ws, ben.ws, sue.ws);
    assert.deepEqual(sue.state.blocks, [], 'supervisors get the blocks in state');
    assert.equal(ana.state.blocks, undefined, 'coordinators do not');
    assert.equal(ana.state.block_hours, 24);

    // The abuser has two chats open (two tabs); a bystander chats from elsewhere.
    const abusive = await chatFrom(ana, ABUSER);
    const second = await chatFrom(ben, ABUSER);
    const bystander = await chatFrom(ben, OTHER);

    const before = Date.now();
    const blocked = await block(ana, abusive.convId);
    const expires = Date.parse(blocked.expires_at);
    assert.ok(expires > before + 23.9 * 3600e3 && expires < Date.now() + 24.1 * 3600e3, blocked.expires_at);
    const ended = await abusive.visitor.ws.nextType('ended');
    assert.equal(ended.by, 'advocate', 'the visitor sees an ordinary ending');
    await ana.ws.nextType('removed', (f) => f.conversation_id === abusive.convId);

    const listed = await sue.ws.nextType('blocks', (f) => f.blocks.length === 1);
    assert.deepEqual(Object.keys(listed.blocks[0]).sort(),
      ['block_id', 'expires_at', 'placed_at', 'placed_by', 'placed_by_name', 'reason']);
    assert.equal(listed.blocks[0].block_id, blocked.block_id);
    assert.equal(listed.blocks[0].placed_by, ana.state.me.id);
    assert.equal(listed.blocks[0].placed_by_name, 'Ana');
    assert.equal(listed.blocks[0].reason, 'threatening');

    // New chats from the abuser's address are refused; from elsewhere they still work.
    await expectRefused(ABUSER, 'a new chat from the blocked address');
    await expectStarts(OTHER, 'a new chat from another address');

    // The abuser's other open chat cannot be written in; the bystander's can.
    const clientId = newClientId('v');
    second.visitor.ws.send({ type: 'send', client_id: clientId, text: 'you cannot stop me' });
    const refused = await second.visitor.ws.nextError('unavailable');
    assert.equal(refused.ref, clientId);
    assert.equal(refused.message, NEUTRAL);
    await visitorSay(bystander.visitor, 'still here');

    // Coordinators neither list nor lift blocks.
    ana.ws.send({ type: 'blocks' });
    assert.equal((await ana.ws.nextError()).code, 'forbidden');
    ana.ws.send({ type: 'unblock', block_id: blocked.block_id });
    assert.equal((await ana.ws.nextError()).code, 'forbidden');
    await expectRefused(ABUSER, 'after a coordinator tried to lift the block');

    // Hostile input gets a clear error.
    sue.ws.send({ type: 'unblock', block_id: 'not hex' });
    const bad = await sue.ws.nextError('bad_request');
    assert.match(bad.message, /block_id/);
    ana.ws.send({ type: 'block', conversation_id: bystander.convId, reason: 'rude' });
    assert.equal((await ana.ws.nextError()).code, 'forbidden', 'not her chat');
    ben.ws.send({ type: 'block', conversation_id: bystander.convId, reason: 'rude' });
    assert.match((await ben.ws.nextError('bad_request')).message, /reason/);

    // A supervisor asks for the list and lifts the block.
    sue.ws.send({ type: 'blocks' });
    const asked = await sue.ws.nextType('blocks', (f) => f.blocks.length === 1);
    assert.equal(asked.blocks[0].block_id, blocked.block_id);
    sue.ws.send({ type: 'unblock', block_id: blocked.block_id });
    assert.equal((await sue.ws.nextType('unblocked')).block_id, blocked.block_id);
    await sue.ws.nextType('blocks', (f) => f.blocks.length === 0);
    await expectStarts(ABUSER, 'a new chat once the block is lifted');
    await visitorSay(second.visitor, 'sorry');

    sue.ws.send({ type: 'unblock', block_id: blocked.block_id });
    assert.equal((await sue.ws.nextError()).code, 'not_found', 'a lifted block is gone');

    // Both steps are audited by the block id, and by who did them; no address.
    const audit = await request(suite.server, 'GET', '/api/staff/audit', { headers: staffHeaders(suite.server, sup.session) });
    assert.equal(audit.status, 200, audit.text);
    const entry = (action) => audit.json.entries.find((e) => e.action === action && e.subject === blocked.block_id);
    assert.equal(entry('visitor_blocked')?.staff_id, ana.state.me.id, audit.text);
    assert.equal(entry('visitor_block_lifted')?.staff_id, sue.state.me.id, audit.text);
    assert.ok(!audit.text.includes(ABUSER), 'no address in the audit log');
  });

  it('a restart ends every block, and the blocked address is in no file or log', async () => {
    const ana = await availableCoordinator(suite.server, { name: 'Ana' });
    clients.push(ana.ws);
    const abusive = await chatFrom(ana, ABUSER);
    await block(ana, abusive.convId, 'prank');
    await expectRefused(ABUSER, 'before the restart');

    await suite.server.restart();
    await expectStarts(ABUSER, 'after the restart the block is gone');

    await suite.server.stop(); // the WAL is checkpointed into the database file
    const needles = [...textForms(ABUSER), ...textForms(`::ffff:${ABUSER}`),
      { form: '4 bytes', bytes: Buffer.from([127, 0, 0, 88]) }];
    const files = await readFiles(suite.server.dataDir);
    files.push({ path: 'server log', bytes: Buffer.from(suite.server.log()) });
    assert.deepEqual(findBytes(files, needles), [], `${ABUSER} in no file or log (${describeFiles(files)})`);
    assert.match(suite.server.log(), /event=visitor_blocked/, 'the log says a block happened, without any address');
    await suite.server.launch();
  });
});
