// Shared by the browser tests: Debian's chromium through playwright-core, and a watch on
// each page for what it must never do (script errors, CSP violations, foreign requests).

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Screenshots for people to look at. */
export const outDir = path.join(here, 'out');
export const UI_TIMEOUT_MS = 15_000;
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** A headless chromium with no background traffic of its own; makes outDir. */
export async function launchBrowser() {
  await mkdir(outDir, { recursive: true });
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Records what a page did that it must not: script errors, CSP reports, foreign requests. */
export function watch(page, server, name) {
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
