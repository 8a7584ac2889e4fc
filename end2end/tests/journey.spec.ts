// The person's journey through Caseport, and the ways it can go wrong.
//
// Runs in both projects: `hydrated` (JavaScript on, the WebAssembly app takes over) and `no-js`
// (JavaScript off: forms post to server functions, which redirect). The same steps must pass in both,
// so the only waits are navigation-safe ones (`waitForURL` through `waitForPath`, and web-first
// `expect` on headings and messages). Checks of client-side behaviour are guarded by `isHydrated()`.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { allowRefusedServerCall, expect, test } from '../support/fixtures';
import {
  TEXT,
  button,
  confirmAuthenticator,
  errorSummary,
  expectHeading,
  field,
  fillRegistration,
  fillSecurityQuestions,
  isHydrated,
  markUsed,
  newEmail,
  openPage,
  openProfileFromAccount,
  readAccountNumber,
  readTotpSecret,
  registerAndEnrol,
  settle,
  signInWithPassword,
  signOut,
  strongPassword,
  submitAuthenticationCode,
  submitRegistration,
  unusedCode,
  verifyEmail,
  waitForPath,
} from '../support/journey';
import { VERIFICATION_SUBJECT, waitForMail } from '../support/mail';
import { MAIL_DIR } from '../support/paths';

/** In the hydrated app, checks that nothing cancels a paste into the field (no "paste blocking"). */
async function expectPasteNotBlocked(page: Page, label: string): Promise<void> {
  if (!isHydrated()) return; // without JavaScript nothing can cancel the event
  const cancelled = await field(page, label).evaluate((input) => {
    const data = new DataTransfer();
    data.setData('text/plain', 'x');
    const event = new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true });
    input.dispatchEvent(event);
    return event.defaultPrevented;
  });
  expect(cancelled, `a paste into "${label}" must not be cancelled by the page`).toBe(false);
}

test('a new person registers, verifies the email, enrols an authenticator, signs out and signs back in', async ({
  page,
}) => {
  const email = newEmail();
  const password = strongPassword();

  await test.step('home page offers registration', async () => {
    await openPage(page, '/');
    await expectHeading(page, TEXT.homeHeading);
    await expect(page.locator('main').getByRole('link', { name: 'Sign in', exact: true })).toHaveAttribute(
      'href',
      '/sign-in',
    );
    await page.locator('main').getByRole('link', { name: 'Create an account', exact: true }).click();
    await waitForPath(page, '/register');
    await expectHeading(page, TEXT.registerHeading);
  });

  await test.step('the registration form uses the right input types and autocomplete tokens', async () => {
    const emailInput = field(page, 'Email address');
    await expect(emailInput).toHaveAttribute('type', 'email');
    await expect(emailInput).toHaveAttribute('name', 'email');
    await expect(emailInput).toHaveAttribute('autocomplete', 'email');
    for (const [label, name] of [
      ['Password', 'password'],
      ['Confirm password', 'password_confirmation'],
    ] as const) {
      const input = field(page, label);
      await expect(input).toHaveAttribute('type', 'password');
      await expect(input).toHaveAttribute('name', name);
      await expect(input).toHaveAttribute('autocomplete', 'new-password');
    }
  });

  await test.step('fill the form, pasting the password as a password manager would', async () => {
    await field(page, 'Email address').fill(email);

    // Pasting: `keyboard.insertText` after focusing inserts text the way a paste does (one
    // `beforeinput`/`input` with inputType insertFromPaste-like semantics, no key events), which
    // is what a password manager or Ctrl+V produces. Dispatching a synthetic 'paste' event and
    // setting `value` from script would prove nothing about whether the field accepts pasted text.
    // In the hydrated project we additionally check that the page does not cancel paste events.
    await expectPasteNotBlocked(page, 'Password');
    await field(page, 'Password').focus();
    await page.keyboard.insertText(password);
    await expect(field(page, 'Password')).toHaveValue(password);

    await expectPasteNotBlocked(page, 'Confirm password');
    await field(page, 'Confirm password').focus();
    await page.keyboard.insertText(password);
    await expect(field(page, 'Confirm password')).toHaveValue(password);

    if (isHydrated()) {
      // Live feedback is announced politely.
      await expect(page.locator('#password-feedback')).toHaveAttribute('role', 'status');
    }

    await fillSecurityQuestions(page);
    const chosen = await Promise.all(
      [1, 2, 3].map((n) => field(page, `Security question ${n}`).inputValue()),
    );
    expect(new Set(chosen).size, 'three different security questions').toBe(3);
  });

  let since = 0;
  await test.step('Create account → Check your email', async () => {
    since = await submitRegistration(page);
    const codeInput = field(page, 'Verification code');
    await expect(codeInput).toHaveAttribute('name', 'code');
    await expect(codeInput).toHaveAttribute('autocomplete', 'one-time-code');
    await expect(button(page, 'Send a new code')).toBeVisible();
  });

  await test.step('the emailed code verifies the address', async () => {
    const mail = await waitForMail(email, since);
    expect(mail.subject).toBe(VERIFICATION_SUBJECT);
    expect(mail.text).toMatch(/Your verification code is \d{6}\b/);
    await verifyEmail(page, email, since);
  });

  let secret = '';
  let enrolledStep = 0;
  await test.step('Set up an authentication app', async () => {
    await expect(page.getByRole('img', { name: TEXT.qrAlt, exact: true })).toBeVisible();
    const codeInput = field(page, 'Authentication code');
    await expect(codeInput).toHaveAttribute('name', 'code');
    await expect(codeInput).toHaveAttribute('autocomplete', 'one-time-code');
    secret = await readTotpSecret(page);
    enrolledStep = await confirmAuthenticator(page, secret);
  });
  const account = { email, password, secret, usedSteps: [enrolledStep] };

  await test.step('Profile shows a stable online account number', async () => {
    const first = await openProfileFromAccount(page);
    await expect(page.locator('main')).toContainText('Online account number');
    await expect(page.locator('main')).toContainText(email);
    if (test.info().project.name === 'hydrated') {
      await expect(button(page, 'Copy account number')).toBeVisible();
    } else {
      // Copying needs scripts; without them the button is not offered and the number stays selectable text.
      await expect(button(page, 'Copy account number')).toHaveCount(0);
    }

    await openPage(page, '/profile');
    await expectHeading(page, TEXT.profileHeading);
    expect(await readAccountNumber(page), 'the same number on a second visit').toBe(first);
  });

  await test.step('Sign out → "You have signed out."', async () => {
    await signOut(page);
    await openPage(page, '/account');
    await waitForPath(page, '/sign-in');
  });

  await test.step('sign back in with email, password and the next authenticator code', async () => {
    await openPage(page, '/sign-in');
    const emailInput = field(page, 'Email address');
    await expect(emailInput).toHaveAttribute('type', 'email');
    // On a sign-in form the email is the account's user name for password managers.
    await expect(emailInput).toHaveAttribute('autocomplete', 'username');
    const passwordInput = field(page, 'Password');
    await expect(passwordInput).toHaveAttribute('type', 'password');
    await expect(passwordInput).toHaveAttribute('autocomplete', 'current-password');

    await signInWithPassword(page, email, password);
    await expect(field(page, 'Authentication code')).toHaveAttribute('autocomplete', 'one-time-code');
    // The current step's code was spent at enrolment; the server accepts T+1, so this is the next
    // step's code (or the current one if the clock has moved on since enrolment).
    const { code, step } = await unusedCode(account);
    await submitAuthenticationCode(page, code);
    await waitForPath(page, '/account');
    await expectHeading(page, TEXT.accountHeading);
    markUsed(account, step);
  });
});

test('a wrong password and an unknown email get the same message', async ({ page, pageProblems }) => {
  allowRefusedServerCall(pageProblems, 'sign_in', 401, 'the test signs in with a wrong password and an unknown email');
  const account = await registerAndEnrol(page);
  await signOut(page);

  const attempts: Array<[string, string, string]> = [
    ['wrong password', account.email, `${account.password}x`],
    ['unknown email', newEmail(), account.password],
  ];
  for (const [what, email, password] of attempts) {
    await test.step(what, async () => {
      await openPage(page, '/sign-in');
      await field(page, 'Email address').fill(email);
      await field(page, 'Password').fill(password);
      await button(page, 'Sign in').click();
      await expect(errorSummary(page)).toBeVisible();
      await expect(errorSummary(page)).toContainText(TEXT.invalidCredentials);
      expect(new URL(page.url()).pathname).toBe('/sign-in');
      await expectHeading(page, TEXT.signInHeading);
    });
  }
});

test('an authenticator code cannot be used twice', async ({ browser, page, pageProblems }) => {
  allowRefusedServerCall(pageProblems, 'verify_totp', 422, 'the test submits an already used authentication code');
  const account = await registerAndEnrol(page);
  await signOut(page);
  const { code, step } = await unusedCode(account);

  // Two separate people (fresh browser contexts, so no shared cookies) both holding the same code.
  const first = await browser.newContext();
  const second = await browser.newContext();
  try {
    const firstPage = await first.newPage();
    await signInWithPassword(firstPage, account.email, account.password);
    await submitAuthenticationCode(firstPage, code);
    await waitForPath(firstPage, '/account');
    await expectHeading(firstPage, TEXT.accountHeading);
    markUsed(account, step);

    const secondPage = await second.newPage();
    await signInWithPassword(secondPage, account.email, account.password);
    await submitAuthenticationCode(secondPage, code);
    await expect(errorSummary(secondPage)).toContainText(TEXT.codeReused);
    expect(new URL(secondPage.url()).pathname).toBe('/sign-in/code');
    await expectHeading(secondPage, TEXT.codeHeading);
    // Still half signed in: the account page sends the person back to the step they are at.
    await openPage(secondPage, '/account');
    await waitForPath(secondPage, '/sign-in/code');
    await expectHeading(secondPage, TEXT.codeHeading);
  } finally {
    await first.close();
    await second.close();
  }
});

test('account pages without a session redirect to Sign in', async ({ page }) => {
  for (const path of ['/account', '/profile']) {
    await page.goto(path);
    await waitForPath(page, '/sign-in');
    await expectHeading(page, TEXT.signInHeading);
  }
});

/** Messages the sink holds for this address (none should exist when registration is refused). */
function mailsTo(email: string): string[] {
  if (!fs.existsSync(MAIL_DIR)) return [];
  return fs
    .readdirSync(MAIL_DIR)
    .filter((name) => name.endsWith('.json') && !name.startsWith('.'))
    .filter((name) => {
      const mail = JSON.parse(fs.readFileSync(path.join(MAIL_DIR, name), 'utf8')) as { to: string[] };
      return mail.to.includes(email.toLowerCase());
    });
}

const refusedPasswords: Array<{ what: string; password: string }> = [
  { what: 'too short', password: 'abc' },
  { what: 'too long (129 characters)', password: 'a-long-passphrase-'.repeat(8).slice(0, 129) },
  // On the shipped blocklist (app/data/common-passwords.txt) and long enough to pass the length rule.
  { what: 'on the blocklist', password: '1qaz2wsx3edc' },
];

for (const { what, password } of refusedPasswords) {
  test(`registration refuses a password that is ${what}`, async ({ page, pageProblems }) => {
    allowRefusedServerCall(pageProblems, 'register', 422, `the test registers with a password that is ${what}`);
    const email = newEmail();
    await openPage(page, '/register');
    await expectHeading(page, TEXT.registerHeading);

    // The point is the server's check, so take away any browser-side length limits
    // (minlength/maxlength would otherwise stop the form, or truncate the value, before it is sent).
    for (const label of ['Password', 'Confirm password']) {
      await field(page, label).evaluate((input) => {
        input.removeAttribute('maxlength');
        input.removeAttribute('minlength');
      });
    }
    await fillRegistration(page, { email, password });
    await expect(field(page, 'Password')).toHaveValue(password);

    if (isHydrated() && what === 'on the blocklist') {
      await expect(page.locator('#password-feedback')).toContainText(/too common/i);
    }

    await button(page, 'Create account').click();
    await expect(errorSummary(page)).toBeVisible();
    await settle(page);
    expect(new URL(page.url()).pathname).toBe('/register');
    await expectHeading(page, TEXT.registerHeading);
    if (what === 'on the blocklist') {
      await expect(errorSummary(page)).toContainText(/too common/i);
    }
    expect(mailsTo(email), 'no verification email for a refused registration').toEqual([]);
  });
}
