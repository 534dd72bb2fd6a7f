// docs/openapi.json against the running server: every documented route is driven (its
// happy path and its main refusals) and each answer's status, content type and body are
// checked against the description with a JSON Schema 2020-12 validator, the dialect
// OpenAPI 3.1 uses. A route the description has and this test never reached fails too.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import Ajv2020 from 'ajv/dist/2020.js';

import {
  ADMIN_EMAIL, ADMIN_PASSWORD, STAFF_PASSWORD, addStaff, closeAll, login, repoRoot, request,
  staffHeaders, startServer, startVisitor, tryLogin,
} from './harness.mjs';
import { freshTotpCode } from './totp.mjs';

const doc = JSON.parse(await readFile(path.join(repoRoot, 'docs', 'openapi.json'), 'utf8'));

// The component schemas as one schema of $defs, so that the description's references
// resolve: "#/components/schemas/user" becomes "<id>#/$defs/user".
const SCHEMAS_ID = 'https://safeconnect.invalid/openapi-components';
const rewriteRefs = (value) => JSON.parse(JSON.stringify(value)
  .replaceAll('"#/components/schemas/', `"${SCHEMAS_ID}#/$defs/`));
const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
ajv.addSchema({ $id: SCHEMAS_ID, $defs: rewriteRefs(doc.components.schemas) });

const operations = [];
for (const [template, item] of Object.entries(doc.paths)) {
  const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
  for (const [method, op] of Object.entries(item)) operations.push({ template, method: method.toUpperCase(), op, pattern });
}

const validators = new Map();
function validatorFor(key, schema) {
  if (!validators.has(key)) validators.set(key, ajv.compile(rewriteRefs(schema)));
  return validators.get(key);
}

/** "METHOD template" → the statuses seen. */
const seen = new Map();

/**
 * Sends a request and checks the answer against the description: the operation exists, the
 * status is one it documents (and the one expected), the content type and the body fit.
 */
async function call(server, method, target, { session, csrf = true, json, body, headers = {}, expect } = {}) {
  const pathname = target.split('?')[0];
  const found = operations.find((o) => o.method === (method === 'HEAD' ? 'GET' : method) && o.pattern.test(pathname));
  assert.ok(found, `${method} ${pathname} is not in docs/openapi.json`);
  const h = { ...(session ? staffHeaders(server, session, { csrf }) : { origin: server.origin }), ...headers };
  const res = await request(server, method, target, { headers: h, json, body });
  const what = `${method} ${target} → ${res.status} ${res.text.slice(0, 300)}`;
  if (expect !== undefined) assert.equal(res.status, expect, what);
  const documented = found.op.responses[String(res.status)];
  assert.ok(documented, `${what}: status ${res.status} is not documented for ${found.method} ${found.template}`);
  const key = `${found.method} ${found.template}`;
  if (!seen.has(key)) seen.set(key, new Set());
  seen.get(key).add(res.status);

  const content = documented.content ?? {};
  const type = (res.headers['content-type'] ?? '').split(';')[0].trim();
  if (Object.keys(content).length === 0) {
    assert.equal(res.raw.length, 0, `${what}: no body is documented`);
  } else if (content['application/json']) {
    assert.equal(type, 'application/json', `${what}: content type`);
    const validate = validatorFor(`${key} ${res.status}`, content['application/json'].schema);
    assert.ok(validate(res.json), `${what}: the body does not fit the schema: ${ajv.errorsText(validate.errors)}`);
  } else if (content['text/html']) {
    assert.equal(type, 'text/html', `${what}: content type`);
  } else {
    assert.ok(content['*/*'], `${what}: a documented content type`);
  }
  return res;
}

describe('docs/openapi.json describes the running server', () => {
  let server;
  let admin;
  const clients = [];

  before(async () => {
    server = await startServer();
    for (const [email, name, role] of [
      ['coord@test.invalid', 'Cora', 'coordinator'],
      ['sup@test.invalid', 'Sam', 'supervisor'],
      ['pw@test.invalid', 'Pat', 'coordinator'],
      ['totp@test.invalid', 'Tess', 'coordinator'],
      ['locked@test.invalid', 'Lou', 'coordinator'],
      ['leaver@test.invalid', 'Lee', 'coordinator'],
    ]) await addStaff(server.dataDir, { email, name, role });
    admin = await login(server, ADMIN_EMAIL, ADMIN_PASSWORD);
  });

  after(async () => {
    await closeAll(...clients);
    await server?.cleanup();
  });

  it('the description is OpenAPI 3.1 with the cookie and CSRF schemes', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.equal(doc.components.securitySchemes.session.in, 'cookie');
    assert.equal(doc.components.securitySchemes.session.name, '__Host-sc_session');
    assert.equal(doc.components.securitySchemes.csrf.name, 'X-CSRF-Token');
  });

  it('public pages, assets and health', async () => {
    for (const p of ['/', '/safety', '/privacy', '/privacy/versions', '/privacy/versions/1', '/contact', '/chat', '/staff']) {
      await call(server, 'GET', p, { expect: 200 });
    }
    await call(server, 'GET', '/privacy/versions/999', { expect: 404 });
    const page = await call(server, 'GET', '/chat', { expect: 200 });
    const asset = /(?:src|href)="(\/assets\/[^"]+)"/.exec(page.text)[1];
    const first = await call(server, 'GET', asset, { expect: 200 });
    await call(server, 'GET', asset, { headers: { 'if-none-match': first.headers.etag }, expect: 304 });
    await call(server, 'GET', '/assets/nope.0123456789.js', { expect: 404 });
    await call(server, 'GET', '/healthz', { expect: 200 });
  });

  it('sign-in, the session and sign-out', async () => {
    await call(server, 'POST', '/api/staff/login', { json: { email: 'coord@test.invalid' }, expect: 400 });
    await call(server, 'POST', '/api/staff/login', { body: 'not json', expect: 400 });
    await call(server, 'POST', '/api/staff/login', { json: { email: 'coord@test.invalid', password: 'wrong password here' }, expect: 401 });
    await call(server, 'POST', '/api/staff/login', {
      json: { email: 'coord@test.invalid', password: STAFF_PASSWORD }, headers: { origin: 'http://evil.example' }, expect: 403,
    });
    let locked;
    for (let i = 0; i < 10 && !locked; i += 1) {
      const r = await call(server, 'POST', '/api/staff/login', { json: { email: 'locked@test.invalid', password: `wrong-${i}` } });
      if (r.status === 429) locked = r;
    }
    assert.ok(locked, 'repeated failures are throttled');
    assert.ok(['throttled', 'slow_down'].includes(locked.json.error.code));

    const signedIn = await call(server, 'POST', '/api/staff/login', { json: { email: 'coord@test.invalid', password: STAFF_PASSWORD }, expect: 200 });
    assert.equal(signedIn.json.next_step, 'done');
    const coord = await login(server, 'coord@test.invalid', STAFF_PASSWORD);
    await call(server, 'GET', '/api/staff/me', { session: coord, expect: 200 });
    await call(server, 'GET', '/api/staff/me', { expect: 401 });
    await call(server, 'POST', '/api/staff/login/totp', { session: coord, json: { code: '123456' }, expect: 409 });
    await call(server, 'POST', '/api/staff/logout', { session: coord, csrf: false, expect: 403 });
    await call(server, 'POST', '/api/staff/logout', { session: coord, expect: 204 });
    await call(server, 'POST', '/api/staff/logout', { session: coord, expect: 401 });
    const again = await login(server, 'coord@test.invalid', STAFF_PASSWORD);
    await call(server, 'POST', '/api/staff/logout-everywhere', { session: again, expect: 204 });
  });

  it('password change', async () => {
    const pat = await login(server, 'pw@test.invalid', STAFF_PASSWORD);
    await call(server, 'POST', '/api/staff/password', { session: pat, json: { current_password: 'not it at all', new_password: 'x' }, expect: 401 });
    await call(server, 'POST', '/api/staff/password', { session: pat, json: { current_password: STAFF_PASSWORD, new_password: 'password1234' }, expect: 400 });
    await call(server, 'POST', '/api/staff/password', { session: pat, json: { current_password: STAFF_PASSWORD }, expect: 400 });
    await call(server, 'POST', '/api/staff/password', {
      session: pat, json: { current_password: STAFF_PASSWORD, new_password: 'lantern moss drifts over slate' }, expect: 200,
    });
  });

  it('TOTP enrolment and the two-step sign-in', async () => {
    const tess = await login(server, 'totp@test.invalid', STAFF_PASSWORD);
    await call(server, 'GET', '/api/staff/totp', { session: tess, expect: 200 });
    await call(server, 'POST', '/api/staff/totp/confirm', { session: tess, json: { code: '000000' }, expect: 409 });
    const started = await call(server, 'POST', '/api/staff/totp/enrol', { session: tess, expect: 200 });
    const usedSteps = [];
    await call(server, 'POST', '/api/staff/totp/confirm', { session: tess, json: { code: 'abc' }, expect: 400 });
    await call(server, 'POST', '/api/staff/totp/confirm', {
      session: tess, json: { code: freshTotpCode(started.json.secret, usedSteps) }, expect: 200,
    });

    const half = await tryLogin(server, 'totp@test.invalid', STAFF_PASSWORD);
    assert.equal(half.status, 200);
    const pending = { cookie: half.cookie, csrf: half.csrf };
    const owed = await call(server, 'GET', '/api/staff/users', { session: pending, expect: 403 });
    assert.equal(owed.json.error.code, 'totp_code_required');
    await call(server, 'POST', '/api/staff/login/totp', { session: pending, json: { code: '000000' }, expect: 401 });
    const done = await call(server, 'POST', '/api/staff/login/totp', {
      session: pending, json: { code: freshTotpCode(started.json.secret, usedSteps) }, expect: 200,
    });
    assert.equal(done.json.next_step, 'done');
  });

  it('staff accounts', async () => {
    const coord = await login(server, 'coord@test.invalid', STAFF_PASSWORD);
    await call(server, 'GET', '/api/staff/users', { session: admin, expect: 200 });
    await call(server, 'GET', '/api/staff/users', { session: coord, expect: 403 });
    const body = { email: 'new@test.invalid', name: 'New Person', role: 'coordinator', password: STAFF_PASSWORD };
    await call(server, 'POST', '/api/staff/users', { session: admin, json: body, expect: 201 });
    await call(server, 'POST', '/api/staff/users', { session: admin, json: body, expect: 409 });
    await call(server, 'POST', '/api/staff/users', { session: admin, json: { ...body, email: 'n2@test.invalid', role: 'root' }, expect: 400 });
    await call(server, 'POST', '/api/staff/users', { session: admin, csrf: false, json: { ...body, email: 'n3@test.invalid' }, expect: 403 });

    const leaver = await login(server, 'leaver@test.invalid', STAFF_PASSWORD);
    await call(server, 'POST', `/api/staff/users/${leaver.user.id}/totp-reset`, { session: admin, expect: 200 });
    await call(server, 'POST', '/api/staff/users/999999/totp-reset', { session: admin, expect: 404 });
    await call(server, 'POST', `/api/staff/users/${leaver.user.id}/disable`, { session: admin, expect: 200 });
    await call(server, 'POST', `/api/staff/users/${admin.user.id}/disable`, { session: admin, expect: 409 });
    await call(server, 'POST', '/api/staff/users/999999/disable', { session: admin, expect: 404 });
    await call(server, 'POST', '/api/staff/users/abc/disable', { session: admin, expect: 404 });
    await call(server, 'POST', `/api/staff/users/${admin.user.id}/disable`, { session: coord, expect: 403 });

    await call(server, 'GET', '/api/staff/security', { session: admin, expect: 200 });
    await call(server, 'POST', '/api/staff/security', { session: admin, json: { totp_required_roles: ['root'] }, expect: 400 });
    await call(server, 'POST', '/api/staff/security', { session: admin, json: { totp_required_roles: [] }, expect: 200 });
    await call(server, 'GET', '/api/staff/security', { session: coord, expect: 403 });
  });

  it('privacy administration', async () => {
    const coord = await login(server, 'coord@test.invalid', STAFF_PASSWORD);
    const sup = await login(server, 'sup@test.invalid', STAFF_PASSWORD);
    await call(server, 'GET', '/api/staff/retention', { session: sup, expect: 200 });
    await call(server, 'GET', '/api/staff/retention', { session: coord, expect: 403 });
    await call(server, 'POST', '/api/staff/retention', { session: sup, json: { hours: 24 }, expect: 403 });
    await call(server, 'POST', '/api/staff/retention', { session: admin, json: { hours: -1 }, expect: 400 });
    const changed = await call(server, 'POST', '/api/staff/retention', { session: admin, json: { hours: 72 }, expect: 200 });
    assert.equal(changed.json.hours, 72);

    // A visitor who leaves the queue leaves a closed conversation behind.
    const visitor = await startVisitor(server);
    clients.push(visitor.ws);
    visitor.ws.send({ type: 'end' });
    await visitor.ws.nextType('ended');
    const list = await call(server, 'GET', '/api/staff/conversations', { session: sup, expect: 200 });
    const closed = list.json.conversations.find((c) => c.conversation_id === visitor.conversation.id) ?? list.json.conversations[0];
    assert.ok(closed, 'the closed conversation is listed');
    await call(server, 'GET', '/api/staff/conversations', { session: coord, expect: 403 });
    await call(server, 'POST', `/api/staff/conversations/${closed.conversation_id}/purge`, { session: coord, expect: 403 });
    await call(server, 'POST', `/api/staff/conversations/${closed.conversation_id}/purge`, { session: sup, expect: 200 });
    await call(server, 'POST', `/api/staff/conversations/${closed.conversation_id}/purge`, { session: sup, expect: 404 });

    const audit = await call(server, 'GET', '/api/staff/audit', { session: sup, expect: 200 });
    await call(server, 'GET', `/api/staff/audit?before=${audit.json.entries.at(-1).id}`, { session: sup, expect: 200 });
    await call(server, 'GET', '/api/staff/audit', { session: coord, expect: 403 });
    await call(server, 'GET', '/api/staff/traffic?days=7', { session: admin, expect: 200 });
    await call(server, 'GET', '/api/staff/traffic', { session: sup, expect: 403 });
    await call(server, 'GET', '/api/staff/policies', { session: admin, expect: 200 });
    await call(server, 'GET', '/api/staff/policies', { session: sup, expect: 403 });
    await call(server, 'POST', '/api/staff/policies', { session: admin, json: { markdown: '# Privacy\n\nconformance' }, expect: 201 });
    await call(server, 'POST', '/api/staff/policies', { session: admin, json: { markdown: '# x', effective_at: 'soon' }, expect: 400 });
    await call(server, 'POST', '/api/staff/policies', { session: admin, json: {}, expect: 400 });
  });

  it('every documented operation was driven to a success', () => {
    const missing = [];
    for (const { method, template, op } of operations) {
      const statuses = seen.get(`${method} ${template}`) ?? new Set();
      const successes = Object.keys(op.responses).filter((s) => s.startsWith('2')).map(Number);
      if (![...statuses].some((s) => successes.includes(s))) missing.push(`${method} ${template}`);
    }
    assert.deepEqual(missing, [], 'operations this test never answered with success');
  });
});
