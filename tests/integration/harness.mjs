// Test harness shared by the integration and browser tests: runs the real
// `safeconnect` binary on a loopback port with a fresh data directory, drives
// its command line, signs staff in over HTTP, and wraps `ws` so a test can wait
// for the frame it expects instead of sleeping.
//
// Environment:
//   SAFECONNECT_BIN        the server binary (default <repo>/build/safeconnect)
//   SAFECONNECT_TEST_LOGS  when set, the server's log lines are copied to stderr
//   SAFECONNECT_FAULT_VFS  the fault-injecting SQLite VFS (default: beside the binary)

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, beforeEach } from 'node:test';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import WebSocket from 'ws';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');
export const serverBinary =
  process.env.SAFECONNECT_BIN || path.join(repoRoot, 'build', 'safeconnect');

export const faultVfs = process.env.SAFECONNECT_FAULT_VFS ||
  path.join(path.dirname(serverBinary), 'libsafeconnect_fault_vfs.so');

export const ADMIN_EMAIL = 'admin@test.invalid';
export const ADMIN_PASSWORD = 'admin-password-for-tests-only';
export const STAFF_PASSWORD = 'staff-password-for-tests-only';

const LISTEN_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 15_000;
export const FRAME_TIMEOUT_MS = 10_000;

// Every frame the real server sends is held to the protocol's description, in every test.
const protocol = JSON.parse(readFileSync(path.join(repoRoot, 'docs', 'protocol.schema.json'), 'utf8'));
const protocolAjv = new Ajv2020({ allErrors: true, strictTypes: false });
protocolAjv.addSchema(protocol);
/** type → the validator of that frame, for the frames the server sends on one endpoint. */
function framesOf(entry) {
  const out = new Map();
  for (const { $ref } of protocol.$defs[entry].oneOf) {
    const def = protocol.$defs[$ref.replace('#/$defs/', '')];
    out.set(def.properties.type.const, protocolAjv.getSchema(`${protocol.$id}${$ref}`));
  }
  return out;
}
const frameSchemas = { '/ws/visitor': framesOf('VisitorFrame'), '/ws/staff': framesOf('StaffFrame') };

/** Why the schema refuses `frame`, or null when it fits. */
function protocolProblem(frames, frame) {
  const fits = frames.get(frame?.type);
  if (!fits) return 'a type the server does not send on this endpoint';
  return fits(frame) ? null : protocolAjv.errorsText(fits.errors);
}

/** A fresh, empty directory under the system temp dir. */
export async function makeTempDir(prefix = 'safeconnect-test-') {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

/** Removes a directory made by makeTempDir; never throws. */
export async function removeDir(dir) {
  if (dir) await rm(dir, { recursive: true, force: true }).catch(() => {});
}

function baseEnv(dataDir, extra) {
  return {
    ...process.env,
    SAFECONNECT_LISTEN: '127.0.0.1:0',
    SAFECONNECT_DATA_DIR: dataDir,
    SAFECONNECT_ADMIN_EMAIL: ADMIN_EMAIL,
    SAFECONNECT_ADMIN_PASSWORD: ADMIN_PASSWORD,
    // Every test visitor comes from 127.0.0.1, one "network"; the default limit of new
    // chats per network and hour would refuse them. Tests of the limit set it lower.
    SAFECONNECT_CHAT_NEW_PER_NETWORK_PER_HOUR: '100000',
    ...extra,
  };
}

/**
 * The switches of the fault VFS (tests/fault_vfs/fault_vfs.cpp) in a server started with
 * `faults: true`. While it is loaded, writes not yet synced live only in the server's
 * memory, so kill9() is a power cut.
 */
export class StoreFaults {
  constructor(dir) {
    this.dir = dir;
  }

  #file(name) {
    return path.join(this.dir, name);
  }

  /** From now on every sync waits, so no commit can complete. */
  async holdSyncs() {
    await writeFile(this.#file('hold-sync'), '');
  }

  /** Resolves once a commit is waiting at its sync. */
  async syncHeld() {
    await eventually(() => access(this.#file('sync-held')).then(() => true, () => false),
      { intervalMs: 10, what: 'a sync held by the fault VFS' });
  }

  async releaseSyncs() {
    await rm(this.#file('hold-sync'), { force: true });
  }

  /** From now on every write fails with SQLITE_FULL, as on a full disk. */
  async fillDisk() {
    await writeFile(this.#file('disk-full'), '');
  }

  async freeDisk() {
    await rm(this.#file('disk-full'), { force: true });
  }
}

/**
 * A running server. Create with startServer(); always call cleanup() in an
 * `after` hook: it stops the process (if still running) and removes the data dir.
 */
export class Server {
  constructor(dataDir, env, ownsDataDir, nofile, faults) {
    this.dataDir = dataDir;
    this.env = env;
    this.ownsDataDir = ownsDataDir;
    this.nofile = nofile; // a descriptor limit (soft = hard) to run under, or undefined
    this.faults = faults; // a StoreFaults, or null
    this.useFaults = Boolean(faults); // whether the next launch loads the fault VFS
    this.proc = null;
    this.port = 0;
    this.logLines = [];
    this.stdoutLines = []; // what was written to standard output (the operator's terminal)
    this.exit = null; // {code, signal} of the last process once it ended
  }

  get baseUrl() {
    return `http://127.0.0.1:${this.port}`;
  }

  get origin() {
    return this.baseUrl;
  }

  wsUrl(pathname) {
    return `ws://127.0.0.1:${this.port}${pathname}`;
  }

  /** Every log line the server wrote (stdout and stderr), across restarts. */
  log() {
    return this.logLines.join('\n');
  }

  /** What the server wrote to standard output only (the log goes to stderr), across restarts. */
  stdout() {
    return this.stdoutLines.join('\n');
  }

  logTail(n = 40) {
    return this.logLines.slice(-n).join('\n');
  }

  async launch() {
    this.exit = null;
    this.port = 0;
    // prlimit (util-linux) sets the limit so that the server cannot raise it.
    const [command, args] = this.nofile
      ? ['prlimit', [`--nofile=${this.nofile}:${this.nofile}`, serverBinary, 'serve']]
      : [serverBinary, ['serve']];
    const env = baseEnv(this.dataDir, this.env);
    if (this.faults && this.useFaults) {
      env.LD_PRELOAD = faultVfs;
      env.SAFECONNECT_FAULT_DIR = this.faults.dir;
      // A sanitized server: the preloaded library comes before the ASan runtime.
      env.ASAN_OPTIONS = [env.ASAN_OPTIONS, 'verify_asan_link_order=0'].filter(Boolean).join(':');
    }
    const proc = spawn(command, args, {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    const exited = new Promise((resolve) => {
      proc.on('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
      // A binary that cannot be started emits 'error' and never 'exit'.
      proc.on('error', (error) => {
        if (this.exit) return;
        this.exit = { code: null, signal: null, error };
        resolve(this.exit);
      });
    });
    this.exited = exited;

    return new Promise((resolve, reject) => {
      let done = false;
      const finish = (err) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve(this);
      };
      const timer = setTimeout(() => {
        finish(new Error(`server did not log event=listening within ${LISTEN_TIMEOUT_MS} ms\n` +
          `--- server log ---\n${this.logTail()}`));
        proc.kill('SIGKILL');
      }, LISTEN_TIMEOUT_MS);
      proc.on('error', (err) => finish(new Error(`cannot start ${serverBinary}: ${err.message}`)));
      exited.then(({ code, signal }) => finish(new Error(
        `server exited (code ${code}, signal ${signal}) before listening\n` +
        `--- server log ---\n${this.logTail()}`)));
      const onLine = (line) => {
        this.logLines.push(line);
        if (process.env.SAFECONNECT_TEST_LOGS) process.stderr.write(`[server] ${line}\n`);
        if (!done && /\bevent=listening\b/.test(line)) {
          const m = /\bport=(\d+)/.exec(line);
          if (m) {
            this.port = Number(m[1]);
            finish(null);
          }
        }
      };
      lineReader(proc.stdout, (line) => {
        this.stdoutLines.push(line);
        onLine(line);
      });
      lineReader(proc.stderr, onLine);
    });
  }

  get running() {
    return this.proc !== null && this.exit === null;
  }

  /** SIGTERM, then wait for the process to exit (SIGKILL after a long grace). */
  async stop() {
    if (!this.running) return this.exit;
    const proc = this.proc;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_TIMEOUT_MS);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }

  /** SIGKILL: the crash case. Waits until the process is gone. */
  async kill9() {
    if (!this.running) return this.exit;
    this.proc.kill('SIGKILL');
    return this.exited;
  }

  /** Starts again on the same data directory; the port changes. */
  async restart() {
    await this.stop();
    return this.launch();
  }

  /** Throws, with the exit status and the last log lines, if the server is no longer running. */
  assertAlive(what = 'the server') {
    if (this.running) return;
    throw new Error(`${what} died: ${JSON.stringify(this.exit)}\n--- server log ---\n${this.logTail(15)}`);
  }

  /**
   * Asks /healthz; if the server does not answer, waits for its exit and throws with
   * the exit status and the last log lines. `what` says what had just happened.
   */
  async checkAlive(what = 'the server') {
    const ok = await request(this, 'GET', '/healthz').then((r) => r.status === 200, () => false);
    if (ok && this.running) return;
    await Promise.race([this.exited, new Promise((r) => setTimeout(r, 5000))]);
    throw new Error(`${what}: the server is down (exit ${JSON.stringify(this.exit)})\n` +
      `--- server log ---\n${this.logTail(15)}`);
  }

  /** Starts the server again (same data dir) if a previous test killed it. */
  async ensureRunning() {
    if (this.running) {
      const ok = await request(this, 'GET', '/healthz').then((r) => r.status === 200, () => false);
      if (ok) return;
      // Not answering: it is dying (e.g. writing a core dump). Make sure it is gone.
      await Promise.race([this.exited, new Promise((r) => setTimeout(r, 5000))]);
      if (this.running) await this.kill9();
    }
    await this.launch();
  }

  async cleanup() {
    try {
      await this.stop();
    } finally {
      if (this.ownsDataDir) await removeDir(this.dataDir);
      if (this.faults) await removeDir(this.faults.dir);
    }
  }
}

function lineReader(stream, onLine) {
  let buf = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    buf += chunk;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      onLine(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
  stream.on('end', () => {
    if (buf) onLine(buf);
    buf = '';
  });
}

/**
 * Starts `safeconnect serve` on 127.0.0.1 with a fresh data dir (or `dataDir`)
 * and resolves once it logs event=listening. `nofile` runs it under that many descriptors;
 * `faults` loads the fault VFS (server.faults switches it).
 */
export async function startServer({ env = {}, dataDir, nofile, faults = false } = {}) {
  const owns = !dataDir;
  const dir = dataDir || (await makeTempDir());
  const storeFaults = faults ? new StoreFaults(await makeTempDir('safeconnect-faults-')) : null;
  const server = new Server(dir, env, owns, nofile, storeFaults);
  try {
    await server.launch();
  } catch (err) {
    await server.cleanup();
    throw err;
  }
  return server;
}

// ---------------------------------------------------------------- command line

/**
 * Runs the binary with `args`. `dataDir` sets SAFECONNECT_DATA_DIR; `input` is
 * written to stdin. Resolves {code, signal, stdout, stderr}; never rejects on a
 * non-zero exit.
 */
export function runCli(args, { dataDir, input, env = {}, timeoutMs = 30_000 } = {}) {
  return new Promise((resolve, reject) => {
    const fullEnv = { ...process.env, ...env };
    if (dataDir) fullEnv.SAFECONNECT_DATA_DIR = dataDir;
    const proc = spawn(serverBinary, args, { env: fullEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    proc.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    proc.stdin.on('error', () => {}); // the program may exit without reading stdin
    proc.stdin.end(input ?? '');
  });
}

/** `safeconnect user add` via the CLI; throws with the output if it fails. */
export async function addStaff(dataDir, { email, name, role = 'coordinator', password = STAFF_PASSWORD }) {
  const r = await runCli(['user', 'add', email, '--role', role, '--name', name, '--password-stdin'], {
    dataDir,
    input: `${password}\n`,
  });
  if (r.code !== 0) {
    throw new Error(`user add ${email} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
  return { email, name, role, password };
}

// ---------------------------------------------------------------------- HTTP

/**
 * A plain HTTP request with node:http (so every header, including each
 * Set-Cookie, is visible). Resolves {status, headers, setCookies, text, json}.
 * `localAddress` binds the client side to that source address (e.g. 127.0.0.77).
 */
export function request(server, method, pathname, { headers = {}, body, json, localAddress } = {}) {
  return new Promise((resolve, reject) => {
    const h = { ...headers };
    let payload = body;
    if (json !== undefined) {
      payload = JSON.stringify(json);
      h['content-type'] = 'application/json';
    }
    if (payload !== undefined) h['content-length'] = Buffer.byteLength(payload);
    const req = http.request(
      { host: '127.0.0.1', port: server.port, method, path: pathname, headers: h, localAddress },
      (res) => {
        const chunks = [];
        const boundTo = res.socket?.localAddress; // the client side of the connection
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          const text = raw.toString('utf8');
          let parsed;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = undefined;
          }
          const sc = res.headers['set-cookie'];
          resolve({
            status: res.statusCode,
            headers: res.headers,
            setCookies: sc ? [].concat(sc) : [],
            raw,
            text,
            json: parsed,
            localAddress: boundTo,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/**
 * Sends raw bytes on a new TCP connection (from `localAddress` if given) and resolves with
 * everything the server answered (as latin1 text) once it closes.
 */
export function rawExchange(server, bytes, { localAddress } = {}) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port: server.port, localAddress });
    let answer = '';
    s.on('data', (d) => (answer += d.toString('latin1')));
    s.on('close', () => resolve(answer));
    s.on('error', (err) => (err.code === 'ECONNRESET' ? resolve(answer) : reject(err)));
    s.once('connect', () => s.end(bytes));
    s.setTimeout(15_000, () => s.destroy());
  });
}

/**
 * POST /api/staff/login. Resolves {status, response, cookie, csrf, user}; cookie
 * is the `name=value` pair to send back, or null.
 */
export async function tryLogin(server, email, password, { localAddress } = {}) {
  const res = await request(server, 'POST', '/api/staff/login', {
    headers: { origin: server.origin },
    json: { email, password },
    localAddress,
  });
  const sessionCookie = res.setCookies.find((c) => c.startsWith('__Host-sc_session='));
  const cookie = sessionCookie ? sessionCookie.split(';')[0] : null;
  return {
    status: res.status,
    response: res,
    setCookie: sessionCookie || null,
    cookie,
    csrf: res.json?.csrf_token ?? null,
    user: res.json?.user ?? null,
  };
}

/** Signs in and throws unless it worked: {cookie, csrf, user}. */
export async function login(server, email, password, opts = {}) {
  const r = await tryLogin(server, email, password, opts);
  if (r.status !== 200 || !r.cookie || !r.csrf) {
    throw new Error(`login ${email}: status ${r.status}, body ${r.response.text}, ` +
      `set-cookie ${JSON.stringify(r.response.setCookies)}`);
  }
  return { cookie: r.cookie, csrf: r.csrf, user: r.user };
}

/** Headers for an authenticated staff request. */
export function staffHeaders(server, session, { csrf = true } = {}) {
  const h = { cookie: session.cookie, origin: server.origin };
  if (csrf) h['x-csrf-token'] = session.csrf;
  return h;
}

// ----------------------------------------------------------------- WebSocket

/** Rejected WebSocket upgrade: `status` is the HTTP status the server answered. */
export class UpgradeRefused extends Error {
  constructor(status, headers, body) {
    super(`WebSocket upgrade refused with HTTP ${status}`);
    this.status = status;
    this.headers = headers;
    this.body = body;
  }
}

const show = (f) => {
  const s = typeof f === 'string' ? f : JSON.stringify(f);
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
};

let barrierCount = 0;
const BARRIER_RETRY_MS = 200;

/**
 * A WebSocket client that queues every incoming frame. next(pred) takes the
 * first queued frame matching `pred` out of the queue (waiting for it if none
 * has arrived), leaving other frames queued in order. To show that a frame did
 * not come, await barrier() first, then look (drain, seen).
 */
export class WsClient {
  constructor(ws, name, url) {
    this.ws = ws;
    this.name = name;
    this.url = url;
    this.frames = []; // unconsumed frames (parsed JSON, or {__raw}/{__binary} for non-JSON)
    this.seen = []; // every frame ever received, for error messages
    this.waiters = [];
    this.closeInfo = null;
    this.upgradeHeaders = null;
    this.violation = null; // the first frame the schema does not allow; next() reports it
    const frames = frameSchemas[new URL(url).pathname];
    ws.on('message', (data, isBinary) => {
      let frame;
      if (isBinary) frame = { __binary: data.length };
      else {
        const text = data.toString('utf8');
        try {
          frame = JSON.parse(text);
        } catch {
          frame = { __raw: text };
        }
      }
      const problem = frames && !this.violation && protocolProblem(frames, frame);
      if (problem) {
        this.violation = `${this.name}: the server sent a frame docs/protocol.schema.json does not ` +
          `allow: ${show(frame)}: ${problem}`;
      }
      this.frames.push(frame);
      this.seen.push(frame);
      this.#wake();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString('utf8') };
        this.#wake();
        resolve(this.closeInfo);
      });
    });
    ws.on('error', (err) => {
      this.lastError = err;
    });
  }

  /**
   * Opens a connection; rejects with UpgradeRefused if the server says no.
   * `localAddress` binds the client side to that source address.
   */
  static connect(url, { headers = {}, name = url, localAddress } = {}) {
    return new Promise((resolve, reject) => {
      const opts = { headers, maxPayload: 16 * 1024 * 1024 };
      if (localAddress) opts.localAddress = localAddress;
      const ws = new WebSocket(url, opts);
      const client = new WsClient(ws, name, url);
      ws.once('upgrade', (res) => {
        client.upgradeHeaders = res.headers;
      });
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (req, res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          reject(new UpgradeRefused(res.statusCode, res.headers, Buffer.concat(chunks).toString('utf8')));
          req.destroy();
        });
      });
      ws.once('error', (err) => {
        if (ws.readyState !== WebSocket.OPEN) reject(err);
      });
    });
  }

  #wake() {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Takes the first queued frame matching `pred`, waiting up to timeoutMs. */
  next(pred = () => true, timeoutMs = FRAME_TIMEOUT_MS, what = pred.toString()) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`${this.name}: no frame matching ${what} within ${timeoutMs} ms; ` +
          `unconsumed frames: [${this.frames.map(show).join(', ')}]` +
          (this.closeInfo ? `; connection closed ${JSON.stringify(this.closeInfo)}` : '')));
      }, timeoutMs);
      const check = () => {
        if (this.violation) {
          clearTimeout(timer);
          reject(new Error(this.violation));
          return;
        }
        const i = this.frames.findIndex((f) => {
          try {
            return pred(f);
          } catch {
            return false;
          }
        });
        if (i >= 0) {
          clearTimeout(timer);
          resolve(this.frames.splice(i, 1)[0]);
          return;
        }
        if (this.closeInfo) {
          clearTimeout(timer);
          reject(new Error(`${this.name}: connection closed ${JSON.stringify(this.closeInfo)} ` +
            `while waiting for ${what}; unconsumed frames: [${this.frames.map(show).join(', ')}]`));
          return;
        }
        this.waiters.push(check);
      };
      check();
    });
  }

  /** Shorthand: the next frame of this type (and matching `pred`). */
  nextType(type, pred = () => true, timeoutMs = FRAME_TIMEOUT_MS) {
    return this.next((f) => f.type === type && pred(f), timeoutMs, `type=${type} ${pred.toString()}`);
  }

  /** The next `error` frame; optionally only one with this code. */
  nextError(code, timeoutMs = FRAME_TIMEOUT_MS) {
    return this.next((f) => f.type === 'error' && (code === undefined || f.code === code), timeoutMs,
      `error${code ? ` code=${code}` : ''}`);
  }

  /** Removes and returns every queued frame (optionally only those matching pred). */
  drain(pred = () => true) {
    const taken = this.frames.filter(pred);
    this.frames = this.frames.filter((f) => !pred(f));
    return taken;
  }

  send(obj) {
    this.ws.send(JSON.stringify(obj));
  }

  /**
   * Resolves once every frame the server owes this connection for what it has read so far
   * (on this connection, or on another one whose answer the test has seen) has arrived, so
   * that the absence of a frame can then be asserted. Three steps, each waiting for its answer:
   *  1. A probe the hub refuses: on a console (after hello) an `accept` of a chat that does not
   *     exist, on a visitor connection a `resume` with an unknown token. The server handles a
   *     connection's frames in order, and the hub decides the refusal under the lock that every
   *     hub action holds while it queues frames; so once the refusal is here, every frame sent
   *     before on this connection, and every hub action already under way, has queued its
   *     frames here, and its store work (a message to store, a history to read).
   *  2. GET /healthz, answered by a job on the store worker, which runs jobs and then their
   *     completions one at a time in order: the store work of step 1 has completed, and its
   *     completions have queued their frames here (acks, stored messages, chat histories).
   *  3. The probe again: its answer comes after what step 2 queued, on this connection.
   * Not covered: store work queued by a completion (the hub queues none). A ping would not do:
   * the server answers it at once, ahead of anything still waiting for the store. The probes
   * carry a client_id, echoed as `ref`, and their answers are kept out of `frames` and `seen`.
   */
  async barrier(timeoutMs = FRAME_TIMEOUT_MS) {
    const staff = new URL(this.url).pathname === '/ws/staff';
    const probe = async () => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const ref = `barrier-${process.pid}-${++barrierCount}`;
        this.send(staff
          ? { type: 'accept', conversation_id: '0'.repeat(32), client_id: ref }
          : { type: 'resume', token: '0'.repeat(64), last_seq: 0, client_id: ref });
        const answer = await this.next((f) => f.type === 'error' && f.ref === ref,
          Math.max(deadline - Date.now(), 1), `barrier probe ${ref}`);
        this.seen = this.seen.filter((f) => f !== answer);
        if (answer.code !== 'rate_limited') {
          if (!['not_found', 'conflict'].includes(answer.code)) {
            throw new Error(`${this.name}: barrier probe answered ${JSON.stringify(answer)}`);
          }
          return;
        }
        if (Date.now() > deadline) throw new Error(`${this.name}: barrier probes rate limited`);
        await new Promise((r) => setTimeout(r, BARRIER_RETRY_MS));
      }
    };
    await probe();
    const health = await request({ port: Number(new URL(this.url).port) }, 'GET', '/healthz');
    if (health.status !== 200) throw new Error(`barrier: /healthz answered ${health.status}`);
    await probe();
  }

  sendRaw(data, options = {}) {
    this.ws.send(data, options);
  }

  get isOpen() {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Waits for the connection to close; resolves {code, reason}. */
  async waitClosed(timeoutMs = FRAME_TIMEOUT_MS) {
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.name}: still open after ${timeoutMs} ms; ` +
        `unconsumed frames: [${this.frames.map(show).join(', ')}]`)), timeoutMs);
    });
    try {
      return await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Clean close handshake. */
  async close() {
    if (this.closeInfo) return this.closeInfo;
    try {
      this.ws.close(1000);
    } catch {
      this.ws.terminate();
    }
    let timer;
    const forced = new Promise((resolve) => {
      timer = setTimeout(() => {
        this.ws.terminate();
        resolve();
      }, 5000);
    });
    await Promise.race([this.closed, forced]);
    clearTimeout(timer);
    return this.closed;
  }

  /** Drops the TCP connection without a close handshake (a lost network). */
  async drop() {
    this.ws.terminate();
    return this.closed;
  }
}

/** Closes every client given; ignores failures (for `after` hooks). */
export async function closeAll(...clients) {
  await Promise.all(clients.flat().filter(Boolean).map((c) => c.close().catch(() => {})));
}

// -------------------------------------------------------------- visitor side

let visitorCount = 0;

/** A new /ws/visitor connection with no conversation yet. */
export async function connectVisitor(server, name, { localAddress } = {}) {
  visitorCount += 1;
  return WsClient.connect(server.wsUrl('/ws/visitor'), { name: name || `visitor#${visitorCount}`, localAddress });
}

/**
 * Connects a visitor and starts a chat. Resolves {ws, token, conversation}.
 * Throws with the error frame if the server refuses.
 */
export async function startVisitor(server, { intake, lang, name, localAddress } = {}) {
  const ws = await connectVisitor(server, name, { localAddress });
  const frame = { type: 'start' };
  if (intake !== undefined) frame.intake = intake;
  if (lang !== undefined) frame.lang = lang;
  ws.send(frame);
  const reply = await ws.next((f) => f.type === 'started' || f.type === 'error', FRAME_TIMEOUT_MS, 'started');
  if (reply.type !== 'started') {
    await ws.close();
    throw new Error(`${ws.name}: start refused: ${JSON.stringify(reply)}`);
  }
  return { ws, token: reply.token, conversation: reply.conversation };
}

/** Connects a visitor and resumes. Resolves {ws, resumed} (resumed = the frame). */
export async function resumeVisitor(server, token, lastSeq, name) {
  const ws = await connectVisitor(server, name);
  ws.send({ type: 'resume', token, last_seq: lastSeq });
  const reply = await ws.next((f) => f.type === 'resumed' || f.type === 'error', FRAME_TIMEOUT_MS, 'resumed');
  if (reply.type !== 'resumed') {
    await ws.close();
    throw new Error(`${ws.name}: resume refused: ${JSON.stringify(reply)}`);
  }
  return { ws, resumed: reply };
}

// ---------------------------------------------------------------- staff side

/** Opens /ws/staff with the session cookie and our Origin, says hello, waits for `state`. */
export async function connectStaff(server, session, name, { localAddress } = {}) {
  const ws = await WsClient.connect(server.wsUrl('/ws/staff'), {
    headers: { cookie: session.cookie, origin: server.origin },
    name: name || `staff:${session.user?.email ?? '?'}`,
    localAddress,
  });
  ws.send({ type: 'hello', csrf_token: session.csrf });
  const state = await ws.next((f) => f.type === 'state' || f.type === 'error', FRAME_TIMEOUT_MS, 'state');
  if (state.type !== 'state') {
    await ws.close();
    throw new Error(`${ws.name}: hello refused: ${JSON.stringify(state)}`);
  }
  return { ws, state };
}

/** Sets availability; waits for the server to reflect it in a `staff` frame listing me. */
export async function setAvailable(staff, available = true) {
  staff.ws.send({ type: 'availability', available });
  const myId = staff.state.me.id;
  await staff.ws.nextType('staff', (f) =>
    f.staff.some((s) => s.id === myId && s.available === available));
}

/** Waits for a `queue` frame whose entries (oldest first) satisfy `pred`; returns them. */
export async function waitQueue(staff, pred) {
  const f = await staff.ws.nextType('queue', (q) => pred(q.entries));
  return f.entries;
}

/**
 * Accepts a waiting conversation: sends `accept`, waits for the `chat` frame
 * for it. Returns the chat object.
 */
export async function accept(staff, conversationId) {
  staff.ws.send({ type: 'accept', conversation_id: conversationId });
  const f = await staff.ws.next(
    (x) => (x.type === 'chat' && x.chat.conversation_id === conversationId) ||
      (x.type === 'error'), FRAME_TIMEOUT_MS, `chat ${conversationId}`);
  if (f.type !== 'chat') throw new Error(`${staff.ws.name}: accept refused: ${JSON.stringify(f)}`);
  return f.chat;
}

// ----------------------------------------------------------------- messages

/** Predicate: a `message` frame (visitor side) whose message matches pred. */
export const isMessage = (pred = () => true) => (f) => f.type === 'message' && pred(f.message);

/** Predicate: a staff `message` frame in conversation `id` whose message matches pred. */
export const isStaffMessage = (id, pred = () => true) => (f) =>
  f.type === 'message' && f.conversation_id === id && pred(f.message);

let clientIdCounter = 0;
export const newClientId = (prefix = 'c') => `${prefix}-${process.pid}-${++clientIdCounter}`;

/** Visitor sends text; waits for its ack and its stored message. Returns {seq, message}. */
export async function visitorSay(visitor, text, clientId = newClientId('v')) {
  const ws = visitor.ws ?? visitor;
  ws.send({ type: 'send', client_id: clientId, text });
  const ack = await ws.next((f) => (f.type === 'ack' && f.client_id === clientId) ||
    (f.type === 'error' && f.ref === clientId), FRAME_TIMEOUT_MS, `ack ${clientId}`);
  if (ack.type !== 'ack') throw new Error(`${ws.name}: send refused: ${JSON.stringify(ack)}`);
  const msg = await ws.next(isMessage((m) => m.seq === ack.seq), FRAME_TIMEOUT_MS, `message seq=${ack.seq}`);
  return { seq: ack.seq, message: msg.message, clientId };
}

/** Staff sends text in a conversation; waits for the ack. Returns {seq, clientId}. */
export async function staffSay(staff, conversationId, text, clientId = newClientId('s')) {
  staff.ws.send({ type: 'send', conversation_id: conversationId, client_id: clientId, text });
  const ack = await staff.ws.next((f) =>
    (f.type === 'ack' && f.client_id === clientId) || (f.type === 'error' && f.ref === clientId),
  FRAME_TIMEOUT_MS, `ack ${clientId}`);
  if (ack.type !== 'ack') throw new Error(`${staff.ws.name}: send refused: ${JSON.stringify(ack)}`);
  assertEq(ack.conversation_id, conversationId, 'staff ack conversation_id');
  return { seq: ack.seq, clientId };
}

function assertEq(a, b, what) {
  if (a !== b) throw new Error(`${what}: expected ${JSON.stringify(b)}, got ${JSON.stringify(a)}`);
}

/** Polls `fn` until it returns a truthy value, or throws after timeoutMs. */
export async function eventually(fn, { timeoutMs = FRAME_TIMEOUT_MS, intervalMs = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what} not reached within ${timeoutMs} ms (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** The ISO-8601 UTC timestamp shape of `at` fields. */
export const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

// ------------------------------------------------------------------ fixtures

let staffCount = 0;

/** Adds a staff member through the CLI and signs them in: {email, name, session}. */
export async function newStaff(server, { role = 'coordinator', name, localAddress } = {}) {
  staffCount += 1;
  const n = name || `Advocate${staffCount}`;
  const email = `staff${staffCount}-${process.pid}@test.invalid`;
  await addStaff(server.dataDir, { email, name: n, role });
  const session = await login(server, email, STAFF_PASSWORD, { localAddress });
  return { email, name: n, role, session };
}

/** Signs a new coordinator in on /ws/staff and makes them available. */
export async function availableCoordinator(server, opts = {}) {
  const who = await newStaff(server, opts);
  const staff = await connectStaff(server, who.session, undefined, { localAddress: opts.localAddress });
  await setAvailable(staff, true);
  return { ...who, ...staff };
}

/**
 * The common opening: a coordinator is available, a visitor starts a chat, the
 * coordinator accepts it. Both sides have seen advocate_joined (seq 1).
 */
export async function openChat(server, { intake, coordinator } = {}) {
  const staff = coordinator || (await availableCoordinator(server));
  const visitor = await startVisitor(server, { intake });
  const entries = await waitQueue(staff, (e) => e.length >= 1);
  const convId = entries[entries.length - 1].conversation_id;
  const chat = await accept(staff, convId);
  const joined = await visitor.ws.next(isMessage((m) => m.event === 'advocate_joined'));
  if (!chat.messages.some((m) => m.event === 'advocate_joined')) {
    await staff.ws.next(isStaffMessage(convId, (m) => m.event === 'advocate_joined'));
  }
  return { staff, visitor, convId, chat, joined: joined.message };
}

/**
 * One server for the describe() block this is called in: started before its tests,
 * started again if a test crashed it (the test that did fails itself), checked alive after
 * each test, and stopped and removed at the end with every client pushed to `clients`.
 */
export function suiteServer(options) {
  const suite = { server: null, clients: [] };
  before(async () => {
    suite.server = await startServer(options);
  });
  after(async () => {
    await closeAll(suite.clients);
    await suite.server?.cleanup();
  });
  beforeEach(async () => {
    await suite.server?.ensureRunning();
  });
  afterEach(() => {
    suite.server?.assertAlive();
  });
  return suite;
}
