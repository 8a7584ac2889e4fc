// Shared helpers of bench/bench.mjs, bench/cases.mjs and bench/lighthouse.mjs: start the release binary on its own
// port with a temporary SQLite database (development mode, rate limits off, no mail), create
// accounts with `caseport create-account`, sign in over HTTP exactly as a browser's forms do, and
// clean up whatever was started when the process exits.
// Node built-ins only (plus scripts/totp.mjs), so bench.mjs still runs without bench/node_modules.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { currentStep, newSecret, totpAt } from '../scripts/totp.mjs';

export { currentStep, newSecret, totpAt };

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = process.env.BENCH_BIN ?? path.join(ROOT, 'target', 'release', 'caseport');
export const SITE_ROOT = process.env.BENCH_SITE_ROOT ?? path.join(ROOT, 'target', 'site');
export const HOST = '127.0.0.1';
/** Debian's Chromium: neither Playwright's nor Lighthouse's own browser downloads are used. */
export const CHROMIUM = process.env.BENCH_CHROMIUM ?? '/usr/bin/chromium';

/** A positive number from the environment, or the fallback. */
export function num(name, fallback) {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got ${v}`);
  return n;
}

export const makeLog =
  (prefix) =>
  (...a) =>
    console.error(`${prefix}:`, ...a);

export const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
export const snippet = (buf) => (buf ? buf.toString('utf8').replace(/\s+/g, ' ').slice(0, 300) : '');
export const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : String(x));
export const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : String(x));
export const f3 = (x) => (Number.isFinite(x) ? x.toFixed(3) : String(x));

// ---------------------------------------------------------------------------------------------
// Cleanup: everything registered here runs once at exit (normal, error or signal).

const cleanups = [];
let cleanedUp = false;
export function onCleanup(fn) {
  cleanups.push(fn);
}
export function cleanupSync() {
  if (cleanedUp) return;
  cleanedUp = true;
  for (const fn of cleanups.reverse()) {
    try {
      fn();
    } catch {}
  }
}
process.on('exit', cleanupSync);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    console.error(`${sig}: stopping`);
    process.exit(130);
  });
}

/** The whole run stops by itself after `ms`, whatever it is waiting for. */
export function hardLimit(ms, log) {
  setTimeout(() => {
    log(`time limit of ${ms / 60000} minutes reached: stopping`);
    process.exit(1);
  }, ms).unref();
}

// ---------------------------------------------------------------------------------------------
// Cookies

export class CookieJar {
  cookies = new Map();
  update(setCookie) {
    for (const line of setCookie ?? []) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => {
        const [k, v = ''] = a.split('=').map((s) => s.trim());
        if (/^max-age$/i.test(k)) return Number(v) <= 0;
        if (/^expires$/i.test(k)) return Date.parse(v) <= Date.now();
        return false;
      });
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

// ---------------------------------------------------------------------------------------------
// The server under test

/**
 * The release binary on HOST:port with a temporary data directory and SQLite database,
 * CASEPORT_ENVIRONMENT=development and CASEPORT_RATE_LIMITS=off. Killed at exit; the directory is
 * removed unless BENCH_KEEP is set.
 *
 * The binary and target/site are copied into the temporary directory first and run from there, so
 * a rebuild while the bench runs (another terminal, cargo leptos watch) cannot mix two builds in
 * one measurement; `siteRoot` and `pkgDir` point at the copy.
 *
 * `databaseUrl` replaces the temporary database (a kept one, or PostgreSQL); `settings` adds or
 * replaces CASEPORT_* variables (e.g. CASEPORT_RATE_LIMITS: 'on' with raised limits).
 */
export class BenchServer {
  constructor({ port, name = 'bench', log = makeLog(name), databaseUrl, settings = {} }) {
    this.port = port;
    this.base = `http://${HOST}:${port}`;
    this.log = log;
    this.child = null;
    for (const p of [BIN, SITE_ROOT]) {
      if (!fs.existsSync(p)) throw new Error(`${p} not found: run bench/run.sh (or cargo leptos build --release) first`);
    }
    this.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `caseport-${name}-`));
    this.serverLog = path.join(this.dataDir, 'server.log');
    onCleanup(() => {
      this.killSync();
      if (!process.env.BENCH_KEEP) fs.rmSync(this.dataDir, { recursive: true, force: true });
    });
    this.bin = path.join(this.dataDir, 'build', path.basename(BIN));
    this.siteRoot = path.join(this.dataDir, 'build', 'site');
    this.pkgDir = path.join(this.siteRoot, 'pkg');
    fs.mkdirSync(path.dirname(this.bin), { recursive: true });
    fs.copyFileSync(BIN, this.bin);
    fs.chmodSync(this.bin, 0o755);
    // With cargo-leptos `hash-files`, Leptos reads the hashed file names from hash.txt next to the binary.
    const hashFile = path.join(path.dirname(BIN), process.env.LEPTOS_HASH_FILE_NAME || 'hash.txt');
    if (fs.existsSync(hashFile)) fs.copyFileSync(hashFile, path.join(path.dirname(this.bin), path.basename(hashFile)));
    fs.cpSync(SITE_ROOT, this.siteRoot, { recursive: true });
    const pkg = fs.existsSync(this.pkgDir) ? fs.readdirSync(this.pkgDir, { recursive: true }).map(String) : [];
    for (const ext of ['.js', '.wasm', '.css']) {
      if (!pkg.some((f) => f.endsWith(ext))) {
        throw new Error(`${SITE_ROOT}/pkg has no ${ext} file: is a build running? (run cargo leptos build --release)`);
      }
    }
    this.builtAt = fs.statSync(BIN).mtime;
    const dbFile = path.join(this.dataDir, 'caseport.db');
    if (!databaseUrl) fs.writeFileSync(dbFile, ''); // an empty file is an empty SQLite database
    const env = {};
    // Only the settings below reach the binary: a developer's own CASEPORT_* must not skew the run.
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CASEPORT_')) env[k] = v;
    this.env = {
      ...env,
      CASEPORT_LISTEN: `${HOST}:${port}`,
      CASEPORT_BASE_URL: this.base,
      CASEPORT_DATA_DIR: this.dataDir,
      CASEPORT_DATABASE_URL: databaseUrl ?? `sqlite://${dbFile}`,
      CASEPORT_SITE_ROOT: this.siteRoot,
      CASEPORT_ENVIRONMENT: 'development',
      CASEPORT_RATE_LIMITS: 'off',
      CASEPORT_SMTP_URL: 'smtp://127.0.0.1:9', // nothing in the bench sends mail
      ...settings,
    };
  }

  /** Runs the binary to completion; resolves with stdout, rejects with stderr on failure. */
  runBin(args, { input } = {}) {
    return new Promise((resolve, reject) => {
      const child = spawn(this.bin, args, { cwd: ROOT, env: this.env, stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      child.on('error', reject);
      child.on('close', (code, signal) => {
        if (code === 0) resolve(out);
        else reject(new Error(`caseport ${args.join(' ')} failed (${signal ?? `exit ${code}`}): ${err.trim() || out.trim()}`));
      });
      child.stdin.end(input ?? '');
    });
  }

  migrate() {
    return this.runBin(['migrate']);
  }

  /**
   * Verified accounts with an authenticator each (`caseport create-account`), a few at a time;
   * `role` as the command takes it (applicant, officer, supervisor, support).
   */
  async createAccounts(count, password, prefix = 'bench', role = 'applicant') {
    const accounts = Array.from({ length: count }, (_, i) => ({
      email: `${prefix}-${String(i).padStart(4, '0')}@caseport.test`,
      password,
      secret: newSecret(),
    }));
    let next = 0;
    const parallel = Math.max(1, Math.min(4, os.availableParallelism?.() ?? os.cpus().length));
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        while (next < accounts.length) {
          const a = accounts[next++];
          await this.runBin(['create-account', '--email', a.email, '--password-stdin', '--totp-secret', a.secret, '--role', role], {
            input: `${a.password}\n`,
          });
        }
      }),
    );
    return accounts;
  }

  async portInUse() {
    try {
      await this.request(new http.Agent({ keepAlive: false }), 'GET', '/healthz');
      return true;
    } catch {
      return false;
    }
  }

  /** Starts `caseport serve` and waits for /readyz; the error carries the log's tail. */
  async start(timeoutMs = 60_000) {
    if (await this.portInUse()) throw new Error(`port ${this.port} is already in use`);
    const logFd = fs.openSync(this.serverLog, 'a');
    this.child = spawn(this.bin, ['serve'], { cwd: ROOT, env: this.env, stdio: ['ignore', logFd, logFd] });
    fs.closeSync(logFd);
    const deadline = Date.now() + timeoutMs;
    const agent = new http.Agent({ keepAlive: false });
    while (Date.now() < deadline) {
      if (!this.running()) {
        throw new Error(`the server exited early (${this.child.signalCode ?? `exit ${this.child.exitCode}`})\n${this.logTail()}`);
      }
      try {
        const r = await this.request(agent, 'GET', '/readyz');
        if (r.status === 200) return;
      } catch {}
      await sleep(200);
    }
    throw new Error(`the server did not become ready at ${this.base}/readyz\n${this.logTail()}`);
  }

  running() {
    return this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  logTail(lines = 30) {
    const tail = fs.existsSync(this.serverLog) ? fs.readFileSync(this.serverLog, 'utf8').split('\n').slice(-lines).join('\n') : '';
    return `--- server log ---\n${tail}`;
  }

  /** Stops the server gracefully, then hard. */
  async stop() {
    if (!this.running()) return;
    this.child.kill('SIGTERM');
    await Promise.race([new Promise((res) => this.child.once('exit', res)), sleep(5000)]);
    this.killSync();
  }

  killSync() {
    if (this.running()) {
      try {
        this.child.kill('SIGKILL');
      } catch {}
    }
  }

  /**
   * One request. keepBody=false only counts bytes (throughput loops). `localAddress` picks the
   * client address (any 127.x.y.z works on Linux), e.g. to spread a per-address limit.
   */
  request(agent, method, urlPath, { headers = {}, body, keepBody = true, timeoutMs = 30_000, localAddress } = {}) {
    return new Promise((resolve, reject) => {
      const h = { ...headers };
      if (body !== undefined) h['Content-Length'] = Buffer.byteLength(body);
      const req = http.request({ host: HOST, port: this.port, method, path: urlPath, agent, headers: h, localAddress }, (res) => {
        const chunks = [];
        let bytes = 0;
        res.on('data', (c) => {
          bytes += c.length;
          if (keepBody) chunks.push(c);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode, headers: res.headers, bytes, body: keepBody ? Buffer.concat(chunks) : null }),
        );
        res.on('error', reject);
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout: ${method} ${urlPath}`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  formHeaders(jar) {
    const h = {
      Origin: this.base,
      'Sec-Fetch-Site': 'same-origin',
      'Content-Type': 'application/x-www-form-urlencoded',
      Accept: 'application/json',
    };
    const cookie = jar.header();
    if (cookie) h.Cookie = cookie;
    return h;
  }

  /**
   * The full sign-in: POST /_fn/sign_in with email and password, then POST /_fn/verify_totp with the
   * code of `step` (by default the next one: T+1 is accepted, and unused) carrying the session
   * cookie. Resolves with the cookie jar of the signed-in session. The server accepts the steps
   * T-1, T and T+1, each once per account and in increasing order.
   */
  async signIn(agent, account, step = currentStep() + 1) {
    const jar = new CookieJar();
    const form = new URLSearchParams({ email: account.email, password: account.password }).toString();
    let r = await this.request(agent, 'POST', '/_fn/sign_in', { headers: this.formHeaders(jar), body: form });
    jar.update(r.headers['set-cookie']);
    if (r.status >= 400) throw new Error(`POST /_fn/sign_in: HTTP ${r.status} ${snippet(r.body)}`);
    const code = totpAt(account.secret, step);
    r = await this.request(agent, 'POST', '/_fn/verify_totp', { headers: this.formHeaders(jar), body: `code=${code}` });
    jar.update(r.headers['set-cookie']);
    if (r.status >= 400) throw new Error(`POST /_fn/verify_totp: HTTP ${r.status} ${snippet(r.body)}`);
    return jar;
  }

  /** GET `urlPath` with the session and checks that it is answered 200 with `marker` in the page. */
  async expectSignedInPage(agent, jar, urlPath, marker) {
    const r = await this.request(agent, 'GET', urlPath, { headers: { Cookie: jar.header(), Accept: 'text/html' } });
    if (r.status !== 200 || (marker && !r.body.includes(marker))) {
      throw new Error(`GET ${urlPath} after signing in: HTTP ${r.status} ${r.headers.location ?? ''} ${snippet(r.body)}`);
    }
    return r;
  }
}

/** Nearest-rank percentile of an array of numbers (sorted in place). */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  values.sort((a, b) => a - b);
  const rank = Math.min(values.length - 1, Math.max(0, Math.ceil((p / 100) * values.length) - 1));
  return values[rank];
}
