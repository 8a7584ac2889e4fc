// Deleting an account from Profile: the page says what is deleted and what is kept, refuses
// until the box is ticked, then signs the person out; the password no longer opens anything.
// Runs hydrated (with axe) and with JavaScript off.
import { allowRefusedServerCall, expect, test } from '../support/fixtures';
import { auditPage } from '../support/axe';
import {
  TEXT,
  button,
  errorSummary,
  expectHeading,
  field,
  isHydrated,
  openPage,
  registerAndEnrol,
  waitForPath,
} from '../support/journey';
import { waitForMail } from '../support/mail';

test('a person deletes their account after reading what is kept, and it is gone', async ({ page, pageProblems }) => {
  test.setTimeout(120_000);
  allowRefusedServerCall(pageProblems, 'delete_account', 422, 'the test submits without ticking the box');
  allowRefusedServerCall(pageProblems, 'sign_in', 401, 'the test signs in to the deleted account');
  const account = await registerAndEnrol(page);

  await test.step('Profile leads to the deletion page', async () => {
    await openPage(page, '/profile');
    await page.getByRole('link', { name: 'Delete your account' }).click();
    await waitForPath(page, '/account/delete');
    await expectHeading(page, 'Delete your account');
    await expect(page.getByRole('heading', { name: 'What is kept' })).toBeVisible();
    await expect(page.getByText('Your cases and their history', { exact: false })).toBeVisible();
    if (isHydrated()) await auditPage(page, '/account/delete');
  });

  await test.step('without the box ticked nothing happens', async () => {
    await button(page, 'Delete my account').click();
    await expect(errorSummary(page)).toContainText('Tick the box to confirm');
    if (isHydrated()) await auditPage(page, '/account/delete (with errors)');
  });

  await test.step('with it, the account is deleted and the person signed out', async () => {
    const since = Date.now();
    await page.getByLabel('I understand that deleting my account cannot be undone').check();
    await button(page, 'Delete my account').click();
    await waitForPath(page, '/sign-in');
    await expect(page.locator('#account-deleted')).toContainText('Your account was deleted.');
    const mail = await waitForMail(account.email, since);
    expect(mail.subject).toBe('Your Caseport account was deleted');
  });

  await test.step('the password opens nothing any more', async () => {
    await openPage(page, '/sign-in');
    await field(page, 'Email address').fill(account.email);
    await field(page, 'Password').fill(account.password);
    await button(page, 'Sign in').click();
    await expect(errorSummary(page)).toBeVisible();
    await expectHeading(page, TEXT.signInHeading);
  });
});
