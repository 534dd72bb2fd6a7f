// "IP addresses are collected only temporarily, for aggregate traffic statistics"
// (DESIGN.md): everything a visitor and a staff member do comes from the distinctive
// loopback source address 127.0.0.77 (public pages, a whole chat, sign-in, the console),
// and so does everything that goes wrong (malformed requests, refused handshakes, bad
// frames, failed and throttled sign-ins, chats past the per-network limit), because error
// paths are where an address is most tempting to log. Afterwards the address is in no file
// of the data directory, in no backup, and in no line the server logged, in any form: text
// (UTF-8 and UTF-16LE), IPv4-mapped IPv6 text, hexadecimal, a 32-bit decimal, and the four
// bytes in either order. The server did see the traffic: the chat worked and the aggregate
// traffic counts went up.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  ADMIN_EMAIL, ADMIN_PASSWORD, WsClient, accept, availableCoordinator, closeAll, connectVisitor, isMessage,
  isStaffMessage, login, makeTempDir, rawExchange, removeDir, request, staffHeaders, staffSay, startServer,
  startVisitor, tryLogin, visitorSay, waitQueue,
} from './harness.mjs';
import { describeFiles, findBytes, readFiles, runBackup, textForms } from './privacy_helpers.mjs';

const SOURCE = '127.0.0.77';

/** Every form the address could take in a file or a log. */
const addressNeedles = [
  ...textForms(SOURCE).map((n) => ({ ...n, form: `text ${n.form}` })),
  ...textForms(`::ffff:${SOURCE}`).map((n) => ({ ...n, form: `IPv4-mapped ${n.form}` })),
  { form: '4 bytes, network order (7f 00 00 4d)', bytes: Buffer.from([0x7f, 0x00, 0x00, 0x4d]) },
  { form: '4 bytes, little-endian (4d 00 00 7f)', bytes: Buffer.from([0x4d, 0x00, 0x00, 0x7f]) },
  ...['7f00004d', '7F00004D', '4d00007f', '::ffff:7f00:4d', '2130706509', '1291845759']
    .flatMap((t) => textForms(t).map((n) => ({ ...n, form: `${t} ${n.form}` }))),
];

/** Everything that goes wrong, from SOURCE: each path that might be tempted to log the peer. */
async function misbehave(server, clients) {
  const from = { localAddress: SOURCE };
  const bad = [
    'NONSENSE\r\n\r\n',
    `GET / HTTP/1.1\r\nHost: x\r\nX: ${'a'.repeat(9000)}\r\n\r\n`,
    'GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n',
    `GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: ${'a'.repeat(20000)}\r\n\r\n`,
    'GET /ws/visitor HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
      'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: short\r\n\r\n',
    'GET /ws/nowhere HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
      'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
  ];
  for (const b of bad) assert.match(await rawExchange(server, b, from), /^HTTP\/1\.1 4\d\d /, b.slice(0, 40));
  assert.equal((await request(server, 'POST', '/api/staff/login', { body: 'x'.repeat(70_000), ...from })).status, 413);
  assert.equal((await request(server, 'POST', '/api/staff/users', { json: {}, ...from })).status, 401);
  await assert.rejects(WsClient.connect(server.wsUrl('/ws/staff'), { headers: { origin: 'https://evil.example' }, ...from }));
  // Sign-ins that fail until the account is throttled.
  for (let i = 0; i < 7; i += 1) {
    const r = await tryLogin(server, 'nobody@test.invalid', 'not-the-password-at-all', from);
    assert.ok(r.status === 401 || r.status === 429, `${r.status}`);
  }
  // Bad frames, a frame flood, and chats past the per-network limit.
  const v = await connectVisitor(server, 'misbehaving', from);
  clients.push(v);
  for (const f of ['not json', '{"type":"nope"}', '[1]', '{"type":"send","client_id":"x","text":""}']) {
    v.sendRaw(f);
    await v.nextType('error');
  }
  v.sendRaw(Buffer.from([1, 2, 3]), { binary: true });
  await v.nextType('error');
  for (let i = 0; i < 40; i += 1) v.send({ type: 'ping' });
  await v.nextError('rate_limited');
  const refused = await connectVisitor(server, 'over-the-limit', from);
  clients.push(refused);
  for (let i = 0; i < 3; i += 1) {
    const w = await connectVisitor(server, `filler-${i}`, from);
    clients.push(w);
    w.send({ type: 'start' });
    await w.next((f) => f.type === 'started' || f.type === 'error');
  }
  refused.send({ type: 'start' });
  await refused.nextError('unavailable');
}

const PAGES = ['/', '/safety', '/privacy', '/privacy/versions', '/contact', '/chat', '/staff', '/healthz'];

describe('no IP address reaches disk', () => {
  let server;
  let backupDir;
  const clients = [];
  const from = { localAddress: SOURCE };

  after(async () => {
    await closeAll(clients);
    await server?.cleanup();
    await removeDir(backupDir);
  });

  /** Page views per page, summed over the days GET /api/staff/traffic answers. */
  async function pageViews(admin) {
    const r = await request(server, 'GET', '/api/staff/traffic', { headers: staffHeaders(server, admin), ...from });
    assert.equal(r.status, 200, r.text);
    const views = {};
    let visitors = 0;
    for (const d of r.json.days) {
      visitors += d.visitors;
      for (const [page, n] of Object.entries(d.pages)) views[page] = (views[page] ?? 0) + n;
    }
    return { views, visitors };
  }

  it(`a chat, a sign-in, page views and every kind of refusal from ${SOURCE} leave the address in no file, backup or log`, async () => {
    // A low per-network limit, so that misbehave() meets it.
    server = await startServer({ env: { SAFECONNECT_CHAT_NEW_PER_NETWORK_PER_HOUR: '3' } });
    backupDir = await makeTempDir('safeconnect-backup-');

    // The test's premise: the server really sees 127.0.0.77 as the peer.
    const probe = await request(server, 'GET', '/healthz', from);
    assert.equal(probe.status, 200);
    assert.equal(probe.localAddress, SOURCE, 'HTTP requests leave from 127.0.0.77');

    let admin = await login(server, ADMIN_EMAIL, ADMIN_PASSWORD, from);
    const baseline = await pageViews(admin);

    // Public pages, an asset and a page that does not exist.
    const assets = new Set();
    for (const p of PAGES) {
      const r = await request(server, 'GET', p, { headers: { 'user-agent': 'no-ip-test' }, ...from });
      assert.equal(r.status, 200, `${p}: ${r.status}`);
      for (const m of r.text.matchAll(/(?:src|href)=["']?(\/assets\/[^"' >]+)/g)) assets.add(m[1]);
    }
    assert.ok(assets.size > 0, 'the pages reference assets');
    for (const a of assets) assert.equal((await request(server, 'GET', a, from)).status, 200, a);
    assert.equal((await request(server, 'GET', `/no-such-page-${crypto.randomBytes(4).toString('hex')}`, from)).status, 404);

    // A failed and a successful sign-in, the console, and a whole chat.
    const wrong = await tryLogin(server, ADMIN_EMAIL, 'not-the-password-at-all', from);
    assert.equal(wrong.status, 401);
    const staff = await availableCoordinator(server, { name: 'Ida', ...from });
    clients.push(staff.ws);
    const visitor = await startVisitor(server, { intake: { state: 'CT', age: '40' }, ...from });
    clients.push(visitor.ws);
    assert.equal(staff.ws.ws._socket?.localAddress, SOURCE, 'the staff console connects from 127.0.0.77');
    assert.equal(visitor.ws.ws._socket?.localAddress, SOURCE, 'the visitor connects from 127.0.0.77');
    const entries = await waitQueue(staff, (e) => e.length >= 1);
    const convId = entries[entries.length - 1].conversation_id;
    await accept(staff, convId);
    await visitor.ws.next(isMessage((m) => m.event === 'advocate_joined'));
    const v = await visitorSay(visitor, 'hello from the test network');
    await staff.ws.next(isStaffMessage(convId, (m) => m.seq === v.seq && m.text === 'hello from the test network'));
    const s = await staffSay(staff, convId, 'hello back');
    await visitor.ws.next(isMessage((m) => m.seq === s.seq && m.text === 'hello back'));
    staff.ws.send({ type: 'end', conversation_id: convId, disposition: 'information' });
    await visitor.ws.nextType('ended');
    await staff.ws.nextType('removed', (f) => f.conversation_id === convId);
    await misbehave(server, clients);
    await closeAll(clients);

    // While the server runs, the write-ahead logs hold the latest pages: search them too.
    const live = await readFiles(server.dataDir);
    assert.ok(live.some((f) => path.basename(f.path) === 'safeconnect.db-wal'), `the WAL is searched: ${describeFiles(live)}`);
    assert.deepEqual(findBytes(live, addressNeedles), [], `${SOURCE} is in no file while the server runs (${describeFiles(live)})`);

    // A graceful stop flushes the traffic counts; the counts went up (positive control).
    const stopped = await server.stop();
    assert.equal(stopped.code, 0, `graceful stop: ${JSON.stringify(stopped)}`);
    await server.launch();
    admin = await login(server, ADMIN_EMAIL, ADMIN_PASSWORD, from);
    const counted = await pageViews(admin);
    for (const p of ['/', '/safety', '/privacy', '/contact', '/chat']) {
      assert.ok((counted.views[p] ?? 0) >= (baseline.views[p] ?? 0) + 1,
        `the view of ${p} was counted: before ${JSON.stringify(baseline)}, after ${JSON.stringify(counted)}`);
    }
    assert.ok(counted.visitors >= baseline.visitors + 1, `a unique visitor was counted: ${JSON.stringify(counted)}`);
    await server.stop();

    const backup = path.join(backupDir, 'after-traffic.db');
    const b = await runBackup(server.dataDir, backup);

    // The address is nowhere: data dir (every file, WAL included), the backup, the log.
    const files = await readFiles(server.dataDir, backupDir);
    assert.ok(files.some((f) => path.basename(f.path) === 'safeconnect.db' && f.bytes.length > 0), describeFiles(files));
    assert.ok(files.some((f) => f.path === backup), 'the backup is searched too');
    const log = server.log();
    assert.ok(/event=chat_started/.test(log) && /event=staff_signed_in/.test(log), 'the log recorded the activity');
    files.push({ path: 'server log (stdout+stderr)', bytes: Buffer.from(log, 'utf8') });
    files.push({ path: 'backup command output', bytes: Buffer.from(b.stdout + b.stderr, 'utf8') });
    const hits = findBytes(files, addressNeedles);
    assert.deepEqual(hits, [], `${SOURCE} is in no file, backup or log (searched: ${describeFiles(files)})`);

    // Positive control for the search itself: it finds what is there.
    const control = findBytes([{ path: 'log', bytes: Buffer.from(`x peer=${SOURCE}:5555 ::ffff:${SOURCE} 0x7f00004d`) }], addressNeedles);
    assert.deepEqual(control.map((h) => h.form).sort(), ['7f00004d UTF-8', 'IPv4-mapped UTF-8', 'text UTF-8'].sort());
  });
});
