// Helpers that drive Caseport the way a person does, using the accessible names from the UI contract.
//
// Everything here must work in both projects: `hydrated` (the WebAssembly bundle takes over the
// server-rendered page) and `no-js` (JavaScript disabled: every form is an ordinary POST to a server
// function that answers with a redirect). So the helpers only ever wait on things that hold in both
// modes: the URL (`page.waitForURL`, which also sees client-side navigations), the hydration marker
// where scripts run (`settle`, from fixtures.ts) and visible content (web-first `expect`). Anything
// that needs the client-side app is guarded by `isHydrated()`.
import { randomBytes } from 'node:crypto';
import type { Locator, Page } from '@playwright/test';
import { expect, expectsHydration, settle } from './fixtures';
import { nowSeconds, stepAt, totpForStep, STEP_SECONDS } from './totp.mjs';
import { waitForCode } from './mail';

export { settle };

/** Text from the UI contract (English). */
export const TEXT = {
  homeHeading: 'Your Caseport account',
  registerHeading: 'Create your account',
  verifyHeading: 'Check your email',
  setupHeading: 'Set up an authentication app',
  accountHeading: 'Your account',
  profileHeading: 'Profile',
  signInHeading: 'Sign in',
  codeHeading: 'Enter your authentication code',
  errorSummaryHeading: 'There is a problem',
  signedOut: 'You have signed out.',
  invalidCredentials: 'The email address or password you entered is not correct.',
  codeReused: /already been used/,
  qrAlt: 'QR code for your authentication app',
} as const;

/** A person's account as the tests know it. */
export interface Account {
  email: string;
  password: string;
  /** The authenticator key exactly as the page showed it (Base32 in groups of four). */
  secret: string;
  /** TOTP time steps whose codes this account has already spent (the server accepts each once). */
  usedSteps: number[];
}

/** Called once each page of the journey has loaded (the accessibility spec audits from here). */
export type PageHook = (page: Page, name: string) => Promise<void>;

export function randomToken(bytes = 6): string {
  return randomBytes(bytes).toString('hex');
}

/** A new, never-used address in a reserved test domain. */
export function newEmail(): string {
  return `e2e-${randomToken()}@example.test`;
}

/** A long passphrase that is on no blocklist and has nothing to do with the email address. */
export function strongPassword(): string {
  return `correct horse battery staple ${randomToken(4)}`;
}

/**
 * True where pages hydrate (the `hydrated` project, unless the test blocks the app bundle), false in
 * `no-js`. Only valid inside a test or hook.
 */
export function isHydrated(): boolean {
  return expectsHydration();
}

/**
 * Loads `path` as a new document and, where scripts run, waits until the app has hydrated it
 * (`data-hydrated` on <html>), so that nothing typed is overwritten by hydration.
 */
export async function openPage(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await settle(page);
}

/**
 * Waits until the browser is on `pathname` (full-page or client-side navigation alike) and, where
 * scripts run, until the page is hydrated (immediate after a client-side navigation: the marker on
 * <html> stays).
 */
export async function waitForPath(page: Page, pathname: string): Promise<void> {
  await page.waitForURL((url) => url.pathname === pathname);
  await settle(page);
}

export function heading(page: Page, name: string): Locator {
  return page.getByRole('heading', { level: 1, name, exact: true });
}

export async function expectHeading(page: Page, name: string): Promise<void> {
  await expect(heading(page, name)).toBeVisible();
}

/** The error summary: role=alert containing the heading "There is a problem". */
export function errorSummary(page: Page): Locator {
  return page
    .getByRole('alert')
    .filter({ has: page.getByRole('heading', { name: TEXT.errorSummaryHeading, exact: true }) });
}

export function field(page: Page, label: string): Locator {
  return page.getByLabel(label, { exact: true });
}

export function button(page: Page, name: string): Locator {
  return page.getByRole('button', { name, exact: true });
}

// ---------------------------------------------------------------------------------------------
// Registration

export interface RegistrationInput {
  email: string;
  password: string;
  /** Defaults to `password`. */
  confirmation?: string;
  answers?: [string, string, string];
}

/** Fills the security questions: option index 1, 2 and 3, so the three are always different. */
export async function fillSecurityQuestions(page: Page, answers?: [string, string, string]): Promise<void> {
  const given = answers ?? [`first ${randomToken(3)}`, `second ${randomToken(3)}`, `third ${randomToken(3)}`];
  for (const n of [1, 2, 3] as const) {
    await field(page, `Security question ${n}`).selectOption({ index: n });
    await field(page, `Answer ${n}`).fill(given[n - 1]);
  }
}

export async function fillRegistration(page: Page, input: RegistrationInput): Promise<void> {
  await field(page, 'Email address').fill(input.email);
  await field(page, 'Password').fill(input.password);
  await field(page, 'Confirm password').fill(input.confirmation ?? input.password);
  await fillSecurityQuestions(page, input.answers);
}

/**
 * Submits the (already filled) registration form and waits for "Check your email".
 * Returns the time just before submitting, for `waitForCode`.
 */
export async function submitRegistration(page: Page): Promise<number> {
  const since = Date.now();
  await button(page, 'Create account').click();
  await waitForPath(page, '/verify-email');
  await expectHeading(page, TEXT.verifyHeading);
  return since;
}

/** Reads the emailed code from the test SMTP sink and submits it; lands on the authenticator setup. */
export async function verifyEmail(page: Page, email: string, since: number): Promise<void> {
  const code = await waitForCode(email, since);
  await field(page, 'Verification code').fill(code);
  await button(page, 'Verify email').click();
  await waitForPath(page, '/setup-authenticator');
  await expectHeading(page, TEXT.setupHeading);
}

/** Reads the key shown on /setup-authenticator (Base32, grouped in fours). */
export async function readTotpSecret(page: Page): Promise<string> {
  const secretElement = page.locator('#totp-secret');
  await expect(secretElement).toBeVisible();
  const secret = ((await secretElement.textContent()) ?? '').trim();
  expect(secret, 'the key is Base32 in groups of four separated by spaces').toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})*=*$/);
  return secret;
}

/** Enters the current step's code on /setup-authenticator; lands on "Your account". */
export async function confirmAuthenticator(page: Page, secret: string): Promise<number> {
  const step = stepAt(nowSeconds());
  await field(page, 'Authentication code').fill(totpForStep(secret, step));
  await button(page, 'Confirm and continue').click();
  await waitForPath(page, '/account');
  await expectHeading(page, TEXT.accountHeading);
  return step;
}

/**
 * The whole sign-up: register → verify the emailed code → enrol the authenticator → "Your account".
 * `onPage` is called on each page once it has loaded.
 */
export async function registerAndEnrol(
  page: Page,
  options: { onPage?: PageHook; email?: string; password?: string; answers?: [string, string, string] } = {},
): Promise<Account> {
  const onPage = options.onPage ?? (async () => {});
  const email = options.email ?? newEmail();
  const password = options.password ?? strongPassword();

  await openPage(page, '/register');
  await expectHeading(page, TEXT.registerHeading);
  await onPage(page, 'register');
  await fillRegistration(page, { email, password, answers: options.answers });
  const since = await submitRegistration(page);
  await onPage(page, 'verify-email');

  await verifyEmail(page, email, since);
  await onPage(page, 'setup-authenticator');

  const secret = await readTotpSecret(page);
  const step = await confirmAuthenticator(page, secret);
  await onPage(page, 'account');

  return { email, password, secret, usedSteps: [step] };
}

// ---------------------------------------------------------------------------------------------
// Authenticator codes

/**
 * A code this account has not spent yet that the server will accept now.
 *
 * The server accepts the steps T-1, T and T+1, each once. Right after enrolment the current step is
 * normally spent, so this returns the code of the NEXT step (T+1); once the clock has moved past the
 * last spent step it returns the current step's code. If even T+1 is spent it waits for the clock.
 * The returned step is recorded as spent only by `markUsed`, when the server has accepted it.
 */
export async function unusedCode(account: Account): Promise<{ code: string; step: number }> {
  const lastUsed = account.usedSteps.length > 0 ? Math.max(...account.usedSteps) : -Infinity;
  for (;;) {
    const now = stepAt(nowSeconds());
    const step = Math.max(now, lastUsed + 1);
    if (step <= now + 1) {
      return { code: totpForStep(account.secret, step), step };
    }
    // Only reachable when T+1 is spent as well: wait for the next step to begin.
    const waitMs = ((now + 1) * STEP_SECONDS - Date.now() / 1000) * 1000 + 50;
    await new Promise((resolve) => setTimeout(resolve, Math.max(waitMs, 50)));
  }
}

/** A six-digit code that is not valid for this account in any step the server accepts now. */
export function wrongCode(account: Account): string {
  const now = stepAt(nowSeconds());
  const valid = new Set([-2, -1, 0, 1, 2].map((d) => totpForStep(account.secret, now + d)));
  for (let n = 0; ; n += 111111) {
    const candidate = String(n % 1_000_000).padStart(6, '0');
    if (!valid.has(candidate)) return candidate;
  }
}

export function markUsed(account: Account, step: number): void {
  account.usedSteps.push(step);
}

// ---------------------------------------------------------------------------------------------
// Signing in and out

/** Signs in with email and password from a fresh /sign-in page; lands on "Enter your authentication code". */
export async function signInWithPassword(page: Page, email: string, password: string): Promise<void> {
  await openPage(page, '/sign-in');
  await expectHeading(page, TEXT.signInHeading);
  await field(page, 'Email address').fill(email);
  await field(page, 'Password').fill(password);
  await button(page, 'Sign in').click();
  await waitForPath(page, '/sign-in/code');
  await expectHeading(page, TEXT.codeHeading);
}

/** Enters an authenticator code on /sign-in/code (the outcome is left to the caller). */
export async function submitAuthenticationCode(page: Page, code: string): Promise<void> {
  await field(page, 'Authentication code').fill(code);
  await button(page, 'Verify').click();
}

/** Full sign-in with a fresh authenticator code; lands on "Your account". */
export async function signIn(page: Page, account: Account): Promise<void> {
  await signInWithPassword(page, account.email, account.password);
  const { code, step } = await unusedCode(account);
  await submitAuthenticationCode(page, code);
  await waitForPath(page, '/account');
  await expectHeading(page, TEXT.accountHeading);
  markUsed(account, step);
}

/** Uses the header's "Sign out" button; lands on /sign-in with "You have signed out." */
export async function signOut(page: Page): Promise<void> {
  await button(page, 'Sign out').click();
  await waitForPath(page, '/sign-in');
  await expectHeading(page, TEXT.signInHeading);
  await expect(page.getByText(TEXT.signedOut, { exact: true })).toBeVisible();
}

// ---------------------------------------------------------------------------------------------
// Profile

export const ACCOUNT_NUMBER_PATTERN = /^\d{4} \d{4} \d{4}$/;

/** Opens /profile through the "Profile" link on /account and returns the online account number. */
export async function openProfileFromAccount(page: Page): Promise<string> {
  await page.getByRole('link', { name: 'Profile', exact: true }).click();
  await waitForPath(page, '/profile');
  await expectHeading(page, TEXT.profileHeading);
  return readAccountNumber(page);
}

export async function readAccountNumber(page: Page): Promise<string> {
  const number = page.locator('#account-number');
  await expect(number).toBeVisible();
  const text = ((await number.textContent()) ?? '').trim();
  expect(text, 'the online account number is 12 digits in groups of four').toMatch(ACCOUNT_NUMBER_PATTERN);
  return text;
}
