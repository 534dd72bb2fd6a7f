// Two-step sign-in in a real browser: a coordinator opens "Your account" in the console,
// sets up an authenticator app from the QR code's manual key (the code is computed here
// with node's crypto, as a phone would), keeps the recovery codes, signs out, and signs in
// again with password and a fresh code. Screenshots go to tests/browser/out/.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { STAFF_PASSWORD, addStaff, startServer } from '../integration/harness.mjs';
import { freshTotpCode } from '../integration/totp.mjs';
import { launchBrowser, openPage, outDir, signIn } from './browser_harness.mjs';

describe('two-step sign-in in the browser', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    await addStaff(server.dataDir, { email: 'tess@test.invalid', name: 'Tess', role: 'coordinator' });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await server?.cleanup();
  });

  it('enrols in the console, signs out, and signs in with a generated code', async () => {
    const { context, page, errors: problems } = await openPage(browser, { width: 1280, height: 1000 });
    // The QR code is drawn in the page: no request elsewhere, nothing the CSP refuses.
    page.on('request', (req) => {
      if (new URL(req.url()).host !== `127.0.0.1:${server.port}`) problems.push(`foreign request: ${req.url()}`);
    });
    page.on('console', (msg) => {
      if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) problems.push(msg.text());
    });

    try {
      await signIn(page, server, 'tess@test.invalid');
      const form = page.getByRole('region', { name: 'Staff sign-in' });

      // Set up the app from the console.
      await page.getByRole('button', { name: 'Your account' }).click();
      const account = page.getByRole('region', { name: 'Your account' });
      await account.getByText('Two-step sign-in is off: your password').waitFor();
      await account.getByRole('button', { name: 'Set up an authenticator app' }).click();
      const qr = account.getByRole('img', { name: 'QR code for your authenticator app' });
      await qr.waitFor();
      assert.equal(await qr.evaluate((el) => el.tagName.toLowerCase()), 'svg', 'the QR code is inline SVG');
      const key = (await page.locator('#totp-key').textContent()).replace(/\s/g, '');
      assert.match(key, /^[A-Z2-7]{32}$/);
      const usedSteps = [];
      await account.getByLabel('The code the app shows now').fill(freshTotpCode(key, usedSteps));
      await account.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
      const codes = account.locator('#totp-recovery-codes li');
      await codes.first().waitFor();
      assert.equal(await codes.count(), 10, 'ten recovery codes are shown');
      await page.screenshot({ path: path.join(outDir, 'totp-recovery-codes.png') });
      await account.getByRole('button', { name: 'I have kept them' }).click();
      await account.getByText('Two-step sign-in is on: you enter a code').waitFor();
      assert.equal(await codes.count(), 0, 'the codes are gone from the page');
      await account.getByRole('button', { name: 'Back to the console' }).click();
      await page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await form.getByText('You have signed out.').waitFor();

      // Password, then a fresh code from the same key.
      await form.getByLabel('Email').fill('tess@test.invalid');
      await form.getByLabel('Password').fill(STAFF_PASSWORD);
      await form.getByRole('button', { name: 'Sign in' }).click();
      const codeField = form.getByLabel('Code');
      await codeField.waitFor();
      const code = freshTotpCode(key, usedSteps);
      assert.ok(code, 'a step the enrolment did not use');
      await codeField.fill(code);
      await page.screenshot({ path: path.join(outDir, 'totp-code-step.png') });
      await form.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('heading', { name: 'Staff console' }).waitFor();
      await page.getByRole('radio', { name: 'Available' }).check();
      await page.screenshot({ path: path.join(outDir, 'totp-signed-in.png') });
      assert.deepEqual(problems, [], 'no script error, CSP violation or foreign request');
    } catch (err) {
      await page.screenshot({ path: path.join(outDir, 'totp-failure.png') }).catch(() => {});
      err.message += `\nproblems: ${JSON.stringify(problems)}\nserver log:\n${server.logTail()}`;
      throw err;
    } finally {
      await context.close();
    }
  });
});
