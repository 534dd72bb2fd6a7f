// The privacy controls staff use: who may read and change retention, publishing policy
// versions (now and in the future) and what the public sees of them, the audit log
// (what it records, and that it records no visitor data), and the evaluation record a
// closed chat leaves behind: coarse, dated by day, with no way back to the conversation.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import {
  ADMIN_EMAIL, ADMIN_PASSWORD, STAFF_PASSWORD, closeAll, eventually, isMessage, isStaffMessage, login,
  newStaff, openChat, request, staffHeaders, staffSay, startServer, visitorSay,
} from './harness.mjs';
import { sqlText, sqlite } from './privacy_helpers.mjs';

const rand = () => crypto.randomBytes(8).toString('hex');
const isoSeconds = (d) => `${d.toISOString().slice(0, 19)}Z`;

describe('privacy administration', () => {
  let server;
  let admin;
  let sup;
  let coord;
  const clients = [];
  // Everything that must never show up in the audit log.
  const secrets = [];

  before(async () => {
    server = await startServer();
    admin = await login(server, ADMIN_EMAIL, ADMIN_PASSWORD);
    sup = (await newStaff(server, { role: 'supervisor', name: 'Sue' })).session;
    coord = (await newStaff(server, { role: 'coordinator', name: 'Cora' })).session;
    secrets.push(ADMIN_PASSWORD, STAFF_PASSWORD);
    for (const s of [admin, sup, coord]) secrets.push(s.csrf, s.cookie.split('=')[1]);
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

  const get = (session, p) => request(server, 'GET', p, { headers: session ? staffHeaders(server, session) : {} });
  const post = (session, p, json, opts = {}) =>
    request(server, 'POST', p, { headers: staffHeaders(server, session, opts), json });

  it('retention: coordinators may not see it, supervisors may read it, only admins change it; bad values are 400', async () => {
    assert.equal((await get(null, '/api/staff/retention')).status, 401);
    const cGet = await get(coord, '/api/staff/retention');
    assert.equal(cGet.status, 403, cGet.text);
    assert.equal(cGet.json?.error?.code, 'forbidden');
    const cPost = await post(coord, '/api/staff/retention', { hours: 1 });
    assert.equal(cPost.status, 403, cPost.text);

    const sGet = await get(sup, '/api/staff/retention');
    assert.equal(sGet.status, 200, sGet.text);
    assert.equal(sGet.json.hours, 72, 'the default retention is 72 hours');
    const sPost = await post(sup, '/api/staff/retention', { hours: 1 });
    assert.equal(sPost.status, 403, sPost.text);
    assert.equal(sPost.json?.error?.code, 'forbidden');

    const noCsrf = await post(admin, '/api/staff/retention', { hours: 1 }, { csrf: false });
    assert.equal(noCsrf.status, 403, `no CSRF token: ${noCsrf.text}`);

    for (const bad of [{ hours: -1 }, { hours: 87601 }, { hours: '5' }, { hours: 1.5 }, { hours: null }, {}, { days: 3 }, []]) {
      const r = await post(admin, '/api/staff/retention', bad);
      assert.equal(r.status, 400, `${JSON.stringify(bad)}: ${r.status} ${r.text}`);
      assert.equal(r.json?.error?.code, 'bad_request');
    }
    const notJson = await request(server, 'POST', '/api/staff/retention', {
      headers: { ...staffHeaders(server, admin), 'content-type': 'application/json' }, body: '{"hours":',
    });
    assert.equal(notJson.status, 400, notJson.text);
    assert.equal((await get(sup, '/api/staff/retention')).json.hours, 72, 'refused changes changed nothing');

    const set = await post(admin, '/api/staff/retention', { hours: 48 });
    assert.equal(set.status, 200, set.text);
    assert.equal(set.json.hours, 48);
    assert.equal((await get(sup, '/api/staff/retention')).json.hours, 48);
    assert.equal((await get(admin, '/api/staff/retention')).json.hours, 48);
    const page = await request(server, 'GET', '/privacy');
    assert.match(page.text, /48 hours/, 'the privacy page shows the new retention');

    // The edges are accepted (0 means at the next purge); put the default back at once.
    for (const hours of [0, 87600, 72]) {
      const r = await post(admin, '/api/staff/retention', { hours });
      assert.equal(r.status, 200, `${hours}: ${r.text}`);
      assert.equal(r.json.hours, hours);
    }
    assert.equal((await get(sup, '/api/staff/retention')).json.hours, 72);
  });

  it('policies: a version published now replaces /privacy and joins the archive; a future one waits', async () => {
    const before = await request(server, 'GET', '/privacy');
    assert.equal(before.status, 200);

    // Only administrators publish.
    for (const who of [coord, sup]) {
      const r = await post(who, '/api/staff/policies', { markdown: '# Privacy policy\n\nnope' });
      assert.equal(r.status, 403, r.text);
    }
    assert.equal((await get(sup, '/api/staff/policies')).status, 403);
    for (const bad of [{}, { markdown: '   ' }, { markdown: 5 },
      { markdown: '# P\n\nx', effective_at: '2020-01-01T00:00:00Z' },
      { markdown: '# P\n\nx', effective_at: 'tomorrow' },
      // A broken template once made /privacy answer 500 to every visitor.
      { markdown: '# P\n\n{{#retention_hours}} never closed' }]) {
      const r = await post(admin, '/api/staff/policies', bad);
      assert.equal(r.status, 400, `${JSON.stringify(bad)}: ${r.status} ${r.text}`);
    }
    assert.equal((await request(server, 'GET', '/privacy')).status, 200);

    const nowMark = `now-${rand()}`;
    const v2 = await post(admin, '/api/staff/policies', {
      markdown: `# Privacy policy\n\nThe new policy ${nowMark}. {{retention_summary}}\n`,
    });
    assert.equal(v2.status, 201, v2.text);
    assert.equal(typeof v2.json.version, 'number');
    assert.ok(v2.json.version >= 2);
    const page = await request(server, 'GET', '/privacy');
    assert.equal(page.status, 200);
    assert.ok(page.text.includes(nowMark), '/privacy shows the version just published');
    assert.match(page.text, new RegExp(`Version ${v2.json.version}\\b`));
    assert.ok(!page.text.includes('{{retention_summary}}'), 'placeholders are filled in');

    const archive = await request(server, 'GET', '/privacy/versions');
    assert.equal(archive.status, 200);
    assert.match(archive.text, /Version 1\b/, 'the archive lists the first version');
    assert.match(archive.text, new RegExp(`Version ${v2.json.version}\\b`), 'and the new one');
    assert.ok(archive.text.includes('href="/privacy/versions/1"'), 'with a link to the earlier text');
    const old = await request(server, 'GET', '/privacy/versions/1');
    assert.equal(old.status, 200);
    assert.ok(!old.text.includes(nowMark), 'version 1 still shows its own text');

    const futureMark = `future-${rand()}`;
    const when = new Date(Date.now() + 2 * 24 * 3600 * 1000);
    const v3 = await post(admin, '/api/staff/policies', {
      markdown: `# Privacy policy\n\nThe future policy ${futureMark}.\n`, effective_at: isoSeconds(when),
    });
    assert.equal(v3.status, 201, v3.text);
    assert.equal(v3.json.version, v2.json.version + 1);
    const still = await request(server, 'GET', '/privacy');
    assert.ok(still.text.includes(nowMark), '/privacy still shows the version in force');
    assert.ok(!still.text.includes(futureMark), 'a future version is not shown before its time');
    const archive2 = await request(server, 'GET', '/privacy/versions');
    assert.ok(!new RegExp(`Version ${v3.json.version}\\b`).test(archive2.text), 'nor listed in the archive');
    assert.ok(!archive2.text.includes(futureMark));
    assert.equal((await request(server, 'GET', `/privacy/versions/${v3.json.version}`)).status, 404);

    const list = await get(admin, '/api/staff/policies');
    assert.equal(list.status, 200, list.text);
    const byVersion = new Map(list.json.versions.map((v) => [v.version, v]));
    assert.equal(byVersion.get(v2.json.version)?.in_force, true, list.text);
    assert.equal(byVersion.get(v3.json.version)?.in_force, false, list.text);
    assert.equal(byVersion.get(1)?.in_force, false, list.text);
  });

  it('the evaluation record of a closed chat is coarse: a day, an age band, no conversation id', async () => {
    const db = path.join(server.dataDir, 'safeconnect.db');
    const before = new Set((await sqlite(db, 'select id from evaluations', { json: true })).map((r) => r.id));
    const intake = {
      name: `Rosa ${rand()}`, gender: 'woman', age: '29', city: `Hartford${rand()}`, state: 'ct',
      zip: '06101', heard_about: 'my sister told me',
    };
    const dayBefore = new Date().toISOString().slice(0, 10);
    const { staff, visitor, convId } = await openChat(server, { intake });
    clients.push(staff.ws, visitor.ws);
    const said = `evaluation chat text ${rand()}`;
    const v = await visitorSay(visitor, said);
    await staff.ws.next(isStaffMessage(convId, (m) => m.seq === v.seq));
    const s = await staffSay(staff, convId, `reply ${rand()}`);
    await visitor.ws.next(isMessage((m) => m.seq === s.seq));
    staff.ws.send({ type: 'end', conversation_id: convId, disposition: 'safety_planning' });
    await visitor.ws.nextType('ended');
    await staff.ws.nextType('removed', (f) => f.conversation_id === convId);
    const dayAfter = new Date().toISOString().slice(0, 10);

    const rows = await eventually(async () => {
      const all = await sqlite(db, 'select * from evaluations', { json: true });
      const fresh = all.filter((r) => !before.has(r.id));
      return fresh.length > 0 ? fresh : null;
    }, { what: 'an evaluation row for the closed chat' });
    assert.equal(rows.length, 1, `exactly one new evaluation row: ${JSON.stringify(rows)}`);
    const row = rows[0];
    assert.deepEqual(Object.keys(row).sort(), ['age_band', 'channel', 'day', 'disposition', 'duration', 'gender',
      'heard_about', 'id', 'lang', 'policy_version', 'state', 'wait'].sort(), `columns: ${JSON.stringify(row)}`);
    assert.ok([dayBefore, dayAfter].includes(row.day), `day only (YYYY-MM-DD): ${row.day}`);
    assert.equal(row.age_band, '25_34', 'an age band, not the age');
    assert.equal(row.gender, 'female');
    assert.equal(row.state, 'CT');
    assert.equal(row.heard_about, 'friend_or_family');
    assert.equal(row.disposition, 'safety_planning');
    assert.equal(row.channel, 'chat');
    assert.equal(row.lang, 'en');
    assert.equal(row.wait, 'under_1m');
    assert.equal(row.duration, 'under_5m');
    assert.equal(typeof row.policy_version, 'number');
    // Nothing in the row leads back: no conversation id, no intake value, no time of day.
    const convHex = convId.toLowerCase();
    for (const [col, value] of Object.entries(row)) {
      const text = String(value).toLowerCase();
      assert.ok(!text.includes(convHex) && !convHex.includes(text.length >= 6 ? text : '\u0000'),
        `${col}=${value} is not (part of) the conversation id ${convId}`);
      // (The age is checked above: the band is not the age; "29" may well be the day of the month.)
      for (const f of ['name', 'city', 'zip']) {
        assert.ok(!text.includes(String(intake[f]).toLowerCase()), `${col}=${value} does not hold the intake ${f}`);
      }
      assert.ok(!/\d{2}:\d{2}|T\d{2}/.test(text), `${col}=${value} holds no time of day`);
    }
    secrets.push(said, intake.name, intake.city, visitor.token);
  });

  it('the audit log records staff actions on visitor data and holds no visitor data', async () => {
    // A chat whose transcript a coordinator opens (accepting it), then a supervisor erases.
    const intake = { name: `Audit ${rand()}`, city: `Town${rand()}`, zip: '06107' };
    const { staff, visitor, convId } = await openChat(server, { intake });
    clients.push(staff.ws, visitor.ws);
    const said = `audit chat text ${rand()}`;
    const v = await visitorSay(visitor, said);
    await staff.ws.next(isStaffMessage(convId, (m) => m.seq === v.seq));
    staff.ws.send({ type: 'end', conversation_id: convId, disposition: 'information' });
    await staff.ws.nextType('removed', (f) => f.conversation_id === convId);
    secrets.push(said, intake.name, intake.city, visitor.token);

    const changed = await post(admin, '/api/staff/retention', { hours: 72 });
    assert.equal(changed.status, 200);
    const pub = await post(admin, '/api/staff/policies', { markdown: `# Privacy policy\n\naudit ${rand()}\n` });
    assert.equal(pub.status, 201, pub.text);
    const purge = await post(sup, `/api/staff/conversations/${convId}/purge`, undefined);
    assert.equal(purge.status, 200, `the supervisor's erasure: ${purge.text}`);

    assert.equal((await get(coord, '/api/staff/audit')).status, 403, 'coordinators do not read the audit log');
    const res = await get(sup, '/api/staff/audit');
    assert.equal(res.status, 200, res.text);
    const entries = res.json.entries;
    assert.ok(Array.isArray(entries) && entries.length > 0);
    const has = (action, pred = () => true) => entries.some((e) => e.action === action && pred(e));
    const show = JSON.stringify(entries.map((e) => [e.action, e.staff_id, e.subject]));
    assert.ok(has('signed_in', (e) => e.staff_id === sup.user.id), `signed_in: ${show}`);
    assert.ok(has('transcript_opened', (e) => e.subject === convId && e.staff_id === staff.state.me.id), `transcript_opened: ${show}`);
    assert.ok(has('retention_changed', (e) => e.staff_id === admin.user.id), `retention_changed: ${show}`);
    assert.ok(has('policy_published', (e) => e.staff_id === admin.user.id && e.subject.includes(String(pub.json.version))), `policy_published: ${show}`);
    assert.ok(has('conversation_purged', (e) => e.subject === convId && e.staff_id === sup.user.id), `conversation_purged: ${show}`);

    for (const secret of secrets) {
      assert.ok(secret && !res.text.includes(secret), `the audit log must not contain ${JSON.stringify(secret)}`);
    }
    assert.ok(!/"(?:text|intake|token|password|csrf_token)"/.test(res.text), 'no visitor-data fields in the audit JSON');
  });

  it('erasing a chat that still awaits its disposition: one evaluation record, and the console lets go of it', async () => {
    const db = path.join(server.dataDir, 'safeconnect.db');
    const { staff, visitor, convId } = await openChat(server, { intake: { age: '40' } });
    clients.push(staff.ws, visitor.ws);
    visitor.ws.send({ type: 'end' });
    await visitor.ws.nextType('ended');
    await staff.ws.nextType('ended', (f) => f.conversation_id === convId && f.by === 'visitor');
    const before = Number(await sqlite(db, 'select count(*) from evaluations'));

    // A supervisor erases it before the coordinator records a disposition: the purge
    // writes its evaluation record (the chat had none) and the console must drop the chat.
    const purge = await post(sup, `/api/staff/conversations/${convId}/purge`, undefined);
    const afterPurge = Number(await sqlite(db, 'select count(*) from evaluations'));
    assert.equal(await sqlite(db, `select count(*) from conversations where id = ${sqlText(convId)}`), '0', 'the conversation is erased');

    // The coordinator, not told (or told too late), records a disposition anyway.
    staff.ws.send({ type: 'end', conversation_id: convId, disposition: 'referral' });
    // Wait for the answer to `end`: an error (the chat is gone), or `removed` as closed (the
    // disposition was recorded); a `removed` for the purge itself may come first.
    const answers = [];
    for (;;) {
      const f = await staff.ws.next((x) => x.type === 'error' || (x.type === 'removed' && x.conversation_id === convId),
        undefined, 'removed or error for the erased chat');
      answers.push(f);
      if (f.type === 'error' || f.reason === 'closed') break;
    }
    // A recorded disposition answers only after its transaction committed.
    const final = Number(await sqlite(db, 'select count(*) from evaluations'));
    const show = `purge answered ${purge.status} ${purge.text}; evaluations ${before} -> ${afterPurge} after the purge` +
      ` -> ${final} after the disposition; console frames: ${JSON.stringify(answers)}`;
    assert.equal(afterPurge, before + 1, `the purge wrote the missing evaluation: ${show}`);
    assert.equal(final, before + 1, `exactly one evaluation record for the conversation, none written twice: ${show}`);
    assert.ok(answers.some((f) => f.type === 'removed' && f.reason !== 'closed'), `the console was told the chat is gone: ${show}`);
    assert.equal(purge.status, 200, show);
  });
});
