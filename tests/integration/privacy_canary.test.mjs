// Transcripts are purged, and purged means gone everywhere (DESIGN.md, "transcripts are
// purged regularly"; docs/decisions/0001). A chat carries a random canary string in its
// messages and in the intake name. While it is open the canary is in no file of the data
// directory (the text is encrypted at rest); a backup taken then holds the transcript, and
// can be read with the key from the live vault. After the chat ends and is purged, the
// conversation's rows and its key are gone, the sealed key's bytes are in no file, and the
// backup's copy of the transcript can no longer be read.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { copyFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import {
  ADMIN_EMAIL, ADMIN_PASSWORD, STAFF_PASSWORD, accept, availableCoordinator, closeAll, connectStaff, eventually,
  isMessage, isStaffMessage, login, openChat, makeTempDir, newStaff, removeDir, request, staffHeaders, staffSay,
  startServer, startVisitor, visitorSay, waitQueue,
} from './harness.mjs';
import {
  describeFiles, findBytes, readFiles, runBackup, runPurge, sqlite, sqliteCount, sqlText, textForms,
  unsealConversationKey, xchachaDecrypt,
} from './privacy_helpers.mjs';

const randomTag = (prefix) => `${prefix}${crypto.randomBytes(10).toString('hex')}`;

describe('privacy canary: a purged transcript is in no file and no backup can read it', () => {
  let server;
  let backupDir;
  const clients = [];

  const db = () => path.join(server.dataDir, 'safeconnect.db');
  const vault = () => path.join(server.dataDir, 'keys.db');

  before(async () => {
    server = await startServer(); // default retention (72 hours): the server never purges these itself
    backupDir = await makeTempDir('safeconnect-backup-');
  });

  after(async () => {
    await closeAll(clients);
    await server?.cleanup();
    await removeDir(backupDir);
  });

  beforeEach(async () => {
    await server?.ensureRunning();
  });
  afterEach(() => {
    server?.assertAlive();
  });

  /** A chat with the canary in messages both ways and in the intake name. */
  async function canaryChat(canary, controlName) {
    const staff = await availableCoordinator(server, { name: controlName });
    clients.push(staff.ws);
    const visitor = await startVisitor(server, {
      intake: { name: `Nm ${canary}`, age: '29', state: 'CT', heard_about: 'a friend' },
    });
    clients.push(visitor.ws);
    const entries = await waitQueue(staff, (e) => e.length >= 1);
    const convId = entries[entries.length - 1].conversation_id;
    const chat = await accept(staff, convId);
    assert.equal(chat.intake?.name, `Nm ${canary}`, 'the advocate sees the intake name');
    await visitor.ws.next(isMessage((m) => m.event === 'advocate_joined'));

    const sent = [];
    const v1 = await visitorSay(visitor, `please help, my word is ${canary}`);
    sent.push(v1.seq);
    await staff.ws.next(isStaffMessage(convId, (m) => m.seq === v1.seq && m.text.includes(canary)));
    const s1 = await staffSay(staff, convId, `I hear you. You said ${canary}.`);
    await visitor.ws.next(isMessage((m) => m.seq === s1.seq && m.text.includes(canary)));
    const v2 = await visitorSay(visitor, `${canary} again, with ünïcødé ✓`);
    await staff.ws.next(isStaffMessage(convId, (m) => m.seq === v2.seq));
    const s2 = await staffSay(staff, convId, 'Are you safe right now?');
    await visitor.ws.next(isMessage((m) => m.seq === s2.seq));
    return { staff, visitor, convId, visitorSeq: v1.seq };
  }

  async function endChat({ staff, visitor, convId }) {
    staff.ws.send({ type: 'end', conversation_id: convId, disposition: 'safety_planning' });
    await visitor.ws.nextType('ended');
    await staff.ws.next((f) => (f.type === 'removed' || f.type === 'ended') && f.conversation_id === convId);
    await eventually(async () => (await sqlite(db(), `select status from conversations where id = ${sqlText(convId)}`)) === 'closed',
      { what: 'the conversation is closed in the database' });
  }

  async function sealedKeyHex(convId) {
    return sqlite(vault(), `select hex(sealed_key) from conversation_keys where conversation_id = ${sqlText(convId)}`);
  }

  it('canary: nowhere in plaintext while open; after `safeconnect purge` no rows, no key, and the backup is unreadable', async () => {
    const canary = randomTag('CANARY');
    const control = randomTag('Ctl'); // the advocate's display name: stored in plain text by design
    const c = await canaryChat(canary, control);
    const { convId } = c;
    assert.ok(!server.log().includes(canary), 'the server log holds no canary');

    // ---- while the conversation is open
    let files = await readFiles(server.dataDir);
    const names = files.map((f) => path.basename(f.path));
    for (const expected of ['safeconnect.db', 'keys.db', 'master.key']) {
      assert.ok(names.includes(expected), `the data dir holds ${expected}: ${names.join(', ')}`);
    }
    // Positive control: the same search does find text that is stored in the clear.
    assert.ok(findBytes(files, textForms(control)).length > 0,
      `the byte search finds the staff name ${control} (stored in the clear) in: ${describeFiles(files)}`);
    assert.deepEqual(findBytes(files, textForms(canary)), [],
      `the canary is in no file of the data dir while the chat is open (${describeFiles(files)})`);

    assert.equal(await sqliteCount(db(), `select count(*) from conversations where id = ${sqlText(convId)} and status = 'active'`), 1);
    const messageCount = await sqliteCount(db(), `select count(*) from messages where conversation_id = ${sqlText(convId)}`);
    assert.ok(messageCount >= 5, `the messages are stored (${messageCount})`);

    // The conversation's key is in the vault, and only there.
    const sealedHex = await sealedKeyHex(convId);
    assert.match(sealedHex, /^[0-9A-F]{80,}$/, `keys.db holds a sealed key for ${convId}: ${JSON.stringify(sealedHex)}`);
    const sealed = Buffer.from(sealedHex, 'hex');
    const inVault = findBytes(files, sealed).map((h) => path.basename(h.path));
    assert.ok(inVault.some((n) => n.startsWith('keys.db')), `positive control: the sealed key's bytes are found in keys.db or its WAL (${inVault})`);
    assert.deepEqual(inVault.filter((n) => !n.startsWith('keys.db')), [], 'the sealed key is in no other file');

    // ---- a backup, taken while the chat is open
    const backup = path.join(backupDir, 'open-chat.db');
    const b = await runBackup(server.dataDir, backup);
    assert.ok(!b.stdout.includes(canary) && !b.stderr.includes(canary));
    const backupFiles = await readFiles(backupDir);
    assert.deepEqual(findBytes(backupFiles, textForms(canary)), [], 'the canary is not in plaintext in the backup');
    assert.deepEqual(findBytes(backupFiles, sealed), [], 'the backup does not hold the sealed key');
    assert.equal(await sqliteCount(backup, "select count(*) from sqlite_master where name = 'conversation_keys'"), 0,
      'the backup has no key table');
    assert.equal(await sqliteCount(backup, `select count(*) from messages where conversation_id = ${sqlText(convId)}`), messageCount,
      'the backup holds the transcript (encrypted)');

    // While the key exists, the backup can be read with the master key and the live vault.
    const masterKey = await readFile(path.join(server.dataDir, 'master.key'));
    const convKey = unsealConversationKey(masterKey, sealed, convId);
    const bodyHex = await sqlite(backup, `select hex(body) from messages where conversation_id = ${sqlText(convId)} and seq = ${c.visitorSeq}`);
    const body = JSON.parse(xchachaDecrypt(convKey, Buffer.from(bodyHex, 'hex'), `${convId}:${c.visitorSeq}`).toString('utf8'));
    assert.ok(body.text.includes(canary), `positive control: the backup's message decrypts to the canary: ${JSON.stringify(body)}`);
    const intakeHex = await sqlite(backup, `select hex(intake) from conversations where id = ${sqlText(convId)}`);
    const intake = JSON.parse(xchachaDecrypt(convKey, Buffer.from(intakeHex, 'hex'), `${convId}:intake`).toString('utf8'));
    assert.equal(intake.name, `Nm ${canary}`, 'positive control: the backup intake decrypts to the name');

    // ---- end, then purge from the command line with retention 0. A bystander chat stays
    // open, so the vault still holds a key after the purge for the check below to try.
    const bystander = await openChat(server);
    clients.push(bystander.staff.ws, bystander.visitor.ws);
    await endChat(c);
    files = await readFiles(server.dataDir);
    assert.deepEqual(findBytes(files, textForms(canary)), [], 'the canary is in no file after the chat ended');
    assert.equal(await sealedKeyHex(convId), sealedHex, 'just before the purge the key is still in keys.db');

    const purge = await runPurge(server.dataDir, { SAFECONNECT_RETENTION_HOURS: '0' });
    assert.equal(purge.code, 0, `purge: ${purge.stdout}\n${purge.stderr}`);
    assert.equal(purge.hours, 0, `the purge used retention 0: ${purge.stdout}`);
    assert.equal(purge.erased, 1, `the purge erased exactly our closed conversation: ${purge.stdout}`);
    assert.ok(!purge.stdout.includes(canary) && !purge.stderr.includes(canary));

    // ---- after the purge (the server still runs)
    assert.equal(await sqliteCount(db(), `select count(*) from conversations where id = ${sqlText(convId)}`), 0, 'no conversation row');
    assert.equal(await sqliteCount(db(), `select count(*) from messages where conversation_id = ${sqlText(convId)}`), 0, 'no message rows');
    assert.equal(await sqlite(vault(), `select count(*) from conversation_keys where conversation_id = ${sqlText(convId)}`), '0', 'no key in keys.db');
    files = await readFiles(server.dataDir);
    assert.deepEqual(findBytes(files, sealed), [], `the sealed key's bytes are in no file of the data dir (${describeFiles(files)})`);
    assert.deepEqual(findBytes(files, textForms(canary)), [], 'the canary is in no file after the purge');

    // The backup still holds the encrypted rows, but nothing left can open them.
    assert.equal(await sqliteCount(backup, `select count(*) from messages where conversation_id = ${sqlText(convId)}`), messageCount,
      'the old backup still has the encrypted message rows');
    const remaining = await sqlite(vault(), 'select conversation_id, hex(sealed_key) from conversation_keys', { json: true });
    assert.ok(remaining.length >= 1, 'the bystander\'s key is left to try');
    for (const k of remaining) {
      let opened = null;
      try {
        const key = unsealConversationKey(masterKey, Buffer.from(k['hex(sealed_key)'], 'hex'), k.conversation_id);
        opened = xchachaDecrypt(key, Buffer.from(bodyHex, 'hex'), `${convId}:${c.visitorSeq}`);
      } catch {
        // expected: no remaining key opens the purged transcript
      }
      assert.equal(opened, null, `the key of ${k.conversation_id} must not open the purged transcript`);
    }

    // After a graceful stop (the last connection checkpoints) no file holds the key or the canary either.
    await server.stop();
    files = await readFiles(server.dataDir);
    assert.deepEqual(findBytes(files, sealed), [], 'after shutdown the sealed key is in no file');
    assert.deepEqual(findBytes(files, textForms(canary)), [], 'after shutdown the canary is in no file');
    assert.ok(!server.log().includes(canary), 'the server log holds no canary');
    await server.launch();
    await server.checkAlive('after the purge and a restart');
  });

  it('erasure holds for the product itself: a restored backup with all that is left after the purge shows nothing', async () => {
    // The property, not today's mechanism: whatever the server keeps after a purge (master
    // key, vault) plus an old backup must not let Safe Connect show the transcript again.
    // Control: the same backup with a vault copied before the purge does show it.
    const canary = randomTag('CANARY');
    const c = await canaryChat(canary, randomTag('Ctl'));
    const backup = path.join(backupDir, 'before-purge.db');
    await runBackup(server.dataDir, backup);
    const vaultBefore = path.join(backupDir, 'keys-before-purge.db');
    await sqlite(vault(), `.backup ${sqlText(vaultBefore)}`);
    await endChat(c);
    const purge = await runPurge(server.dataDir, { SAFECONNECT_RETENTION_HOURS: '0' });
    assert.equal(purge.erased, 1, purge.stdout);
    const vaultAfter = path.join(backupDir, 'keys-after-purge.db');
    await sqlite(vault(), `.backup ${sqlText(vaultAfter)}`);

    /** Restores `backup` with `vaultCopy` and the master key; what the coordinator's console shows. */
    const restoreAndLook = async (vaultCopy) => {
      const dir = await makeTempDir('safeconnect-restore-');
      try {
        await copyFile(backup, path.join(dir, 'safeconnect.db'));
        await copyFile(vaultCopy, path.join(dir, 'keys.db'));
        await copyFile(path.join(server.dataDir, 'master.key'), path.join(dir, 'master.key'));
        const restored = await startServer({ dataDir: dir });
        try {
          const session = await login(restored, c.staff.email, STAFF_PASSWORD);
          const staff = await connectStaff(restored, session);
          staff.ws.send({ type: 'history', conversation_id: c.convId, after_seq: 0 });
          const answer = await staff.ws.next((f) => (f.type === 'chat' && f.chat.conversation_id === c.convId) || f.type === 'error');
          await staff.ws.close();
          return { answer, log: restored.log() };
        } finally {
          await restored.stop();
        }
      } finally {
        await removeDir(dir);
      }
    };

    const control = await restoreAndLook(vaultBefore);
    assert.equal(control.answer.type, 'chat', `control: with the old vault the chat is back: ${JSON.stringify(control.answer)}`);
    assert.ok(control.answer.chat.messages.some((m) => m.text?.includes(canary)), 'control: its messages decrypt');

    const after = await restoreAndLook(vaultAfter);
    assert.equal(after.answer.type, 'error', `after the purge the product cannot open it: ${JSON.stringify(after.answer)}`);
    assert.ok(!JSON.stringify(after.answer).includes(canary));
    assert.ok(!after.log.includes(canary));
  });

  it('a supervisor erases one closed conversation at once: key and rows gone, in no file, audited', async () => {
    const canary = randomTag('CANARY');
    const c = await canaryChat(canary, randomTag('Ctl'));
    const { convId } = c;
    const sealedHex = await sealedKeyHex(convId);
    assert.match(sealedHex, /^[0-9A-F]{80,}$/, 'the key exists before the erasure');
    const sealed = Buffer.from(sealedHex, 'hex');
    let files = await readFiles(server.dataDir);
    assert.ok(findBytes(files, sealed).length > 0, 'positive control: the sealed key bytes are found on disk');

    const sup = await newStaff(server, { role: 'supervisor' });
    const coordinator = await login(server, c.staff.email, STAFF_PASSWORD);

    // An open conversation cannot be purged; a coordinator cannot purge at all.
    const early = await request(server, 'POST', `/api/staff/conversations/${convId}/purge`, { headers: staffHeaders(server, sup.session) });
    assert.equal(early.status, 409, `purging an open chat is a conflict: ${early.text}`);
    await endChat(c);
    const byCoord = await request(server, 'POST', `/api/staff/conversations/${convId}/purge`, { headers: staffHeaders(server, coordinator) });
    assert.equal(byCoord.status, 403, byCoord.text);
    assert.equal(await sealedKeyHex(convId), sealedHex, 'the refused requests erased nothing');

    const res = await request(server, 'POST', `/api/staff/conversations/${convId}/purge`, { headers: staffHeaders(server, sup.session) });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json?.purged, convId);

    assert.equal(await sqliteCount(db(), `select count(*) from conversations where id = ${sqlText(convId)}`), 0);
    assert.equal(await sqliteCount(db(), `select count(*) from messages where conversation_id = ${sqlText(convId)}`), 0);
    assert.equal(await sqlite(vault(), `select count(*) from conversation_keys where conversation_id = ${sqlText(convId)}`), '0');
    files = await readFiles(server.dataDir);
    assert.deepEqual(findBytes(files, sealed), [], `the sealed key is in no file, WAL included (${describeFiles(files)})`);
    assert.deepEqual(findBytes(files, textForms(canary)), [], 'the canary is in no file');

    const again = await request(server, 'POST', `/api/staff/conversations/${convId}/purge`, { headers: staffHeaders(server, sup.session) });
    assert.equal(again.status, 404, `a purged conversation is gone: ${again.text}`);

    const admin = await login(server, ADMIN_EMAIL, ADMIN_PASSWORD);
    const audit = await request(server, 'GET', '/api/staff/audit', { headers: staffHeaders(server, admin) });
    assert.equal(audit.status, 200, audit.text);
    assert.ok(audit.json.entries.some((e) => e.action === 'conversation_purged' && e.subject === convId && e.staff_id === sup.session.user.id),
      `the erasure is audited: ${audit.text.slice(0, 500)}`);
    assert.ok(!audit.text.includes(canary));
  });
});
