// "Cookies only for Member Log In" (DESIGN.md): no public or visitor route ever sets a
// cookie. authz.test.mjs checks the main pages; this test covers every route a visitor can
// reach, found by following the site's own links from the home page as well as from a fixed
// list (the privacy archive and each archived version included), each with GET and HEAD,
// with and without a (forged or stale) staff cookie in the request, compressed or not, plus
// 404s, 405, conditional asset requests and the /ws/visitor upgrade, before and after a
// chat starts.

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  ADMIN_EMAIL, ADMIN_PASSWORD, WsClient, closeAll, connectVisitor, login, request, staffHeaders, startServer,
} from './harness.mjs';

const FIXED = ['/', '/safety', '/privacy', '/privacy/versions', '/privacy/versions/1', '/contact', '/chat',
  '/staff', '/healthz', '/no/such/page', '/privacy/versions/999', '/privacy/versions/x',
  '/assets/nope.0123456789.js', '/favicon.ico', '/robots.txt', '/?q=1', '/chat?lang=es'];

/** Request header variants: a visitor's browser could send any of these. */
const VARIANTS = [
  ['plain', {}],
  ['gzip, Spanish', { 'accept-encoding': 'gzip, deflate, br', 'accept-language': 'es' }],
  ['a forged staff cookie', { cookie: `__Host-sc_session=${'ab'.repeat(32)}` }],
  ['an unrelated cookie', { cookie: 'theme=dark; sc_visitor=1' }],
];

const setCookieOf = (res) => res.setCookies;

describe('no public or visitor route sets a cookie', () => {
  let server;
  const clients = [];

  after(async () => {
    await closeAll(clients);
    await server?.cleanup();
  });

  it('every page, asset, archive entry, error and the visitor upgrade answer without Set-Cookie', async () => {
    server = await startServer();
    // A second policy version, so the archive links to an earlier one.
    const admin = await login(server, ADMIN_EMAIL, ADMIN_PASSWORD);
    const pub = await request(server, 'POST', '/api/staff/policies', {
      headers: staffHeaders(server, admin), json: { markdown: '# Privacy policy\n\nVersion two.\n' },
    });
    assert.equal(pub.status, 201, pub.text);

    // Crawl the site's own links (same origin, GET pages) from the fixed list.
    const seen = new Set();
    const queue = [...FIXED];
    const checked = [];
    while (queue.length > 0) {
      const p = queue.shift();
      if (seen.has(p)) continue;
      seen.add(p);
      for (const [variant, headers] of VARIANTS) {
        for (const method of ['GET', 'HEAD']) {
          const r = await request(server, method, p, { headers });
          assert.ok(r.status < 500, `${method} ${p} (${variant}): status ${r.status}`);
          assert.deepEqual(setCookieOf(r), [], `${method} ${p} (${variant}) sets no cookie`);
          checked.push(`${method} ${p} ${r.status}`);
          if (method === 'GET' && r.headers.etag) {
            const again = await request(server, 'GET', p, { headers: { ...headers, 'if-none-match': r.headers.etag } });
            assert.deepEqual(setCookieOf(again), [], `conditional GET ${p} (${variant}) sets no cookie`);
          }
          if (method === 'GET' && variant === 'plain' && /text\/html/.test(r.headers['content-type'] ?? '')) {
            for (const m of r.text.matchAll(/(?:href|src|action)=["']?(\/[^"' >#]*)/g)) {
              const link = m[1].replaceAll('&amp;', '&');
              if (!link.startsWith('//') && !link.startsWith('/api/') && !link.startsWith('/ws/')) queue.push(link);
            }
          }
        }
      }
      assert.ok(seen.size < 200, 'the crawl stays small');
    }
    for (const must of ['/', '/safety', '/privacy', '/privacy/versions', '/privacy/versions/1', '/contact', '/chat', '/healthz']) {
      assert.ok(seen.has(must), `${must} was checked`);
    }
    assert.ok([...seen].some((p) => p.startsWith('/assets/') && checked.includes(`GET ${p} 200`)), `an existing asset was checked: ${[...seen]}`);
    assert.ok(checked.some((c) => / 404$/.test(c)), 'a 404 was checked');

    // Other methods on public paths: refused, still without a cookie.
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
      for (const p of ['/', '/chat', '/privacy']) {
        const r = await request(server, method, p, { body: method === 'POST' || method === 'PUT' ? 'x=1' : undefined });
        assert.ok(r.status >= 400 && r.status < 500, `${method} ${p}: ${r.status}`);
        assert.deepEqual(setCookieOf(r), [], `${method} ${p} sets no cookie`);
      }
    }

    // The visitor WebSocket: the upgrade answer, with or without cookies sent, before and
    // after a chat starts (no later HTTP response exists on that connection).
    for (const [variant, headers] of VARIANTS) {
      const ws = await WsClient.connect(server.wsUrl('/ws/visitor'), { headers, name: `visitor (${variant})` });
      clients.push(ws);
      assert.ok(ws.upgradeHeaders, 'the upgrade answer was seen');
      assert.equal(ws.upgradeHeaders['set-cookie'], undefined, `/ws/visitor upgrade (${variant}) sets no cookie`);
    }
    const visitor = await connectVisitor(server, 'visitor-start');
    clients.push(visitor);
    assert.equal(visitor.upgradeHeaders['set-cookie'], undefined);
    visitor.send({ type: 'start', intake: { state: 'CT' } });
    const started = await visitor.nextType('started');
    assert.ok(!JSON.stringify(started).toLowerCase().includes('cookie'));
    // A page load after the chat started, as the chat page's own requests would be.
    const chatPage = await request(server, 'GET', '/chat');
    assert.deepEqual(setCookieOf(chatPage), []);
  });
});
