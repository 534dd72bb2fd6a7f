// Blocking an abusive visitor in the browser: a coordinator ends a chat with Block visitor
// (after a confirmation); the visitor sees only an ordinary ending and cannot start a new
// chat; a supervisor finds the block under Blocked visitors and lifts it, and the visitor
// can chat again.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { addStaff, startServer } from '../integration/harness.mjs';
import { launchBrowser, openPage, outDir, signIn } from './browser_harness.mjs';

describe('blocking a visitor in the browser', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    await addStaff(server.dataDir, { email: 'ana@test.invalid', name: 'Ana', role: 'coordinator' });
    await addStaff(server.dataDir, { email: 'sue@test.invalid', name: 'Sue', role: 'supervisor' });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await server?.cleanup();
  });

  it('a coordinator blocks, the visitor is refused, a supervisor lifts the block', async () => {
    const contexts = [];
    const open = async (viewport) => {
      const opened = await openPage(browser, viewport);
      contexts.push(opened.context);
      return opened;
    };
    const visitor = await open({ width: 420, height: 860 });
    const ana = await open({ width: 1280, height: 900 });
    const sue = await open({ width: 1280, height: 900 });
    // Every frame the visitor's page receives, per WebSocket, to show what it was told.
    const visitorSockets = [];
    visitor.page.on('websocket', (ws) => {
      const socket = { ws, received: [] };
      ws.on('framereceived', (frame) => socket.received.push(String(frame.payload)));
      visitorSockets.push(socket);
    });
    const dialogs = [];
    ana.page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.accept();
    });
    sue.page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.accept();
    });

    try {
      await signIn(ana.page, server, 'ana@test.invalid');
      await ana.page.getByRole('radio', { name: 'Available' }).check();
      await signIn(sue.page, server, 'sue@test.invalid');

      await visitor.page.goto(`${server.baseUrl}/chat`);
      await visitor.page.getByRole('button', { name: 'Start chat' }).click();
      await ana.page.getByRole('button', { name: /^Accept Chat #/ }).click();
      await visitor.page.getByText('You are chatting with Ana.').waitFor();

      // Block visitor asks for a reason first, then confirms.
      await ana.page.getByRole('button', { name: 'Block visitor' }).click();
      await ana.page.getByText('Choose a reason first.').waitFor();
      await ana.page.getByLabel('Block reason').selectOption('threatening');
      await ana.page.screenshot({ path: path.join(outDir, 'staff-block-visitor.png') });
      await ana.page.getByRole('button', { name: 'Block visitor' }).click();
      await ana.page.getByText(/was ended and its visitor blocked until/).waitFor();
      assert.match(dialogs[0], /block this visitor\? .* 24 hours/);

      // The visitor sees an ordinary ending, and cannot start again.
      await visitor.page.getByText('The advocate ended the chat.').first().waitFor();
      await visitor.page.goto(`${server.baseUrl}/chat`);
      await visitor.page.getByRole('button', { name: 'Start chat' }).click();
      await visitor.page.getByText(/We cannot start a chat right now/).waitFor();
      // The page hangs up after the refusal: once its socket is closed nothing more can come,
      // so what it received is all the server told it.
      const refused = visitorSockets.at(-1);
      if (!refused.ws.isClosed()) await refused.ws.waitForEvent('close');
      assert.ok(refused.received.some((f) => f.includes('"unavailable"')), `the refusal came: ${refused.received}`);
      assert.deepEqual(refused.received.filter((f) => /block/i.test(f)), [], 'no frame says blocked');
      assert.equal(await visitor.page.getByText(/blocked/i).count(), 0, 'the visitor is not told');

      // The supervisor finds the block and lifts it.
      await sue.page.getByRole('button', { name: 'Blocked visitors' }).click();
      const table = sue.page.getByRole('table', { name: 'Active blocks, oldest first' });
      await table.getByRole('cell', { name: 'Threatening' }).waitFor();
      await table.getByRole('cell', { name: 'Ana' }).waitFor();
      await sue.page.screenshot({ path: path.join(outDir, 'staff-blocks.png') });
      await sue.page.getByRole('button', { name: /^Lift Block #/ }).click();
      await sue.page.getByText(/^Block #\w{4} was lifted\.$/).waitFor();
      await sue.page.getByText('No visitor is blocked.').waitFor();

      // The visitor can chat again.
      await visitor.page.getByRole('button', { name: 'Start chat' }).click();
      await visitor.page.getByText(/Waiting for an advocate|number 1 in line/).first().waitFor();

      assert.deepEqual([...visitor.errors, ...ana.errors, ...sue.errors], [], 'no script errors');
    } catch (err) {
      await ana.page.screenshot({ path: path.join(outDir, 'block-staff-failure.png') }).catch(() => {});
      await sue.page.screenshot({ path: path.join(outDir, 'block-supervisor-failure.png') }).catch(() => {});
      await visitor.page.screenshot({ path: path.join(outDir, 'block-visitor-failure.png') }).catch(() => {});
      err.message += `\n--- server log ---\n${server.logTail(30)}`;
      throw err;
    } finally {
      for (const context of contexts) await context.close();
    }
  });
});
