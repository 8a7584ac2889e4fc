// The Devices page and changing the password: a person signed in on two browsers sees both, signs
// the other one out from here, then changes their password (the current one is checked) and signs
// in with the new one. Runs hydrated (with the axe audit) and without JavaScript.
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
  openPage,
  registerAndEnrol,
  signIn,
  signOut,
  strongPassword,
  waitForPath,
} from '../support/journey';
import { waitForMail } from '../support/mail';

async function audit(page: Page, label: string): Promise<void> {
  if (isHydrated()) await auditPage(page, label);
}

test('a person sees every signed-in browser, signs one out, and changes their password', async ({
  page,
  browser,
  pageProblems,
}) => {
  test.setTimeout(120_000);
  allowRefusedServerCall(pageProblems, 'change_password', 403, 'the test enters a wrong current password');
  const account = await registerAndEnrol(page);
  const otherContext = await browser.newContext({ javaScriptEnabled: isHydrated() });
  const other = await otherContext.newPage();
  await signIn(other, account);

  await test.step('the Devices page lists both browsers and signs the other one out', async () => {
    await page.getByRole('link', { name: 'Devices', exact: true }).click();
    await waitForPath(page, '/account/devices');
    await expectHeading(page, 'Devices');
    const devices = page.locator('li.caseport-device');
    await expect(devices).toHaveCount(2);
    const thisDevice = page.getByText('This device', { exact: true });
    await expect(devices.filter({ has: thisDevice })).toHaveCount(1);
    await expect(devices.first()).toContainText('127.0.0.1');
    await expect(devices.first()).toContainText('Chrome');
    await audit(page, '/account/devices');
    await devices.filter({ hasNot: thisDevice }).getByRole('button', { name: 'Sign out this device' }).click();
    await waitForPath(page, '/account/devices');
    await expect(page.getByText('The device was signed out.')).toBeVisible();
    await expect(page.locator('li.caseport-device')).toHaveCount(1);
    await openPage(other, '/account');
    await waitForPath(other, '/sign-in');
  });

  await test.step('changing the password needs the current one', async () => {
    await openPage(page, '/account');
    await page.getByRole('link', { name: 'Change your password', exact: true }).click();
    await waitForPath(page, '/account/password');
    await expectHeading(page, 'Change your password');
    await audit(page, '/account/password');
    await expect(field(page, 'Sign out of every other device')).toBeChecked();
    const fresh = strongPassword();
    await field(page, 'Current password').fill('not my current password');
    await field(page, 'Password').fill(fresh);
    await field(page, 'Confirm password').fill(fresh);
    await button(page, 'Change password').click();
    await expect(errorSummary(page)).toContainText('Your current password is not correct. Nothing was changed.');
    await field(page, 'Current password').fill(account.password);
    await field(page, 'Password').fill(fresh);
    await field(page, 'Confirm password').fill(fresh);
    const since = Date.now();
    await button(page, 'Change password').click();
    await waitForPath(page, '/account/password');
    await expect(page.getByText('Your password was changed.')).toBeVisible();
    const notice = await waitForMail(account.email, since);
    expect(notice.subject).toBe('Your Caseport password was changed');
    account.password = fresh;
  });

  await test.step('signing in with the new password', async () => {
    await signOut(page);
    await signIn(page, account);
    await expectHeading(page, TEXT.accountHeading);
  });
  await otherContext.close();
});
