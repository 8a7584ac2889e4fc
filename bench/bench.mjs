#!/usr/bin/env node
// Caseport benchmark: three numbers from one run, each printed with its raw components.
//
//   1. profile_vs_static   requests/s of the signed-in Profile page (GET /profile) divided by
//                          requests/s of a static file of exactly the same byte size served by the
//                          same binary (target/site/bench-static.html, written by this script).
//   2. sign_in_vs_argon2   full sign-ins/s (POST /_fn/sign_in, then POST /_fn/verify_totp with the
//                          session cookie) divided by raw argon2id verifications/s with the production
//                          parameters (`caseport bench-argon2 --iterations 50`).
//   3. pkg_brotli_bytes    brotli size (quality 11) of target/site/pkg/* JS + wasm + CSS, summed and
//                          per file.
//
// Run `bench/run.sh` (builds first) or `node bench/bench.mjs` (uses the existing release build).
// The server runs on 127.0.0.1:3200 with a temporary data directory and SQLite database,
// CASEPORT_RATE_LIMITS=off and CASEPORT_ENVIRONMENT=development; it is killed at exit.
// Node built-ins only. Knobs (environment): BENCH_DURATION_S (10), BENCH_WARMUP_S (2),
// BENCH_CONCURRENCY (16), BENCH_ACCOUNTS (64), BENCH_PORT (3200), BENCH_KEEP=1 keeps the temp dir.
// Results are also written to target/bench/latest.json.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { currentStep, newSecret, totpAt } from '../scripts/totp.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = process.env.BENCH_BIN ?? path.join(ROOT, 'target', 'release', 'caseport');
const SITE_ROOT = process.env.BENCH_SITE_ROOT ?? path.join(ROOT, 'target', 'site');
const PKG_DIR = path.join(SITE_ROOT, 'pkg');
const STATIC_NAME = 'bench-static.html';
const STATIC_FILE = path.join(SITE_ROOT, STATIC_NAME);

const num = (name, fallback) => {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got ${v}`);
  return n;
};
const PORT = num('BENCH_PORT', 3200);
const DURATION_MS = num('BENCH_DURATION_S', 10) * 1000;
const WARMUP_MS = num('BENCH_WARMUP_S', 2) * 1000;
const CONCURRENCY = Math.floor(num('BENCH_CONCURRENCY', 16));
const ACCOUNTS = Math.floor(num('BENCH_ACCOUNTS', 64));
const ARGON2_ITERATIONS = 50;
const HOST = '127.0.0.1';
const BASE = `http://${HOST}:${PORT}`;
// The whole run stops by itself: measurements are bounded, and so is everything around them.
const HARD_LIMIT_MS = 15 * 60 * 1000;

const log = (...a) => console.error('bench:', ...a);

// ---------------------------------------------------------------------------------------------
// Process and cleanup

let server = null;
let dataDir = null;
let wroteStatic = false;

function cleanupSync() {
  if (server && server.exitCode === null && server.signalCode === null) {
    try {
      server.kill('SIGKILL');
    } catch {}
  }
  if (wroteStatic) {
    try {
      fs.rmSync(STATIC_FILE, { force: true });
    } catch {}
    wroteStatic = false;
  }
  if (dataDir && !process.env.BENCH_KEEP) {
    try {
      fs.rmSync(dataDir, { recursive: true, force: true });
    } catch {}
  }
}
process.on('exit', cleanupSync);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    log(`${sig}: stopping`);
    process.exit(130);
  });
}
setTimeout(() => {
  log(`time limit of ${HARD_LIMIT_MS / 60000} minutes reached: stopping`);
  process.exit(1);
}, HARD_LIMIT_MS).unref();

function benchEnv() {
  const env = {};
  // Only the settings below reach the binary: a developer's own CASEPORT_* must not skew the run.
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CASEPORT_')) env[k] = v;
  const dbFile = path.join(dataDir, 'caseport.db');
  if (!fs.existsSync(dbFile)) fs.writeFileSync(dbFile, ''); // an empty file is an empty SQLite db
  return {
    ...env,
    CASEPORT_LISTEN: `${HOST}:${PORT}`,
    CASEPORT_BASE_URL: BASE,
    CASEPORT_DATA_DIR: dataDir,
    CASEPORT_DATABASE_URL: `sqlite://${dbFile}`,
    CASEPORT_SITE_ROOT: SITE_ROOT,
    CASEPORT_ENVIRONMENT: 'development',
    CASEPORT_RATE_LIMITS: 'off',
    CASEPORT_SMTP_URL: 'smtp://127.0.0.1:9', // nothing in the bench sends mail
  };
}

/** Runs the binary to completion; resolves with stdout, rejects with stderr on failure. */
function runBin(args, { input, env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
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

// ---------------------------------------------------------------------------------------------
// HTTP

/** One request. keepBody=false only counts bytes (throughput loops). */
function request(agent, method, urlPath, { headers = {}, body, keepBody = true } = {}) {
  return new Promise((resolve, reject) => {
    const h = { ...headers };
    if (body !== undefined) h['Content-Length'] = Buffer.byteLength(body);
    const req = http.request({ host: HOST, port: PORT, method, path: urlPath, agent, headers: h }, (res) => {
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
    req.setTimeout(30_000, () => req.destroy(new Error(`timeout: ${method} ${urlPath}`)));
    req.on('error', reject);
    req.end(body);
  });
}

class CookieJar {
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

function formHeaders(jar) {
  const h = {
    Origin: BASE,
    'Sec-Fetch-Site': 'same-origin',
    'Content-Type': 'application/x-www-form-urlencoded',
    Accept: 'application/json',
  };
  const cookie = jar.header();
  if (cookie) h.Cookie = cookie;
  return h;
}

const snippet = (buf) => (buf ? buf.toString('utf8').replace(/\s+/g, ' ').slice(0, 300) : '');

/** The full sign-in: password, then the TOTP code of the next step (T+1 is accepted, and fresh). */
async function signIn(agent, account) {
  const jar = new CookieJar();
  const form = new URLSearchParams({ email: account.email, password: account.password }).toString();
  let r = await request(agent, 'POST', '/_fn/sign_in', { headers: formHeaders(jar), body: form });
  jar.update(r.headers['set-cookie']);
  if (r.status >= 400) throw new Error(`POST /_fn/sign_in: HTTP ${r.status} ${snippet(r.body)}`);
  const code = totpAt(account.secret, currentStep() + 1);
  r = await request(agent, 'POST', '/_fn/verify_totp', { headers: formHeaders(jar), body: `code=${code}` });
  jar.update(r.headers['set-cookie']);
  if (r.status >= 400) throw new Error(`POST /_fn/verify_totp: HTTP ${r.status} ${snippet(r.body)}`);
  return jar;
}

async function waitReady(deadlineMs) {
  const agent = new http.Agent({ keepAlive: false });
  while (Date.now() < deadlineMs) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new Error(`the server exited early (${server.signalCode ?? `exit ${server.exitCode}`})`);
    }
    try {
      const r = await request(agent, 'GET', '/readyz');
      if (r.status === 200) return;
    } catch {}
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new Error(`the server did not become ready at ${BASE}/readyz`);
}

async function portInUse() {
  try {
    await request(new http.Agent({ keepAlive: false }), 'GET', '/healthz');
    return true;
  } catch {
    return false;
  }
}

/** Fixed-duration closed loop: CONCURRENCY workers, keep-alive connections. */
async function throughput(urlPath, headers, durationMs) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let ok = 0;
  let errors = 0;
  let firstError = null;
  let bytes = 0;
  const start = process.hrtime.bigint();
  const deadline = Date.now() + durationMs;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < deadline) {
        try {
          const r = await request(agent, 'GET', urlPath, { headers, keepBody: false });
          if (r.status === 200) {
            ok++;
            bytes = r.bytes;
          } else {
            errors++;
            firstError ??= `HTTP ${r.status}`;
          }
        } catch (e) {
          errors++;
          firstError ??= e.message;
          await new Promise((res) => setTimeout(res, 10)); // do not spin on a dead server
        }
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  agent.destroy();
  return { path: urlPath, ok, errors, first_error: firstError, seconds, bytes, rps: ok / seconds };
}

// ---------------------------------------------------------------------------------------------
// The three measurements

function brotliSizes() {
  if (!fs.existsSync(PKG_DIR)) throw new Error(`${PKG_DIR} not found: run cargo leptos build --release`);
  const files = fs
    .readdirSync(PKG_DIR, { recursive: true })
    .map(String)
    .filter((f) => /\.(m?js|wasm|css)$/.test(f) && fs.statSync(path.join(PKG_DIR, f)).isFile())
    .sort();
  if (files.length === 0) throw new Error(`no JS, wasm or CSS files in ${PKG_DIR}`);
  const rows = files.map((f) => {
    const raw = fs.readFileSync(path.join(PKG_DIR, f));
    const br = zlib.brotliCompressSync(raw, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
        ...(f.endsWith('.wasm') ? {} : { [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT }),
      },
    });
    return { file: `pkg/${f}`, raw_bytes: raw.length, brotli_bytes: br.length };
  });
  return {
    files: rows,
    raw_bytes: rows.reduce((s, r) => s + r.raw_bytes, 0),
    brotli_bytes: rows.reduce((s, r) => s + r.brotli_bytes, 0),
  };
}

async function argon2Rate(env) {
  const out = await runBin(['bench-argon2', '--iterations', String(ARGON2_ITERATIONS)], { env });
  const m = out.match(/argon2id verifications\/s:\s*([0-9.eE+-]+)/);
  if (!m) throw new Error(`unexpected bench-argon2 output: ${out.trim()}`);
  return Number(m[1]);
}

async function createAccounts(env, count, password) {
  const accounts = Array.from({ length: count }, (_, i) => ({
    email: `bench-${String(i).padStart(4, '0')}@caseport.test`,
    password,
    secret: newSecret(),
  }));
  let next = 0;
  const parallel = Math.max(1, Math.min(4, os.availableParallelism?.() ?? os.cpus().length));
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < accounts.length) {
        const a = accounts[next++];
        await runBin(['create-account', '--email', a.email, '--password-stdin', '--totp-secret', a.secret], {
          env,
          input: `${a.password}\n`,
        });
      }
    }),
  );
  return accounts;
}

/** Sign-ins until the accounts run out or the duration ends, whichever is first. */
async function signInRate(accounts, durationMs) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let next = 0;
  let ok = 0;
  let errors = 0;
  let firstError = null;
  const start = process.hrtime.bigint();
  const deadline = Date.now() + durationMs;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < deadline && next < accounts.length) {
        const account = accounts[next++];
        try {
          await signIn(agent, account);
          ok++;
        } catch (e) {
          errors++;
          firstError ??= e.message;
        }
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  agent.destroy();
  return { ok, errors, first_error: firstError, seconds, accounts: accounts.length, exhausted: next >= accounts.length, rate: ok / seconds };
}

/** A complete HTML document of exactly `size` bytes. */
function staticPage(size) {
  const head = '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>bench</title></head><body><p>';
  const tail = '</p></body></html>\n';
  const fill = size - Buffer.byteLength(head) - Buffer.byteLength(tail);
  if (fill < 0) return Buffer.alloc(size, 'x');
  const words = 'Caseport static page of the same size as the profile page. ';
  return Buffer.from(head + words.repeat(Math.ceil(fill / words.length)).slice(0, fill) + tail);
}

const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : String(x));
const f3 = (x) => (Number.isFinite(x) ? x.toFixed(3) : String(x));

async function main() {
  for (const p of [BIN, SITE_ROOT]) {
    if (!fs.existsSync(p)) throw new Error(`${p} not found: run bench/run.sh (or cargo leptos build --release) first`);
  }
  if (await portInUse()) throw new Error(`port ${PORT} is already in use (set BENCH_PORT)`);

  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'caseport-bench-'));
  const env = benchEnv();
  const cpus = os.availableParallelism?.() ?? os.cpus().length;
  log(`data dir ${dataDir}; ${cpus} CPUs; concurrency ${CONCURRENCY}; ${DURATION_MS / 1000} s per measurement`);

  log('3/3 brotli sizes of target/site/pkg');
  const sizes = brotliSizes();

  log(`argon2id: caseport bench-argon2 --iterations ${ARGON2_ITERATIONS}`);
  const argon2PerSecond = await argon2Rate(env);

  log('migrating the bench database');
  await runBin(['migrate'], { env });
  const password = `Bench-${newSecret().slice(0, 20)}-pw`;
  log(`creating ${ACCOUNTS + 1} accounts (caseport create-account)`);
  const [profileAccount, ...accounts] = await createAccounts(env, ACCOUNTS + 1, password);

  const serverLog = path.join(dataDir, 'server.log');
  const logFd = fs.openSync(serverLog, 'a');
  server = spawn(BIN, ['serve'], { cwd: ROOT, env, stdio: ['ignore', logFd, logFd] });
  fs.closeSync(logFd);
  try {
    await waitReady(Date.now() + 60_000);
  } catch (e) {
    const tail = fs.existsSync(serverLog) ? fs.readFileSync(serverLog, 'utf8').split('\n').slice(-30).join('\n') : '';
    throw new Error(`${e.message}\n--- server log ---\n${tail}`);
  }
  log(`server ready at ${BASE}`);

  // 1. Profile page vs. a static page of the same byte size.
  const agent = new http.Agent({ keepAlive: true });
  const jar = await signIn(agent, profileAccount);
  const profileHeaders = { Cookie: jar.header(), Accept: 'text/html' };
  const profile = await request(agent, 'GET', '/profile', { headers: profileHeaders });
  if (profile.status !== 200 || !profile.body.includes('account-number')) {
    throw new Error(
      `GET /profile after signing in: HTTP ${profile.status} ${profile.headers.location ?? ''} ${snippet(profile.body)}`,
    );
  }
  const size = profile.body.length;
  fs.writeFileSync(STATIC_FILE, staticPage(size));
  wroteStatic = true;
  const staticCheck = await request(agent, 'GET', `/${STATIC_NAME}`, { headers: { Accept: 'text/html' } });
  if (staticCheck.status !== 200 || staticCheck.body.length !== size) {
    throw new Error(`GET /${STATIC_NAME}: HTTP ${staticCheck.status}, ${staticCheck.body.length} bytes (want ${size})`);
  }
  agent.destroy();

  log(`1/3 GET /profile (${size} bytes) for ${DURATION_MS / 1000} s after ${WARMUP_MS / 1000} s warm-up`);
  await throughput('/profile', profileHeaders, WARMUP_MS);
  const profileRun = await throughput('/profile', profileHeaders, DURATION_MS);
  log(`1/3 GET /${STATIC_NAME} (${size} bytes) for ${DURATION_MS / 1000} s after ${WARMUP_MS / 1000} s warm-up`);
  await throughput(`/${STATIC_NAME}`, { Accept: 'text/html' }, WARMUP_MS);
  const staticRun = await throughput(`/${STATIC_NAME}`, { Accept: 'text/html' }, DURATION_MS);

  // 2. Full sign-ins vs. raw argon2id verifications.
  log(`2/3 full sign-ins with ${accounts.length} accounts, at most ${DURATION_MS / 1000} s`);
  const signIns = await signInRate(accounts, DURATION_MS);

  const result = {
    date: new Date().toISOString(),
    cpus,
    concurrency: CONCURRENCY,
    duration_s: DURATION_MS / 1000,
    profile_vs_static: {
      ratio: profileRun.rps / staticRun.rps,
      page_bytes: size,
      profile: profileRun,
      static: staticRun,
    },
    sign_in_vs_argon2: {
      ratio: signIns.rate / argon2PerSecond,
      sign_ins: signIns,
      argon2id_verifications_per_s: argon2PerSecond,
      argon2_iterations: ARGON2_ITERATIONS,
    },
    pkg_brotli_bytes: sizes,
  };

  const lines = [
    '',
    `Caseport bench: ${cpus} CPUs, concurrency ${CONCURRENCY}, ${DURATION_MS / 1000} s per measurement, SQLite, rate limits off`,
    '',
    `profile_vs_static: ${f3(result.profile_vs_static.ratio)}`,
    `  GET /profile (signed in)  ${f2(profileRun.rps)} req/s  (${profileRun.ok} ok, ${profileRun.errors} errors, ${f2(profileRun.seconds)} s, ${size} bytes)`,
    `  GET /${STATIC_NAME}    ${f2(staticRun.rps)} req/s  (${staticRun.ok} ok, ${staticRun.errors} errors, ${f2(staticRun.seconds)} s, ${size} bytes)`,
    '',
    `sign_in_vs_argon2: ${f3(result.sign_in_vs_argon2.ratio)}`,
    `  full sign-ins             ${f2(signIns.rate)} /s  (${signIns.ok} ok, ${signIns.errors} errors, ${f2(signIns.seconds)} s` +
      `${signIns.exhausted ? `; all ${signIns.accounts} accounts used: raise BENCH_ACCOUNTS for a longer run` : ''})`,
    `  argon2id verifications    ${f2(argon2PerSecond)} /s  (caseport bench-argon2 --iterations ${ARGON2_ITERATIONS}, one thread)`,
    '',
    `pkg_brotli_bytes: ${sizes.brotli_bytes}  (raw ${sizes.raw_bytes} bytes, brotli quality 11)`,
    ...sizes.files.map((r) => `  ${r.file.padEnd(32)} ${String(r.brotli_bytes).padStart(9)}  (raw ${r.raw_bytes})`),
    '',
  ];
  console.log(lines.join('\n'));

  const outDir = path.join(ROOT, 'target', 'bench');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  log(`results written to ${path.relative(ROOT, path.join(outDir, 'latest.json'))}`);

  const problems = [
    profileRun.errors && `/profile: ${profileRun.errors} errors (first: ${profileRun.first_error})`,
    staticRun.errors && `/${STATIC_NAME}: ${staticRun.errors} errors (first: ${staticRun.first_error})`,
    signIns.errors && `sign-ins: ${signIns.errors} errors (first: ${signIns.first_error})`,
    (profileRun.ok === 0 || staticRun.ok === 0 || signIns.ok === 0) && 'a measurement completed no request',
  ].filter(Boolean);

  // Stop the server gracefully, then hard.
  server.kill('SIGTERM');
  await Promise.race([
    new Promise((res) => server.once('exit', res)),
    new Promise((res) => setTimeout(res, 5000)),
  ]);
  cleanupSync();

  if (problems.length) {
    for (const p of problems) log(`ERROR ${p}`);
    process.exit(1);
  }
}

main().catch((e) => {
  log(`failed: ${e.message}`);
  process.exit(1);
});
