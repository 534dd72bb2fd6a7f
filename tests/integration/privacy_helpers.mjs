// Helpers for the privacy proof tests: read the data directory byte by byte, query the
// SQLite files with Debian's `sqlite3` command-line tool, run `safeconnect purge` and
// `safeconnect backup`, and open a sealed transcript the way the server does
// (XChaCha20-Poly1305 under the master key) so a test can show a copy is readable while
// its key exists and unreadable after the purge.
//
// Not a test file itself (node --test only runs *.test.mjs here).

import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from './harness.mjs';

// ------------------------------------------------------------------ sqlite3

/**
 * Runs one SQL text through the `sqlite3` command-line tool and resolves its stdout
 * (trimmed). `json: true` answers the rows as parsed JSON (an array, [] when none).
 * Throws with stderr when sqlite3 fails.
 *
 * Mind that the last connection to close a WAL database checkpoints it and deletes the
 * -wal file: while the server runs that never happens (the server holds the file open);
 * after it stopped, read the raw bytes you want to search first.
 */
export function sqlite(file, sql, { json = false, timeoutMs = 20_000 } = {}) {
  const args = ['-batch', '-bail'];
  if (json) args.push('-json');
  args.push(file, sql);
  return new Promise((resolve, reject) => {
    execFile('sqlite3', args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`sqlite3 ${file} ${JSON.stringify(sql)} failed: ${err.message}\n${stderr}`));
        return;
      }
      const out = stdout.trim();
      if (!json) resolve(out);
      else resolve(out ? JSON.parse(out) : []);
    });
  });
}

/** `select count(*) ...` as a number. */
export async function sqliteCount(file, sql) {
  const out = await sqlite(file, sql);
  const n = Number(out);
  if (!Number.isInteger(n)) throw new Error(`sqlite3 ${file} ${sql}: not a count: ${JSON.stringify(out)}`);
  return n;
}

/** A string as an SQL literal. */
export const sqlText = (s) => `'${String(s).replaceAll("'", "''")}'`;

/**
 * When a member's sessions were last used (Unix seconds, the newest of them), or 0: what the
 * idle limit counts from. An open console that sends frames moves it at its session checks.
 */
export async function sessionLastUsed(dataDir, email) {
  return sqliteCount(path.join(dataDir, 'safeconnect.db'), 'select coalesce(max(s.last_seen_at), 0) ' +
    `from staff_sessions s join staff m on m.id = s.staff_id where m.email = ${sqlText(email)}`);
}

// -------------------------------------------------------------- raw bytes

/** Every regular file under `dir` (recursively), sorted. */
export async function listFiles(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(p)));
    else if (entry.isFile()) out.push(p);
  }
  return out.sort();
}

/**
 * Reads files (paths or directories, expanded) into [{path, bytes}]. A file that vanishes
 * between listing and reading (a -wal deleted at a checkpoint) is skipped.
 */
export async function readFiles(...targets) {
  const out = [];
  for (const t of targets.flat()) {
    const s = await stat(t).catch(() => null);
    if (!s) continue;
    const files = s.isDirectory() ? await listFiles(t) : [t];
    for (const f of files) {
      const bytes = await readFile(f).catch((err) => (err.code === 'ENOENT' ? null : Promise.reject(err)));
      if (bytes) out.push({ path: f, bytes });
    }
  }
  return out;
}

/** The byte forms a string can take on disk: UTF-8 and UTF-16LE. */
export function textForms(text) {
  return [
    { form: 'UTF-8', bytes: Buffer.from(text, 'utf8') },
    { form: 'UTF-16LE', bytes: Buffer.from(text, 'utf16le') },
  ];
}

/**
 * Where the needles occur: [{path, form, offset}]. `needles` is [{form, bytes}] (see
 * textForms) or a Buffer.
 */
export function findBytes(files, needles) {
  const list = Buffer.isBuffer(needles) ? [{ form: 'bytes', bytes: needles }] : needles;
  const hits = [];
  for (const f of files) {
    for (const n of list) {
      const at = f.bytes.indexOf(n.bytes);
      if (at >= 0) hits.push({ path: f.path, form: n.form, offset: at });
    }
  }
  return hits;
}

/** A short description of what was searched, for assertion messages. */
export const describeFiles = (files) => files.map((f) => `${path.basename(f.path)} (${f.bytes.length} B)`).join(', ');

// ------------------------------------------------------------ command line

/**
 * `safeconnect purge` on `dataDir`. Resolves {code, signal, stdout, stderr, erased,
 * evaluations, repaired, hours} where the numbers come from the final "purge done" line
 * (null when it did not print one).
 */
export async function runPurge(dataDir, env = {}) {
  const r = await runCli(['purge'], { dataDir, env, timeoutMs: 60_000 });
  const m = new RegExp('purge done: (\\d+) conversations erased, (\\d+) evaluation records written, ' +
    '(\\d+) left-overs of an interrupted erasure removed \\(retention (\\d+) hours\\)').exec(r.stdout);
  return {
    ...r,
    erased: m ? Number(m[1]) : null,
    evaluations: m ? Number(m[2]) : null,
    repaired: m ? Number(m[3]) : null,
    hours: m ? Number(m[4]) : null,
  };
}

/** `safeconnect backup PATH`; throws with the output unless it exits 0 and wrote the file. */
export async function runBackup(dataDir, file) {
  const r = await runCli(['backup', file], { dataDir });
  if (r.code !== 0) throw new Error(`backup exited ${r.code} (${r.signal})\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  await stat(file);
  return r;
}

// ---------------------------------------------------------- the encryption

const rotl = (v, n) => ((v << n) | (v >>> (32 - n))) >>> 0;

function quarterRound(x, a, b, c, d) {
  x[a] = (x[a] + x[b]) >>> 0; x[d] = rotl(x[d] ^ x[a], 16);
  x[c] = (x[c] + x[d]) >>> 0; x[b] = rotl(x[b] ^ x[c], 12);
  x[a] = (x[a] + x[b]) >>> 0; x[d] = rotl(x[d] ^ x[a], 8);
  x[c] = (x[c] + x[d]) >>> 0; x[b] = rotl(x[b] ^ x[c], 7);
}

/** HChaCha20 (the XChaCha20 subkey derivation): 32-byte key, 16-byte nonce → 32 bytes. */
function hchacha20(key, nonce16) {
  const x = new Uint32Array(16);
  x[0] = 0x61707865; x[1] = 0x3320646e; x[2] = 0x79622d32; x[3] = 0x6b206574;
  for (let i = 0; i < 8; i += 1) x[4 + i] = key.readUInt32LE(i * 4);
  for (let i = 0; i < 4; i += 1) x[12 + i] = nonce16.readUInt32LE(i * 4);
  for (let i = 0; i < 10; i += 1) {
    quarterRound(x, 0, 4, 8, 12); quarterRound(x, 1, 5, 9, 13);
    quarterRound(x, 2, 6, 10, 14); quarterRound(x, 3, 7, 11, 15);
    quarterRound(x, 0, 5, 10, 15); quarterRound(x, 1, 6, 11, 12);
    quarterRound(x, 2, 7, 8, 13); quarterRound(x, 3, 4, 9, 14);
  }
  const out = Buffer.alloc(32);
  for (let i = 0; i < 4; i += 1) out.writeUInt32LE(x[i], i * 4);
  for (let i = 0; i < 4; i += 1) out.writeUInt32LE(x[12 + i], 16 + i * 4);
  return out;
}

/**
 * libsodium's crypto_aead_xchacha20poly1305_ietf_decrypt over the server's layout
 * (24-byte nonce, ciphertext, 16-byte tag) with `context` as associated data. Returns the
 * plaintext Buffer; throws when the key is wrong or the bytes were altered.
 */
export function xchachaDecrypt(key, sealed, context) {
  if (key.length !== 32) throw new Error('a key is 32 bytes');
  if (sealed.length < 24 + 16) throw new Error('ciphertext too short');
  const nonce = sealed.subarray(0, 24);
  const subkey = hchacha20(key, nonce.subarray(0, 16));
  const ietfNonce = Buffer.concat([Buffer.alloc(4), nonce.subarray(16, 24)]);
  const body = sealed.subarray(24, sealed.length - 16);
  const tag = sealed.subarray(sealed.length - 16);
  const d = crypto.createDecipheriv('chacha20-poly1305', subkey, ietfNonce, { authTagLength: 16 });
  d.setAAD(Buffer.from(context, 'utf8'), { plaintextLength: body.length });
  d.setAuthTag(tag);
  return Buffer.concat([d.update(body), d.final()]);
}

/** Opens a sealed conversation key with the master key (the key file's 32 bytes). */
export function unsealConversationKey(masterKey, sealedKey, conversationId) {
  return xchachaDecrypt(masterKey, sealedKey, conversationId);
}
