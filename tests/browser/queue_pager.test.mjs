// The waiting list of a long queue in the browser: with 51 waiting, the console says
// "Showing 1–50 of 51", Next (pressed from the keyboard) shows the 51st, who can be
// accepted, and the count stays true.

import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { STAFF_PASSWORD, addStaff, closeAll, startServer, startVisitor } from '../integration/harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.join(here, 'out');
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const UI_TIMEOUT_MS = 15_000;

describe('queue pages in the browser', () => {
  let server;
  let browser;
  const visitors = [];

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
    await closeAll(visitors);
    await browser?.close().catch(() => {});
    await server?.cleanup();
  });

  it('pages to the 51st waiting visitor and accepts them', async () => {
    for (let i = 0; i < 51; i++) visitors.push((await startVisitor(server, { name: `visitor-${i + 1}` })).ws);

    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(UI_TIMEOUT_MS);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (err) => errors.push(err.message));
    try {
      await page.goto(`${server.baseUrl}/staff`);
      const form = page.getByRole('region', { name: 'Staff sign-in' });
      await form.getByLabel('Email').fill('ana@test.invalid');
      await form.getByLabel('Password').fill(STAFF_PASSWORD);
      await form.getByRole('button', { name: 'Sign in' }).click();

      const queue = page.getByRole('region', { name: 'Waiting' });
      await queue.getByText('51 people are waiting.').waitFor();
      const pager = queue.getByRole('navigation', { name: 'Waiting list pages' });
      await pager.getByText('Showing 1–50 of 51').waitFor();
      const prev = pager.getByRole('button', { name: 'Previous 50' });
      const next = pager.getByRole('button', { name: 'Next 50' });
      assert.equal(await prev.getAttribute('aria-disabled'), 'true');
      assert.equal(await next.getAttribute('aria-disabled'), 'false');
      assert.equal(await queue.getByRole('button', { name: /^Accept Chat #/ }).count(), 50);

      await next.focus();
      await page.keyboard.press('Enter');
      await pager.getByText('Showing 51–51 of 51').waitFor();
      assert.equal(await next.getAttribute('aria-disabled'), 'true');
      assert.equal(await prev.getAttribute('aria-disabled'), 'false');
      await queue.getByText('51.', { exact: true }).waitFor();
      await page.screenshot({ path: path.join(outDir, 'staff-queue-page-2.png') });

      // The 51st is accepted from the second page; 50 remain, so one page is enough again.
      await page.getByRole('radio', { name: 'Available' }).check();
      await queue.getByRole('button', { name: /^Accept Chat #/ }).click();
      await page.getByRole('log', { name: /^Messages in Chat #/ }).waitFor();
      await queue.getByText('50 people are waiting.').waitFor();
      await pager.waitFor({ state: 'hidden' });
      assert.equal(await queue.getByRole('button', { name: /^Accept Chat #/ }).count(), 50);
      assert.deepEqual(errors, [], 'no script errors');
    } catch (err) {
      await page.screenshot({ path: path.join(outDir, 'queue-pager-failure.png') }).catch(() => {});
      err.message += `\n--- server log ---\n${server.logTail(30)}`;
      throw err;
    } finally {
      await context.close();
    }
  });
});
