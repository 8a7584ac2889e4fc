// The journey in Firefox ESR (Debian's firefox-esr), hydrated, driven over WebDriver BiDi with
// puppeteer-core: register → emailed code → authenticator set-up → sign out → sign in with the
// next authenticator code → Profile shows the 12-digit online account number.
//
//   node end2end/firefox/journey.mjs          (or: cd end2end && npm run test:firefox)
//
// Needs the release build (`cargo leptos build --release` → target/release/caseport, target/site/)
// and /usr/bin/firefox-esr (scripts/setup.sh installs both the npm packages and firefox-esr). Like
// playwright.config.ts it starts the app itself (`caseport migrate`, then `caseport serve`) with a
// fresh SQLite database in a temporary directory, and owns the SMTP listener the app sends its mail
// to. Ports 3150 (app) and 2536 (SMTP) keep it clear of the Playwright suite (3100 and 2526), so
// both can run at once. Plain Node ESM (no TypeScript), so the SMTP sink is a small in-memory copy
// of support/smtp-sink.ts; the authentication app is support/totp.mjs, as in the Playwright tests.
//
// Every page must hydrate (the app sets `data-hydrated` on <html> once the WebAssembly has taken
// over the server-rendered page), and any page error or console error fails the run. Exits 0 with a
// one-line summary, or non-zero with the step that failed; the app and Firefox are always stopped.
//
// Environment (all optional): CASEPORT_FIREFOX_PATH (default /usr/bin/firefox-esr),
// CASEPORT_FIREFOX_PORT (3150), CASEPORT_FIREFOX_SMTP_PORT (2536), CASEPORT_FIREFOX_HEADFUL=1 to watch,
// CASEPORT_FIREFOX_SERVER_LOG=1 to pass the app's own log through, CASEPORT_FIREFOX_STEPS=1 to print
// each step's time.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { nowSeconds, stepAt, totpForStep, STEP_SECONDS } from '../support/totp.mjs';

const END2END_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REPO_ROOT = path.resolve(END2END_DIR, '..');
const BINARY = path.join(REPO_ROOT, 'target', 'release', 'caseport');
const SITE_ROOT = path.join(REPO_ROOT, 'target', 'site');
const FIREFOX = process.env.CASEPORT_FIREFOX_PATH || '/usr/bin/firefox-esr';
const HOST = '127.0.0.1';
const PORT = Number(process.env.CASEPORT_FIREFOX_PORT || 3150);
const SMTP_PORT = Number(process.env.CASEPORT_FIREFOX_SMTP_PORT || 2536);
const BASE_URL = `http://${HOST}:${PORT}`;

/** How long one wait (a page, a heading, hydration, an email) may take. */
const WAIT_MS = 20_000;
const SERVER_START_MS = 60_000;
/** The release build may be being rebuilt by someone else: wait this long for its files. */
const BUILD_WAIT_MS = 120_000;

/** Text from the UI contract (English), as in support/journey.ts. */
const TEXT = {
  homeHeading: 'Your Caseport account',
  registerHeading: 'Create your account',
  verifyHeading: 'Check your email',
  setupHeading: 'Set up an authentication app',
  accountHeading: 'Your account',
  profileHeading: 'Profile',
  signInHeading: 'Sign in',
  codeHeading: 'Enter your authentication code',
  signedOut: 'You have signed out.',
};
const VERIFICATION_CODE = /Your verification code is (\d{6})\b/;
const SECRET_PATTERN = /^[A-Z2-7]{4}( [A-Z2-7]{1,4})*=*$/;
const ACCOUNT_NUMBER_PATTERN = /^\d{4} \d{4} \d{4}$/;

const started = Date.now();
/** @type {string} */
let currentStep = 'starting';
/** @type {string[]} page errors and console errors, in the order they happened */
const browserErrors = [];
/** The app's last output lines, shown when something fails. */
const serverLog = /** @type {string[]} */ ([]);

// ---------------------------------------------------------------------------------------------
// Resources, stopped in reverse order by cleanup() whatever happens

/** @type {Array<{ name: string, stop: () => Promise<void> }>} */
const resources = [];
/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();
let cleaningUp = /** @type {Promise<void> | null} */ (null);
let interrupted = false;

function cleanup() {
  cleaningUp ??= (async () => {
    while (resources.length > 0) {
      const resource = /** @type {{ name: string, stop: () => Promise<void> }} */ (resources.pop());
      try {
        await withTimeout(resource.stop(), 15_000, `stopping ${resource.name}`);
      } catch (err) {
        console.error(`firefox journey: could not stop ${resource.name} cleanly: ${message(err)}`);
      }
    }
  })();
  return cleaningUp;
}

// Last resort if the process exits some other way: no child outlives it.
process.on('exit', () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`firefox journey: interrupted (${signal}) during: ${currentStep}`);
    cleanup().finally(() => process.exit({ SIGINT: 130, SIGTERM: 143, SIGHUP: 129 }[signal]));
  });
}

/** @param {unknown} err */
function message(err) {
  return err instanceof Error ? err.message : String(err);
}

/**
 * @template T
 * @param {Promise<T>} promise
 * @param {number} ms
 * @param {string} what
 * @returns {Promise<T>}
 */
function withTimeout(promise, ms, what) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const timeout = new Promise((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return /** @type {Promise<T>} */ (Promise.race([promise, timeout])).finally(() => clearTimeout(timer));
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// The release build, the SMTP sink and the app

/** Waits (briefly) for the release build: someone may be rebuilding it right now. */
async function waitForBuild() {
  const needed = [BINARY, path.join(SITE_ROOT, 'pkg')];
  const deadline = Date.now() + BUILD_WAIT_MS;
  for (;;) {
    const missing = needed.filter((file) => !fs.existsSync(file));
    if (missing.length === 0) return;
    if (Date.now() >= deadline) {
      throw new Error(
        `the release build is missing (${missing.join(', ')}): run \`cargo leptos build --release\` first`,
      );
    }
    await sleep(1_000);
  }
}

/**
 * Fails when something already listens on the port: the health check would then talk to it.
 * @param {number} port
 */
async function ensurePortFree(port) {
  await new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (err) => reject(new Error(`port ${HOST}:${port} is in use (${message(err)})`)));
    probe.listen(port, HOST, () => probe.close(resolve));
  });
}

/**
 * @typedef {{ to: string[], subject: string, text: string, receivedAt: number }} Mail
 */

/**
 * A real SMTP listener for the app's mail, keeping messages in memory (support/smtp-sink.ts
 * writes them to files instead, for Playwright's worker processes).
 * @returns {Promise<Mail[]>}
 */
async function startSmtpSink() {
  /** @type {Mail[]} */
  const inbox = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    hideSTARTTLS: true,
    authOptional: true,
    allowInsecureAuth: true,
    logger: false,
    banner: 'Caseport Firefox journey SMTP sink',
    onAuth(_auth, _session, callback) {
      callback(null, { user: 'end2end' });
    },
    onData(stream, session, callback) {
      const receivedAt = Date.now();
      simpleParser(stream)
        .then((parsed) => {
          const rcpt = session.envelope.rcptTo.map((r) => r.address);
          const header = [parsed.to, parsed.cc]
            .flatMap((field) => (field ? (Array.isArray(field) ? field : [field]) : []))
            .flatMap((o) => o.value.map((a) => a.address ?? ''));
          const to = [...new Set([...rcpt, ...header].filter((a) => a !== '').map((a) => a.toLowerCase()))];
          inbox.push({ to, subject: parsed.subject ?? '', text: parsed.text ?? '', receivedAt });
          callback();
        })
        .catch((/** @type {unknown} */ err) => callback(err instanceof Error ? err : new Error(String(err))));
    },
  });
  server.on('error', (err) => console.error(`firefox journey: [smtp-sink] ${err.message}`));
  await new Promise((resolve, reject) => {
    /** @param {Error} err */
    const onError = (err) => reject(new Error(`SMTP sink could not listen on ${HOST}:${SMTP_PORT}: ${err.message}`));
    server.server.once('error', onError);
    server.listen(SMTP_PORT, HOST, () => {
      server.server.off('error', onError);
      resolve(undefined);
    });
  });
  resources.push({ name: 'the SMTP sink', stop: () => new Promise((resolve) => server.close(() => resolve())) });
  return inbox;
}

/**
 * The newest verification code mailed to `email` since `sinceMs`.
 * @param {Mail[]} inbox
 * @param {string} email
 * @param {number} sinceMs
 */
async function waitForCode(inbox, email, sinceMs) {
  const address = email.toLowerCase();
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const mail = inbox.filter((m) => m.to.includes(address) && m.receivedAt >= sinceMs).at(-1);
    if (mail) {
      const match = VERIFICATION_CODE.exec(mail.text);
      if (!match) throw new Error(`the email to ${email} (${JSON.stringify(mail.subject)}) has no code:\n${mail.text}`);
      return match[1];
    }
    if (Date.now() >= deadline) {
      throw new Error(`no email to ${email} reached the SMTP sink within ${WAIT_MS / 1000} s (it holds ${inbox.length})`);
    }
    await sleep(200);
  }
}

/** The app's environment: only the CASEPORT_* settings chosen here (none inherited). */
function appEnv(/** @type {string} */ runDir) {
  /** @type {NodeJS.ProcessEnv} */
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('CASEPORT_')) env[key] = value;
  }
  const dbFile = path.join(runDir, 'caseport.db');
  fs.writeFileSync(dbFile, ''); // an empty file is an empty SQLite database
  return {
    ...env,
    CASEPORT_LISTEN: `${HOST}:${PORT}`,
    CASEPORT_BASE_URL: BASE_URL,
    CASEPORT_DATA_DIR: runDir,
    CASEPORT_DATABASE_URL: `sqlite://${dbFile}`,
    CASEPORT_SMTP_URL: `smtp://${HOST}:${SMTP_PORT}`,
    CASEPORT_SITE_ROOT: 'target/site',
    CASEPORT_ENVIRONMENT: 'development',
  };
}

/**
 * Runs the app binary from the repository root (so Leptos.toml and target/site resolve).
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} env
 */
function spawnApp(args, env) {
  const passThrough = !!process.env.CASEPORT_FIREFOX_SERVER_LOG;
  const child = spawn(BINARY, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (/** @type {string} */ chunk) => {
      if (passThrough) process.stderr.write(chunk);
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      serverLog.push(...lines);
      serverLog.splice(0, Math.max(0, serverLog.length - 40));
    });
  }
  return child;
}

/** @param {NodeJS.ProcessEnv} env */
async function migrate(env) {
  const child = spawnApp(['migrate'], env);
  const [code, signal] = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c, s) => resolve([c, s]));
  });
  if (code !== 0) throw new Error(`\`caseport migrate\` failed (${signal ?? `exit status ${code}`})`);
}

/** Starts `caseport serve` and waits for /healthz. @param {NodeJS.ProcessEnv} env */
async function serve(env) {
  const child = spawnApp(['serve'], env);
  /** @type {string | null} */
  let exited = null;
  child.once('exit', (code, signal) => {
    exited = signal ?? `exit status ${code}`;
  });
  child.once('error', (err) => {
    exited = message(err);
  });
  resources.push({
    name: 'the app server',
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM'); // graceful shutdown
      try {
        await withTimeout(gone, 10_000, 'the app shutting down');
      } catch {
        child.kill('SIGKILL');
        await gone;
      }
    },
  });
  const deadline = Date.now() + SERVER_START_MS;
  for (;;) {
    if (exited !== null) throw new Error(`\`caseport serve\` stopped while starting (${exited})`);
    try {
      const response = await fetch(`${BASE_URL}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() >= deadline) throw new Error(`the app did not answer ${BASE_URL}/healthz within ${SERVER_START_MS / 1000} s`);
    await sleep(250);
  }
}

// ---------------------------------------------------------------------------------------------
// Driving the page (puppeteer-core over WebDriver BiDi)

/** @typedef {import('puppeteer-core').Page} Page */

/** Fails at once if the browser has reported a page error or a console error so far. */
function assertNoBrowserErrors() {
  if (browserErrors.length > 0) {
    throw new Error(`the page reported ${browserErrors.length} error(s):\n  ${browserErrors.join('\n  ')}`);
  }
}

/**
 * Waits until the browser is on `pathname` (full-page or client-side navigation alike), then until
 * that document has hydrated.
 * @param {Page} page
 * @param {string} pathname
 */
async function waitForPath(page, pathname) {
  try {
    await page.waitForFunction((p) => location.pathname === p, { timeout: WAIT_MS, polling: 100 }, pathname);
  } catch (err) {
    throw new Error(`the browser did not reach ${pathname} (it is on ${page.url()}): ${message(err)}`);
  }
  await waitForHydration(page);
}

/** @param {Page} page */
async function waitForHydration(page) {
  try {
    await page.waitForSelector('html[data-hydrated]', { timeout: WAIT_MS });
  } catch (err) {
    assertNoBrowserErrors(); // a page error is the likelier cause: report it first
    throw new Error(`${page.url()} did not hydrate within ${WAIT_MS / 1000} s (no data-hydrated on <html>): ${message(err)}`);
  }
  assertNoBrowserErrors();
}

/** @param {Page} page @param {string} pathname */
async function openPage(page, pathname) {
  await page.goto(`${BASE_URL}${pathname}`, { waitUntil: 'load', timeout: WAIT_MS });
  await waitForPath(page, pathname);
}

/** Waits for a visible <h1> with exactly this text. @param {Page} page @param {string} name */
async function expectHeading(page, name) {
  try {
    await page.waitForFunction(
      (n) => [...document.querySelectorAll('h1')].some((h) => h.textContent?.trim() === n && h.checkVisibility()),
      { timeout: WAIT_MS, polling: 100 },
      name,
    );
  } catch (err) {
    const headings = await page.$$eval('h1', (hs) => hs.map((h) => h.textContent?.trim())).catch(() => []);
    throw new Error(`no heading "${name}" on ${page.url()} (h1: ${JSON.stringify(headings)}): ${message(err)}`);
  }
}

/** Waits for visible text anywhere in <main>. @param {Page} page @param {string} text */
async function expectText(page, text) {
  await page
    .waitForFunction(
      (t) => [...document.querySelectorAll('main *')].some((e) => e.textContent?.trim() === t && e.checkVisibility()),
      { timeout: WAIT_MS, polling: 100 },
      text,
    )
    .catch((err) => {
      throw new Error(`no visible text "${text}" on ${page.url()}: ${message(err)}`);
    });
}

/**
 * The form control labelled exactly `label` (through <label for>), as a person finds it.
 * @param {Page} page
 * @param {string} label
 */
async function field(page, label) {
  const id = await page.$$eval(
    'label[for]',
    (labels, wanted) => labels.find((l) => l.textContent?.trim() === wanted)?.getAttribute('for') ?? null,
    label,
  );
  const control = id ? await page.$(`[id="${id}"]`) : null;
  if (!control) throw new Error(`no form field labelled "${label}" on ${page.url()}`);
  return control;
}

/** Types into the (empty) field labelled `label`. @param {Page} page @param {string} label @param {string} text */
async function fill(page, label, text) {
  const control = await field(page, label);
  await control.type(text);
  const value = await control.evaluate((e) => /** @type {HTMLInputElement} */ (e).value);
  if (value !== text) throw new Error(`field "${label}" holds ${JSON.stringify(value)} after typing ${JSON.stringify(text)}`);
}

/**
 * Clicks the element (button or link) whose text is exactly `name`, inside `scope`.
 * @param {Page} page
 * @param {'button' | 'a'} kind
 * @param {string} name
 * @param {string} [scope]
 */
async function click(page, kind, name, scope = 'body') {
  const handle = await page
    .waitForFunction(
      (sel, n) => [...document.querySelectorAll(sel)].find((e) => e.textContent?.trim() === n && e.checkVisibility()),
      { timeout: WAIT_MS, polling: 100 },
      `${scope} ${kind}`,
      name,
    )
    .catch((err) => {
      throw new Error(`no visible ${kind === 'a' ? 'link' : 'button'} "${name}" on ${page.url()}: ${message(err)}`);
    });
  const element = /** @type {import('puppeteer-core').ElementHandle<Element>} */ (handle);
  await element.click();
}

/** Picks the n-th option (1-based, skipping "Choose a question") of each security question. @param {Page} page */
async function fillSecurityQuestions(page) {
  for (const n of [1, 2, 3]) {
    const select = await field(page, `Security question ${n}`);
    const value = await select.evaluate((s, i) => /** @type {HTMLSelectElement} */ (s).options[i].value, n);
    await select.select(value);
    await fill(page, `Answer ${n}`, `answer ${n} ${randomBytes(3).toString('hex')}`);
  }
}

/** @param {Page} page */
async function readAccountNumber(page) {
  const text = (await page.$eval('#account-number', (e) => e.textContent ?? '')).trim();
  if (!ACCOUNT_NUMBER_PATTERN.test(text)) throw new Error(`the online account number is ${JSON.stringify(text)}, not 12 digits in groups of four`);
  return text;
}

/**
 * Runs one step of the journey, recording its name for the failure message.
 * @template T
 * @param {string} name
 * @param {() => Promise<T>} body
 * @returns {Promise<T>}
 */
async function step(name, body) {
  currentStep = name;
  const stepStarted = Date.now();
  const result = await body();
  assertNoBrowserErrors();
  if (process.env.CASEPORT_FIREFOX_STEPS) console.error(`  ${name}: ${((Date.now() - stepStarted) / 1000).toFixed(1)}s`);
  return result;
}

// ---------------------------------------------------------------------------------------------
// The journey

async function main() {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'caseport-firefox-'));
  resources.push({ name: 'the temporary directory', stop: async () => fs.rmSync(runDir, { recursive: true, force: true }) });

  await step('checking the release build and Firefox', async () => {
    await waitForBuild();
    if (!fs.existsSync(FIREFOX)) throw new Error(`${FIREFOX} not found: install Debian's firefox-esr (scripts/setup.sh does)`);
  });
  const inbox = await step(`starting the SMTP sink on ${HOST}:${SMTP_PORT}`, async () => {
    await ensurePortFree(SMTP_PORT);
    return startSmtpSink();
  });
  await step(`starting the app on ${BASE_URL}`, async () => {
    await ensurePortFree(PORT);
    const env = appEnv(runDir);
    await migrate(env);
    await serve(env);
  });

  const browser = await step('launching Firefox', async () => {
    const launched = await puppeteer.launch({
      browser: 'firefox',
      protocol: 'webDriverBiDi',
      executablePath: FIREFOX,
      headless: !process.env.CASEPORT_FIREFOX_HEADFUL,
      // cleanup() stops Firefox and the app together; puppeteer's own handlers would exit first.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      timeout: 60_000,
    });
    const firefoxProcess = launched.process();
    if (firefoxProcess) children.add(firefoxProcess);
    resources.push({
      name: 'Firefox',
      stop: async () => {
        try {
          await withTimeout(launched.close(), 10_000, 'closing Firefox');
        } catch {
          firefoxProcess?.kill('SIGKILL');
        }
      },
    });
    return launched;
  });
  const version = await browser.version();

  const page = await browser.newPage();
  page.setDefaultTimeout(WAIT_MS);
  page.on('pageerror', (err) => browserErrors.push(`page error: ${message(err)}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    // The top frame is the wrapper below; the one under it logged the error.
    const frames = msg.stackTrace();
    const origin = frames[1] ?? frames[0] ?? msg.location();
    const where = origin?.url ? ` (${origin.url}:${(origin.lineNumber ?? 0) + 1})` : '';
    browserErrors.push(`console error: ${msg.text()}${where}`);
  });
  // Over WebDriver BiDi an object passed to console.error arrives without its contents (the message
  // reads "JSHandle@error"), so spell errors and objects out in the page before they are logged.
  await page.evaluateOnNewDocument(() => {
    const original = console.error.bind(console);
    /** @param {unknown} value */
    const spell = (value) => {
      if (value instanceof Error) return `${value.name}: ${value.message}`;
      if (typeof value !== 'object' || value === null) return value;
      try {
        return JSON.stringify(value);
      } catch {
        return String(value);
      }
    };
    console.error = (...args) => original(...args.map(spell));
  });

  const email = `firefox-${randomBytes(6).toString('hex')}@example.test`;
  const password = `correct horse battery staple ${randomBytes(4).toString('hex')}`;

  await step('home page → Create an account', async () => {
    await openPage(page, '/');
    await expectHeading(page, TEXT.homeHeading);
    await click(page, 'a', 'Create an account', 'main');
    await waitForPath(page, '/register');
    await expectHeading(page, TEXT.registerHeading);
  });

  const since = await step('register', async () => {
    await fill(page, 'Email address', email);
    await fill(page, 'Password', password);
    await fill(page, 'Confirm password', password);
    await fillSecurityQuestions(page);
    const before = Date.now();
    await click(page, 'button', 'Create account');
    await waitForPath(page, '/verify-email');
    await expectHeading(page, TEXT.verifyHeading);
    return before;
  });

  await step('verify the emailed code', async () => {
    const code = await waitForCode(inbox, email, since);
    await fill(page, 'Verification code', code);
    await click(page, 'button', 'Verify email');
    await waitForPath(page, '/setup-authenticator');
    await expectHeading(page, TEXT.setupHeading);
  });

  const enrolled = await step('set up the authenticator', async () => {
    await page.waitForSelector('#totp-secret', { visible: true });
    const secret = (await page.$eval('#totp-secret', (e) => e.textContent ?? '')).trim();
    if (!SECRET_PATTERN.test(secret)) throw new Error(`the key ${JSON.stringify(secret)} is not Base32 in groups of four`);
    const enrolledStep = stepAt(nowSeconds());
    await fill(page, 'Authentication code', totpForStep(secret, enrolledStep));
    await click(page, 'button', 'Confirm and continue');
    await waitForPath(page, '/account');
    await expectHeading(page, TEXT.accountHeading);
    return { secret, step: enrolledStep };
  });

  await step('sign out', async () => {
    await click(page, 'button', 'Sign out');
    await waitForPath(page, '/sign-in');
    await expectHeading(page, TEXT.signInHeading);
    await expectText(page, TEXT.signedOut);
  });

  await step('sign in with email and password', async () => {
    await openPage(page, '/sign-in');
    await expectHeading(page, TEXT.signInHeading);
    await fill(page, 'Email address', email);
    await fill(page, 'Password', password);
    await click(page, 'button', 'Sign in', 'main');
    await waitForPath(page, '/sign-in/code');
    await expectHeading(page, TEXT.codeHeading);
  });

  await step('sign in with the next authenticator code', async () => {
    // The enrolment spent its step's code; the server accepts T-1..T+1 once each, so use the step
    // after it, or the current one once the clock has moved past it (support/journey.ts unusedCode).
    let now = stepAt(nowSeconds());
    while (enrolled.step + 1 > now + 1) {
      await sleep(((now + 1) * STEP_SECONDS - Date.now() / 1000) * 1000 + 50);
      now = stepAt(nowSeconds());
    }
    await fill(page, 'Authentication code', totpForStep(enrolled.secret, Math.max(now, enrolled.step + 1)));
    await click(page, 'button', 'Verify');
    await waitForPath(page, '/account');
    await expectHeading(page, TEXT.accountHeading);
  });

  const accountNumber = await step('Profile shows the online account number', async () => {
    await click(page, 'a', 'Profile');
    await waitForPath(page, '/profile');
    await expectHeading(page, TEXT.profileHeading);
    return readAccountNumber(page);
  });

  currentStep = 'finishing';
  await sleep(250); // errors reported just after the last page settled
  assertNoBrowserErrors();
  return { version, accountNumber };
}

let exitCode = 0;
try {
  const { version, accountNumber } = await main();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `firefox journey: passed in ${seconds}s (${version} over WebDriver BiDi, hydrated; ` +
      `registered, verified, enrolled, signed out and in; account number ${accountNumber})`,
  );
} catch (err) {
  exitCode = 1;
  if (interrupted) await new Promise(() => {}); // the signal handler cleans up and exits
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.error(`firefox journey: FAILED after ${seconds}s at step "${currentStep}": ${message(err)}`);
  if (serverLog.length > 0) console.error(`the app's last output lines:\n  ${serverLog.join('\n  ')}`);
} finally {
  await cleanup();
}
process.exit(exitCode);
