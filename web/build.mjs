// Bundles the front end into plain-named files for the server to embed:
//   node web/build.mjs OUTDIR
// The server computes content hashes itself, so names here stay fixed.
import { build } from 'esbuild';
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outdir = process.argv[2];
if (!outdir) {
  console.error('usage: node build.mjs OUTDIR');
  process.exit(2);
}

const src = (path) => join(here, 'src', path);

const common = {
  bundle: true,
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  outdir: resolve(outdir),
  absWorkingDir: here,
};

const scripts = {
  ...common,
  // Private members end in "_" (as in the C++ code); only they may be renamed short.
  mangleProps: /[^_]_$/,
  entryPoints: [
    { in: src('site.ts'), out: 'site' },
    { in: src('visitor/main.ts'), out: 'visitor' },
    { in: src('staff/main.ts'), out: 'staff' },
  ],
  format: 'iife',
  target: 'es2017',
};

// CSS has no "es2017"; name browsers of the same age so esbuild lowers anything newer.
const styles = {
  ...common,
  entryPoints: [
    { in: src('site.css'), out: 'site' },
    { in: src('staff.css'), out: 'staff' },
  ],
  target: ['chrome61', 'firefox60', 'safari11', 'edge79'],
};

try {
  mkdirSync(common.outdir, { recursive: true });
  await Promise.all([build(scripts), build(styles)]);
} catch {
  // esbuild has already printed the errors.
  process.exit(1);
}

for (const name of ['site.js', 'visitor.js', 'staff.js', 'site.css', 'staff.css']) {
  const bytes = statSync(join(common.outdir, name)).size;
  console.log(`${name.padEnd(12)} ${(bytes / 1024).toFixed(1).padStart(6)} KB`);
}
