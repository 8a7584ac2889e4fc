#!/usr/bin/env node
// Lighthouse (npm `lighthouse` 12, pinned in bench/package.json) on Caseport's release build, driving
// Debian's Chromium (/usr/bin/chromium, headless) with Lighthouse's default configuration: a mobile
// device (Moto G Power emulation) on simulated slow 4G with a 4x CPU slowdown.
//
// Pages, each audited BENCH_LIGHTHOUSE_RUNS times (3) and reported as Lighthouse's median run:
//   /offline.html  the baseline measured in the same run: a small static page (no wasm) served by the
//                  same binary, i.e. the best this machine and these settings give;
//   /sign-in       what a visitor sees first;
//   /account       the signed-in home: the session cookie of an HTTP sign-in (as bench.mjs signs in)
//                  is sent with every request via Lighthouse's `extraHeaders`.
// For each page: performance, accessibility and best-practices scores, LCP in ms, total bytes
// transferred, and whether the targets (performance >= 95, LCP < 2 s) are met. A missed target does
// not fail the process; an error does (exit 1).
//
// Starts its own server, like bench.mjs (bench/lib.mjs): 127.0.0.1:3300 (BENCH_LIGHTHOUSE_PORT), a
// temporary SQLite database, development mode, rate limits off. Run `bench/run.sh lighthouse` or,
// after `npm ci --prefix bench`, `node bench/lighthouse.mjs`. Results also go to
// target/bench/lighthouse.json.

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { BenchServer, CHROMIUM, ROOT, f1, hardLimit, makeLog, newSecret, num } from './lib.mjs';

const log = makeLog('lighthouse');
hardLimit(20 * 60 * 1000, log);

const PORT = num('BENCH_LIGHTHOUSE_PORT', 3300);
const RUNS = Math.floor(num('BENCH_LIGHTHOUSE_RUNS', 3));
const TARGET_PERFORMANCE = 95;
const TARGET_LCP_MS = 2000;
const CHROME_FLAGS = ['--headless=new', '--no-sandbox'];

async function loadLighthouse() {
  try {
    const [{ default: lighthouse }, chromeLauncher, { computeMedianRun }] = await Promise.all([
      import('lighthouse'),
      import('chrome-launcher'),
      import('lighthouse/core/lib/median-run.js'),
    ]);
    return { lighthouse, chromeLauncher, computeMedianRun };
  } catch (e) {
    throw new Error(`${e.message}\nbench/node_modules is missing or stale: run \`npm ci --prefix bench\` (bench/run.sh does)`);
  }
}

/** One Lighthouse run in a fresh Chromium. */
async function audit({ lighthouse, chromeLauncher }, url, extraHeaders) {
  const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: CHROME_FLAGS, logLevel: 'silent' });
  try {
    const result = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', extraHeaders });
    if (!result?.lhr) throw new Error(`Lighthouse returned no result for ${url}`);
    return result.lhr;
  } finally {
    await chrome.kill();
  }
}

/** Lighthouse's own recording failures, which say nothing about the page audited. */
const TRANSIENT_LIGHTHOUSE_ERRORS = new Set(['NO_NAVSTART', 'NO_TRACING_STARTED', 'NO_DCL', 'NO_FCP']);

function summarize(lhr, label) {
  if (lhr.runtimeError) throw new Error(`${label}: Lighthouse runtime error ${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
  const score = (id) => {
    const s = lhr.categories[id]?.score;
    if (typeof s !== 'number') throw new Error(`${label}: no ${id} score`);
    return Math.round(s * 100);
  };
  const numeric = (id) => {
    const v = lhr.audits[id]?.numericValue;
    if (typeof v !== 'number') throw new Error(`${label}: audit ${id} has no value (${lhr.audits[id]?.errorMessage ?? 'missing'})`);
    return v;
  };
  return {
    final_url: lhr.finalDisplayedUrl,
    performance: score('performance'),
    accessibility: score('accessibility'),
    best_practices: score('best-practices'),
    seo: typeof lhr.categories.seo?.score === 'number' ? Math.round(lhr.categories.seo.score * 100) : null,
    lcp_ms: numeric('largest-contentful-paint'),
    fcp_ms: numeric('first-contentful-paint'),
    tbt_ms: numeric('total-blocking-time'),
    cls: numeric('cumulative-layout-shift'),
    total_bytes: numeric('total-byte-weight'),
    console_errors: (lhr.audits['errors-in-console']?.details?.items ?? []).map((i) =>
      `${i.sourceLocation?.url ?? i.source ?? ''} ${String(i.description ?? '').replace(/\s+/g, ' ').slice(0, 200)}`.trim(),
    ),
    lcp_element: lhr.audits['largest-contentful-paint-element']?.details?.items?.[0]?.items?.[0]?.node?.snippet ?? null,
    warnings: lhr.runWarnings ?? [],
    failed_audits: Object.values(lhr.audits)
      .filter((a) => a.score !== null && a.score < 1 && ['binary', 'numeric'].includes(a.scoreDisplayMode) && a.details?.type !== 'opportunity')
      .map((a) => a.id),
  };
}

async function main() {
  const lh = await loadLighthouse();
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found (apt-get install chromium)`);

  const srv = new BenchServer({ port: PORT, name: 'lighthouse', log });
  if (await srv.portInUse()) throw new Error(`port ${PORT} is already in use (set BENCH_LIGHTHOUSE_PORT)`);
  await srv.migrate();
  const account = (await srv.createAccounts(1, `Bench-${newSecret().slice(0, 20)}-pw`, 'lighthouse'))[0];
  await srv.start();
  log(`server ready at ${srv.base} (build of ${srv.builtAt.toISOString()})`);

  const agent = new http.Agent({ keepAlive: false });
  const jar = await srv.signIn(agent, account);
  await srv.expectSignedInPage(agent, jar, '/account');
  const cookie = jar.header();

  const pages = [
    { path: '/offline.html', role: 'baseline (static page)' },
    { path: '/sign-in', role: 'sign-in' },
    { path: '/account', role: 'signed-in home', extraHeaders: { Cookie: cookie } },
  ];
  const results = [];
  for (const page of pages) {
    const runs = [];
    for (let i = 1; i <= RUNS; i++) {
      log(`${page.path}: run ${i}/${RUNS}`);
      let lhr = await audit(lh, `${srv.base}${page.path}`, page.extraHeaders);
      // Lighthouse itself sometimes fails to record a trace (e.g. NO_NAVSTART): such a run says
      // nothing about the page, so it is run again, at most twice, and the retry is reported.
      for (let retry = 1; lhr.runtimeError && TRANSIENT_LIGHTHOUSE_ERRORS.has(lhr.runtimeError.code) && retry <= 2; retry++) {
        log(`${page.path}: run ${i}: Lighthouse error ${lhr.runtimeError.code}, running it again (${retry}/2)`);
        lhr = await audit(lh, `${srv.base}${page.path}`, page.extraHeaders);
      }
      const s = summarize(lhr, `${page.path} run ${i}`);
      if (new URL(s.final_url).pathname !== page.path) {
        throw new Error(`${page.path} run ${i}: Lighthouse ended on ${s.final_url} (signed out?)`);
      }
      runs.push({ lhr, s });
    }
    const median = lh.computeMedianRun(runs.map((r) => r.lhr));
    const chosen = runs.find((r) => r.lhr === median) ?? runs[0];
    results.push({
      ...page,
      extraHeaders: undefined,
      median: chosen.s,
      runs: runs.map((r) => r.s),
      performance_met: chosen.s.performance >= TARGET_PERFORMANCE,
      lcp_met: chosen.s.lcp_ms < TARGET_LCP_MS,
    });
  }
  // Nothing is needed from the server any more.
  await srv.stop();

  const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'bench', 'node_modules', 'lighthouse', 'package.json'), 'utf8')).version;
  const baseline = results[0].median;
  const met = (b) => (b ? 'met' : 'NOT met');
  const range = (runs, k, fmt = String) => {
    const v = runs.map((r) => r[k]);
    return `${fmt(Math.min(...v))}..${fmt(Math.max(...v))}`;
  };
  const rows = results.map((r) => {
    const m = r.median;
    return [
      r.path,
      String(m.performance),
      String(m.accessibility),
      String(m.best_practices),
      `${Math.round(m.lcp_ms)}`,
      `${Math.round(m.total_bytes)}`,
      r.role.startsWith('baseline') ? 'baseline' : `${met(r.performance_met)} / ${met(r.lcp_met)}`,
      `${m.performance - baseline.performance >= 0 ? '+' : ''}${m.performance - baseline.performance} / ${f1(m.lcp_ms / baseline.lcp_ms)}x`,
    ];
  });
  const head = ['page', 'perf', 'a11y', 'best-pr.', 'LCP ms', 'bytes', `perf>=${TARGET_PERFORMANCE} / LCP<${TARGET_LCP_MS / 1000}s`, 'vs baseline (perf / LCP)'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (c) => c.map((x, i) => x.padEnd(widths[i])).join('  ').trimEnd();
  const out = [
    '',
    `Lighthouse ${version}, default config (mobile emulation, simulated throttling), ${CHROMIUM} ${CHROME_FLAGS.join(' ')}; median of ${RUNS} run(s) per page`,
    '',
    line(head),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    '',
    ...results.flatMap((r) => [
      `${r.path} (${r.role}): performance ${r.median.performance}, accessibility ${r.median.accessibility}, best-practices ${r.median.best_practices}` +
        `${r.median.seo === null ? '' : `, SEO ${r.median.seo}`}; LCP ${Math.round(r.median.lcp_ms)} ms, FCP ${Math.round(r.median.fcp_ms)} ms, ` +
        `TBT ${Math.round(r.median.tbt_ms)} ms, CLS ${r.median.cls.toFixed(3)}; ${Math.round(r.median.total_bytes)} bytes transferred`,
      ...(r.median.lcp_element ? [`  LCP element: ${r.median.lcp_element.replace(/\s+/g, ' ').slice(0, 160)}`] : []),
      `  all runs: performance ${range(r.runs, 'performance')}, LCP ${range(r.runs, 'lcp_ms', Math.round)} ms, bytes ${range(r.runs, 'total_bytes', Math.round)}`,
      ...(r.role.startsWith('baseline')
        ? []
        : [`  targets: performance >= ${TARGET_PERFORMANCE}: ${met(r.performance_met)}; LCP < ${TARGET_LCP_MS} ms: ${met(r.lcp_met)}`]),
      ...(r.median.failed_audits.length ? [`  audits below full score: ${r.median.failed_audits.join(', ')}`] : []),
      ...r.median.console_errors.map((e) => `  console error: ${e}`),
      ...r.median.warnings.map((w) => `  warning: ${w}`),
    ]),
    '',
  ];
  console.log(out.join('\n'));

  const outDir = path.join(ROOT, 'target', 'bench');
  fs.mkdirSync(outDir, { recursive: true });
  const json = {
    date: new Date().toISOString(),
    binary_built: srv.builtAt.toISOString(),
    lighthouse: version,
    chromium: CHROMIUM,
    runs_per_page: RUNS,
    targets: { performance: TARGET_PERFORMANCE, lcp_ms: TARGET_LCP_MS },
    pages: results,
  };
  fs.writeFileSync(path.join(outDir, 'lighthouse.json'), `${JSON.stringify(json, null, 2)}\n`);
  log(`results written to ${path.relative(ROOT, path.join(outDir, 'lighthouse.json'))}`);
}

main().catch((e) => {
  log(`failed: ${e.stack ?? e.message}`);
  process.exit(1);
});
