// The operator's command line: help, migrate, user add/list/disable (also while the server
// runs, closing the disabled member's open console), backup, and a config file that cannot be
// parsed.

import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  STAFF_PASSWORD, addStaff, closeAll, connectStaff, eventually, login, makeTempDir, removeDir, runCli,
  startServer, tryLogin,
} from './harness.mjs';
import { sessionLastUsed } from './privacy_helpers.mjs';

const out = (r) => `exit ${r.code} signal ${r.signal}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

describe('command line', () => {
  const dirs = [];
  let server;

  async function freshDir() {
    const d = await makeTempDir('safeconnect-cli-');
    dirs.push(d);
    return d;
  }

  after(async () => {
    await server?.cleanup();
    for (const d of dirs) await removeDir(d);
  });

  it('--help exits 0 and lists the commands', async () => {
    const r = await runCli(['--help']);
    assert.equal(r.code, 0, out(r));
    const text = r.stdout + r.stderr;
    for (const cmd of ['serve', 'migrate', 'user']) assert.match(text, new RegExp(`\\b${cmd}\\b`), `help mentions ${cmd}`);
    const u = await runCli(['user', '--help']);
    assert.equal(u.code, 0, out(u));
    for (const cmd of ['add', 'list', 'disable']) assert.match(u.stdout + u.stderr, new RegExp(`\\b${cmd}\\b`));
  });

  it('an unknown command exits non-zero', async () => {
    const r = await runCli(['frobnicate']);
    assert.notEqual(r.code, 0, out(r));
    assert.ok(r.stderr.length > 0, 'says why on stderr');
  });

  it('migrate on a fresh data dir exits 0, and again (idempotent)', async () => {
    const dir = await freshDir();
    const r1 = await runCli(['migrate'], { dataDir: dir });
    assert.equal(r1.code, 0, out(r1));
    const r2 = await runCli(['migrate'], { dataDir: dir });
    assert.equal(r2.code, 0, out(r2));
  });

  it('user add, list and disable', async () => {
    const dir = await freshDir();
    assert.equal((await runCli(['migrate'], { dataDir: dir })).code, 0);

    await addStaff(dir, { email: 'ana@test.invalid', name: 'Ana Advocate', role: 'coordinator' });
    await addStaff(dir, { email: 'sue@test.invalid', name: 'Sue', role: 'supervisor' });

    const list = await runCli(['user', 'list'], { dataDir: dir });
    assert.equal(list.code, 0, out(list));
    const anaLine = list.stdout.split('\n').find((l) => l.includes('ana@test.invalid'));
    assert.ok(anaLine, `list shows ana: ${list.stdout}`);
    assert.match(anaLine, /coordinator/);
    const sueLine = list.stdout.split('\n').find((l) => l.includes('sue@test.invalid'));
    assert.match(sueLine ?? '', /supervisor/);
    assert.ok(!list.stdout.includes(STAFF_PASSWORD), 'never prints a password');
    assert.ok(!/\$argon2/.test(list.stdout), 'never prints a password hash');

    const dup = await runCli(['user', 'add', 'ana@test.invalid', '--role', 'coordinator', '--name', 'Again', '--password-stdin'],
      { dataDir: dir, input: `${STAFF_PASSWORD}\n` });
    assert.notEqual(dup.code, 0, `a duplicate email is refused: ${out(dup)}`);

    const badRole = await runCli(['user', 'add', 'x@test.invalid', '--role', 'root', '--name', 'X', '--password-stdin'],
      { dataDir: dir, input: `${STAFF_PASSWORD}\n` });
    assert.notEqual(badRole.code, 0, `a bad role is refused: ${out(badRole)}`);

    const weak = await runCli(['user', 'add', 'w@test.invalid', '--role', 'coordinator', '--name', 'W', '--password-stdin'],
      { dataDir: dir, input: 'short\n' });
    assert.notEqual(weak.code, 0, `a weak password is refused: ${out(weak)}`);

    const listed = (await runCli(['user', 'list'], { dataDir: dir })).stdout;
    assert.ok(!listed.includes('x@test.invalid') && !listed.includes('w@test.invalid'), 'refused users were not added');

    const dis = await runCli(['user', 'disable', 'ana@test.invalid'], { dataDir: dir });
    assert.equal(dis.code, 0, out(dis));
    const after = await runCli(['user', 'list'], { dataDir: dir });
    const anaAfter = after.stdout.split('\n').find((l) => l.includes('ana@test.invalid'));
    assert.match(anaAfter ?? '', /disabled/i, `list shows ana disabled: ${after.stdout}`);
    const sueAfter = after.stdout.split('\n').find((l) => l.includes('sue@test.invalid'));
    assert.doesNotMatch(sueAfter ?? '', /disabled/i);

    const unknown = await runCli(['user', 'disable', 'nobody@test.invalid'], { dataDir: dir });
    assert.notEqual(unknown.code, 0, `disabling an unknown user fails: ${out(unknown)}`);
  });

  it('works while the server runs: a user added can sign in; one disabled cannot, and their console closes', async () => {
    // Consoles check their session every second, so the disable (another process, which the
    // server is not told of) reaches the open console within the test.
    server = await startServer({ env: { SAFECONNECT_STAFF_CONSOLE_CHECK_SECONDS: '1' } });
    await addStaff(server.dataDir, { email: 'live@test.invalid', name: 'Live' });
    await addStaff(server.dataDir, { email: 'other@test.invalid', name: 'Other' });
    const live = await connectStaff(server, await login(server, 'live@test.invalid', STAFF_PASSWORD), 'live console');
    const other = await connectStaff(server, await login(server, 'other@test.invalid', STAFF_PASSWORD), 'other console');
    // Frames on the other console are use of its session, which its session checks record.
    const keepBusy = setInterval(() => other.ws.send({ type: 'ping' }), 300);
    try {
      await live.ws.barrier();
      assert.equal(live.ws.closeInfo, null, 'the console is open before the disable');

      const dis = await runCli(['user', 'disable', 'live@test.invalid'], { dataDir: server.dataDir });
      assert.equal(dis.code, 0, out(dis));
      const disabledAt = Math.floor(Date.now() / 1000);
      const closed = await live.ws.waitClosed(15_000);
      assert.equal(closed.code, 4401, JSON.stringify(closed));
      const refused = await tryLogin(server, 'live@test.invalid', STAFF_PASSWORD);
      assert.notEqual(refused.status, 200);
      assert.equal(refused.cookie, null);

      // The other member's console has been checked since the disable, and stays open.
      await eventually(async () => (await sessionLastUsed(server.dataDir, 'other@test.invalid')) > disabledAt,
        { timeoutMs: 15_000, intervalMs: 250, what: "a check of the other console's session after the disable" });
      await other.ws.barrier();
      assert.equal(other.ws.closeInfo, null, "another member's console stays open");
    } finally {
      clearInterval(keepBusy);
      await closeAll(live.ws, other.ws);
    }
  });

  it('a malformed config file exits non-zero and names the problem', async () => {
    const dir = await freshDir();
    const cfg = path.join(dir, 'broken-config.toml');
    await writeFile(cfg, '[server]\nlisten = "127.0.0.1:0\nretention_days = \n');
    for (const args of [['--config', cfg, 'migrate'], ['--config', cfg, 'serve']]) {
      const r = await runCli(args, { dataDir: dir, timeoutMs: 20_000 });
      assert.notEqual(r.code, 0, `${args.join(' ')}: ${out(r)}`);
      assert.equal(r.signal, null, 'exits, does not crash');
      const text = r.stderr + r.stdout;
      assert.match(text, /broken-config\.toml/, `names the file: ${text}`);
      assert.match(text, /line\s*\d+|:\d+:\d+/i, `says where: ${text}`);
    }
  });

  it('a config file that does not exist exits non-zero', async () => {
    const dir = await freshDir();
    const r = await runCli(['--config', path.join(dir, 'missing.toml'), 'migrate'], { dataDir: dir });
    assert.notEqual(r.code, 0, out(r));
    assert.match(r.stderr + r.stdout, /missing\.toml/);
  });

  it('the data directory is private (0700, master key 0600); a backup is 0600 and never overwrites', async () => {
    const dir = await freshDir();
    const data = path.join(dir, 'data');
    const m = await runCli(['migrate'], { dataDir: data });
    assert.equal(m.code, 0, out(m));
    assert.equal((await stat(data)).mode & 0o777, 0o700, 'data dir mode');
    const served = await startServer({ dataDir: data }); // the first start creates the master key
    await served.stop();
    const key = path.join(data, 'master.key');
    assert.equal((await stat(key)).mode & 0o777, 0o600, 'master key mode');

    const file = path.join(dir, 'backup.db');
    const b = await runCli(['backup', file], { dataDir: data });
    assert.equal(b.code, 0, out(b));
    assert.equal((await stat(file)).mode & 0o777, 0o600, 'backup mode');
    const bytes = await readFile(file);
    const again = await runCli(['backup', file], { dataDir: data });
    assert.notEqual(again.code, 0, out(again));
    assert.match(again.stderr, /exists; choose a new file name/);
    assert.deepEqual(await readFile(file), bytes, 'the existing backup is untouched');
  });
});
