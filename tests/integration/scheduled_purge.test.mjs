// The server's own purge, the one that runs at start and then every minute: a conversation
// past its retention is erased without anyone asking, the erasure is on record in the audit
// log, and afterwards the write-ahead logs are truncated, so the sealed key's bytes are in
// no file of the data directory.

import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  eventually, isStaffMessage, openChat, suiteServer, visitorSay,
} from './harness.mjs';
import { findBytes, readFiles, sqlText, sqlite, sqliteCount } from './privacy_helpers.mjs';

describe('the scheduled purge', () => {
  const suite = suiteServer({ env: { SAFECONNECT_RETENTION_HOURS: '0' } });

  it('erases a conversation past retention, audits it and leaves its key in no file', async () => {
    const { server } = suite;
    const db = path.join(server.dataDir, 'safeconnect.db');
    const vault = path.join(server.dataDir, 'keys.db');
    const { staff, visitor, convId } = await openChat(server);
    suite.clients.push(staff.ws, visitor.ws);
    const said = await visitorSay(visitor, 'something to erase');
    await staff.ws.next(isStaffMessage(convId, (m) => m.seq === said.seq));
    const sealedHex = await sqlite(vault,
      `select hex(sealed_key) from conversation_keys where conversation_id = ${sqlText(convId)}`);
    assert.match(sealedHex, /^[0-9A-F]{80,}$/, 'the key is in the vault while the chat is open');
    const sealed = Buffer.from(sealedHex, 'hex');

    staff.ws.send({ type: 'end', conversation_id: convId, disposition: 'information' });
    await staff.ws.next((f) => f.type === 'removed' && f.conversation_id === convId);

    // With retention 0 the purge at the next start (or the next minute) erases it.
    await server.restart();
    await eventually(() => /event=retention_purge conversations=1\b/.test(server.log()),
      { timeoutMs: 90_000, what: 'the server reporting its purge' });
    assert.equal(await sqliteCount(db, `select count(*) from conversations where id = ${sqlText(convId)}`), 0);
    assert.equal(await sqliteCount(db, `select count(*) from messages where conversation_id = ${sqlText(convId)}`), 0);
    const audited = await sqliteCount(db,
      "select count(*) from audit_log where action = 'retention_purge' and subject = '1 conversations'");
    assert.equal(audited, 1, 'the erasure is on record');
    // The truncation runs after the purge that logged: wait for its effect, with a deadline.
    await eventually(async () => findBytes(await readFiles(server.dataDir), sealed).length === 0,
      { what: 'the sealed key gone from every file (write-ahead logs truncated)' });
  });
});
