#!/usr/bin/env node
// Caseport benchmark: every number is printed next to a baseline measured in the same run, on the
// same machine, against the same binary, so that a noisy machine moves both alike.
//
//   profile_vs_healthz      requests/s of GET /profile divided by requests/s of GET /healthz (the
//                           cheapest route: what the HTTP stack alone costs).
//   static_file_vs_profile  requests/s of the stylesheet the sign-in page links (e.g.
//                           /pkg/caseport.css) divided by requests/s of GET /profile.
//   sign_in_vs_argon2       full sign-ins/s (POST /_fn/sign_in, then POST /_fn/verify_totp with the
//                           session cookie) divided by raw argon2id verifications/s with the production
//                           parameters (`caseport bench-argon2 --iterations 50`).
//   sign_in_under_load      full sign-ins/s while BENCH_BACKGROUND_RPS (200) other requests/s (GET
//                           /profile signed in and GET /sign-in, alternately, open loop) are served,
//                           with those requests' p99 latency (target < 50 ms), each next to the same
//                           measurement without the other half (sign-ins alone; the background alone).
//   sign_in_page_bytes      bytes a browser downloads to make /sign-in interactive: headless Chromium
//                           (playwright-core, /usr/bin/chromium, Accept-Encoding: br, gzip) loads the
//                           page and the encoded (over-the-wire) body sizes of every JS, wasm and CSS
//                           response are summed, lazily fetched chunks included, until the network has
//                           been quiet for a second. Compared with the whole app's total below.
//   pkg_total_bytes         the whole app: every file under target/site/pkg as brotli (quality 11, or
//                           the size of a precompressed `.br` next to it), summed and per file, with
//                           the bytes the running server actually sends for it with Accept-Encoding:
//                           br, gzip; compared with the raw total.
//
// Run `bench/run.sh` (builds first, installs bench/node_modules) or `node bench/bench.mjs` (uses the
// existing release build). The binary and target/site are copied into a temporary directory first
// (a rebuild during the run cannot mix two builds); the server runs from there on 127.0.0.1:3200
// with a temporary SQLite database, CASEPORT_RATE_LIMITS=off and CASEPORT_ENVIRONMENT=development,
// and is killed at exit. The four requests/s are measured interleaved (BENCH_ROUNDS rounds, each target for
// BENCH_DURATION_S / BENCH_ROUNDS in turn) so that the machine's other load weighs on all alike; a
// sign-in measurement ends after BENCH_DURATION_S or when its accounts have used every TOTP code
// they have (three per account and 30 s step). Knobs (environment): BENCH_DURATION_S (10),
// BENCH_WARMUP_S (2), BENCH_ROUNDS (4), BENCH_CONCURRENCY (16), BENCH_ACCOUNTS (128, per sign-in
// measurement), BENCH_BACKGROUND_RPS (200), BENCH_PORT (3200), BENCH_KEEP=1 keeps the temp dir.
// Results are also written to target/bench/latest.json.

import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import zlib from 'node:zlib';
import {
  BenchServer,
  CHROMIUM,
  currentStep,
  ROOT,
  f1,
  f2,
  f3,
  hardLimit,
  makeLog,
  newSecret,
  num,
  percentile,
  sleep,
  snippet,
} from './lib.mjs';


const PORT = num('BENCH_PORT', 3200);
const DURATION_MS = num('BENCH_DURATION_S', 10) * 1000;
const WARMUP_MS = num('BENCH_WARMUP_S', 2) * 1000;
const CONCURRENCY = Math.floor(num('BENCH_CONCURRENCY', 16));
const ACCOUNTS = Math.floor(num('BENCH_ACCOUNTS', 128));
const BACKGROUND_RPS = num('BENCH_BACKGROUND_RPS', 200);
const ROUNDS = Math.floor(num('BENCH_ROUNDS', 4));
const ARGON2_ITERATIONS = 50;
const P99_TARGET_MS = 50;
/** What a browser asks for; the server may answer compressed or not. */
const BROWSER_ENCODINGS = 'br, gzip';
// The whole run stops by itself: measurements are bounded, and so is everything around them.
const HARD_LIMIT_MS = 15 * 60 * 1000;

const log = makeLog('bench');
hardLimit(HARD_LIMIT_MS, log);

let srv = null;

// ---------------------------------------------------------------------------------------------
// Load generators

/** Fixed-duration closed loop: CONCURRENCY workers, keep-alive connections. */
async function throughput(urlPath, headers, durationMs) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let ok = 0;
  let errors = 0;
  let firstError = null;
  let bytes = 0;
  let encoding = null;
  const start = process.hrtime.bigint();
  const deadline = Date.now() + durationMs;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < deadline) {
        try {
          const r = await srv.request(agent, 'GET', urlPath, { headers, keepBody: false });
          if (r.status === 200) {
            ok++;
            bytes += r.bytes;
            encoding = r.headers['content-encoding'] ?? 'identity';
          } else {
            errors++;
            firstError ??= `HTTP ${r.status}`;
          }
        } catch (e) {
          errors++;
          firstError ??= e.message;
          await sleep(10); // do not spin on a dead server
        }
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  agent.destroy();
  return { path: urlPath, ok, errors, first_error: firstError, seconds, bytes: ok ? Math.round(bytes / ok) : 0, encoding, rps: ok / seconds };
}

/**
 * Closed-loop requests/s of each target, interleaved: after a warm-up of each, ROUNDS rounds in
 * which every target runs for DURATION_MS / ROUNDS in turn, so that a change in the machine's other
 * load during the run weighs on every target alike. Returns one summed result per target, with
 * the requests/s of each round.
 */
async function measureInterleaved(targets) {
  const slice = DURATION_MS / ROUNDS;
  for (const t of targets) {
    log(`warm-up: GET ${t.path} for ${WARMUP_MS / 1000} s`);
    await throughput(t.path, t.headers, WARMUP_MS);
  }
  const sums = targets.map((t) => ({ path: t.path, ok: 0, errors: 0, first_error: null, seconds: 0, bytes: 0, encoding: null, rounds: [] }));
  for (let round = 1; round <= ROUNDS; round++) {
    log(`round ${round}/${ROUNDS}: ${targets.map((t) => t.path).join(', ')}, ${slice / 1000} s each`);
    for (const [i, t] of targets.entries()) {
      const r = await throughput(t.path, t.headers, slice);
      const sum = sums[i];
      sum.ok += r.ok;
      sum.errors += r.errors;
      sum.first_error ??= r.first_error;
      sum.seconds += r.seconds;
      sum.bytes += r.bytes * r.ok; // body bytes, averaged below
      sum.encoding = r.encoding ?? sum.encoding;
      sum.rounds.push(r.rps);
    }
  }
  for (const sum of sums) {
    sum.rps = sum.ok / sum.seconds;
    sum.bytes = sum.ok ? Math.round(sum.bytes / sum.ok) : 0;
  }
  return sums;
}

/**
 * The TOTP step to sign `account` in with now, or null when it has none left for the moment. The
 * server accepts the codes of steps T-1, T and T+1, each once per account and in increasing order,
 * so an account signs in up to three times per 30 s step: T-1 (only while at least 10 s of the step
 * remain, so that the code is still valid when the server checks it), then T, then T+1.
 */
function nextStep(account) {
  const now = Date.now();
  const step = currentStep(now);
  const remainingMs = 30_000 - (now % 30_000);
  const lowest = remainingMs >= 10_000 ? step - 1 : step;
  const next = Math.max(lowest, (account.lastStep ?? -Infinity) + 1);
  return next <= step + 1 ? next : null;
}

/**
 * Full sign-ins by CONCURRENCY workers until the duration ends or every account has used the codes
 * it has (see nextStep). Accounts go round in a queue, so one account is never signed in twice at
 * once and its codes are used in order.
 */
async function signInRate(accounts, durationMs) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const queue = accounts.map((a) => ({ ...a, lastStep: null }));
  const parked = [];
  let ok = 0;
  let errors = 0;
  let firstError = null;
  let busy = 0;
  const latencies = [];
  const start = process.hrtime.bigint();
  const deadline = Date.now() + durationMs;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < deadline) {
        const account = queue.shift();
        if (!account) {
          if (busy > 0) {
            await sleep(5); // the others' accounts come back to the queue
            continue;
          }
          // A new step may have given parked accounts a code; otherwise every code is used.
          for (const a of parked.splice(0)) (nextStep(a) === null ? parked : queue).push(a);
          if (queue.length === 0) return;
          continue;
        }
        const step = nextStep(account);
        if (step === null) {
          parked.push(account); // no code left in this step
          continue;
        }
        busy++;
        account.lastStep = step;
        const t0 = performance.now();
        try {
          await srv.signIn(agent, account, step);
          latencies.push(performance.now() - t0);
          ok++;
        } catch (e) {
          errors++;
          firstError ??= e.message;
        }
        queue.push(account);
        busy--;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  agent.destroy();
  return {
    ok,
    errors,
    first_error: firstError,
    seconds,
    accounts: accounts.length,
    exhausted: Date.now() < deadline - 50,
    rate: ok / seconds,
    p50_ms: percentile(latencies, 50),
    p99_ms: percentile(latencies, 99),
  };
}

/**
 * Open-loop background traffic: `rps` requests/s, sent on schedule whether or not earlier ones have
 * been answered (so a slow server cannot slow the load down), cycling through `targets`. Latency is
 * measured from sending to the last byte. Returns { stop(): Promise<stats> }.
 */
function backgroundLoad(targets, rps) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const latencies = [];
  const perPath = new Map(targets.map((t) => [t.path, []]));
  let sent = 0;
  let ok = 0;
  let errors = 0;
  let firstError = null;
  let stopped = false;
  let maxLagMs = 0;
  const inflight = new Set();
  const t0 = performance.now();
  const fire = () => {
    const target = targets[sent % targets.length];
    sent++;
    const start = performance.now();
    const p = srv
      .request(agent, 'GET', target.path, { headers: target.headers, keepBody: false, timeoutMs: 10_000 })
      .then((r) => {
        const ms = performance.now() - start;
        if (r.status === 200) {
          ok++;
          latencies.push(ms);
          perPath.get(target.path).push(ms);
        } else {
          errors++;
          firstError ??= `${target.path}: HTTP ${r.status}`;
        }
      })
      .catch((e) => {
        errors++;
        firstError ??= `${target.path}: ${e.message}`;
      })
      .finally(() => inflight.delete(p));
    inflight.add(p);
  };
  const loop = (async () => {
    while (!stopped) {
      const now = performance.now();
      const due = Math.floor(((now - t0) / 1000) * rps);
      if (due > sent) maxLagMs = Math.max(maxLagMs, now - (t0 + (sent / rps) * 1000));
      while (sent < due) fire();
      await sleep(Math.max(0, t0 + ((sent + 1) / rps) * 1000 - performance.now()));
    }
  })();
  return {
    /** Drops what was measured so far (the warm-up). */
    reset() {
      latencies.length = 0;
      for (const v of perPath.values()) v.length = 0;
      ok = 0;
      errors = 0;
      firstError = null;
      maxLagMs = 0;
      this.since = performance.now();
      this.sentAtReset = sent;
    },
    since: t0,
    sentAtReset: 0,
    async stop() {
      stopped = true;
      await loop;
      const seconds = (performance.now() - this.since) / 1000;
      await Promise.all([...inflight]);
      agent.destroy();
      return {
        target_rps: rps,
        sent: sent - this.sentAtReset,
        sent_rps: (sent - this.sentAtReset) / seconds,
        ok,
        errors,
        first_error: firstError,
        seconds,
        max_schedule_lag_ms: maxLagMs,
        p50_ms: percentile(latencies, 50),
        p99_ms: percentile(latencies, 99),
        max_ms: latencies.length ? latencies[latencies.length - 1] : NaN,
        per_path: Object.fromEntries([...perPath].map(([p, v]) => [p, { n: v.length, p50_ms: percentile(v, 50), p99_ms: percentile(v, 99) }])),
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Bytes

const brotli = (raw, name) =>
  zlib.brotliCompressSync(raw, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      ...(name.endsWith('.wasm') ? {} : { [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT }),
    },
  }).length;

/**
 * The whole app: every file under target/site/pkg (precompressed `.br`/`.gz`/`.zst` siblings are
 * not files of their own: a `.br` gives its original's brotli size). TypeScript declarations
 * (`*.d.ts`, written by wasm-bindgen) are listed apart: no page loads them.
 */
function pkgSizes(pkgDir) {
  if (!fs.existsSync(pkgDir)) throw new Error(`${pkgDir} not found: run cargo leptos build --release`);
  const all = fs
    .readdirSync(pkgDir, { recursive: true })
    .map(String)
    .filter((f) => fs.statSync(path.join(pkgDir, f)).isFile())
    .sort();
  const precompressed = new Set(all.filter((f) => /\.(br|gz|zst)$/.test(f) && all.includes(f.replace(/\.(br|gz|zst)$/, ''))));
  const files = all.filter((f) => !precompressed.has(f));
  if (!files.some((f) => /\.(m?js|wasm|css)$/.test(f))) throw new Error(`no JS, wasm or CSS files in ${pkgDir}`);
  const rows = files.map((f) => {
    const raw = fs.readFileSync(path.join(pkgDir, f));
    const br = path.join(pkgDir, `${f}.br`);
    const hasBr = fs.existsSync(br);
    return {
      file: `pkg/${f}`,
      url: `/pkg/${f.split(path.sep).join('/')}`,
      raw_bytes: raw.length,
      brotli_bytes: hasBr ? fs.statSync(br).size : brotli(raw, f),
      brotli_from: hasBr ? '.br file' : 'quality 11',
      declaration: f.endsWith('.d.ts'),
    };
  });
  const app = rows.filter((r) => !r.declaration);
  return {
    files: app,
    declarations: rows.filter((r) => r.declaration),
    raw_bytes: app.reduce((s, r) => s + r.raw_bytes, 0),
    brotli_bytes: app.reduce((s, r) => s + r.brotli_bytes, 0),
  };
}

/** What the running server sends for each pkg file when asked as a browser asks (body bytes). */
async function servedSizes(sizes) {
  const agent = new http.Agent({ keepAlive: true });
  for (const row of sizes.files) {
    const r = await srv.request(agent, 'GET', row.url, { headers: { 'Accept-Encoding': BROWSER_ENCODINGS }, keepBody: false });
    row.served_status = r.status;
    row.served_bytes = r.status === 200 ? r.bytes : NaN;
    row.served_encoding = r.headers['content-encoding'] ?? 'identity';
  }
  agent.destroy();
  sizes.served_bytes = sizes.files.reduce((s, r) => s + (Number.isFinite(r.served_bytes) ? r.served_bytes : 0), 0);
  return sizes;
}

async function loadPlaywright() {
  const candidates = [
    path.join(ROOT, 'bench', 'node_modules', 'playwright-core', 'index.mjs'),
    path.join(ROOT, 'end2end', 'node_modules', 'playwright-core', 'index.mjs'),
  ];
  for (const c of candidates) if (fs.existsSync(c)) return import(c);
  throw new Error('playwright-core not found: run `npm ci --prefix bench` (bench/run.sh does)');
}

const kindOf = (url, contentType = '') => {
  const p = new URL(url).pathname;
  if (/wasm/.test(contentType) || p.endsWith('.wasm')) return 'wasm';
  if (/css/.test(contentType) || p.endsWith('.css')) return 'css';
  if (/javascript|ecmascript/.test(contentType) || /\.m?js$/.test(p)) return 'js';
  if (p.startsWith('/pkg/')) return 'other'; // e.g. the wasm-split manifest (JSON)
  return null;
};

/**
 * Loads /sign-in in a fresh headless Chromium context and sums the encoded body sizes of every JS,
 * wasm and CSS response until the page has loaded and the page is hydrated (<html data-hydrated>) and
 * the network has been idle for a second. The
 * service worker is blocked: its precache runs after the page is interactive and is not part of it.
 */
async function browserBytes(urlPath) {
  const { chromium } = await loadPlaywright();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    const context = await browser.newContext({
      extraHTTPHeaders: { 'Accept-Encoding': BROWSER_ENCODINGS },
      serviceWorkers: 'block',
    });
    const page = await context.newPage();
    const pending = new Set();
    let lastActivity = performance.now();
    const finished = [];
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('request', (r) => {
      pending.add(r);
      lastActivity = performance.now();
    });
    const done = (r) => {
      pending.delete(r);
      lastActivity = performance.now();
    };
    page.on('requestfailed', (r) => {
      done(r);
      finished.push({ request: r, failed: r.failure()?.errorText ?? 'failed' });
    });
    page.on('requestfinished', (r) => {
      done(r);
      finished.push({ request: r });
    });
    const response = await page.goto(`${srv.base}${urlPath}`, { waitUntil: 'load', timeout: 60_000 });
    if (!response || response.status() !== 200) throw new Error(`browser: GET ${urlPath}: HTTP ${response?.status()}`);
    // The islands' module loads when the browser is idle; the page is interactive once it is hydrated.
    await page.locator('html[data-hydrated]').waitFor({ state: 'attached', timeout: 30_000 });
    const deadline = performance.now() + 30_000;
    while (performance.now() < deadline && (pending.size > 0 || performance.now() - lastActivity < 1000)) await sleep(100);
    if (pending.size > 0) throw new Error(`browser: requests still pending after 30 s: ${[...pending].map((r) => r.url()).join(', ')}`);

    const rows = [];
    let document = null;
    for (const { request, failed } of finished) {
      const resp = failed ? null : await request.response();
      const sizes = failed ? null : await request.sizes();
      const headers = resp ? await resp.allHeaders() : {};
      const row = {
        url: new URL(request.url()).pathname,
        kind: kindOf(request.url(), headers['content-type']),
        status: resp?.status() ?? failed,
        encoding: headers['content-encoding'] ?? 'identity',
        encoded_bytes: sizes ? sizes.responseBodySize : 0,
        header_bytes: sizes ? sizes.responseHeadersSize : 0,
      };
      if (request.isNavigationRequest() && request.frame() === page.mainFrame()) document = row;
      else if (row.kind) rows.push(row);
    }
    const failed = rows.filter((r) => typeof r.status !== 'number' || r.status >= 400);
    if (failed.length) throw new Error(`browser: ${failed.map((r) => `${r.url} ${r.status}`).join(', ')}`);
    const total = (k) => rows.filter((r) => !k || r.kind === k).reduce((s, r) => s + r.encoded_bytes, 0);
    const stylesheets = await page.$$eval('link[rel~="stylesheet"][href]', (ls) => ls.map((l) => new URL(l.href).pathname));
    await context.close();
    return {
      page: urlPath,
      accept_encoding: BROWSER_ENCODINGS,
      document,
      requests: rows.sort((a, b) => a.url.localeCompare(b.url)),
      js_bytes: total('js'),
      wasm_bytes: total('wasm'),
      css_bytes: total('css'),
      other_pkg_bytes: total('other'),
      total_bytes: total(),
      stylesheets,
      page_errors: pageErrors,
    };
  } finally {
    await browser.close();
  }
}

async function argon2Rate() {
  const out = await srv.runBin(['bench-argon2', '--iterations', String(ARGON2_ITERATIONS)]);
  const m = out.match(/argon2id verifications\/s:\s*([0-9.eE+-]+)/);
  if (!m) throw new Error(`unexpected bench-argon2 output: ${out.trim()}`);
  return Number(m[1]);
}

// ---------------------------------------------------------------------------------------------

const kib = (b) => (Number.isFinite(b) ? `${(b / 1024).toFixed(1)} KiB` : String(b));
const ms = (x) => (Number.isFinite(x) ? `${x.toFixed(1)} ms` : String(x));
const rpsLine = (label, r) =>
  `  ${label.padEnd(34)} ${f2(r.rps).padStart(9)} req/s  (${r.ok} ok, ${r.errors} errors, ${f2(r.seconds)} s, ${r.bytes} bytes on average ${r.encoding ?? ''}; ` +
  `rounds ${r.rounds.map((x) => x.toFixed(0)).join(' ')})`;

function table(rows) {
  const head = ['measurement', 'value', 'baseline (same run)', 'ratio', 'target'];
  const cells = [head, ...rows.map((r) => [r.name, r.value, r.baseline, r.ratio, r.target ?? ''])];
  const widths = head.map((_, i) => Math.max(...cells.map((c) => c[i].length)));
  const line = (c) => c.map((x, i) => x.padEnd(widths[i])).join('  ').trimEnd();
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)];
}

async function main() {
  srv = new BenchServer({ port: PORT, name: 'bench', log });
  const cpus = os.availableParallelism?.() ?? os.cpus().length;
  log(`data dir ${srv.dataDir}; build of ${srv.builtAt.toISOString()}; ${cpus} CPUs; concurrency ${CONCURRENCY}; ${DURATION_MS / 1000} s per measurement`);
  if (await srv.portInUse()) throw new Error(`port ${PORT} is already in use (set BENCH_PORT)`);

  log('sizes of target/site/pkg (brotli quality 11, or the .br next to a file)');
  let sizes;
  try {
    sizes = pkgSizes(srv.pkgDir);
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
    throw new Error(`${srv.pkgDir} changed while it was read (is a build running?): ${e.message}`);
  }

  log(`argon2id: caseport bench-argon2 --iterations ${ARGON2_ITERATIONS}`);
  const argon2PerSecond = await argon2Rate();

  log('migrating the bench database');
  await srv.migrate();
  const password = `Bench-${newSecret().slice(0, 20)}-pw`;
  log(`creating ${2 * ACCOUNTS + 1} accounts (caseport create-account)`);
  const created = await srv.createAccounts(2 * ACCOUNTS + 1, password);
  const profileAccount = created[0];
  const accountsAlone = created.slice(1, 1 + ACCOUNTS);
  const accountsLoaded = created.slice(1 + ACCOUNTS);

  await srv.start();
  log(`server ready at ${srv.base}`);

  // Bytes: what the browser loads for /sign-in, and what the server sends per pkg file.
  log('headless Chromium loads /sign-in (encoded bytes of JS, wasm, CSS)');
  const signInBytes = await browserBytes('/sign-in');
  await servedSizes(sizes);

  // Profile page vs. /healthz and a static file.
  const agent = new http.Agent({ keepAlive: true });
  const jar = await srv.signIn(agent, profileAccount);
  const profileHeaders = { Cookie: jar.header(), Accept: 'text/html', 'Accept-Encoding': BROWSER_ENCODINGS };
  // The page as served once warm, checked to be the signed-in Profile.
  for (let i = 0; i < 5; i++) await srv.expectSignedInPage(agent, jar, '/profile', 'account-number');
  // The static file: the (first) stylesheet the sign-in page really links, whatever its name.
  const cssPath = signInBytes.stylesheets[0] ?? signInBytes.requests.find((r) => r.kind === 'css')?.url;
  if (!cssPath) throw new Error('the sign-in page links no stylesheet');
  const signInPage = await srv.request(agent, 'GET', '/sign-in', { headers: { Accept: 'text/html' } });
  if (signInPage.status !== 200) throw new Error(`GET /sign-in: HTTP ${signInPage.status} ${snippet(signInPage.body)}`);
  agent.destroy();

  const cssHeaders = { Accept: 'text/css,*/*;q=0.1', 'Accept-Encoding': BROWSER_ENCODINGS };
  const [profileRun, healthzRun, cssRun] = await measureInterleaved([
    { path: '/profile', headers: profileHeaders },
    { path: '/healthz', headers: { 'Accept-Encoding': BROWSER_ENCODINGS } },
    { path: cssPath, headers: cssHeaders },
  ]);

  // Sign-ins alone.
  log(`full sign-ins with ${accountsAlone.length} accounts, at most ${DURATION_MS / 1000} s`);
  const signIns = await signInRate(accountsAlone, DURATION_MS);

  // The background traffic alone, then with sign-ins running at the same time.
  const targets = [
    { path: '/profile', headers: profileHeaders },
    { path: '/sign-in', headers: { Accept: 'text/html', 'Accept-Encoding': BROWSER_ENCODINGS } },
  ];
  log(`background alone: ${BACKGROUND_RPS} req/s (GET /profile, GET /sign-in) for ${DURATION_MS / 1000} s after ${WARMUP_MS / 1000} s warm-up`);
  let bg = backgroundLoad(targets, BACKGROUND_RPS);
  await sleep(WARMUP_MS);
  bg.reset();
  await sleep(DURATION_MS);
  const backgroundAlone = await bg.stop();

  log(`background ${BACKGROUND_RPS} req/s + full sign-ins with ${accountsLoaded.length} accounts, at most ${DURATION_MS / 1000} s`);
  bg = backgroundLoad(targets, BACKGROUND_RPS);
  await sleep(WARMUP_MS);
  bg.reset();
  const signInsLoaded = await signInRate(accountsLoaded, DURATION_MS);
  const backgroundLoaded = await bg.stop();

  const result = {
    date: new Date().toISOString(),
    binary_built: srv.builtAt.toISOString(),
    cpus,
    concurrency: CONCURRENCY,
    duration_s: DURATION_MS / 1000,
    profile_vs_healthz: { ratio: profileRun.rps / healthzRun.rps, profile: profileRun, healthz: healthzRun },
    static_file_vs_profile: { ratio: cssRun.rps / profileRun.rps, static_file: cssRun, profile: profileRun },
    sign_in_vs_argon2: {
      ratio: signIns.rate / argon2PerSecond,
      sign_ins: signIns,
      argon2id_verifications_per_s: argon2PerSecond,
      argon2_iterations: ARGON2_ITERATIONS,
    },
    sign_in_under_load: {
      sign_in_ratio: signInsLoaded.rate / signIns.rate,
      p99_target_ms: P99_TARGET_MS,
      p99_met: backgroundLoaded.p99_ms < P99_TARGET_MS,
      sign_ins: signInsLoaded,
      sign_ins_alone: signIns,
      background: backgroundLoaded,
      background_alone: backgroundAlone,
    },
    sign_in_page_bytes: { ...signInBytes, share_of_app: signInBytes.total_bytes / sizes.brotli_bytes },
    pkg_total_bytes: sizes,
  };

  const b = signInBytes;
  const lines = [
    '',
    `Caseport bench: ${cpus} CPUs, concurrency ${CONCURRENCY}, ${DURATION_MS / 1000} s per measurement, SQLite, rate limits off, Accept-Encoding: ${BROWSER_ENCODINGS}`,
    '',
    `profile_vs_healthz: ${f3(result.profile_vs_healthz.ratio)}`,
    rpsLine('GET /profile (signed in)', profileRun),
    rpsLine('GET /healthz', healthzRun),
    '',
    `static_file_vs_profile: ${f3(result.static_file_vs_profile.ratio)}`,
    rpsLine(`GET ${cssPath}`, cssRun),
    rpsLine('GET /profile (signed in)', profileRun),
    '',
    `sign_in_vs_argon2: ${f3(result.sign_in_vs_argon2.ratio)}`,
    `  full sign-ins                      ${f2(signIns.rate).padStart(9)} /s  (${signIns.ok} ok, ${signIns.errors} errors, ${f2(signIns.seconds)} s, p50 ${ms(signIns.p50_ms)}, p99 ${ms(signIns.p99_ms)}` +
      `${signIns.exhausted ? `; ended early, every code of the ${signIns.accounts} accounts used: raise BENCH_ACCOUNTS for a longer run` : ''})`,
    `  argon2id verifications             ${f2(argon2PerSecond).padStart(9)} /s  (caseport bench-argon2 --iterations ${ARGON2_ITERATIONS}, one thread)`,
    '',
    `sign_in_under_load: sign-ins ${f2(signInsLoaded.rate)} /s = ${f3(result.sign_in_under_load.sign_in_ratio)} of ${f2(signIns.rate)} /s alone; ` +
      `background p99 ${ms(backgroundLoaded.p99_ms)} (alone ${ms(backgroundAlone.p99_ms)}), target < ${P99_TARGET_MS} ms: ${result.sign_in_under_load.p99_met ? 'met' : 'NOT met'}`,
    `  full sign-ins under load           ${f2(signInsLoaded.rate).padStart(9)} /s  (${signInsLoaded.ok} ok, ${signInsLoaded.errors} errors, ${f2(signInsLoaded.seconds)} s, p50 ${ms(signInsLoaded.p50_ms)}, p99 ${ms(signInsLoaded.p99_ms)}` +
      `${signInsLoaded.exhausted ? `; ended early, every code of the ${signInsLoaded.accounts} accounts used` : ''})`,
    ...[
      ['background during sign-ins', backgroundLoaded],
      ['background alone', backgroundAlone],
    ].map(
      ([label, r]) =>
        `  ${label.padEnd(34)} ${f2(r.sent_rps).padStart(9)} req/s sent (${r.ok} ok, ${r.errors} errors, ${f2(r.seconds)} s), p50 ${ms(r.p50_ms)}, p99 ${ms(r.p99_ms)}, max ${ms(r.max_ms)}; ` +
        Object.entries(r.per_path)
          .map(([p, v]) => `${p} p99 ${ms(v.p99_ms)}`)
          .join(', '),
    ),
    '',
    `sign_in_page_bytes: ${b.total_bytes} (${kib(b.total_bytes)}) = ${f3(result.sign_in_page_bytes.share_of_app)} of the whole app's brotli total; ` +
      `JS ${b.js_bytes}, wasm ${b.wasm_bytes}, CSS ${b.css_bytes}${b.other_pkg_bytes ? `, other files under /pkg/ ${b.other_pkg_bytes}` : ''}; ${b.requests.length} requests; HTML document ${b.document?.encoded_bytes ?? '?'} (${b.document?.encoding ?? '?'}) not included`,
    ...b.requests.map((r) => `  ${r.url.padEnd(56)} ${r.kind.padEnd(5)} ${String(r.encoded_bytes).padStart(9)}  (${r.encoding})`),
    ...(b.page_errors.length ? [`  page errors: ${b.page_errors.join(' | ')}`] : []),
    '',
    `pkg_total_bytes: ${sizes.brotli_bytes} brotli (${kib(sizes.brotli_bytes)}) = ${f3(sizes.brotli_bytes / sizes.raw_bytes)} of raw ${sizes.raw_bytes}; ` +
      `the server sends ${sizes.served_bytes} for them with Accept-Encoding: ${BROWSER_ENCODINGS}`,
    `  ${'file'.padEnd(56)} ${'brotli'.padStart(9)}  ${'raw'.padStart(9)}  ${'served'.padStart(9)}`,
    ...sizes.files.map(
      (r) =>
        `  ${r.file.padEnd(56)} ${String(r.brotli_bytes).padStart(9)}  ${String(r.raw_bytes).padStart(9)}  ${String(r.served_bytes).padStart(9)} ${r.served_encoding}` +
        `${r.served_status === 200 ? '' : ` (HTTP ${r.served_status})`}${r.brotli_from === '.br file' ? ' (.br file)' : ''}`,
    ),
    ...(sizes.declarations.length ? [`  not counted (TypeScript declarations, no page loads them): ${sizes.declarations.map((r) => r.file).join(', ')}`] : []),
    '',
    'Summary',
    ...table([
      { name: 'GET /profile', value: `${f1(profileRun.rps)} req/s`, baseline: `${f1(healthzRun.rps)} req/s /healthz`, ratio: f3(result.profile_vs_healthz.ratio) },
      { name: `GET ${cssPath}`, value: `${f1(cssRun.rps)} req/s`, baseline: `${f1(profileRun.rps)} req/s /profile`, ratio: f3(result.static_file_vs_profile.ratio) },
      { name: 'full sign-ins', value: `${f2(signIns.rate)} /s`, baseline: `${f2(argon2PerSecond)} /s argon2id`, ratio: f3(result.sign_in_vs_argon2.ratio) },
      {
        name: `sign-ins + ${BACKGROUND_RPS} req/s`,
        value: `${f2(signInsLoaded.rate)} /s`,
        baseline: `${f2(signIns.rate)} /s sign-ins alone`,
        ratio: f3(result.sign_in_under_load.sign_in_ratio),
      },
      {
        name: 'background p99 during sign-ins',
        value: ms(backgroundLoaded.p99_ms),
        baseline: `${ms(backgroundAlone.p99_ms)} background alone`,
        ratio: f2(backgroundLoaded.p99_ms / backgroundAlone.p99_ms),
        target: `< ${P99_TARGET_MS} ms: ${result.sign_in_under_load.p99_met ? 'met' : 'NOT met'}`,
      },
      {
        name: '/sign-in JS+wasm+CSS (wire)',
        value: kib(b.total_bytes),
        baseline: `${kib(sizes.brotli_bytes)} whole app brotli`,
        ratio: f3(result.sign_in_page_bytes.share_of_app),
      },
      { name: 'whole app pkg/ brotli', value: kib(sizes.brotli_bytes), baseline: `${kib(sizes.raw_bytes)} raw`, ratio: f3(sizes.brotli_bytes / sizes.raw_bytes) },
      { name: 'whole app pkg/ as served', value: kib(sizes.served_bytes), baseline: `${kib(sizes.brotli_bytes)} brotli`, ratio: f3(sizes.served_bytes / sizes.brotli_bytes) },
    ]),
    '',
  ];
  console.log(lines.join('\n'));

  const outDir = path.join(ROOT, 'target', 'bench');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  log(`results written to ${path.relative(ROOT, path.join(outDir, 'latest.json'))}`);

  const runs = { '/profile': profileRun, '/healthz': healthzRun, [cssPath]: cssRun };
  const problems = [
    ...Object.entries(runs).map(([p, r]) => r.errors && `${p}: ${r.errors} errors (first: ${r.first_error})`),
    ...Object.values(runs).map((r) => r.ok === 0 && `${r.path}: no request completed`),
    signIns.errors && `sign-ins: ${signIns.errors} errors (first: ${signIns.first_error})`,
    signInsLoaded.errors && `sign-ins under load: ${signInsLoaded.errors} errors (first: ${signInsLoaded.first_error})`,
    (signIns.ok === 0 || signInsLoaded.ok === 0) && 'a sign-in measurement completed no sign-in',
    backgroundAlone.errors && `background alone: ${backgroundAlone.errors} errors (first: ${backgroundAlone.first_error})`,
    backgroundLoaded.errors && `background during sign-ins: ${backgroundLoaded.errors} errors (first: ${backgroundLoaded.first_error})`,
    b.page_errors.length && `/sign-in in the browser: ${b.page_errors.join(' | ')}`,
    sizes.files.some((r) => r.served_status !== 200) && 'a file under pkg/ was not served',
  ].filter(Boolean);

  if (!srv.running()) {
    problems.unshift(`the server exited during the run (${srv.child.signalCode ?? `exit ${srv.child.exitCode}`})\n${srv.logTail()}`);
  }
  await srv.stop();
  if (problems.length) {
    for (const p of problems) log(`ERROR ${p}`);
    process.exit(1);
  }
}

main().catch((e) => {
  log(`failed: ${e.stack ?? e.message}`);
  process.exit(1);
});
