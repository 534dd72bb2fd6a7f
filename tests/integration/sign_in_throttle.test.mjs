// Sign-in throttling against the real server from many loopback addresses: failures from
// other addresses never keep the owner out (at most a short wait), one address spraying
// many accounts is refused, and oversized emails are just failures.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { STAFF_PASSWORD, addStaff, request, startServer, tryLogin } from './harness.mjs';

describe('sign-in throttling', () => {
  let server;

  before(async () => {
    server = await startServer();
    await addStaff(server.dataDir, { email: 'owner@test.invalid', name: 'Owner' });
  });

  after(async () => {
    await server?.cleanup();
  });

  it('five wrong passwords from other addresses do not stop the owner signing in', async () => {
    for (let i = 2; i <= 6; i += 1) {
      const r = await tryLogin(server, 'owner@test.invalid', `wrong-guess-${i}`, { localAddress: `127.0.0.${i}` });
      assert.equal(r.status, 401, `attempt from 127.0.0.${i}: ${r.response.text}`);
      assert.equal(r.response.localAddress, `127.0.0.${i}`, 'the request came from that address');
    }
    // More strangers: from now on each attempt waits a little, none is locked.
    for (let i = 7; i <= 9; i += 1) {
      const r = await tryLogin(server, 'owner@test.invalid', `wrong-guess-${i}`, { localAddress: `127.0.0.${i}` });
      assert.equal(r.status, 429, r.response.text);
      assert.equal(r.response.json?.error?.code, 'slow_down');
    }
    const first = await tryLogin(server, 'owner@test.invalid', STAFF_PASSWORD, { localAddress: '127.0.0.1' });
    let signedIn = first;
    if (first.status === 429) {
      assert.equal(first.response.json?.error?.code, 'slow_down', first.response.text);
      const wait = Number(first.response.headers['retry-after']);
      assert.ok(wait >= 1 && wait <= 5, `a few seconds at most: ${wait}`);
      assert.equal(first.response.json.error.retry_after, wait);
      await new Promise((resolve) => setTimeout(resolve, wait * 1000 + 200));
      signedIn = await tryLogin(server, 'owner@test.invalid', STAFF_PASSWORD, { localAddress: '127.0.0.1' });
    }
    assert.equal(signedIn.status, 200, signedIn.response.text);
    assert.ok(signedIn.cookie);
    assert.equal(signedIn.response.json.failed_sign_ins, 5, 'the owner is told of the failures');
  });

  it('one address spraying many accounts gets refused, other addresses do not', async () => {
    const statuses = [];
    for (let i = 0; i < 25; i += 1) {
      const r = await tryLogin(server, `sprayed${i}@test.invalid`, 'Winter2026!', { localAddress: '127.0.0.20' });
      statuses.push(r.status);
    }
    assert.deepEqual(statuses.slice(0, 20), Array(20).fill(401), statuses.join(','));
    assert.deepEqual(statuses.slice(20), Array(5).fill(429), statuses.join(','));
    const refused = await tryLogin(server, 'owner@test.invalid', STAFF_PASSWORD, { localAddress: '127.0.0.20' });
    assert.equal(refused.status, 429);
    assert.equal(refused.response.json?.error?.code, 'throttled');
    assert.ok(Number(refused.response.headers['retry-after']) >= 1);
    const elsewhere = await tryLogin(server, 'sprayed0@test.invalid', 'Winter2026!', { localAddress: '127.0.0.21' });
    assert.equal(elsewhere.status, 401, 'another address is not refused');
  });

  it('huge attacker-chosen emails are failures like any other and the server stays up', async () => {
    for (let i = 0; i < 5; i += 1) {
      const r = await request(server, 'POST', '/api/staff/login', {
        headers: { origin: server.origin },
        json: { email: `${'x'.repeat(60 * 1024)}${i}@test.invalid`, password: 'y' },
        localAddress: '127.0.0.30',
      });
      assert.equal(r.status, 401, r.text.slice(0, 200));
    }
    const health = await request(server, 'GET', '/healthz');
    assert.equal(health.status, 200);
    assert.ok(!server.log().includes('x'.repeat(100)), 'the email is never logged');
  });
});
