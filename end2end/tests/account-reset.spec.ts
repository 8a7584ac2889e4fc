// Lost every second factor: after the password, "I cannot use any of these" asks for an account
// reset, announced by email with a link to cancel. After the waiting period (the server's clock is
// moved through the development test hook, which production refuses) the same page emails a link
// that finishes it; then the password leads to setting up a new authentication app. A second
// account cancels its reset with the emailed link. Runs hydrated (with axe) and with JavaScript off.
import type { APIRequestContext, Page } from '@playwright/test';
import { expect, test } from '../support/fixtures';
import { auditPage } from '../support/axe';
import {
  TEXT,
  button,
  confirmAuthenticator,
  expectHeading,
  field,
  isHydrated,
  openPage,
  readTotpSecret,
  registerAndEnrol,
  signOut,
  waitForPath,
} from '../support/journey';
import { waitForMail } from '../support/mail';

async function moveServerClock(request: APIRequestContext, form: Record<string, string>): Promise<void> {
  const response = await request.post('/__test/clock', { form });
  expect(response.ok(), `the test clock hook answered ${response.status()}`).toBe(true);
}

test.afterEach(async ({ request }) => {
  await moveServerClock(request, { reset: '1' });
});

async function audit(page: Page, label: string): Promise<void> {
  if (isHydrated()) await auditPage(page, label);
}

async function submitPassword(page: Page, email: string, password: string): Promise<void> {
  await openPage(page, '/sign-in');
  await field(page, 'Email address').fill(email);
  await field(page, 'Password').fill(password);
  await button(page, 'Sign in').click();
}

async function passwordStep(page: Page, email: string, password: string): Promise<void> {
  await submitPassword(page, email, password);
  await waitForPath(page, '/sign-in/code');
}

/** Signs in with the password and opens "I cannot use any of these" from the methods page. */
async function openResetPage(page: Page, email: string, password: string): Promise<void> {
  await passwordStep(page, email, password);
  await page.getByRole('link', { name: 'Choose another method' }).click();
  await waitForPath(page, '/sign-in/methods');
  await page.getByRole('link', { name: 'I cannot use any of these' }).click();
  await waitForPath(page, '/sign-in/reset-methods');
  await expectHeading(page, 'Reset your sign-in methods');
}

/** Asks for a reset from the methods page; returns the emailed cancel link. */
async function askForReset(page: Page, email: string, password: string): Promise<string> {
  await openResetPage(page, email, password);
  await expect(page.getByText('For your safety this takes 24 hours', { exact: false })).toBeVisible();
  await audit(page, '/sign-in/reset-methods');
  const since = Date.now();
  await button(page, 'Reset my sign-in methods').click();
  await expect(page.locator('#reset-pending')).toContainText('A reset of your sign-in methods is under way');
  const mail = await waitForMail(email, since);
  expect(mail.subject).toBe('A reset of your Caseport sign-in methods was asked for');
  const link = /(https?:\/\/\S+\/account-reset\/cancel\?token=[A-Za-z0-9_-]+)/.exec(mail.text);
  expect(link, mail.text).not.toBeNull();
  return (link as RegExpExecArray)[1];
}

test('after the waiting period the reset removes every method and the person sets up a new one', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const account = await registerAndEnrol(page);
  await signOut(page);
  await askForReset(page, account.email, account.password);

  await test.step('before the waiting period ends the reset cannot be finished', async () => {
    await moveServerClock(request, { advance_secs: String(23 * 3600) });
    await openResetPage(page, account.email, account.password);
    await expect(page.locator('#reset-pending')).toBeVisible();
    await expect(button(page, 'Email me the link')).toHaveCount(0);
  });

  await test.step('after it, the emailed link finishes the reset', async () => {
    await moveServerClock(request, { advance_secs: String(3600 + 60) });
    await openResetPage(page, account.email, account.password);
    await expect(page.locator('#reset-ready')).toBeVisible();
    const since = Date.now();
    await button(page, 'Email me the link').click();
    await expect(page.locator('#finish-sent')).toContainText('We emailed you a link to finish the reset.');
    const mail = await waitForMail(account.email, since);
    expect(mail.subject).toBe('Finish resetting your Caseport sign-in methods');
    const link = /(https?:\/\/\S+\/account-reset\/finish\?token=[A-Za-z0-9_-]+)/.exec(mail.text);
    expect(link, mail.text).not.toBeNull();
    await page.goto((link as RegExpExecArray)[1]);
    await expectHeading(page, 'Finish resetting your sign-in methods');
    await audit(page, '/account-reset/finish');
    const finishedAt = Date.now();
    await button(page, 'Finish the reset').click();
    await expect(page.locator('#reset-finished')).toContainText('Your sign-in methods were removed.');
    const notice = await waitForMail(account.email, finishedAt);
    expect(notice.subject).toBe('Your Caseport sign-in methods were reset');
  });

  await test.step('the password now leads to setting up a new authentication app', async () => {
    // Back to real time: the new app's codes are computed from this machine's clock.
    await moveServerClock(request, { reset: '1' });
    await submitPassword(page, account.email, account.password);
    await waitForPath(page, '/setup-authenticator');
    const secret = await readTotpSecret(page);
    await confirmAuthenticator(page, secret);
    await waitForPath(page, '/account');
    await expectHeading(page, TEXT.accountHeading);
  });
});

test('the emailed link cancels a reset', async ({ page, request }) => {
  test.setTimeout(120_000);
  const account = await registerAndEnrol(page);
  await signOut(page);
  const link = await askForReset(page, account.email, account.password);

  await test.step('the link page cancels it once', async () => {
    const since = Date.now();
    await page.goto(link);
    await expectHeading(page, 'Cancel the reset of your sign-in methods');
    await audit(page, '/account-reset/cancel');
    await button(page, 'Cancel the reset').click();
    await expect(page.locator('#reset-cancelled')).toContainText('The reset was cancelled.');
    const notice = await waitForMail(account.email, since);
    expect(notice.subject).toBe('The reset of your Caseport sign-in methods was cancelled');
  });

  await test.step('a used link says so on its own page', async () => {
    await page.goto(link);
    await button(page, 'Cancel the reset').click();
    await expect(page.locator('#dead-link')).toContainText('This link no longer works');
    expect(new URL(page.url()).search).toBe('?invalid=1');
    await audit(page, '/account-reset/cancel (dead link)');
  });

  await test.step('after the waiting period there is nothing to finish', async () => {
    await moveServerClock(request, { advance_secs: String(25 * 3600) });
    await openResetPage(page, account.email, account.password);
    await expect(button(page, 'Reset my sign-in methods')).toBeVisible();
    await expect(button(page, 'Email me the link')).toHaveCount(0);
  });
});
