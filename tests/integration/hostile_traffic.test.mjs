// Attacks that once took the whole hotline down, or could: each is sent to the real server,
// and while it runs (or right after) /healthz, a public page and a live chat must still be
// served. Deadlines are generous: these tests check that service goes on, not how fast.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  WsClient, closeAll, eventually, isMessage, isStaffMessage, newStaff, openChat, rawExchange, request,
  startServer, suiteServer, tryLogin, visitorSay, STAFF_PASSWORD,
} from './harness.mjs';

const ATTACKER = '127.0.0.2';

/** Opens a raw TCP connection from `localAddress`; resolves once connected. */
function rawSocket(server, localAddress = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port: server.port, localAddress });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/**
 * Writes `head`, then `filler` repeatedly up to `limit` bytes, until the server answers or
 * closes. Resolves {status, text, sent}: what it said and how much it took first.
 */
function sendUntilAnswered(server, head, filler, limit) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port: server.port });
    let answer = '';
    let sent = 0;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      s.destroy();
      const m = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      resolve({ status: m ? Number(m[1]) : null, text: answer, sent });
    };
    s.on('data', (d) => {
      answer += d.toString('latin1');
      if (answer.includes('\r\n\r\n')) setTimeout(finish, 50);
    });
    s.on('close', finish);
    s.on('error', (err) => (err.code === 'ECONNRESET' || err.code === 'EPIPE' ? finish() : reject(err)));
    s.once('connect', () => {
      s.write(head);
      sent += head.length;
      const pump = () => {
        while (!finished && sent < limit) {
          sent += filler.length;
          if (!s.write(filler)) return s.once('drain', pump);
        }
      };
      pump();
    });
  });
}

async function rssKiB(server) {
  const status = await readFile(`/proc/${server.proc.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
}

/** A server for the describe block (see suiteServer) with an open chat that must keep working. */
function suiteWithChat(options) {
  const suite = suiteServer(options);
  before(async () => {
    suite.chat = await openChat(suite.server);
    suite.clients.push(suite.chat.visitor.ws, suite.chat.staff.ws);
  });
  return suite;
}

/** /healthz, the home page and a message both ways in an open chat all still work. */
async function stillServes(server, chat, what) {
  const health = await request(server, 'GET', '/healthz');
  assert.equal(health.status, 200, `${what}: /healthz ${health.status}`);
  const page = await request(server, 'GET', '/chat');
  assert.equal(page.status, 200, `${what}: /chat ${page.status}`);
  if (chat) {
    const text = `still here ${Math.random()}`;
    await visitorSay(chat.visitor, text);
    await chat.staff.ws.next(isStaffMessage(chat.convId, (m) => m.text === text), 30_000, `${what}: delivery`);
  }
}

describe('hostile HTTP framing', () => {
  const suite = suiteWithChat();

  it('a 64 KiB trailer field is refused with 400; the process lives', async () => {
    for (const trailer of [`X: ${'a'.repeat(65534)}`, `${'N'.repeat(65534)}: v`]) {
      const answer = await rawExchange(suite.server,
        `GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n${trailer}\r\n\r\n`);
      assert.match(answer, /^HTTP\/1\.1 400 /);
      assert.match(answer, /trailer is larger than 16 KiB/);
    }
    await stillServes(suite.server, suite.chat, 'after huge trailers');
  });

  it('an endless chunk extension or trailer is cut off early, not buffered', async () => {
    const ext = 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1;';
    const trailer = 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: ';
    // Just past the limit, then silence: the answer says what is wrong.
    for (const head of [ext, trailer]) {
      const answer = await rawExchange(suite.server, head + 'a'.repeat(32 * 1024));
      assert.match(answer, /^HTTP\/1\.1 400 /);
      assert.match(answer, /a chunk header or trailer is larger than 16 KiB/);
    }
    // Sent as fast as loopback allows: the server stops reading long before it would have
    // held hundreds of megabytes (the answer may be lost to the reset of a client that
    // keeps sending; the memory is what matters).
    const before = await rssKiB(suite.server);
    for (const head of [ext, trailer]) {
      const flood = await sendUntilAnswered(suite.server, head, 'a'.repeat(64 * 1024), 200 * 1024 * 1024);
      assert.ok(flood.status === 400 || flood.status === null, flood.text);
      assert.ok(flood.sent < 50 * 1024 * 1024, `the server took ${flood.sent} bytes before closing`);
    }
    const grown = (await rssKiB(suite.server)) - before;
    assert.ok(grown < 64 * 1024, `RSS grew by ${grown} KiB`);
    await stillServes(suite.server, suite.chat, 'after endless framing');
  });

  it('a transfer coding it cannot decode is refused, and the body is not read as a request', async () => {
    const smuggled = await rawExchange(suite.server,
      'GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.match(smuggled, /^HTTP\/1\.1 400 /);
    assert.equal(smuggled.match(/HTTP\/1\.1 /g).length, 1, 'exactly one answer');
    const stacked = await rawExchange(suite.server,
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n');
    assert.match(stacked, /^HTTP\/1\.1 501 /);
    assert.match(stacked, /only the chunked transfer coding/);
  });

  it('a bad WebSocket handshake gets a clear refusal with our headers, never 101', async () => {
    const bad = (key, version = '13') => rawExchange(suite.server, 'GET /ws/visitor HTTP/1.1\r\nHost: x\r\n' +
      `Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: ${version}\r\n` +
      `Sec-WebSocket-Key: ${key}\r\n\r\n`);
    for (const key of ['abc', 'not base64 at all!!!!!==', '']) {
      const answer = await bad(key);
      assert.match(answer, /^HTTP\/1\.1 400 /, key);
      assert.match(answer, /Sec-WebSocket-Key must be 16 bytes in base64/);
      assert.match(answer, /\r\nCross-Origin-Resource-Policy: same-origin\r\n/);
    }
    const old = await bad('dGhlIHNhbXBsZSBub25jZQ==', '8');
    assert.match(old, /^HTTP\/1\.1 426 /);
    assert.match(old, /\r\nSec-WebSocket-Version: 13\r\n/);
    assert.match(old, /\r\nContent-Security-Policy: /);
  });

  it('every answer carries the security headers: pages, errors, refusals and the 101', async () => {
    const answers = [
      await request(suite.server, 'GET', '/'),
      await request(suite.server, 'GET', '/no-such-page'),
      await request(suite.server, 'POST', '/'),
      await request(suite.server, 'GET', '/api/staff/me'),
      await request(suite.server, 'POST', '/api/staff/login', { body: 'x'.repeat(70 * 1024) }),
    ];
    for (const r of answers) {
      assert.equal(r.headers['cross-origin-resource-policy'], 'same-origin', `${r.status}`);
      assert.match(r.headers['content-security-policy'] ?? '', /default-src 'self'/);
      assert.equal(r.headers['x-content-type-options'], 'nosniff');
    }
    const ws = await WsClient.connect(suite.server.wsUrl('/ws/visitor'));
    suite.clients.push(ws);
    assert.equal(ws.upgradeHeaders['cross-origin-resource-policy'], 'same-origin');
    assert.match(ws.upgradeHeaders['content-security-policy'] ?? '', /default-src 'self'/);
  });
});

describe('descriptors and connection caps', () => {
  // 512 descriptors: 448 for connections, far fewer than the attack below opens.
  const suite = suiteWithChat({ nofile: 512, env: { SAFECONNECT_LIMITS_CONNECTIONS_PER_ADDRESS: '100' } });
  const held = [];
  after(() => {
    for (const s of held) s.destroy();
  });

  it('one address holding 600 partial requests gets 100; everyone else is still served', async () => {
    const refused = [];
    for (let i = 0; i < 600; i += 1) {
      const s = await rawSocket(suite.server, ATTACKER).catch(() => null);
      if (!s) continue;
      s.on('error', () => {});
      s.on('data', (d) => {
        if (/^HTTP\/1\.1 503 /.test(d.toString('latin1'))) refused.push(d.toString('latin1'));
      });
      s.write('GET / HTTP/1.1\r\nHost: x\r\n'); // never finished
      held.push(s);
    }
    await eventually(() => refused.length >= 500, { timeoutMs: 30_000, what: '500 refusals' });
    assert.match(refused[0], /too many open connections from your network/);
    assert.match(refused[0], /\r\nRetry-After: \d+\r\n/);
    await stillServes(suite.server, suite.chat, 'with 100 partial requests held');
    const coordinator = await newStaff(suite.server); // a real sign-in from another address
    assert.ok(coordinator.session.cookie);
    // No flood of accept errors in the log.
    assert.ok((suite.server.log().match(/event=accept_failed/g) ?? []).length <= 3, suite.server.logTail(5));
    for (const s of held.splice(0)) s.destroy();
  });

  it('past the descriptor budget the server answers 503 instead of spinning, and recovers', async () => {
    // Many addresses (127.0.0.10..), so only the total cap applies.
    const statuses = [];
    for (let i = 0; i < 520; i += 1) {
      const from = `127.0.1.${10 + (i % 200)}`;
      const s = await rawSocket(suite.server, from).catch(() => null);
      if (!s) continue;
      s.on('error', () => {});
      s.on('data', (d) => statuses.push(d.toString('latin1').slice(0, 12)));
      s.write('GET / HTTP/1.1\r\nHost: x\r\n');
      held.push(s);
    }
    await eventually(() => statuses.some((x) => x.includes('503')), { timeoutMs: 30_000, what: 'a 503 at the cap' });
    assert.ok((suite.server.log().match(/event=accept_failed/g) ?? []).length <= 3, suite.server.logTail(5));
    for (const s of held.splice(0)) s.destroy();
    await eventually(async () => (await request(suite.server, 'GET', '/healthz').catch(() => ({}))).status === 200,
      { timeoutMs: 30_000, what: 'service after the attackers left' });
    await stillServes(suite.server, suite.chat, 'after the cap');
  });
});

describe('sign-in floods', () => {
  const suite = suiteWithChat();

  it('200 connections looping bad sign-ins do not stop pages, chat or a real sign-in', async () => {
    const owner = await newStaff(suite.server);
    let stop = false;
    const counts = {};
    const flood = Array.from({ length: 200 }, async (_, i) => {
      while (!stop) {
        const r = await tryLogin(suite.server, `nobody${i}@test.invalid`, 'wrong password', { localAddress: ATTACKER })
          .catch(() => null);
        if (r) counts[r.status] = (counts[r.status] ?? 0) + 1;
      }
    });
    try {
      await eventually(() => (counts[503] ?? 0) > 50, { timeoutMs: 30_000, what: 'the flood to be turned away' });
      await stillServes(suite.server, suite.chat, 'during a sign-in flood');
      const real = await tryLogin(suite.server, owner.email, STAFF_PASSWORD);
      assert.equal(real.status, 200, real.response.text);
    } finally {
      stop = true;
      await Promise.all(flood);
    }
    assert.ok(counts[503] > 0, JSON.stringify(counts));
  });

  it('a busy answer says what to do', async () => {
    // Five sign-ins at once from one address: at most four are hashed, the rest wait their turn.
    const all = await Promise.all(Array.from({ length: 12 }, (_, i) =>
      tryLogin(suite.server, `someone${i}@test.invalid`, 'wrong', { localAddress: '127.0.0.3' })));
    const busy = all.filter((r) => r.status === 503);
    assert.ok(busy.length > 0, all.map((r) => r.status).join(','));
    assert.equal(busy[0].response.json.error.code, 'unavailable');
    assert.match(busy[0].response.json.error.message, /try again in a few seconds/);
    assert.equal(busy[0].response.headers['retry-after'], '5');
  });
});

describe('trusted proxies', () => {
  const servers = [];
  const clients = [];
  after(async () => {
    await closeAll(clients);
    for (const s of servers) await s.cleanup();
  });

  async function startFrom(server, forwardedFor) {
    const ws = await WsClient.connect(server.wsUrl('/ws/visitor'), { headers: { 'x-forwarded-for': forwardedFor } });
    clients.push(ws);
    ws.send({ type: 'start' });
    return ws.next((f) => f.type === 'started' || f.type === 'error');
  }

  it('behind a trusted proxy each visitor counts as their own network', async () => {
    const server = await startServer({
      env: { SAFECONNECT_TRUSTED_PROXIES: '127.0.0.1', SAFECONNECT_CHAT_NEW_PER_NETWORK_PER_HOUR: '2' },
    });
    servers.push(server);
    for (const client of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
      assert.equal((await startFrom(server, client)).type, 'started', client);
    }
    assert.equal((await startFrom(server, '198.51.100.1')).type, 'started');
    const third = await startFrom(server, '203.0.113.9, 198.51.100.1');
    assert.equal(third.type, 'error', 'the rightmost untrusted hop is the client, whatever it prepends');
    assert.equal(third.code, 'unavailable');
  });

  it('without trusted proxies a forged X-Forwarded-For changes nothing', async () => {
    const server = await startServer({ env: { SAFECONNECT_CHAT_NEW_PER_NETWORK_PER_HOUR: '2' } });
    servers.push(server);
    assert.equal((await startFrom(server, '198.51.100.1')).type, 'started');
    assert.equal((await startFrom(server, '198.51.100.2')).type, 'started');
    const third = await startFrom(server, '198.51.100.3');
    assert.equal(third.code, 'unavailable');
  });

  it('a malformed trusted_proxies setting stops the start with a clear message', async () => {
    await assert.rejects(startServer({ env: { SAFECONNECT_TRUSTED_PROXIES: '127.0.0.1, proxy.example' } }),
      /trusted_proxies: 'proxy\.example' is not an IP address/);
  });
});

describe('graceful shutdown', () => {
  let server;
  after(async () => server?.cleanup());

  it('tells every socket 1001 (going away); the visitor resumes after the restart with nothing lost', async () => {
    server = await startServer();
    const chat = await openChat(server);
    const said = await visitorSay(chat.visitor, 'before the restart');
    await server.stop();
    const [visitorClose, staffClose] = await Promise.all([chat.visitor.ws.closed, chat.staff.ws.closed]);
    assert.equal(visitorClose.code, 1001);
    assert.equal(staffClose.code, 1001);
    assert.match(server.log(), /event=shutting_down/);
    await server.launch();
    const ws = await WsClient.connect(server.wsUrl('/ws/visitor'));
    ws.send({ type: 'resume', token: chat.visitor.token, last_seq: 0 });
    await ws.nextType('resumed');
    const replayed = await ws.next(isMessage((m) => m.seq === said.seq));
    assert.equal(replayed.message.text, 'before the restart');
    await ws.close();
  });
});
