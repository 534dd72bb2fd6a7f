// What the browser tests share: Debian's chromium through playwright-core, where their
// screenshots go, how long to wait for the page, and signing in on the staff console.

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { STAFF_PASSWORD } from '../integration/harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const outDir = path.join(here, 'out');
export const UI_TIMEOUT_MS = 15_000;
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** A headless chromium with nothing that calls out; screenshots may go to outDir. */
export async function launchBrowser() {
  await mkdir(outDir, { recursive: true });
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A context with the tests' patience, and a page in it that records script errors. */
export async function openPage(browser, viewport) {
  const context = await browser.newContext({ locale: 'en-US', viewport });
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  return { context, page, errors };
}

/** Signs a staff member in on /staff and waits for the console. */
export async function signIn(page, server, email, password = STAFF_PASSWORD) {
  await page.goto(`${server.baseUrl}/staff`);
  const form = page.getByRole('region', { name: 'Staff sign-in' });
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Password').fill(password);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Staff console' }).waitFor();
}
