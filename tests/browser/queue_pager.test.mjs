// The waiting list of a long queue in the browser: with 51 waiting, the console says
// "Showing 1–50 of 51", Next (pressed from the keyboard) shows the 51st, who can be
// accepted, and the count stays true.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { addStaff, closeAll, startServer, startVisitor } from '../integration/harness.mjs';
import { launchBrowser, openPage, outDir, signIn } from './browser_harness.mjs';

describe('queue pages in the browser', () => {
  let server;
  let browser;
  const visitors = [];

  before(async () => {
    server = await startServer();
    await addStaff(server.dataDir, { email: 'ana@test.invalid', name: 'Ana', role: 'coordinator' });
    browser = await launchBrowser();
  });

  after(async () => {
    await closeAll(visitors);
    await browser?.close().catch(() => {});
    await server?.cleanup();
  });

  it('pages to the 51st waiting visitor and accepts them', async () => {
    for (let i = 0; i < 51; i++) visitors.push((await startVisitor(server, { name: `visitor-${i + 1}` })).ws);

    const { context, page, errors } = await openPage(browser, { width: 1280, height: 900 });
    try {
      await signIn(page, server, 'ana@test.invalid');

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
