// Playwright configuration for Caseport's browser tests.
//
//   cd end2end && npm ci && npx playwright test
//
// Needs the release build (`cargo leptos build --release` → target/release/caseport and target/site/)
// and Debian's Chromium at /usr/bin/chromium (Playwright's own browser downloads are not used).
import fs from 'node:fs';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';
import { REPO_ROOT, RUN_ROOT, SMS_HOST, SMS_PORT, SMS_TOKEN, SMTP_HOST, SMTP_PORT } from './support/paths';

const baseURL = (process.env.CASEPORT_E2E_BASE_URL ?? 'http://127.0.0.1:3100').replace(/\/+$/, '');
const base = new URL(baseURL);
const listen = `${base.hostname}:${base.port || (base.protocol === 'https:' ? '443' : '80')}`;

// A fresh data directory for the app on every run. Playwright evaluates this file in the runner
// process and again in every worker process; the runner creates the directory and records it in the
// environment, which the workers inherit, so only one directory is made per run.
const RUN_DIR_ENV = 'CASEPORT_E2E_RUN_DIR';
if (!process.env[RUN_DIR_ENV]) {
  fs.rmSync(RUN_ROOT, { recursive: true, force: true });
  fs.mkdirSync(RUN_ROOT, { recursive: true });
  process.env[RUN_DIR_ENV] = fs.mkdtempSync(path.join(RUN_ROOT, 'run-'));
}
const runDir = process.env[RUN_DIR_ENV] as string;

let databaseURL = process.env.CASEPORT_E2E_DATABASE_URL;
if (!databaseURL) {
  const dbFile = path.join(runDir, 'caseport.db');
  // An empty file is a valid empty SQLite database; creating it up front means the app does not
  // need "create if missing" semantics to open a database in a brand new directory.
  if (!fs.existsSync(dbFile)) fs.writeFileSync(dbFile, '');
  databaseURL = `sqlite://${dbFile}`;
}

const binary = path.join(REPO_ROOT, 'target', 'release', 'caseport');

// WebAuthn refuses IP addresses, so the passkey spec talks to a second instance of the app at
// http://localhost, on the same database and data directory (two instances, as in production).
const passkeyPort = Number(base.port || 80) + 1;
const passkeyBaseURL = `http://localhost:${passkeyPort}`;

const chromium = {
  ...devices['Desktop Chrome'],
  browserName: 'chromium' as const,
  launchOptions: {
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  },
};

/** One instance of the app: served at `publicURL`, listening on `address`. Playwright starts the
 * instances one after the other, so only the first one migrates a new database. */
function appServer(publicURL: string, address: string) {
  return {
    // Run from the repository root so that Leptos.toml and CASEPORT_SITE_ROOT=target/site resolve.
    // `migrate` first: the contract does not promise that `serve` migrates a new database itself,
    // and migrating an up-to-date database is a no-op.
    command: `"${binary}" migrate && exec "${binary}" serve`,
    cwd: REPO_ROOT,
    url: `${publicURL}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    // Set CASEPORT_E2E_SERVER_LOG=1 to see the app's own log lines in the test output.
    stdout: process.env.CASEPORT_E2E_SERVER_LOG ? 'pipe' : 'ignore',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    env: {
      CASEPORT_LISTEN: address,
      CASEPORT_BASE_URL: publicURL,
      CASEPORT_DATA_DIR: runDir,
      CASEPORT_DATABASE_URL: databaseURL,
      CASEPORT_SMTP_URL: `smtp://${SMTP_HOST}:${SMTP_PORT}`,
      // Texts go to the test-owned provider (support/sms-sink.ts) over HTTP, as to a real one.
      CASEPORT_SMS_URL: `http://${SMS_HOST}:${SMS_PORT}/messages`,
      CASEPORT_SMS_TOKEN: SMS_TOKEN,
      CASEPORT_SITE_ROOT: 'target/site',
      CASEPORT_ENVIRONMENT: 'development',
      // Lets a test move the server's clock (POST /__test/clock) to pass an idle timeout or a
      // waiting period without waiting; refused in production.
      CASEPORT_TEST_CLOCK: 'on',
      // Every spec registers its people from 127.0.0.1; the production allowance (40 an hour per
      // address, proven by the server's enforcement test) would refuse the later specs.
      CASEPORT_REGISTRATIONS_PER_HOUR: '1000',
    },
  };
}

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  globalSetup: './support/global-setup.ts',
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
  },
  projects: [
    {
      name: 'hydrated',
      testIgnore: /passkeys\.spec\.ts$/,
      use: { ...chromium, javaScriptEnabled: true },
    },
    {
      // Passkeys through Chromium's virtual authenticator, on the instance served at localhost.
      name: 'passkeys',
      testMatch: /passkeys\.spec\.ts$/,
      use: { ...chromium, javaScriptEnabled: true, baseURL: passkeyBaseURL },
    },
    {
      // Server-rendered HTML only: every form posts to its server function, which redirects, and
      // every link is a full page load. The shared fixtures (support/fixtures.ts) check that no page
      // is ever hydrated and that the app's WebAssembly is never requested.
      name: 'no-js',
      testMatch: /(journey|language|navigation|cases|officer|paper-filing|staff-invitation|backup-codes|forgot-password|devices|idle-timeout|text-codes|email-codes|account-reset|new-app|sign-in-alert|delete-account|profile)\.spec\.ts$/,
      use: { ...chromium, javaScriptEnabled: false },
    },
  ],
  webServer: [appServer(baseURL, listen), appServer(passkeyBaseURL, `127.0.0.1:${passkeyPort}`)],
});
