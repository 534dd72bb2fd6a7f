// Staff accounts over HTTP and WebSocket against the real server: TOTP enrolment and
// two-step sign-in (codes from the manual key, computed here), recovery codes, a role that
// requires TOTP, the admin's reset, the first administrator's generated password (shown once
// on the terminal, in no log or file, replaced at the first sign-in),
// sign-out of one session or everywhere closing exactly the right consoles, and an open
// console closing when its session expires while one in use stays.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  ADMIN_EMAIL, ADMIN_PASSWORD, STAFF_PASSWORD, UpgradeRefused, WsClient, addStaff, closeAll, connectStaff,
  eventually, login, newStaff, request, staffHeaders, startServer, suiteServer, tryLogin,
} from './harness.mjs';
import { describeFiles, findBytes, readFiles, sessionLastUsed, textForms } from './privacy_helpers.mjs';
import { freshTotpCode } from './totp.mjs';

const NEW_PASSWORD = 'lantern moss drifts over slate';

async function post(server, session, path, json = {}) {
  return request(server, 'POST', path, { headers: staffHeaders(server, session), json });
}

async function get(server, session, path) {
  return request(server, 'GET', path, { headers: staffHeaders(server, session) });
}

/** Enrols a member's TOTP; returns {secret, recoveryCodes, usedSteps}. */
async function enrol(server, session) {
  const started = await post(server, session, '/api/staff/totp/enrol');
  assert.equal(started.status, 200, started.text);
  const { secret, qr, uri } = started.json;
  assert.match(secret, /^[A-Z2-7]{32}$/);
  assert.ok(uri.startsWith('otpauth://totp/') && uri.includes(`secret=${secret}`));
  assert.equal(qr.modules.length, qr.size * qr.size);
  const usedSteps = [];
  const confirmed = await post(server, session, '/api/staff/totp/confirm', { code: freshTotpCode(secret, usedSteps) });
  assert.equal(confirmed.status, 200, confirmed.text);
  assert.equal(confirmed.json.recovery_codes.length, 10);
  return { secret, recoveryCodes: confirmed.json.recovery_codes, usedSteps };
}

describe('staff account security', () => {
  let server;
  const clients = [];

  before(async () => {
    server = await startServer();
    await addStaff(server.dataDir, { email: 'totp@test.invalid', name: 'Tess' });
    await addStaff(server.dataDir, { email: 'multi@test.invalid', name: 'Mo' });
    await addStaff(server.dataDir, { email: 'required@test.invalid', name: 'Rita', role: 'supervisor' });
  });

  after(async () => {
    await closeAll(...clients);
    await server?.cleanup();
  });

  it('enrols TOTP, then signs in with password and a code, each code once', async () => {
    const first = await login(server, 'totp@test.invalid', STAFF_PASSWORD);
    const { secret, recoveryCodes, usedSteps } = await enrol(server, first);
    const status = await get(server, first, '/api/staff/totp');
    assert.deepEqual(status.json, { enrolled: true, required: false, recovery_codes_left: 10 });
    assert.equal((await post(server, first, '/api/staff/logout')).status, 204);

    const pending = await tryLogin(server, 'totp@test.invalid', STAFF_PASSWORD);
    assert.equal(pending.status, 200);
    assert.equal(pending.response.json.next_step, 'totp_code');
    const half = { cookie: pending.cookie, csrf: pending.csrf };
    const users = await get(server, half, '/api/staff/audit');
    assert.equal(users.status, 403);
    assert.equal(users.json.error.code, 'totp_code_required');
    await assert.rejects(() => connectStaff(server, half), (e) => e instanceof UpgradeRefused && e.status === 401,
      'no console before the code');

    const wrong = await post(server, half, '/api/staff/login/totp', { code: '12345' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json.error.code, 'bad_code');
    const code = freshTotpCode(secret, usedSteps);
    assert.ok(code, 'a step is free for the sign-in code');
    const done = await post(server, half, '/api/staff/login/totp', { code });
    assert.equal(done.status, 200, done.text);
    assert.equal(done.json.next_step, 'done');
    assert.equal(done.json.failed_sign_ins, 1, 'the wrong code is reported');
    const console1 = await connectStaff(server, half);
    clients.push(console1.ws);

    // The same code cannot open another session; a recovery code can, once.
    const again = await tryLogin(server, 'totp@test.invalid', STAFF_PASSWORD);
    const second = { cookie: again.cookie, csrf: again.csrf };
    assert.equal((await post(server, second, '/api/staff/login/totp', { code })).status, 401);
    const recovered = await post(server, second, '/api/staff/login/totp', { code: recoveryCodes[0].toLowerCase() });
    assert.equal(recovered.status, 200, recovered.text);
    const third = await tryLogin(server, 'totp@test.invalid', STAFF_PASSWORD);
    const reuse = await post(server, { cookie: third.cookie, csrf: third.csrf }, '/api/staff/login/totp', { code: recoveryCodes[0] });
    assert.equal(reuse.status, 401);

    // Neither the secret nor a recovery code reaches the log.
    assert.ok(!server.log().includes(secret));
    assert.ok(!server.log().includes(recoveryCodes[1]));
  });

  it('an admin requires TOTP for a role: its members enrol before anything else works', async () => {
    const admin = await login(server, ADMIN_EMAIL, ADMIN_PASSWORD);
    const set = await post(server, admin, '/api/staff/security', { totp_required_roles: ['supervisor'] });
    assert.equal(set.status, 200, set.text);
    const rita = await login(server, 'required@test.invalid', STAFF_PASSWORD);
    const me = await get(server, rita, '/api/staff/me');
    assert.equal(me.json.next_step, 'enrol_totp');
    const refused = await get(server, rita, '/api/staff/audit');
    assert.equal(refused.json.error.code, 'totp_enrolment_required');
    await assert.rejects(() => connectStaff(server, rita), UpgradeRefused);
    await enrol(server, rita);
    assert.equal((await get(server, rita, '/api/staff/me')).json.next_step, 'done');
    const live = await connectStaff(server, rita);
    clients.push(live.ws);

    // The admin resets Rita's TOTP (a lost phone): her console closes, the reset is audited.
    const users = await get(server, admin, '/api/staff/users');
    const id = users.json.users.find((u) => u.email === 'required@test.invalid').id;
    assert.equal(users.json.users.find((u) => u.id === id).totp_enrolled, true);
    const reset = await post(server, admin, `/api/staff/users/${id}/totp-reset`);
    assert.equal(reset.status, 200, reset.text);
    const closed = await live.ws.waitClosed();
    assert.equal(closed.code, 4401);
    const audit = await get(server, admin, '/api/staff/audit');
    assert.ok(audit.json.entries.some((e) => e.action === 'totp_reset' && e.subject === `staff ${id}`));
    // Still required: the next sign-in goes to enrolment again.
    const back = await login(server, 'required@test.invalid', STAFF_PASSWORD);
    assert.equal((await get(server, back, '/api/staff/me')).json.next_step, 'enrol_totp');
    await post(server, admin, '/api/staff/security', { totp_required_roles: [] });
  });

  it('each new route answers by role, and every POST needs the CSRF token', async () => {
    const admin = await login(server, ADMIN_EMAIL, ADMIN_PASSWORD);
    const coordinator = await login(server, 'multi@test.invalid', STAFF_PASSWORD);
    const supervisor = await login(server, 'required@test.invalid', STAFF_PASSWORD);
    const users = await get(server, admin, '/api/staff/users');
    const id = users.json.users.find((u) => u.email === 'multi@test.invalid').id;
    // Every member may manage their own account.
    for (const session of [coordinator, supervisor, admin]) {
      assert.equal((await get(server, session, '/api/staff/totp')).status, 200);
    }
    const adminOnly = [
      ['GET', '/api/staff/security', undefined],
      ['POST', '/api/staff/security', { totp_required_roles: [] }],
      ['POST', `/api/staff/users/${id}/totp-reset`, {}],
    ];
    for (const [method, path, json] of adminOnly) {
      const anon = await request(server, method, path, { headers: { origin: server.origin }, json });
      assert.equal(anon.status, 401, `${method} ${path} anonymous`);
      for (const [who, session] of [['coordinator', coordinator], ['supervisor', supervisor]]) {
        const r = await request(server, method, path, { headers: staffHeaders(server, session), json });
        assert.equal(r.status, 403, `${method} ${path} as ${who}: ${r.text}`);
      }
      const ok = await request(server, method, path, { headers: staffHeaders(server, admin), json });
      assert.equal(ok.status, 200, `${method} ${path} as admin: ${ok.text}`);
    }
    const posts = ['/api/staff/password', '/api/staff/totp/enrol', '/api/staff/totp/confirm',
      '/api/staff/logout-everywhere', '/api/staff/security', `/api/staff/users/${id}/totp-reset`];
    for (const path of posts) {
      const r = await request(server, 'POST', path, { headers: staffHeaders(server, admin, { csrf: false }), json: {} });
      assert.equal(r.status, 403, `${path} without CSRF`);
      assert.equal(r.json.error.code, 'csrf');
    }
    assert.equal((await get(server, admin, '/api/staff/me')).status, 200, 'still signed in');
  });

  it('logout closes only its own session\'s consoles; sign out everywhere closes all', async () => {
    const a = await login(server, 'multi@test.invalid', STAFF_PASSWORD);
    const b = await login(server, 'multi@test.invalid', STAFF_PASSWORD);
    const c = await login(server, 'multi@test.invalid', STAFF_PASSWORD);
    const consoleA = await connectStaff(server, a, 'console-a');
    const consoleB = await connectStaff(server, b, 'console-b');
    const consoleC = await connectStaff(server, c, 'console-c');
    clients.push(consoleA.ws, consoleB.ws, consoleC.ws);

    assert.equal((await post(server, a, '/api/staff/logout')).status, 204);
    assert.equal((await consoleA.ws.waitClosed()).code, 4401);
    assert.equal((await get(server, a, '/api/staff/me')).status, 401);
    assert.equal((await get(server, b, '/api/staff/me')).status, 200, 'the other session stays');
    // Console B still works: it answers an availability change.
    consoleB.ws.send({ type: 'availability', available: true });
    await consoleB.ws.nextType('staff');
    assert.equal(consoleB.ws.closeInfo, null);

    const everywhere = await post(server, b, '/api/staff/logout-everywhere');
    assert.equal(everywhere.status, 204);
    assert.ok(everywhere.setCookies.some((x) => x.startsWith('__Host-sc_session=;')));
    assert.equal((await consoleB.ws.waitClosed()).code, 4401);
    assert.equal((await consoleC.ws.waitClosed()).code, 4401);
    assert.equal((await get(server, c, '/api/staff/me')).status, 401);
  });
});

describe('the first administrator\'s printed password', () => {
  let server;
  let printed; // the generated password, as the operator's terminal shows it

  before(async () => {
    server = await startServer({ env: { SAFECONNECT_ADMIN_PASSWORD: '' } });
  });

  after(async () => {
    await server?.cleanup();
  });

  /** Where any of `passwords` is in the data directory, as text (any case) or as its bytes. */
  async function passwordsOnDisk(...passwords) {
    const files = await readFiles(server.dataDir);
    assert.ok(files.some((f) => path.basename(f.path) === 'safeconnect.db'), describeFiles(files));
    // Control: the same search finds the administrator's email, which is stored in the clear.
    assert.ok(findBytes(files, textForms(ADMIN_EMAIL)).length > 0, `the search reads the files: ${describeFiles(files)}`);
    const needles = passwords.flatMap((p) => [...textForms(p), ...textForms(p.toUpperCase())]);
    for (const p of passwords) {
      if (/^([0-9a-f]{2})+$/i.test(p)) needles.push({ form: 'hex-decoded bytes', bytes: Buffer.from(p, 'hex') });
    }
    return findBytes(files, needles);
  }

  it('is shown once, on standard output with the email, never in the log or any file', async () => {
    const shown = /^\s*password:\s+(\S+)\s*$/m.exec(server.stdout());
    assert.ok(shown, `the password is printed on standard output:\n${server.stdout()}\n--- log ---\n${server.logTail()}`);
    printed = shown[1];
    assert.ok(printed.length >= 12, 'as long as the password rules ask');
    assert.ok(server.stdout().includes(`email:    ${ADMIN_EMAIL}`), server.stdout());
    // server.log() is standard output and the log (standard error) together.
    assert.equal(server.log().split(printed).length - 1, 1, 'shown exactly once, and not in the log');
    assert.deepEqual(await passwordsOnDisk(printed), [], 'the data directory (database, WAL, vault, key) holds no form of it');
  });

  it('must be changed at first sign-in before anything else works', async () => {
    assert.ok(printed, 'the previous test read the printed password');
    const session = await login(server, ADMIN_EMAIL, printed);
    const me = await get(server, session, '/api/staff/me');
    assert.equal(me.json.next_step, 'change_password');
    const users = await get(server, session, '/api/staff/users');
    assert.equal(users.status, 403);
    assert.equal(users.json.error.code, 'password_change_required');
    await assert.rejects(() => connectStaff(server, session), UpgradeRefused);

    const weak = await post(server, session, '/api/staff/password', { current_password: printed, new_password: 'admin1234567' });
    assert.equal(weak.status, 400);
    assert.equal(weak.json.error.code, 'weak_password');
    assert.match(weak.json.error.message, /too easy to guess/);
    const changed = await post(server, session, '/api/staff/password', { current_password: printed, new_password: NEW_PASSWORD });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.json.next_step, 'done');
    assert.equal((await get(server, session, '/api/staff/users')).status, 200);
    assert.equal((await tryLogin(server, ADMIN_EMAIL, printed)).status, 401);
    const fresh = await login(server, ADMIN_EMAIL, NEW_PASSWORD);
    assert.equal((await get(server, fresh, '/api/staff/me')).json.next_step, 'done');
    const live = await connectStaff(server, fresh);
    await live.ws.close();
    assert.ok(!server.log().includes(NEW_PASSWORD));
  });

  it('is not shown again after a restart, and no password is in any file once the server stopped', async () => {
    assert.ok(printed, 'the first test read the printed password');
    const before = server.stdoutLines.length;
    await server.restart();
    const since = server.stdoutLines.slice(before).join('\n');
    assert.doesNotMatch(since, /password/i, `the restart prints no password:\n${since}`);
    assert.equal(server.log().split(printed).length - 1, 1, 'still shown only the once');
    assert.equal((await tryLogin(server, ADMIN_EMAIL, NEW_PASSWORD)).status, 200, 'the chosen password still works');
    await server.stop(); // the WAL is checkpointed into the database file
    assert.deepEqual(await passwordsOnDisk(printed, NEW_PASSWORD), []);
  });
});

describe('open consoles and session expiry', () => {
  // A short idle limit, checked every second, so that expiry happens within the test.
  const IDLE_S = 4;
  const suite = suiteServer({
    env: { SAFECONNECT_STAFF_SESSION_IDLE_SECONDS: String(IDLE_S), SAFECONNECT_STAFF_CONSOLE_CHECK_SECONDS: '1' },
  });

  it('a console left without frames is closed (4401) when its session expires; one in use stays', async () => {
    const { server, clients } = suite;
    const idleWho = await newStaff(server, { name: 'Idle' });
    const busyWho = await newStaff(server, { name: 'Busy' });
    const opened = Date.now(); // the upgrades below are the sessions' last use
    const idle = await connectStaff(server, idleWho.session, 'idle console');
    const busy = await connectStaff(server, busyWho.session, 'busy console');
    clients.push(idle.ws, busy.ws);
    const busySince = await sessionLastUsed(server.dataDir, busyWho.email);
    assert.ok(busySince > 0, 'the busy session is in the database');
    // Frames on a console are use of its session: the busy one sends one every 300 ms.
    const keepBusy = setInterval(() => busy.ws.send({ type: 'ping' }), 300);
    try {
      const closed = await idle.ws.waitClosed(IDLE_S * 1000 + 15_000);
      const lived = Date.now() - opened;
      assert.equal(closed.code, 4401, JSON.stringify(closed));
      // Stored in whole seconds, so the limit may end up to a second early.
      assert.ok(lived >= (IDLE_S - 1) * 1000, `closed after ${lived} ms: not before the idle limit`);
      assert.equal((await get(server, idleWho.session, '/api/staff/me')).status, 401, 'the idle session has expired');

      // The busy console's checks keep its session in use past the point where it would have
      // expired, and it stays open.
      await eventually(async () => (await sessionLastUsed(server.dataDir, busyWho.email)) > busySince + IDLE_S,
        { timeoutMs: IDLE_S * 1000 + 15_000, intervalMs: 250, what: 'the busy session in use past its idle limit' });
      await busy.ws.barrier();
      assert.equal(busy.ws.closeInfo, null, 'the console in use is open');
    } finally {
      clearInterval(keepBusy);
    }
    assert.equal((await get(server, busyWho.session, '/api/staff/me')).status, 200, 'its session is alive');
  });
});
