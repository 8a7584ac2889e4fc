#!/usr/bin/env node
// Caseport cases benchmark (issue 7): a database of BENCH_CASES cases with about
// BENCH_EVENTS_PER_CASE status events each, loaded with `caseport seed-cases` (timed), then:
//
//   constant JSON   GET /api/ping, a constant {"status":"ok"} from the same binary: the baseline.
//   public lookup   GET /case-status?receipt=R, the public page (HTML), R a random seeded receipt.
//   lookup page, no lookup   GET /case-status, the same page without a receipt number: not
//                   judged, it shows what rendering the page alone costs (the most the public
//                   lookup's ratio could be on this machine).
//   API             GET /api/torch/case-status/R with a bearer token (Torch-shaped JSON), quota on.
//   officer queue   GET /officer signed in as an officer, with filters, following the rel=next
//                   cursor link page after page.
//
// For the first four: requests/s in a closed loop (BENCH_CONCURRENCY workers, keep-alive,
// measured interleaved in BENCH_ROUNDS rounds like bench.mjs) and their ratio to the constant
// JSON's requests/s (goal >= 0.5); the server's CPU time per request (from /proc) and the same
// ratio in CPU ("CPU ratio"), which does not depend on how much of the machine the load generator
// takes (on a 2-core machine it is the load generator that limits the constant answer); and the
// latency: p50/p99 at saturation (closed loop, where latency is only workers / throughput) and
// p50/p99 at BENCH_LOAD_SHARE (0.5) of the route's own maximum requests/s, sent open loop on
// schedule, which is what the p99 goal (< 5 ms) is judged on. The queue: BENCH_QUEUE_WALKS walks
// per filter, each from the first page through BENCH_QUEUE_PAGES pages, one request at a time;
// p99 of first pages, of following pages and of all (goal < 20 ms). Every answer is checked
// (status 200, the case's receipt, 25 rows on a queue page with a next link).
//
// The server runs as in production as far as throttling goes: CASEPORT_RATE_LIMITS=on, with the
// public lookup's per-address limit at its maximum (100000/min) and the load spread over
// 127.0.x.y client addresses (as real lookups come from many people), and an API client (created
// each run) with a daily quota far above what one machine sends and BENCH_API_PER_SECOND
// (100000) per second, so the quota is counted on every API request but refuses none. With
// BENCH_API_PER_SECOND=1000000000 (the quota) every API request is written to the database, as
// it was before usage was counted in batches (app/src/cases/torch.rs).
//
// Knobs (environment): BENCH_CASES (1000000), BENCH_EVENTS_PER_CASE (10), BENCH_DURATION_S (10),
// BENCH_WARMUP_S (2), BENCH_ROUNDS (4), BENCH_CONCURRENCY (16), BENCH_LOAD_SHARE (0.5),
// BENCH_QUEUE_WALKS (20), BENCH_QUEUE_PAGES (10), BENCH_API_PER_SECOND (100000), BENCH_PORT
// (3400), BENCH_KEEP=1 keeps the temp dir. BENCH_CASES_DB keeps the seeded database between runs:
// a SQLite file path (created if missing) or a postgres:// URL of an empty database. Its officer
// and master key are kept in target/bench/cases-state-<hash>.json (+ .key); seeding is skipped
// when that state says the database already holds BENCH_CASES cases of BENCH_EVENTS_PER_CASE.
// Without it, every run seeds a fresh temporary SQLite database (about 2 GB for a million
// cases). Results are also written to target/bench/cases.json.

import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { BenchServer, ROOT, f1, f2, f3, hardLimit, makeLog, newSecret, num, percentile, sleep, snippet } from './lib.mjs';

const PORT = num('BENCH_PORT', 3400);
const CASES = Math.floor(num('BENCH_CASES', 1_000_000));
const EVENTS_PER_CASE = Math.floor(num('BENCH_EVENTS_PER_CASE', 10));
const DURATION_MS = num('BENCH_DURATION_S', 10) * 1000;
const WARMUP_MS = num('BENCH_WARMUP_S', 2) * 1000;
const ROUNDS = Math.floor(num('BENCH_ROUNDS', 4));
const CONCURRENCY = Math.floor(num('BENCH_CONCURRENCY', 16));
const LOAD_SHARE = num('BENCH_LOAD_SHARE', 0.5);
const QUEUE_WALKS = Math.floor(num('BENCH_QUEUE_WALKS', 20));
const QUEUE_PAGES = Math.floor(num('BENCH_QUEUE_PAGES', 10));
const KEPT_DB = process.env.BENCH_CASES_DB || null;
/** The bench's API client's limits: far above what one machine sends, so none refuses a request. */
const API_PER_DAY = 1_000_000_000;
const API_PER_SECOND = Math.floor(num('BENCH_API_PER_SECOND', 100_000));
const GOALS = { lookup_p99_ms: 5, ratio: 0.5, queue_p99_ms: 20 };
/** Other processes' load (cores) above which the results are flagged as disturbed. */
const BUSY_NEIGHBOUR_CORES = 0.25;
/** Clock ticks per second in /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const CLOCK_TICKS = 100;
/** Rows per queue page (`officer::service::PAGE_SIZE`). */
const QUEUE_PAGE_SIZE = 25;
/** `ServiceCentre::ALL` in order: seeded serial n has the receipt ALL[n % 8] + '9' + n (9 digits). */
const CENTRES = ['EAC', 'WAC', 'LIN', 'SRC', 'NBC', 'MSC', 'IOE', 'YSC'];
/** `FormType::ALL`'s codes. */
const FORMS = ['I-130', 'I-485', 'I-765', 'I-90', 'N-400', 'I-131', 'AR-11', 'I-751', 'I-539'];
/** The statuses seeded cases end in (`seed::PATH`). */
const STATUSES = [
  'case_received',
  'receipt_notice_sent',
  'fingerprint_fee_received',
  'fingerprints_taken',
  'actively_reviewed',
  'ready_for_interview',
  'interview_scheduled',
  'interview_completed',
  'approved',
  'card_being_produced',
  'card_mailed',
  'card_delivered',
];
// Seeding a million cases takes minutes; everything else is bounded by the knobs above.
const HARD_LIMIT_MS = 90 * 60 * 1000;

const log = makeLog('cases');
hardLimit(HARD_LIMIT_MS, log);

let srv = null;

const receiptOf = (serial) => `${CENTRES[serial % CENTRES.length]}9${String(serial).padStart(9, '0')}`;
const randomSerial = () => Math.floor(Math.random() * CASES);
/** The client address of worker `i`: 127.0.x.y, never 127.0.0.1 (which the bench's own checks use). */
const clientAddress = (i) => `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`;
const ms = (x) => (Number.isFinite(x) ? `${x.toFixed(2)} ms` : String(x));

// ---------------------------------------------------------------------------------------------
// The database: fresh and temporary, or kept between runs (BENCH_CASES_DB)

function statePaths() {
  const name = /^postgres(ql)?:/.test(KEPT_DB) ? KEPT_DB : path.resolve(KEPT_DB);
  const hash = crypto.createHash('sha256').update(name).digest('hex').slice(0, 12);
  const base = path.join(ROOT, 'target', 'bench', `cases-state-${hash}`);
  return { file: `${base}.json`, key: `${base}.key` };
}

function databaseUrl() {
  if (!KEPT_DB) return undefined;
  if (/^postgres(ql)?:/.test(KEPT_DB)) return KEPT_DB;
  const file = path.resolve(KEPT_DB);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (!fs.existsSync(file)) fs.writeFileSync(file, '');
  else if (fs.statSync(file).size > 0 && !fs.existsSync(statePaths().file)) {
    throw new Error(`${file} is not empty but ${statePaths().file} (its officer and master key) is missing: remove the database or point BENCH_CASES_DB elsewhere`);
  }
  return `sqlite://${file}`;
}

/** The officer, the API client and what was seeded, kept with a kept database. */
function loadState() {
  if (!KEPT_DB) return null;
  const { file } = statePaths();
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : null;
}

function saveState(state) {
  if (!KEPT_DB) return;
  const { file } = statePaths();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

// ---------------------------------------------------------------------------------------------
// Load generators

/** One GET with its latency; throws on anything but 200 or a body without `expect(body)`. */
async function timedGet(agent, urlPath, headers, localAddress, check) {
  const t0 = performance.now();
  const r = await srv.request(agent, 'GET', urlPath, { headers, keepBody: Boolean(check), localAddress });
  const elapsed = performance.now() - t0;
  if (r.status !== 200) throw new Error(`GET ${urlPath}: HTTP ${r.status} ${snippet(r.body)}`);
  if (check && !check(r.body.toString('utf8'))) throw new Error(`GET ${urlPath}: unexpected answer ${snippet(r.body)}`);
  return elapsed;
}

/**
 * Closed loop for `durationMs`: CONCURRENCY workers, each on its own keep-alive connection from its
 * own client address, each sending the next request when the last one is answered.
 */
async function closedLoop(target, durationMs) {
  const agents = Array.from({ length: CONCURRENCY }, () => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  const latencies = [];
  let errors = 0;
  let firstError = null;
  const start = performance.now();
  const deadline = start + durationMs;
  await Promise.all(
    agents.map(async (agent, i) => {
      while (performance.now() < deadline) {
        const { path: urlPath, check } = target.next();
        try {
          latencies.push(await timedGet(agent, urlPath, target.headers, clientAddress(i), check));
        } catch (e) {
          errors++;
          firstError ??= e.message;
          await sleep(10);
        }
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  for (const a of agents) a.destroy();
  return { ok: latencies.length, errors, first_error: firstError, seconds, latencies };
}

/**
 * Open loop: `rps` requests/s sent on schedule whatever the answers do, spread over CONCURRENCY
 * client addresses; latency from sending to the last byte.
 */
async function openLoop(target, rps, durationMs) {
  const agents = Array.from({ length: CONCURRENCY }, () => new http.Agent({ keepAlive: true, maxSockets: 64 }));
  const latencies = [];
  const inflight = new Set();
  let errors = 0;
  let firstError = null;
  let sent = 0;
  let maxLagMs = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < durationMs) {
    const now = performance.now();
    const due = Math.floor(((now - t0) / 1000) * rps);
    if (due > sent) maxLagMs = Math.max(maxLagMs, now - (t0 + (sent / rps) * 1000));
    while (sent < due) {
      const i = sent++ % CONCURRENCY;
      const { path: urlPath, check } = target.next();
      const p = timedGet(agents[i], urlPath, target.headers, clientAddress(i), check)
        .then((t) => latencies.push(t))
        .catch((e) => {
          errors++;
          firstError ??= e.message;
        })
        .finally(() => inflight.delete(p));
      inflight.add(p);
    }
    await sleep(Math.max(0, t0 + ((sent + 1) / rps) * 1000 - performance.now()));
  }
  const seconds = (performance.now() - t0) / 1000;
  await Promise.all([...inflight]);
  for (const a of agents) a.destroy();
  return { target_rps: rps, sent, sent_rps: sent / seconds, ok: latencies.length, errors, first_error: firstError, max_schedule_lag_ms: maxLagMs, latencies };
}

/** CPU seconds (user + system) the server process has used so far, from /proc (Linux). */
function serverCpuSeconds() {
  try {
    const stat = fs.readFileSync(`/proc/${srv.child.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/**
 * CPU seconds the machine's processes have used so far (all of them), from /proc/stat; interrupt
 * time is left out, as much of it is the loopback traffic of the measurement itself.
 */
function machineBusySeconds() {
  try {
    const [user, nice, system, , , , , steal] = fs
      .readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return (user + nice + system + steal) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/** CPU seconds this process (the load generator) has used so far. */
function clientCpuSeconds() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * Runs `fn` and says how many cores every other process on the machine used meanwhile (neither
 * the server nor this load generator): a busy neighbour makes latencies worse than they are.
 */
async function otherLoad(fn) {
  const t0 = performance.now();
  const [server0, client0, machine0] = [serverCpuSeconds(), clientCpuSeconds(), machineBusySeconds()];
  const result = await fn();
  const seconds = (performance.now() - t0) / 1000;
  const ours = serverCpuSeconds() - server0 + (clientCpuSeconds() - client0);
  // /proc counts in 10 ms ticks: too coarse for less than a quarter of a second.
  const other = seconds < 0.25 ? NaN : Math.max(0, machineBusySeconds() - machine0 - ours) / seconds;
  return { result, other_cores: other };
}

const summary = (latencies) => ({ p50_ms: percentile(latencies, 50), p99_ms: percentile(latencies, 99), max_ms: latencies.length ? Math.max(...latencies) : NaN });

/** Each target's closed-loop requests/s, interleaved in ROUNDS rounds after a warm-up of each. */
async function saturation(targets) {
  for (const t of targets) {
    log(`warm-up: ${t.name} for ${WARMUP_MS / 1000} s`);
    await closedLoop(t, WARMUP_MS);
  }
  const sums = targets.map(() => ({ ok: 0, errors: 0, first_error: null, seconds: 0, server_cpu_s: 0, client_cpu_s: 0, machine_cpu_s: 0, latencies: [], rounds: [] }));
  const slice = DURATION_MS / ROUNDS;
  for (let round = 1; round <= ROUNDS; round++) {
    log(`round ${round}/${ROUNDS}: ${targets.map((t) => t.name).join(', ')}, ${slice / 1000} s each, ${CONCURRENCY} workers`);
    for (const [i, t] of targets.entries()) {
      const [server0, client0, machine0] = [serverCpuSeconds(), clientCpuSeconds(), machineBusySeconds()];
      const r = await closedLoop(t, slice);
      const s = sums[i];
      s.server_cpu_s += serverCpuSeconds() - server0;
      s.client_cpu_s += clientCpuSeconds() - client0;
      s.machine_cpu_s += machineBusySeconds() - machine0;
      s.ok += r.ok;
      s.errors += r.errors;
      s.first_error ??= r.first_error;
      s.seconds += r.seconds;
      s.latencies.push(...r.latencies);
      s.rounds.push(r.ok / r.seconds);
    }
  }
  return sums.map((s) => {
    const { latencies, ...rest } = s;
    return {
      ...rest,
      rps: s.ok / s.seconds,
      server_cpu_us_per_request: (s.server_cpu_s / s.ok) * 1e6,
      server_cores: s.server_cpu_s / s.seconds,
      client_cores: s.client_cpu_s / s.seconds,
      other_cores: Math.max(0, s.machine_cpu_s - s.server_cpu_s - s.client_cpu_s) / s.seconds,
      ...summary(latencies),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// The officer queue

/** The href of the page's rel=next link, unescaped, or null on the last page. */
function nextLink(html) {
  for (const tag of html.match(/<a\b[^>]*>/g) ?? []) {
    if (!/\brel="next"/.test(tag)) continue;
    const href = tag.match(/\bhref="([^"]*)"/);
    if (href) return href[1].replace(/&amp;/g, '&').replace(/&#x27;|&#39;/g, "'").replace(/&quot;/g, '"');
  }
  return null;
}

const queueRows = (html) => (html.match(/<tr>\s*<th scope="row">/g) ?? []).length;

/**
 * The filter combinations measured. `params(walk)` gives the query of walk number `walk`, so
 * successive walks of one combination look at different values (statuses, forms, centres).
 */
const QUEUE_FILTERS = [
  { name: 'no filter', params: () => ({}) },
  { name: 'status', params: (w) => ({ status: STATUSES[w % STATUSES.length] }) },
  { name: 'form', params: (w) => ({ form: FORMS[w % FORMS.length] }) },
  { name: 'centre', params: (w) => ({ centre: CENTRES[w % CENTRES.length] }) },
  { name: 'form + centre', params: (w) => ({ form: FORMS[w % FORMS.length], centre: CENTRES[(w * 5) % CENTRES.length] }) },
  {
    name: 'status + form + centre',
    params: (w) => ({ status: STATUSES[w % STATUSES.length], form: FORMS[(w * 7) % FORMS.length], centre: CENTRES[(w * 5) % CENTRES.length] }),
  },
  { name: 'assignee me', params: () => ({ assignee: 'me' }) },
  { name: 'unassigned + status', params: (w) => ({ assignee: 'unassigned', status: STATUSES[w % STATUSES.length] }) },
  { name: 'me + form', params: (w) => ({ assignee: 'me', form: FORMS[w % FORMS.length] }) },
];

async function measureQueue(jar) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const headers = { Cookie: jar.header(), Accept: 'text/html' };
  const results = [];
  // Warm-up: one walk of each filter, not counted.
  for (const f of QUEUE_FILTERS) await queueWalk(agent, headers, f, 0, []);
  for (const f of QUEUE_FILTERS) {
    const first = [];
    const following = [];
    let pages = 0;
    let shortWalks = 0;
    const { other_cores } = await otherLoad(async () => {
      for (let w = 1; w <= QUEUE_WALKS; w++) {
        const walk = [];
        const n = await queueWalk(agent, headers, f, w, walk);
        pages += n;
        if (n < QUEUE_PAGES) shortWalks++;
        first.push(walk[0]);
        following.push(...walk.slice(1));
      }
    });
    const all = [...first, ...following];
    results.push({
      name: f.name,
      example: `/officer?${new URLSearchParams(f.params(1))}`,
      pages,
      short_walks: shortWalks,
      other_cores,
      first: summary(first),
      following: summary(following),
      all: summary(all),
    });
    log(`queue ${f.name}: ${pages} pages, p99 ${ms(results.at(-1).all.p99_ms)}`);
  }
  agent.destroy();
  return results;
}

/** One walk: the first page, then rel=next up to QUEUE_PAGES pages; latencies pushed to `out`. */
async function queueWalk(agent, headers, filter, walk, out) {
  let url = `/officer?${new URLSearchParams(filter.params(walk))}`;
  let pages = 0;
  while (url && pages < QUEUE_PAGES) {
    let html = '';
    out.push(
      await timedGet(agent, url, headers, undefined, (body) => {
        html = body;
        return body.includes('caseport-queue-filters');
      }),
    );
    pages++;
    const next = nextLink(html);
    const rows = queueRows(html);
    if (next && rows !== QUEUE_PAGE_SIZE) throw new Error(`GET ${url}: ${rows} rows on a page with a next link`);
    url = next;
  }
  return pages;
}

// ---------------------------------------------------------------------------------------------

function table(head, rows) {
  const cells = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...cells.map((c) => String(c[i]).length)));
  const line = (c) => c.map((x, i) => String(x).padEnd(widths[i])).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

const verdict = (ok) => (ok ? 'PASS' : 'MISS');

async function main() {
  const cpus = os.availableParallelism?.() ?? os.cpus().length;
  const kept = loadState();
  const settings = {
    CASEPORT_RATE_LIMITS: 'on',
    CASEPORT_CASE_STATUS_PER_MINUTE: '100000',
    CASEPORT_LOG: 'warn',
  };
  if (KEPT_DB) settings.CASEPORT_MASTER_KEY_FILE = statePaths().key;
  srv = new BenchServer({ port: PORT, name: 'cases', log, databaseUrl: databaseUrl(), settings });
  const engine = /^postgres/.test(srv.env.CASEPORT_DATABASE_URL) ? 'PostgreSQL' : 'SQLite';
  log(`data dir ${srv.dataDir}; database ${KEPT_DB ? `${KEPT_DB} (kept)` : 'temporary'} on ${engine}; build of ${srv.builtAt.toISOString()}; ${cpus} CPUs`);
  if (await srv.portInUse()) throw new Error(`port ${PORT} is already in use (set BENCH_PORT)`);

  await srv.migrate();
  let state = kept;
  const seededAlready = state && state.cases === CASES && state.events_per_case === EVENTS_PER_CASE;
  if (!seededAlready && (state?.cases || state?.seeding_started)) {
    const held = state.cases ? `holds ${state.cases} cases of ${state.events_per_case} events` : 'was partly seeded by a run that did not finish';
    throw new Error(`${KEPT_DB} ${held}; use another BENCH_CASES_DB (or remove it and ${statePaths().file})`);
  }
  if (!state) {
    // The officer exists before seeding, so one seeded case in ten is theirs ("assignee me").
    const [officer] = await srv.createAccounts(1, `bench officer password ${newSecret()}`, `officer-${Date.now()}`, 'officer');
    state = { officer };
    saveState(state);
  }
  const out = await srv.runBin(['api-client', 'create', '--name', 'Cases bench', '--per-second', String(API_PER_SECOND), '--per-day', String(API_PER_DAY)]);
  const field = (name) => out.match(new RegExp(`^${name}=(.+)$`, 'm'))?.[1];
  const apiClient = { id: field('client_id'), secret: field('client_secret') };
  if (!apiClient.id || !apiClient.secret) throw new Error(`api-client create printed no id and secret: ${out}`);
  let seeding = null;
  if (seededAlready) {
    log(`seeding skipped: ${KEPT_DB} already holds ${CASES} cases (${state.seeding?.events ?? '?'} events)`);
    seeding = state.seeding;
  } else {
    log(`seeding ${CASES} cases with about ${EVENTS_PER_CASE} events each (caseport seed-cases)`);
    saveState({ ...state, seeding_started: new Date().toISOString() });
    const t0 = performance.now();
    const out = await srv.runBin(['seed-cases', '--cases', String(CASES), '--events-per-case', String(EVENTS_PER_CASE)]);
    const seconds = (performance.now() - t0) / 1000;
    const m = out.match(/seeded (\d+) cases and (\d+) status events/);
    seeding = { cases: Number(m?.[1]), events: Number(m?.[2]), seconds, kept: Boolean(KEPT_DB) };
    log(`seeded ${seeding.cases} cases and ${seeding.events} events in ${f1(seconds)} s`);
    state = { ...state, seeding_started: undefined, cases: CASES, events_per_case: EVENTS_PER_CASE, seeding };
    saveState(state);
  }
  const dbBytes = engine === 'SQLite' ? sqliteBytes(srv.env.CASEPORT_DATABASE_URL.slice('sqlite://'.length)) : NaN;

  await srv.start();
  const check = new http.Agent({ keepAlive: false });

  // The API's token, as its clients get one.
  const basic = Buffer.from(`${apiClient.id}:${apiClient.secret}`).toString('base64');
  const tokenAnswer = await srv.request(check, 'POST', '/api/torch/oauth/accesstoken', {
    headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  const token = tokenAnswer.status === 200 && JSON.parse(tokenAnswer.body.toString('utf8')).access_token;
  if (!token) throw new Error(`token: HTTP ${tokenAnswer.status} ${snippet(tokenAnswer.body)}`);

  const targets = [
    {
      name: 'constant JSON',
      route: 'GET /api/ping',
      headers: { Accept: 'application/json' },
      next: () => ({ path: '/api/ping', check: (b) => b === '{"status":"ok"}' }),
    },
    {
      name: 'public lookup',
      route: 'GET /case-status?receipt=R',
      headers: { Accept: 'text/html' },
      next: () => {
        const receipt = receiptOf(randomSerial());
        return { path: `/case-status?receipt=${receipt}`, check: (b) => b.includes('data-status-title') && b.includes(receipt) };
      },
    },
    {
      // Not judged: the same page with no receipt number, so no lookup at all. Its ratio is the
      // most the public lookup page could reach here, the cost of rendering the page itself.
      name: 'lookup page, no lookup',
      route: 'GET /case-status',
      reference: true,
      headers: { Accept: 'text/html' },
      next: () => ({ path: '/case-status', check: (b) => b.includes('name="receipt"') && !b.includes('data-status-title') }),
    },
    {
      name: 'API',
      route: 'GET /api/torch/case-status/R',
      headers: { Accept: 'application/json', Authorization: `Bearer ${token}` },
      next: () => {
        const receipt = receiptOf(randomSerial());
        return { path: `/api/torch/case-status/${receipt}`, check: (b) => b.includes(`"receiptNumber": "${receipt}"`) };
      },
    },
  ];

  const saturated = await saturation(targets);
  const constantRps = saturated[0].rps;
  const latency = [];
  for (const [i, t] of targets.entries()) {
    const rps = Math.max(1, Math.round(saturated[i].rps * LOAD_SHARE));
    log(`latency: ${t.name} at ${rps} req/s (open loop, ${LOAD_SHARE} of its maximum) for ${DURATION_MS / 1000} s`);
    await openLoop(t, rps, Math.min(WARMUP_MS, 2000));
    const { result, other_cores } = await otherLoad(() => openLoop(t, rps, DURATION_MS));
    const { latencies, ...rest } = result;
    latency.push({ ...rest, other_cores, ...summary(latencies) });
  }

  log(`officer queue: ${QUEUE_FILTERS.length} filters, ${QUEUE_WALKS} walks of up to ${QUEUE_PAGES} pages each`);
  const jar = await srv.signIn(check, state.officer);
  await srv.expectSignedInPage(check, jar, '/officer', 'caseport-queue-filters');
  const queue = await measureQueue(jar);

  const endpoints = targets.map((t, i) => ({
    name: t.name,
    route: t.route,
    reference: Boolean(t.reference),
    saturation: saturated[i],
    ratio: saturated[i].rps / constantRps,
    cpu_ratio: saturated[0].server_cpu_us_per_request / saturated[i].server_cpu_us_per_request,
    latency: latency[i],
  }));
  const lookups = endpoints.slice(1).filter((e) => !e.reference);
  const result = {
    date: new Date().toISOString(),
    binary_built: srv.builtAt.toISOString(),
    engine,
    cpus,
    cases: CASES,
    events_per_case: EVENTS_PER_CASE,
    seeding,
    database_bytes: dbBytes,
    concurrency: CONCURRENCY,
    duration_s: DURATION_MS / 1000,
    load_share: LOAD_SHARE,
    goals: GOALS,
    endpoints,
    queue,
    passed: {
      ratio: lookups.every((e) => e.ratio >= GOALS.ratio),
      lookup_p99: lookups.every((e) => e.latency.p99_ms < GOALS.lookup_p99_ms),
      queue_p99: queue.every((q) => q.all.p99_ms < GOALS.queue_p99_ms),
    },
  };

  const busiest = Math.max(
    0,
    ...[...endpoints.flatMap((e) => [e.saturation.other_cores, e.latency.other_cores]), ...queue.map((q) => q.other_cores)].filter(Number.isFinite),
  );
  result.busiest_neighbour_cores = busiest;
  const seedLine = seeding
    ? `seeding: ${seeding.cases} cases, ${seeding.events} events in ${f1(seeding.seconds)} s (${f1(seeding.seconds / 60)} min${seededAlready ? ', an earlier run' : ''})` +
      `${Number.isFinite(dbBytes) ? `; database ${f1(dbBytes / 2 ** 20)} MiB` : ''}`
    : 'seeding: ?';
  const lines = [
    '',
    `Caseport cases bench: ${engine}, ${CASES} cases, ~${EVENTS_PER_CASE} events each; ${cpus} CPUs (server and load generator share them); ` +
      `${CONCURRENCY} workers, ${DURATION_MS / 1000} s per measurement; rate limits on (raised), API quota counted`,
    seedLine,
    '',
    `Requests/s: closed loop, ${CONCURRENCY} workers. Server CPU per request from /proc; "CPU ratio" = the constant answer's CPU per request / the route's,`,
    `i.e. the requests/s ratio the server alone would reach if the load generator took no CPU (here it shares the ${cpus} CPUs: see "load gen. cores";`,
    `"other cores": every other process on the machine during the measurement, which should be near 0).`,
    ...table(
      ['route', 'req/s', 'ratio', `ratio >= ${GOALS.ratio}`, 'server CPU/req', 'CPU ratio', 'server cores', 'load gen. cores', 'other cores', 'p50 sat.', 'p99 sat.', 'errors'],
      endpoints.map((e, i) => [
        `${e.name} (${e.route})`,
        f1(e.saturation.rps),
        f3(e.ratio),
        i === 0 ? 'baseline' : e.reference ? 'reference' : verdict(e.ratio >= GOALS.ratio),
        `${f1(e.saturation.server_cpu_us_per_request)} us`,
        f3(e.cpu_ratio),
        f2(e.saturation.server_cores),
        f2(e.saturation.client_cores),
        f2(e.saturation.other_cores),
        ms(e.saturation.p50_ms),
        ms(e.saturation.p99_ms),
        String(e.saturation.errors),
      ]),
    ),
    '',
    `Latency: open loop at ${LOAD_SHARE} of each route's own maximum requests/s (at saturation, latency is only workers / throughput)`,
    ...table(
      ['route', 'req/s sent', 'p50', 'p99', 'max', 'errors', 'other cores', `p99 < ${GOALS.lookup_p99_ms} ms`],
      endpoints.map((e, i) => [
        `${e.name} (${e.route})`,
        f1(e.latency.sent_rps),
        ms(e.latency.p50_ms),
        ms(e.latency.p99_ms),
        ms(e.latency.max_ms),
        String(e.latency.errors),
        f2(e.latency.other_cores),
        i === 0 || e.reference ? '' : verdict(e.latency.p99_ms < GOALS.lookup_p99_ms),
      ]),
    ),
    '',
    `Officer queue (signed in as an officer, one request at a time; ${QUEUE_WALKS} walks x up to ${QUEUE_PAGES} pages per filter)`,
    ...table(
      ['filter', 'example', 'pages', 'p50', 'p99 first page', 'p99 next pages', 'p99 all', 'other cores', `p99 < ${GOALS.queue_p99_ms} ms`],
      queue.map((q) => [
        q.name,
        q.example,
        `${q.pages}${q.short_walks ? ` (${q.short_walks} short)` : ''}`,
        ms(q.all.p50_ms),
        ms(q.first.p99_ms),
        ms(q.following.p99_ms),
        ms(q.all.p99_ms),
        f2(q.other_cores),
        verdict(q.all.p99_ms < GOALS.queue_p99_ms),
      ]),
    ),
    '',
    ...(engine === 'PostgreSQL'
      ? ['Note: on PostgreSQL "other cores" includes the database server, which does part of the work.', '']
      : busiest > BUSY_NEIGHBOUR_CORES
        ? [`WARNING: other processes used up to ${f2(busiest)} cores during a measurement ("other cores"): the numbers are worse than on a quiet machine; rerun.`, '']
        : []),
    `Goals: lookups' ratio >= ${GOALS.ratio}: ${verdict(result.passed.ratio)}; lookups' p99 < ${GOALS.lookup_p99_ms} ms: ${verdict(result.passed.lookup_p99)}; ` +
      `queue p99 per page < ${GOALS.queue_p99_ms} ms: ${verdict(result.passed.queue_p99)}`,
    '',
  ];
  console.log(lines.join('\n'));

  const outDir = path.join(ROOT, 'target', 'bench');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'cases.json'), `${JSON.stringify(result, null, 2)}\n`);
  log(`results written to ${path.relative(ROOT, path.join(outDir, 'cases.json'))}`);

  const problems = endpoints
    .flatMap((e) => [
      e.saturation.errors && `${e.name}: ${e.saturation.errors} errors at saturation (first: ${e.saturation.first_error})`,
      e.latency.errors && `${e.name}: ${e.latency.errors} errors under load (first: ${e.latency.first_error})`,
      e.saturation.ok === 0 && `${e.name}: no request completed`,
    ])
    .filter(Boolean);
  if (!srv.running()) {
    problems.unshift(`the server exited during the run (${srv.child.signalCode ?? `exit ${srv.child.exitCode}`})\n${srv.logTail()}`);
  }
  await srv.stop();
  if (problems.length) {
    for (const p of problems) log(`ERROR ${p}`);
    process.exit(1);
  }
}

/** The SQLite database's size with its WAL. */
function sqliteBytes(file) {
  return [file, `${file}-wal`].reduce((sum, f) => sum + (fs.existsSync(f) ? fs.statSync(f).size : 0), 0);
}

main().catch((e) => {
  log(`failed: ${e.stack ?? e.message}`);
  process.exit(1);
});
