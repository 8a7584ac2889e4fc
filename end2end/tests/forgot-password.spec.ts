// A forgotten password: "Forgot your password?" → the emailed link → the security questions → a code
// from the authentication app → a new password → every device signed out → signing in with the new
// password. Runs hydrated (with the axe audit and the "Show password" toggle) and without JavaScript.
import type { Page } from '@playwright/test';
import { allowRefusedServerCall, expect, test } from '../support/fixtures';
import { auditPage } from '../support/axe';
import {
  TEXT,
  button,
  errorSummary,
  expectHeading,
  field,
  isHydrated,
  markUsed,
  openPage,
  registerAndEnrol,
  signOut,
  strongPassword,
  submitAuthenticationCode,
  unusedCode,
  waitForPath,
} from '../support/journey';
import { waitForMail } from '../support/mail';

/** The questions registration picks (options 1 to 3) and the answers this spec gives them. */
const ANSWERS: Record<string, string> = {
  'What was the name of your first school?': 'Lincoln Elementary',
  'In what city did your parents meet?': 'Oaxaca',
  'What was the make of your first car?': 'Volkswagen',
};

async function audit(page: Page, label: string): Promise<void> {
  if (isHydrated()) await auditPage(page, label);
}

/** The reset link in the newest "Reset your Caseport password" email since `since`. */
async function resetLink(email: string, since: number): Promise<string> {
  const mail = await waitForMail(email, since);
  expect(mail.subject).toBe('Reset your Caseport password');
  const match = /(https?:\/\/\S+\/reset-password\?token=[A-Za-z0-9_-]+)/.exec(mail.text);
  expect(match, `a reset link in:\n${mail.text}`).not.toBeNull();
  return (match as RegExpExecArray)[1];
}

test('a person who forgot their password resets it with the emailed link, their answers and a code', async ({
  page,
  pageProblems,
}) => {
  test.setTimeout(120_000);
  allowRefusedServerCall(pageProblems, 'answer_recovery_questions', 422, 'the test gives a wrong answer first');
  const answers = Object.values(ANSWERS) as [string, string, string];
  const account = await registerAndEnrol(page, { answers });
  await signOut(page);

  let link = '';
  await test.step('"Forgot your password?" sends a link', async () => {
    if (isHydrated()) {
      const password = field(page, 'Password');
      await expect(password).toHaveAttribute('type', 'password');
      await button(page, 'Show password').click();
      await expect(password).toHaveAttribute('type', 'text');
      await button(page, 'Hide password').click();
      await expect(password).toHaveAttribute('type', 'password');
    } else {
      await expect(page.getByRole('button', { name: 'Show password' })).toHaveCount(0);
    }
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await waitForPath(page, '/forgot-password');
    await expectHeading(page, 'Reset your password');
    await audit(page, '/forgot-password');
    const since = Date.now();
    await field(page, 'Email address').fill(account.email.toUpperCase());
    await button(page, 'Send the link').click();
    await expect(page.getByText('If an account uses that address, we have sent it a link')).toBeVisible();
    link = await resetLink(account.email, since);
  });

  await test.step('the link, then the security questions', async () => {
    await page.goto(link);
    await expectHeading(page, 'Continue resetting your password');
    await audit(page, '/reset-password');
    await button(page, 'Continue').click();
    await waitForPath(page, '/reset-password/questions');
    await expectHeading(page, 'Answer your security questions');
    for (const question of Object.keys(ANSWERS)) await field(page, question).fill('wrong answer');
    await button(page, 'Continue').click();
    await expect(errorSummary(page)).toContainText('One or more answers do not match');
    await audit(page, '/reset-password/questions (with errors)');
    for (const [question, answer] of Object.entries(ANSWERS)) await field(page, question).fill(answer.toUpperCase());
    await button(page, 'Continue').click();
    await waitForPath(page, '/reset-password/verify');
  });

  await test.step('a code from the app, then the new password', async () => {
    await expectHeading(page, 'Enter a code');
    await audit(page, '/reset-password/verify');
    const { code, step } = await unusedCode(account);
    await field(page, 'Authentication code or backup code').fill(code);
    await button(page, 'Continue').click();
    await waitForPath(page, '/reset-password/new');
    markUsed(account, step);
    await expectHeading(page, 'Choose a new password');
    await audit(page, '/reset-password/new');
    account.password = strongPassword();
    await field(page, 'Password').fill(account.password);
    await field(page, 'Confirm password').fill(account.password);
    const since = Date.now();
    await button(page, 'Change password').click();
    await waitForPath(page, '/sign-in');
    await expect(page.getByText('Your password was changed and every device was signed out.')).toBeVisible();
    const notice = await waitForMail(account.email, since);
    expect(notice.subject).toBe('Your Caseport password was changed');
  });

  await test.step('the used link does not work again', async () => {
    await page.goto(link);
    await button(page, 'Continue').click();
    await waitForPath(page, '/forgot-password');
    await expect(page.getByText('This link has expired or has already been used. Ask for a new one.')).toBeVisible();
  });

  await test.step('signing in with the new password', async () => {
    await openPage(page, '/sign-in');
    await field(page, 'Email address').fill(account.email);
    await field(page, 'Password').fill(account.password);
    await button(page, 'Sign in').click();
    await waitForPath(page, '/sign-in/code');
    const { code, step } = await unusedCode(account);
    await submitAuthenticationCode(page, code);
    await waitForPath(page, '/account');
    await expectHeading(page, TEXT.accountHeading);
    markUsed(account, step);
  });
});
