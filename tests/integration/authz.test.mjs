// Who may do what over HTTP and /ws/staff; CSRF, login throttling and sign-out;
// and, for every public route, no cookie and the security headers.

import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import {
  ADMIN_EMAIL, ADMIN_PASSWORD, STAFF_PASSWORD, UpgradeRefused, WsClient, addStaff, availableCoordinator, closeAll,
  connectStaff, connectVisitor, eventually, login, newStaff, openChat, request, staffHeaders, startServer,
  suiteServer, tryLogin, visitorSay,
} from './harness.mjs';

/** Asserts the headers every response carries. */
function assertSecurityHeaders(res, what) {
  const csp = res.headers['content-security-policy'];
  assert.ok(csp, `${what}: has Content-Security-Policy`);
  const directives = new Map(csp.split(';').map((d) => d.trim()).filter(Boolean).map((d) => {
    const [name, ...values] = d.split(/\s+/);
    return [name.toLowerCase(), values.join(' ')];
  }));
  assert.equal(directives.get('default-src'), "'self'", `${what}: default-src 'self' in ${csp}`);
  assert.equal(directives.get('object-src'), "'none'", `${what}: object-src 'none' in ${csp}`);
  assert.equal(directives.get('base-uri'), "'none'", `${what}: base-uri 'none' in ${csp}`);
  assert.equal(directives.get('frame-ancestors'), "'none'", `${what}: frame-ancestors 'none' in ${csp}`);
  for (const [name, value] of directives) {
    assert.ok(!/https?:|\*|'unsafe-eval'/.test(value), `${what}: CSP allows no other origin (${name} ${value})`);
  }
  assert.equal(res.headers['x-content-type-options'], 'nosniff', `${what}: nosniff`);
  assert.equal(res.headers['referrer-policy'], 'no-referrer', `${what}: Referrer-Policy`);
  assert.equal(res.headers['strict-transport-security'], undefined, `${what}: no HSTS without TLS`);
}

function assertNoStore(res, what) {
  assert.match(res.headers['cache-control'] ?? '', /\bno-store\b/, `${what}: Cache-Control no-store`);
}

function assertNoCookie(res, what) {
  assert.deepEqual(res.setCookies, [], `${what}: sets no cookie`);
}

describe('authorization and headers', () => {
  let server;
  let admin;
  let coord;
  const clients = [];

  before(async () => {
    server = await startServer();
    await addStaff(server.dataDir, { email: 'coord@test.invalid', name: 'Coco' });
    admin = await login(server, ADMIN_EMAIL, ADMIN_PASSWORD);
    coord = await login(server, 'coord@test.invalid', STAFF_PASSWORD);
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

  it('sets the session cookie as __Host-, HttpOnly, Secure, SameSite=Strict', async () => {
    await addStaff(server.dataDir, { email: 'cookie@test.invalid', name: 'Cookie' });
    const r = await tryLogin(server, 'cookie@test.invalid', STAFF_PASSWORD);
    assert.equal(r.status, 200);
    assert.ok(r.setCookie, `a __Host-sc_session cookie: ${JSON.stringify(r.response.setCookies)}`);
    const attrs = r.setCookie.split(';').slice(1).map((a) => a.trim().toLowerCase());
    assert.ok(attrs.includes('path=/'), r.setCookie);
    assert.ok(attrs.includes('secure'), r.setCookie);
    assert.ok(attrs.includes('httponly'), r.setCookie);
    assert.ok(attrs.includes('samesite=strict'), r.setCookie);
    assert.ok(!attrs.some((a) => a.startsWith('domain=')), `__Host- cookies have no Domain: ${r.setCookie}`);
    assert.match(r.csrf, /^\S{16,}$/);
    assert.equal(r.user.email, 'cookie@test.invalid');
    assert.equal(r.user.role, 'coordinator');
    assert.equal(r.user.disabled, false);
    assert.equal(r.user.password, undefined);
    assert.equal(r.user.password_hash, undefined);
    assertNoStore(r.response, 'login');
    assertSecurityHeaders(r.response, 'login');
  });

  it('refuses bad credentials with 401 bad_credentials', async () => {
    for (const [email, password] of [['coord@test.invalid', 'wrong-password-123'], ['nobody@test.invalid', 'whatever-password']]) {
      const r = await tryLogin(server, email, password);
      assert.equal(r.status, 401, `${email}: ${r.response.text}`);
      assert.equal(r.response.json?.error?.code, 'bad_credentials');
      assert.equal(r.cookie, null);
      assertNoCookie(r.response, 'failed login');
    }
    const malformed = await request(server, 'POST', '/api/staff/login', { json: { email: 'x' } });
    assert.equal(malformed.status, 400, malformed.text);
    assert.equal(malformed.json?.error?.code, 'bad_request');
  });

  it('GET /api/staff/users: 401 without a session, 403 for a coordinator, 200 for an admin', async () => {
    const anon = await request(server, 'GET', '/api/staff/users');
    assert.equal(anon.status, 401);
    assert.equal(anon.json?.error?.code, 'unauthenticated');
    assertSecurityHeaders(anon, '401');
    assertNoStore(anon, '401');
    assertNoCookie(anon, '401');

    const forged = await request(server, 'GET', '/api/staff/users', { headers: { cookie: `__Host-sc_session=${'0'.repeat(64)}` } });
    assert.equal(forged.status, 401);

    const asCoord = await request(server, 'GET', '/api/staff/users', { headers: staffHeaders(server, coord) });
    assert.equal(asCoord.status, 403);
    assert.equal(asCoord.json?.error?.code, 'forbidden');

    const asAdmin = await request(server, 'GET', '/api/staff/users', { headers: staffHeaders(server, admin) });
    assert.equal(asAdmin.status, 200, asAdmin.text);
    assertNoStore(asAdmin, 'users');
    const emails = asAdmin.json.users.map((u) => u.email);
    assert.ok(emails.includes(ADMIN_EMAIL));
    assert.ok(emails.includes('coord@test.invalid'));
    for (const u of asAdmin.json.users) {
      assert.deepEqual(Object.keys(u).sort(), ['disabled', 'email', 'id', 'name', 'role', 'totp_enrolled'].sort(), JSON.stringify(u));
    }
  });

  it('GET /api/staff/me answers the user and a CSRF token', async () => {
    const me = await request(server, 'GET', '/api/staff/me', { headers: { cookie: coord.cookie } });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json.user.email, 'coord@test.invalid');
    assert.equal(me.json.csrf_token, coord.csrf);
    assertNoStore(me, 'me');
    const anon = await request(server, 'GET', '/api/staff/me');
    assert.equal(anon.status, 401);
  });

  it('POST needs the CSRF token (403 csrf) and a matching Origin', async () => {
    const body = { email: 'new1@test.invalid', name: 'New', role: 'coordinator', password: 'a-long-enough-password' };
    const noToken = await request(server, 'POST', '/api/staff/users', {
      headers: staffHeaders(server, admin, { csrf: false }), json: body,
    });
    assert.equal(noToken.status, 403, noToken.text);
    assert.equal(noToken.json?.error?.code, 'csrf');

    const wrongToken = await request(server, 'POST', '/api/staff/users', {
      headers: { ...staffHeaders(server, admin), 'x-csrf-token': 'not-the-token' }, json: body,
    });
    assert.equal(wrongToken.status, 403);
    assert.equal(wrongToken.json?.error?.code, 'csrf');

    const otherSessionToken = await request(server, 'POST', '/api/staff/users', {
      headers: { ...staffHeaders(server, admin), 'x-csrf-token': coord.csrf }, json: body,
    });
    assert.equal(otherSessionToken.status, 403, 'a CSRF token belongs to its own session');

    const wrongOrigin = await request(server, 'POST', '/api/staff/users', {
      headers: { ...staffHeaders(server, admin), origin: 'http://evil.example' }, json: body,
    });
    assert.equal(wrongOrigin.status, 403, wrongOrigin.text);

    // None of those created the user.
    const list = await request(server, 'GET', '/api/staff/users', { headers: staffHeaders(server, admin) });
    assert.ok(!list.json.users.some((u) => u.email === body.email));

    const ok = await request(server, 'POST', '/api/staff/users', { headers: staffHeaders(server, admin), json: body });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.json.user.email, body.email);
    assert.equal(ok.json.user.role, 'coordinator');
    assert.equal(ok.json.user.disabled, false);

    const dup = await request(server, 'POST', '/api/staff/users', { headers: staffHeaders(server, admin), json: body });
    assert.equal(dup.status, 409);
    assert.equal(dup.json?.error?.code, 'conflict');

    const weak = await request(server, 'POST', '/api/staff/users', {
      headers: staffHeaders(server, admin), json: { ...body, email: 'new2@test.invalid', password: 'short-pw' },
    });
    assert.equal(weak.status, 400);
    const badRole = await request(server, 'POST', '/api/staff/users', {
      headers: staffHeaders(server, admin), json: { ...body, email: 'new3@test.invalid', role: 'root' },
    });
    assert.equal(badRole.status, 400);

    // A coordinator with a valid token is still not an admin.
    const coordPost = await request(server, 'POST', '/api/staff/users', {
      headers: staffHeaders(server, coord), json: { ...body, email: 'new4@test.invalid' },
    });
    assert.equal(coordPost.status, 403);
    assert.equal(coordPost.json?.error?.code, 'forbidden');

    // The user created over the API can sign in.
    await login(server, body.email, body.password);
  });

  it('disabling a user ends their sessions at once', async () => {
    await addStaff(server.dataDir, { email: 'leaver@test.invalid', name: 'Leaver' });
    const s = await login(server, 'leaver@test.invalid', STAFF_PASSWORD);
    const ws = await WsClient.connect(server.wsUrl('/ws/staff'), { headers: { cookie: s.cookie, origin: server.origin }, name: 'leaver' });
    clients.push(ws);
    ws.send({ type: 'hello', csrf_token: s.csrf });
    await ws.nextType('state');

    const me = await request(server, 'GET', '/api/staff/me', { headers: { cookie: s.cookie } });
    const id = me.json.user.id;
    const dis = await request(server, 'POST', `/api/staff/users/${id}/disable`, { headers: staffHeaders(server, admin) });
    assert.equal(dis.status, 200, dis.text);
    assert.equal(dis.json.user.disabled, true);

    const after = await request(server, 'GET', '/api/staff/me', { headers: { cookie: s.cookie } });
    assert.equal(after.status, 401);
    const relogin = await tryLogin(server, 'leaver@test.invalid', STAFF_PASSWORD);
    assert.notEqual(relogin.status, 200);
    assert.equal(relogin.cookie, null);
    // The live console of a disabled account is closed.
    await ws.waitClosed();
  });

  it('refuses /ws/staff without a session, with a wrong or missing Origin, or without hello', async () => {
    const url = server.wsUrl('/ws/staff');
    const attempts = [
      ['no cookie', { origin: server.origin }],
      ['a forged cookie', { origin: server.origin, cookie: `__Host-sc_session=${'1'.repeat(64)}` }],
      ['a wrong Origin', { origin: 'http://evil.example', cookie: coord.cookie }],
      ['another port as Origin', { origin: `http://127.0.0.1:${server.port === 1 ? 2 : server.port - 1}`, cookie: coord.cookie }],
      ['no Origin', { cookie: coord.cookie }],
    ];
    for (const [what, headers] of attempts) {
      await assert.rejects(WsClient.connect(url, { headers, name: what }), (err) => {
        assert.ok(err instanceof UpgradeRefused, `${what}: ${err}`);
        assert.ok([401, 403].includes(err.status), `${what}: HTTP ${err.status}`);
        return true;
      }, what);
      await server.checkAlive(`after a /ws/staff upgrade with ${what}`);
    }

    // With a wrong CSRF token in hello, the console does not open.
    const ws = await WsClient.connect(url, { headers: { cookie: coord.cookie, origin: server.origin }, name: 'bad-hello' });
    clients.push(ws);
    ws.send({ type: 'hello', csrf_token: 'wrong' });
    const f = await ws.next((x) => x.type === 'error' || x.type === 'state', undefined, 'error');
    assert.equal(f.type, 'error', `hello with a wrong CSRF token: ${JSON.stringify(f)}`);
    assert.equal(f.code, 'forbidden');

    // Anything before hello is refused.
    const ws2 = await WsClient.connect(url, { headers: { cookie: coord.cookie, origin: server.origin }, name: 'no-hello' });
    clients.push(ws2);
    ws2.send({ type: 'availability', available: true });
    const g = await ws2.next((x) => x.type === 'error' || x.type === 'staff', undefined, 'error');
    assert.equal(g.type, 'error', `a frame before hello: ${JSON.stringify(g)}`);
  });

  it('refused upgrades (unknown path, foreign Origin) leave the server running', async () => {
    await assert.rejects(WsClient.connect(server.wsUrl('/ws/nope'), { name: 'unknown path' }),
      (err) => err instanceof UpgradeRefused && err.status === 404);
    await server.checkAlive('after a refused upgrade to /ws/nope');
  });

  it('a /ws/visitor upgrade from a foreign Origin is refused; one with no Origin (not a browser) is not', async () => {
    // A page on another site must not open chats in a visitor's browser.
    await assert.rejects(
      WsClient.connect(server.wsUrl('/ws/visitor'), { headers: { origin: 'http://evil.example' }, name: 'foreign visitor' }),
      (err) => err instanceof UpgradeRefused && err.status === 403 && /another site/.test(err.body));
    const ours = await WsClient.connect(server.wsUrl('/ws/visitor'), { headers: { origin: server.origin }, name: 'our page' });
    await ours.close();
    const tool = await WsClient.connect(server.wsUrl('/ws/visitor'), { name: 'no Origin' });
    await tool.close();
    await server.checkAlive('after a /ws/visitor upgrade from a foreign Origin');
  });

  it('the visitor endpoint needs no cookie and sets none', async () => {
    const ws = await connectVisitor(server, 'visitor-headers');
    clients.push(ws);
    assert.equal(ws.upgradeHeaders['set-cookie'], undefined, 'no cookie on the visitor upgrade');
    ws.send({ type: 'start' });
    await ws.nextType('started');
  });

  it('throttles repeated wrong passwords with 429 throttled', async () => {
    await addStaff(server.dataDir, { email: 'target@test.invalid', name: 'Target' });
    let throttled = null;
    const statuses = [];
    for (let i = 0; i < 30 && !throttled; i += 1) {
      const r = await tryLogin(server, 'target@test.invalid', `wrong-password-${i}`);
      statuses.push(r.status);
      if (r.status === 429) throttled = r;
      else assert.equal(r.status, 401, `attempt ${i}: ${r.response.text}`);
    }
    assert.ok(throttled, `no 429 after 30 wrong passwords: ${statuses.join(',')}`);
    assert.ok(statuses.filter((s) => s === 401).length >= 3, 'a few honest mistakes are not throttled');
    assert.equal(throttled.response.json?.error?.code, 'throttled');
    assert.ok(/\d/.test(throttled.response.json.error.message) || throttled.response.headers['retry-after'],
      `the answer says when to retry: ${throttled.response.text}`);
    // While throttled even the right password is refused, and no session is made.
    const right = await tryLogin(server, 'target@test.invalid', STAFF_PASSWORD);
    assert.equal(right.status, 429);
    assert.equal(right.cookie, null);
    // Other accounts are not affected.
    await login(server, 'coord@test.invalid', STAFF_PASSWORD);
  });

  it('logout ends the session on the server and clears the cookie', async () => {
    const s = await login(server, 'coord@test.invalid', STAFF_PASSWORD);
    const noCsrf = await request(server, 'POST', '/api/staff/logout', { headers: staffHeaders(server, s, { csrf: false }) });
    assert.equal(noCsrf.status, 403, 'logout needs the CSRF token too');
    const out = await request(server, 'POST', '/api/staff/logout', { headers: staffHeaders(server, s) });
    assert.equal(out.status, 204, out.text);
    const cleared = out.setCookies.find((c) => c.startsWith('__Host-sc_session='));
    assert.ok(cleared, 'the cookie is cleared');
    assert.match(cleared, /^__Host-sc_session=;|max-age=0|expires=thu, 01 jan 1970/i);
    const me = await request(server, 'GET', '/api/staff/me', { headers: { cookie: s.cookie } });
    assert.equal(me.status, 401);
    await assert.rejects(WsClient.connect(server.wsUrl('/ws/staff'), {
      headers: { cookie: s.cookie, origin: server.origin }, name: 'after-logout',
    }), (err) => err instanceof UpgradeRefused && [401, 403].includes(err.status));
    // Another session of the same user is untouched.
    const other = await request(server, 'GET', '/api/staff/me', { headers: { cookie: coord.cookie } });
    assert.equal(other.status, 200);
  });

  it('public routes set no cookie and carry the security headers', async () => {
    const pages = ['/', '/safety', '/privacy', '/contact', '/chat', '/staff'];
    const assets = new Set();
    for (const p of pages) {
      const r = await request(server, 'GET', p, { headers: { 'accept-language': 'en' } });
      assert.equal(r.status, 200, `${p}: ${r.status}`);
      assert.match(r.headers['content-type'] ?? '', /^text\/html\b/i, `${p}: HTML`);
      assertNoCookie(r, p);
      assertSecurityHeaders(r, p);
      assertNoStore(r, p);
      assert.ok(!/<script[^>]+src=["']?https?:/i.test(r.text), `${p}: no third-party script`);
      assert.ok(!/<link[^>]+href=["']?https?:/i.test(r.text), `${p}: no third-party stylesheet`);
      for (const m of r.text.matchAll(/(?:src|href)=["']?(\/assets\/[^"' >]+)/g)) assets.add(m[1]);
    }
    assert.ok(assets.size > 0, 'the pages reference /assets/ files');

    for (const a of assets) {
      const r = await request(server, 'GET', a);
      assert.equal(r.status, 200, `${a}: ${r.status}`);
      assertNoCookie(r, a);
      assertSecurityHeaders(r, a);
      assert.match(r.headers['cache-control'] ?? '', /max-age=31536000/, `${a}: long cache`);
      assert.match(r.headers['cache-control'] ?? '', /immutable/, `${a}: immutable`);
      assert.ok(r.headers.etag, `${a}: ETag`);
      const again = await request(server, 'GET', a, { headers: { 'if-none-match': r.headers.etag } });
      assert.equal(again.status, 304, `${a}: If-None-Match answers 304`);
      assertNoCookie(again, `${a} (304)`);
    }
    const someJs = [...assets].find((a) => a.endsWith('.js'));
    if (someJs) {
      const gz = await request(server, 'GET', someJs, { headers: { 'accept-encoding': 'gzip' } });
      assert.equal(gz.headers['content-encoding'], 'gzip', `${someJs}: gzip when accepted`);
      assert.match(gz.headers.vary ?? '', /accept-encoding/i);
    }

    const health = await request(server, 'GET', '/healthz');
    assert.equal(health.status, 200);
    assert.deepEqual(health.json, { status: 'ok' });
    assertNoCookie(health, '/healthz');
    assertSecurityHeaders(health, '/healthz');
    assertNoStore(health, '/healthz');

    const missing = await request(server, 'GET', '/no/such/page');
    assert.equal(missing.status, 404);
    assert.match(missing.headers['content-type'] ?? '', /^text\/html\b/i, '404 is a page');
    assertNoCookie(missing, '404');
    assertSecurityHeaders(missing, '404');
    assertNoStore(missing, '404');

    const missingAsset = await request(server, 'GET', '/assets/nope.0123456789.js');
    assert.equal(missingAsset.status, 404);
    assertNoCookie(missingAsset, 'missing asset');

    const badMethod = await request(server, 'DELETE', '/');
    assert.equal(badMethod.status, 405);
    assertNoCookie(badMethod, '405');
    assertSecurityHeaders(badMethod, '405');

    const head = await request(server, 'HEAD', '/');
    assertNoCookie(head, 'HEAD /');
  });

  it('answers a request with 9 KiB of headers with 431 and stays up', async () => {
    const r = await request(server, 'GET', '/', { headers: { 'x-padding': 'p'.repeat(9 * 1024) } })
      .catch((err) => ({ status: `connection closed (${err.code})`, err }));
    assert.ok(r.status === 431 || r.status === 400 || ['ECONNRESET', 'EPIPE'].includes(r.err?.code), `status ${r.status}`);
    await server.checkAlive('after a request with oversized headers');
  });

  it('answers a malformed request line with 400 and stays up', async () => {
    const net = await import('node:net');
    const answer = await new Promise((resolve) => {
      const sock = net.connect(server.port, '127.0.0.1', () => sock.end('GARBAGE\r\n\r\n'));
      let data = '';
      sock.on('data', (d) => (data += d));
      sock.on('close', () => resolve(data));
      sock.on('error', () => resolve(data));
    });
    assert.match(answer, /^HTTP\/1\.1 400/, `answer: ${answer.slice(0, 80)}`);
    assert.ok(!/set-cookie/i.test(answer));
    await server.checkAlive('after a malformed request line');
  });

  it('drops an oversized request body', async () => {
    const r = await request(server, 'POST', '/api/staff/login', {
      body: JSON.stringify({ email: 'x'.repeat(70 * 1024), password: 'y' }),
      headers: { 'content-type': 'application/json' },
    }).catch((err) => ({ status: `connection closed (${err.code})`, err }));
    assert.ok(r.status === 413 || ['ECONNRESET', 'EPIPE'].includes(r.err?.code), `status ${r.status}`);
    await server.checkAlive('after an oversized request body');
  });
});

describe('reading another advocate’s chat', () => {
  const suite = suiteServer();

  it('a supervisor may open it and the audit log says so; another coordinator may not', async () => {
    const { server, clients } = suite;
    const chat = await openChat(server);
    clients.push(chat.staff.ws, chat.visitor.ws);
    const said = await visitorSay(chat.visitor, 'only for the advocates');

    const other = await availableCoordinator(server);
    clients.push(other.ws);
    other.ws.send({ type: 'history', conversation_id: chat.convId, after_seq: 0 });
    assert.equal((await other.ws.nextType('error')).code, 'forbidden');

    const sup = await newStaff(server, { role: 'supervisor' });
    const supWs = await connectStaff(server, sup.session);
    clients.push(supWs.ws);
    supWs.ws.send({ type: 'history', conversation_id: chat.convId, after_seq: 0 });
    const seen = await supWs.ws.nextType('chat', (f) => f.chat.conversation_id === chat.convId);
    assert.ok(seen.chat.messages.some((m) => m.seq === said.seq && m.text === 'only for the advocates'));

    const admin = await login(server, ADMIN_EMAIL, ADMIN_PASSWORD);
    await eventually(async () => {
      const audit = await request(server, 'GET', '/api/staff/audit', { headers: staffHeaders(server, admin) });
      return audit.json?.entries?.some((e) => e.action === 'transcript_opened' && e.subject === chat.convId &&
        e.staff_id === sup.session.user.id);
    }, { what: 'the supervisor’s reading in the audit log' });
    const audit = await request(server, 'GET', '/api/staff/audit', { headers: staffHeaders(server, admin) });
    assert.ok(!audit.text.includes('only for the advocates'), 'the audit log holds no message text');
  });
});
