// Malformed, oversized and excessive frames on /ws/visitor and /ws/staff: each
// gets the documented error code, the connection survives (except a frame over
// 64 KiB, which closes it with 1009), and a fresh visitor can still chat.

import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import {
  closeAll, connectStaff, connectVisitor, eventually, isMessage, isStaffMessage, newClientId, newStaff, openChat,
  resumeVisitor, staffSay, startServer, startVisitor,
} from './harness.mjs';

describe('bad input on /ws/visitor', () => {
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

  /** A fresh visitor can start a chat and leave the queue. */
  async function freshVisitorWorks() {
    const v = await startVisitor(server, { name: 'fresh-visitor' });
    clients.push(v.ws);
    assert.equal(v.conversation.status, 'waiting');
    v.ws.send({ type: 'end' });
    await v.ws.nextType('ended');
    await v.ws.close();
  }

  /** A connection without a conversation still works: it can start one. */
  async function canStart(ws) {
    ws.send({ type: 'start' });
    const f = await ws.next((x) => x.type === 'started' || x.type === 'error', undefined, 'started');
    assert.equal(f.type, 'started', `the connection still starts a chat: ${JSON.stringify(f)}`);
  }

  /** A connection with a conversation still works: it can send a message. */
  async function canSend(ws) {
    const id = newClientId('ok');
    ws.send({ type: 'send', client_id: id, text: 'still working' });
    const f = await ws.next((x) => (x.type === 'ack' && x.client_id === id) ||
      (x.type === 'error' && x.ref === id), undefined, `ack ${id}`);
    assert.equal(f.type, 'ack', `the connection still sends: ${JSON.stringify(f)}`);
  }

  async function visitorWithChat(name) {
    const v = await startVisitor(server, { name });
    clients.push(v.ws);
    return v.ws;
  }

  async function bareVisitor(name) {
    const ws = await connectVisitor(server, name);
    clients.push(ws);
    return ws;
  }

  // Frames refused before any conversation exists; afterwards the same connection starts one.
  const noConversationCases = [
    ['non-JSON text', 'this is not json', 'bad_json'],
    ['truncated JSON', '{"type":"start"', 'bad_json'],
    ['a JSON array', '[{"type":"start"}]', 'bad_json'],
    ['a JSON string', '"start"', 'bad_json'],
    ['a JSON number', '42', 'bad_json'],
    ['JSON null', 'null', 'bad_json'],
    ['an unknown type', '{"type":"hack_the_planet"}', 'unknown_type'],
    ['a staff-only type', '{"type":"accept","conversation_id":"x"}', 'unknown_type'],
    ['intake that is not an object', '{"type":"start","intake":"CT"}', 'bad_request'],
    ['an unknown intake field', '{"type":"start","intake":{"email":"a@b.example"}}', 'bad_request'],
    ['age "abc"', '{"type":"start","intake":{"age":"abc"}}', 'bad_request'],
    ['age 121', '{"type":"start","intake":{"age":121}}', 'bad_request'],
    ['age -1', '{"type":"start","intake":{"age":"-1"}}', 'bad_request'],
    ['age 30.5', '{"type":"start","intake":{"age":30.5}}', 'bad_request'],
    ['zip "12"', '{"type":"start","intake":{"zip":"12"}}', 'bad_request'],
    ['zip with a symbol', '{"type":"start","intake":{"zip":"06103;"}}', 'bad_request'],
    ['a 101-character city', JSON.stringify({ type: 'start', intake: { city: 'x'.repeat(101) } }), 'bad_request'],
    ['a number as name', '{"type":"start","intake":{"name":5}}', 'bad_request'],
    ['lang "fr"', '{"type":"start","lang":"fr"}', 'bad_request'],
    ['resume without a token', '{"type":"resume","last_seq":0}', 'bad_request'],
    ['resume with last_seq "3"', `{"type":"resume","token":"${'a'.repeat(64)}","last_seq":"3"}`, 'bad_request'],
    ['resume with last_seq -1', `{"type":"resume","token":"${'a'.repeat(64)}","last_seq":-1}`, 'bad_request'],
  ];

  for (const [what, raw, code] of noConversationCases) {
    it(`${what} → ${code}`, async () => {
      const ws = await bareVisitor(`visitor (${what})`);
      ws.sendRaw(raw);
      const err = await ws.nextType('error');
      assert.equal(err.code, code, `${what}: ${JSON.stringify(err)}`);
      assert.equal(typeof err.message, 'string');
      assert.ok(err.message.length > 0);
      assert.ok(ws.isOpen, 'errors do not close the connection');
      await canStart(ws);
      await freshVisitorWorks();
    });
  }

  it('accepts every intake field at its limits, and empty strings as absent', async () => {
    const ok = [
      { name: 'n'.repeat(100), gender: 'g', age: '0', city: 'Hartford', state: 'CT', zip: '06103', heard_about: 'a friend' },
      { age: 120, zip: 'SW1A 1AA' },
      { age: '35', zip: '06103-1234' },
      { name: '', age: '', zip: '' },
      {},
    ];
    for (const intake of ok) {
      const ws = await bareVisitor('visitor (good intake)');
      ws.send({ type: 'start', intake });
      const f = await ws.next((x) => x.type === 'started' || x.type === 'error', undefined, 'started');
      assert.equal(f.type, 'started', `intake ${JSON.stringify(intake)}: ${JSON.stringify(f)}`);
      ws.send({ type: 'end' });
      await ws.nextType('ended');
      await ws.close();
    }
  });

  // Frames refused inside a conversation; afterwards the same connection sends a message.
  const conversationCases = [
    ['send without client_id', { type: 'send', text: 'hi' }, 'bad_request'],
    ['send with a numeric client_id', { type: 'send', client_id: 7, text: 'hi' }, 'bad_request'],
    ['send with an empty client_id', { type: 'send', client_id: '', text: 'hi' }, 'bad_request'],
    ['send with a 65-char client_id', { type: 'send', client_id: 'c'.repeat(65), text: 'hi' }, 'bad_request'],
    ['send without text', { type: 'send', client_id: 'no-text' }, 'bad_request'],
    ['send with numeric text', { type: 'send', client_id: 'num-text', text: 5 }, 'bad_request'],
    ['send with empty text', { type: 'send', client_id: 'empty', text: '' }, 'bad_request'],
    ['send with only white space', { type: 'send', client_id: 'blank', text: ' \n\t  ' }, 'bad_request'],
    ['send with 4001 characters', { type: 'send', client_id: 'long', text: 'x'.repeat(4001) }, 'bad_request'],
    ['typing with a string', { type: 'typing', active: 'yes' }, 'bad_request'],
    ['typing without active', { type: 'typing' }, 'bad_request'],
  ];

  for (const [what, frame, code] of conversationCases) {
    it(`${what} → ${code}`, async () => {
      const ws = await visitorWithChat(`visitor (${what})`);
      ws.send(frame);
      const err = await ws.nextType('error');
      assert.equal(err.code, code, `${what}: ${JSON.stringify(err)}`);
      if (typeof frame.client_id === 'string' && frame.client_id.length > 0 && frame.client_id.length <= 64) {
        assert.equal(err.ref, frame.client_id, 'ref echoes the client_id');
      }
      assert.ok(ws.isOpen);
      await canSend(ws);
      await ws.barrier();
      assert.deepEqual(ws.seen.filter((f) => f.type === 'message' && f.message.from === 'visitor' &&
        f.message.text !== 'still working'), [], 'the refused frame stored nothing');
      await freshVisitorWorks();
    });
  }

  it('counts text length in code points: 4000 fit, 4001 do not', async () => {
    const ws = await visitorWithChat('visitor (4000)');
    const cases = [
      ['ascii4000', 'x'.repeat(4000), 'ack'],
      ['accented4000', 'é'.repeat(4000), 'ack'], // 8000 bytes of UTF-8
      ['emoji4000', '😀'.repeat(4000), 'ack'], // 16000 bytes, 8000 UTF-16 units
      ['padded', `  ${'y'.repeat(4000)}  `, 'ack'], // trimmed first
      ['emoji4001', '😀'.repeat(4001), 'error'],
    ];
    for (const [id, text, want] of cases) {
      ws.send({ type: 'send', client_id: id, text });
      const f = await ws.next((x) => (x.type === 'ack' || x.type === 'error') && (x.client_id === id || x.ref === id),
        undefined, `answer to ${id}`);
      assert.equal(f.type, want, `${id}: ${JSON.stringify(f).slice(0, 200)}`);
      if (want === 'error') assert.equal(f.code, 'bad_request');
    }
    const emoji = await ws.next(isMessage((m) => m.text.startsWith('😀')));
    assert.equal(emoji.message.text, '😀'.repeat(4000), 'the text comes back unchanged');
  });

  it('a binary frame gets an error frame and the connection stays', async () => {
    const ws = await visitorWithChat('visitor (binary)');
    ws.sendRaw(Buffer.from('{"type":"send","client_id":"bin","text":"hi"}'), { binary: true });
    const err = await ws.nextType('error');
    assert.ok(['bad_json', 'bad_request'].includes(err.code), `binary frame: ${JSON.stringify(err)}`);
    await ws.barrier();
    assert.deepEqual(ws.seen.filter((f) => f.type === 'ack' || isMessage((m) => m.from === 'visitor')(f)), [],
      'the binary frame was not taken as a message');
    assert.ok(ws.isOpen);
    await canSend(ws);
    await freshVisitorWorks();
  });

  it('a frame of exactly 64 KiB is read (and refused as too long a text)', async () => {
    const ws = await visitorWithChat('visitor (64 KiB)');
    const head = '{"type":"send","client_id":"big","text":"';
    const tail = '"}';
    const frame = head + 'x'.repeat(65536 - head.length - tail.length) + tail;
    assert.equal(Buffer.byteLength(frame), 65536);
    ws.sendRaw(frame);
    const err = await ws.nextType('error');
    assert.equal(err.code, 'bad_request');
    assert.ok(ws.isOpen);
    await canSend(ws);
  });

  it('a frame over 64 KiB closes the connection with 1009', async () => {
    const ws = await visitorWithChat('visitor (too big)');
    const head = '{"type":"send","client_id":"huge","text":"';
    const tail = '"}';
    const frame = head + 'x'.repeat(65537 - head.length - tail.length) + tail;
    assert.equal(Buffer.byteLength(frame), 65537);
    ws.sendRaw(frame);
    const closed = await ws.waitClosed();
    assert.equal(closed.code, 1009, `close code: ${JSON.stringify(closed)}`);
    // Closed: nothing more can come.
    assert.equal(ws.seen.filter((f) => f.type === 'ack').length, 0);
    await freshVisitorWorks();
  });

  it('a flood of 100 frames is rate limited, and the connection recovers', async () => {
    const ws = await visitorWithChat('visitor (flood)');
    const ids = Array.from({ length: 100 }, (_, i) => `flood-${i}`);
    const began = Date.now();
    for (const id of ids) ws.send({ type: 'send', client_id: id, text: `flood ${id}` });

    // Every frame is answered once: stored (ack) or dropped (error rate_limited).
    const answers = [];
    for (let i = 0; i < ids.length; i += 1) {
      answers.push(await ws.next((f) => (f.type === 'ack' && ids.includes(f.client_id)) ||
        (f.type === 'error' && f.code === 'rate_limited'), undefined, `answer ${i + 1} of 100`));
    }
    const acks = answers.filter((f) => f.type === 'ack');
    const limited = answers.filter((f) => f.type === 'error');
    assert.ok(limited.length > 0, 'some frames were rate limited');
    // The documented limit: a burst of 20, then 10 a second. However slow this machine, no
    // more can be taken than the burst plus what the elapsed time refilled, and at least the
    // burst less the few frames the chat's start used.
    const seconds = (Date.now() - began) / 1000;
    assert.ok(acks.length >= 15, `at least a burst was taken: ${acks.length}`);
    assert.ok(acks.length <= 20 + Math.ceil(10 * seconds) + 1,
      `no more than the burst plus the refill over ${seconds} s: ${acks.length}`);
    const ackIds = acks.map((f) => f.client_id);
    assert.equal(new Set(ackIds).size, ackIds.length, 'no frame acked twice');
    for (const f of limited) {
      if (f.ref !== undefined) assert.ok(ids.includes(f.ref), `ref names a flood frame: ${JSON.stringify(f)}`);
    }
    assert.ok(ws.isOpen, 'rate limiting keeps the connection open');
    await ws.barrier();
    assert.deepEqual(ws.drain((f) => f.type === 'error'), [], 'the flood produced only rate_limited errors');

    // Recovery: keep trying a fresh message until one is acked (the bucket refills).
    await eventually(async () => {
      const id = newClientId('after-flood');
      ws.send({ type: 'send', client_id: id, text: 'after the flood' });
      const f = await ws.next((x) => (x.type === 'ack' && x.client_id === id) ||
        (x.type === 'error' && x.code === 'rate_limited'), undefined, `ack ${id}`);
      return f.type === 'ack';
    }, { timeoutMs: 15_000, intervalMs: 500, what: 'a message acked after the flood' });

    // The stored flood messages have gap-free seqs.
    const stored = ws.drain((f) => f.type === 'message' && f.message.from === 'visitor' &&
      f.message.text.startsWith('flood ')).map((f) => f.message.seq);
    assert.deepEqual(stored, acks.map((f) => f.seq));
    await freshVisitorWorks();
  });
});

describe('new chats per network', () => {
  let server;
  const clients = [];

  before(async () => {
    server = await startServer({ env: { SAFECONNECT_CHAT_NEW_PER_NETWORK_PER_HOUR: '3' } });
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

  it('refuses a chat past the limit with unavailable, keeping the connection', async () => {
    const tokens = [];
    for (let i = 0; i < 3; i += 1) {
      const v = await startVisitor(server, { name: `visitor-${i}` });
      clients.push(v.ws);
      tokens.push(v.token);
    }
    const ws = await connectVisitor(server, 'visitor-over-limit');
    clients.push(ws);
    ws.send({ type: 'start' });
    const err = await ws.nextType('error');
    assert.equal(err.code, 'unavailable', JSON.stringify(err));
    assert.ok(ws.isOpen);
    // A visitor who already has a chat is not affected: resuming is not a new chat.
    await clients[0].drop();
    const { ws: back, resumed } = await resumeVisitor(server, tokens[0], 0, 'visitor-0-back');
    clients.push(back);
    assert.equal(resumed.conversation.status, 'waiting');
  });
});

describe('bad input on /ws/staff', () => {
  let server;
  const clients = [];

  before(async () => {
    server = await startServer();
  });

  after(async () => {
    await closeAll(clients);
    await server?.cleanup();
  });

  beforeEach(async () => {
    await server?.ensureRunning();
  });
  afterEach(() => {
    server?.assertAlive();
  });

  it('answers each bad frame with its code and keeps the console open', async () => {
    const { staff, visitor, convId } = await openChat(server);
    clients.push(staff.ws, visitor.ws);
    const cases = [
      ['non-JSON', 'nope', 'bad_json'],
      ['a JSON array', '[]', 'bad_json'],
      ['an unknown type', '{"type":"start"}', 'unknown_type'],
      ['a second hello', `{"type":"hello","csrf_token":"${staff.session.csrf}"}`, 'conflict'],
      ['availability as a string', '{"type":"availability","available":"yes"}', 'bad_request'],
      ['accept without conversation_id', '{"type":"accept"}', 'bad_request'],
      ['accept of an unknown chat', `{"type":"accept","conversation_id":"${'0'.repeat(32)}"}`, 'not_found'],
      ['send without text', JSON.stringify({ type: 'send', conversation_id: convId, client_id: 'st1' }), 'bad_request'],
      ['send with 4001 characters', JSON.stringify({ type: 'send', conversation_id: convId, client_id: 'st2', text: 'x'.repeat(4001) }), 'bad_request'],
      ['typing with a number', JSON.stringify({ type: 'typing', conversation_id: convId, active: 1 }), 'bad_request'],
      ['end with free text as disposition', JSON.stringify({ type: 'end', conversation_id: convId, disposition: 'she is fine' }), 'bad_request'],
      ['end without disposition', JSON.stringify({ type: 'end', conversation_id: convId }), 'bad_request'],
      ['transfer to a string', JSON.stringify({ type: 'transfer', conversation_id: convId, to: 'bea' }), 'bad_request'],
      ['history with after_seq -1', JSON.stringify({ type: 'history', conversation_id: convId, after_seq: -1 }), 'bad_request'],
    ];
    for (const [what, raw, code] of cases) {
      staff.ws.sendRaw(raw);
      const err = await staff.ws.nextError();
      assert.equal(err.code, code, `${what}: ${JSON.stringify(err)}`);
      assert.ok(staff.ws.isOpen, `${what}: the console stays open`);
    }
    // The chat is untouched: still active, messages flow.
    const m = await staffSay(staff, convId, 'still fine');
    await visitor.ws.next(isMessage((x) => x.seq === m.seq && x.text === 'still fine'));
    await visitor.ws.barrier();
    assert.equal(visitor.ws.seen.filter((f) => f.type === 'ended').length, 0);
  });

  it("asking for another coordinator's chat is refused, and nothing of it is sent", async () => {
    const { staff: owner, visitor, convId } = await openChat(server);
    clients.push(owner.ws, visitor.ws);
    const other = await newStaff(server);
    const snoop = await connectStaff(server, other.session, 'snoop');
    clients.push(snoop.ws);
    for (const frame of [
      { type: 'history', conversation_id: convId, after_seq: 0 },
      { type: 'send', conversation_id: convId, client_id: 'snoop-1', text: 'hello?' },
      { type: 'typing', conversation_id: convId, active: true },
      { type: 'end', conversation_id: convId, disposition: 'other' },
      { type: 'transfer', conversation_id: convId, to: other.session.user.id },
    ]) {
      snoop.ws.send(frame);
      const err = await snoop.ws.nextError();
      assert.ok(['forbidden', 'not_found'].includes(err.code), `${frame.type}: ${JSON.stringify(err)}`);
      assert.ok(snoop.ws.isOpen, 'errors never close the connection');
    }
    // The chat is untouched and still the owner's.
    const m = await staffSay(owner, convId, 'still mine');
    await visitor.ws.next(isMessage((x) => x.seq === m.seq));
    await visitor.ws.barrier();
    await snoop.ws.barrier();
    assert.equal(visitor.ws.seen.filter((f) => f.type === 'ended' || f.type === 'typing').length, 0);
    assert.equal(snoop.ws.seen.filter((f) => f.type === 'chat').length, 0, 'no history was sent');
    assert.equal(snoop.ws.seen.filter((f) => f.type === 'message' && f.conversation_id === convId).length, 0);
  });

  // The harness's barrier is what every absence check above relies on: check it does wait for
  // frames that are still waiting for the store (a ping would not: it is answered at once).
  it('a barrier comes after the frames still waiting for the store (harness self-check)', async () => {
    const { staff, visitor, convId } = await openChat(server);
    clients.push(staff.ws, visitor.ws);
    visitor.ws.send({ type: 'send', client_id: 'before-barrier', text: 'stored before the barrier' });
    await visitor.ws.barrier();
    assert.ok(visitor.ws.frames.some((f) => f.type === 'ack' && f.client_id === 'before-barrier'),
      `the ack is in: ${JSON.stringify(visitor.ws.frames)}`);
    await staff.ws.barrier();
    assert.ok(staff.ws.frames.some(isStaffMessage(convId, (x) => x.text === 'stored before the barrier')),
      'the message reached the console');
    staff.ws.send({ type: 'history', conversation_id: convId, after_seq: 0 });
    await staff.ws.barrier();
    assert.ok(staff.ws.frames.some((f) => f.type === 'chat' && f.chat.conversation_id === convId),
      'the history read from the store is in');
    assert.ok(!staff.ws.seen.some((f) => f.ref?.startsWith('barrier-')), 'the probes are not recorded');
  });

  it('answers {"type":"ping"} with pong on both endpoints', async () => {
    const who = await newStaff(server);
    const staff = await connectStaff(server, who.session);
    clients.push(staff.ws);
    staff.ws.send({ type: 'ping' });
    await staff.ws.nextType('pong');
    const bare = await connectVisitor(server, 'visitor-ping');
    clients.push(bare);
    bare.send({ type: 'ping' });
    await bare.nextType('pong');
    bare.send({ type: 'start' });
    await bare.nextType('started');
    bare.send({ type: 'ping' });
    await bare.nextType('pong');
  });

});
