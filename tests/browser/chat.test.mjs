// A chat in a real browser (Debian's chromium via playwright-core): a visitor
// starts with the empty form, a coordinator signs in, accepts and answers, then
// ends the chat. The visitor's browser keeps nothing: no cookie, no storage.
// Screenshots of both sides go to tests/browser/out/ for people to look at.

import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { STAFF_PASSWORD, addStaff, startServer } from '../integration/harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.join(here, 'out');
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const UI_TIMEOUT_MS = 15_000;

/** Records what a page did that it must not: script errors, CSP reports, foreign requests. */
function watch(page, server, name) {
  const problems = [];
  page.on('pageerror', (err) => problems.push(`${name}: page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) {
      problems.push(`${name}: ${msg.text()}`);
    }
  });
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.protocol === 'data:' || url.protocol === 'blob:') return;
    if (url.host !== `127.0.0.1:${server.port}`) problems.push(`${name}: request to another origin: ${req.url()}`);
  });
  return problems;
}

describe('chat in the browser', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    await addStaff(server.dataDir, { email: 'ana@test.invalid', name: 'Ana', role: 'coordinator' });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    await mkdir(outDir, { recursive: true });
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await server?.cleanup();
  });

  it('visitor and coordinator chat; the visitor browser keeps nothing', async () => {
    const visitorContext = await browser.newContext({ locale: 'en-US', viewport: { width: 420, height: 860 } });
    const staffContext = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    visitorContext.setDefaultTimeout(UI_TIMEOUT_MS);
    staffContext.setDefaultTimeout(UI_TIMEOUT_MS);
    const visitor = await visitorContext.newPage();
    const staff = await staffContext.newPage();
    const problems = [];
    const vProblems = watch(visitor, server, 'visitor');
    const sProblems = watch(staff, server, 'staff');
    staff.on('dialog', (dialog) => dialog.accept()); // "End this chat?" confirmation

    try {
      // Coordinator signs in and becomes available.
      await staff.goto(`${server.baseUrl}/staff`);
      const signIn = staff.getByRole('region', { name: 'Staff sign-in' });
      await signIn.getByLabel('Email').fill('ana@test.invalid');
      await signIn.getByLabel('Password').fill(STAFF_PASSWORD);
      await signIn.getByRole('button', { name: 'Sign in' }).click();
      await staff.getByRole('heading', { name: 'Staff console' }).waitFor();
      await staff.getByRole('radio', { name: 'Available' }).check();

      // Visitor opens the chat page and starts with the empty form.
      await visitor.goto(`${server.baseUrl}/chat`);
      await visitor.getByRole('heading', { name: 'Chat with an advocate' }).waitFor();
      await visitor.getByRole('button', { name: 'Start chat' }).click();
      await visitor.getByText('Waiting for an advocate', { exact: false }).or(visitor.getByText(/number 1 in line/))
        .first().waitFor();

      // Coordinator accepts it from the queue.
      const acceptButton = staff.getByRole('button', { name: /^Accept Chat #/ });
      await acceptButton.waitFor();
      await acceptButton.click();

      // The visitor sees Ana join.
      const vLog = visitor.getByRole('log', { name: 'Messages' });
      await vLog.getByText('Ana joined the chat.').waitFor();
      await visitor.getByText('You are chatting with Ana.').waitFor();

      // Visitor writes; Ana reads.
      await visitor.getByLabel('Your message').fill('Hello, I need someone to talk to.');
      await visitor.getByRole('button', { name: 'Send' }).click();
      const sLog = staff.getByRole('log', { name: /^Messages in Chat #/ });
      await sLog.getByText('Hello, I need someone to talk to.').waitFor();
      // Acknowledged on the visitor's side: no "Sending…" left.
      await assertEventuallyGone(vLog.getByText('Sending…'));

      // Ana answers (with Enter); the visitor reads.
      const reply = staff.getByLabel('Reply');
      await reply.fill("Hi, I'm Ana. I'm here for you. Are you safe right now?");
      await reply.press('Enter');
      await vLog.getByText("Hi, I'm Ana. I'm here for you. Are you safe right now?").waitFor();

      await visitor.getByLabel('Your message').fill('Yes, for now.');
      await visitor.getByLabel('Your message').press('Enter');
      await sLog.getByText('Yes, for now.').waitFor();

      // While chatting, the visitor keeps only the resume token, in sessionStorage.
      const during = await storageOf(visitor);
      assert.equal(during.local, 0, 'nothing in localStorage during the chat');
      assert.deepEqual(await visitorContext.cookies(), [], 'no cookie during the chat');
      assert.ok(!during.sessionText.includes('Yes, for now.'), 'message text is never stored');

      await visitor.screenshot({ path: path.join(outDir, 'visitor-chatting.png') });
      await staff.screenshot({ path: path.join(outDir, 'staff-chatting.png') });

      // Ana ends the chat with a disposition.
      await staff.getByLabel('Disposition').selectOption('safety_planning');
      await staff.getByRole('button', { name: 'End chat' }).click();

      await visitor.getByRole('heading', { name: 'This chat has ended' }).waitFor();
      await visitor.getByText('The advocate ended the chat.').first().waitFor();
      await assertEventuallyGone(visitor.getByLabel('Your message'), 'the composer is gone');

      await visitor.screenshot({ path: path.join(outDir, 'visitor-ended.png') });
      await staff.screenshot({ path: path.join(outDir, 'staff-ended.png') });

      // Nothing is left in the visitor's browser.
      assert.deepEqual(await visitorContext.cookies(), [], 'the visitor context has no cookies');
      const afterEnd = await storageOf(visitor);
      assert.equal(afterEnd.local, 0, 'localStorage is empty');
      assert.equal(afterEnd.session, 0, `sessionStorage is empty once the chat ended: ${afterEnd.sessionText}`);

      // The staff session is the only cookie, and it is the locked-down one.
      const staffCookies = await staffContext.cookies();
      assert.deepEqual(staffCookies.map((c) => c.name), ['__Host-sc_session']);
      assert.equal(staffCookies[0].httpOnly, true);
      assert.equal(staffCookies[0].secure, true);
      assert.equal(staffCookies[0].sameSite, 'Strict');
      assert.equal(await staff.evaluate(() => document.cookie), '', 'the script cannot read the session');

      problems.push(...vProblems, ...sProblems);
      assert.deepEqual(problems, [], 'no script error, CSP violation or foreign request');
    } catch (err) {
      await visitor.screenshot({ path: path.join(outDir, 'visitor-failure.png') }).catch(() => {});
      await staff.screenshot({ path: path.join(outDir, 'staff-failure.png') }).catch(() => {});
      err.message += `\nvisitor problems: ${JSON.stringify(vProblems)}\nstaff problems: ${JSON.stringify(sProblems)}` +
        `\n--- server log ---\n${server.logTail(30)}`;
      throw err;
    } finally {
      await visitorContext.close();
      await staffContext.close();
    }
  });
});

async function storageOf(page) {
  return page.evaluate(() => ({
    local: localStorage.length,
    session: sessionStorage.length,
    sessionText: JSON.stringify({ ...sessionStorage }),
  }));
}

async function assertEventuallyGone(locator, what = 'element disappears') {
  try {
    await locator.first().waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
  } catch (err) {
    throw new Error(`${what}: ${err.message}`);
  }
}
