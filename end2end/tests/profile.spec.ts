// Editing the Profile: personal details (every problem listed at once, then saved and shown) and
// a change of email address confirmed with the code the SMTP listener received at the new
// address; afterwards the new address is the one shown. Runs hydrated (with axe) and with
// JavaScript off.
import { allowRefusedServerCall, expect, test } from '../support/fixtures';
import { auditPage } from '../support/axe';
import {
  TEXT,
  button,
  errorSummary,
  expectHeading,
  field,
  isHydrated,
  newEmail,
  openPage,
  registerAndEnrol,
  waitForPath,
} from '../support/journey';
import { waitForMail } from '../support/mail';

test('a person fills in their personal details, fixing what the form points out', async ({ page, pageProblems }) => {
  test.setTimeout(120_000);
  allowRefusedServerCall(pageProblems, 'save_personal_details', 422, 'the test first submits a bad date and ZIP code');
  await registerAndEnrol(page);

  await test.step('Profile says nothing is given yet and leads to the form', async () => {
    await openPage(page, '/profile');
    await expectHeading(page, TEXT.profileHeading);
    await expect(page.locator('#profile-name')).toHaveText('Not given');
    if (isHydrated()) await auditPage(page, '/profile');
    await page.getByRole('link', { name: 'Edit personal details' }).click();
    await waitForPath(page, '/account/details');
    await expectHeading(page, 'Edit personal details');
    if (isHydrated()) await auditPage(page, '/account/details');
  });

  await test.step('a date that does not exist and a short ZIP code are both pointed out', async () => {
    await field(page, 'First or given name').fill('Ana');
    await field(page, 'Last or family name').fill('Example');
    await field(page, 'Month').fill('2');
    await field(page, 'Day').fill('30');
    await field(page, 'Year').fill('1990');
    await field(page, 'Street address').fill('1 Main St');
    await field(page, 'City or town').fill('Springfield');
    await field(page, 'State, territory or military post office').selectOption('IL');
    await field(page, 'ZIP code').fill('6270');
    await button(page, 'Save').click();
    await expect(errorSummary(page)).toContainText('Enter a real date');
    await expect(errorSummary(page)).toContainText('Enter a 5-digit ZIP code');
    if (isHydrated()) await auditPage(page, '/account/details (with errors)');
  });

  await test.step('corrected, the details are saved and shown on the Profile', async () => {
    await field(page, 'First or given name').fill('Ana');
    await field(page, 'Last or family name').fill('Example');
    await field(page, 'Month').fill('2');
    await field(page, 'Day').fill('28');
    await field(page, 'Year').fill('1990');
    await field(page, 'Street address').fill('1 Main St');
    await field(page, 'City or town').fill('Springfield');
    await field(page, 'State, territory or military post office').selectOption('IL');
    await field(page, 'ZIP code').fill('62701');
    await button(page, 'Save').click();
    await waitForPath(page, '/profile');
    await expect(page.getByRole('status').filter({ hasText: 'Your personal details were saved.' })).toBeVisible();
    await expect(page.locator('#profile-name')).toHaveText('Ana Example');
    await expect(page.locator('#profile-date-of-birth')).toHaveText('2/28/1990');
    await expect(page.locator('#profile-address')).toContainText('Springfield, Illinois 62701');
  });
});

test('a person moves their account to a new email address with the code sent there', async ({ page, pageProblems }) => {
  test.setTimeout(120_000);
  allowRefusedServerCall(pageProblems, 'confirm_email_change', 422, 'the test enters a wrong code first');
  const account = await registerAndEnrol(page);
  const next = newEmail();

  await test.step('the new address gets a code', async () => {
    await openPage(page, '/profile');
    await page.getByRole('link', { name: 'Change email address' }).click();
    await waitForPath(page, '/account/email');
    await expectHeading(page, 'Change your email address');
    await expect(page.locator('#current-email')).toHaveText(account.email);
    if (isHydrated()) await auditPage(page, '/account/email');
  });

  const since = Date.now();
  await field(page, 'New email address').fill(next);
  await button(page, 'Send code').click();
  await expect(page.locator('#code-sent')).toContainText(next);
  const mail = await waitForMail(next, since);
  const code = /Your Caseport code is (\d{6})/.exec(mail.text)?.[1];
  expect(code, mail.text).toBeTruthy();

  await test.step('a wrong code changes nothing', async () => {
    await field(page, 'Code from the email').fill(code === '000000' ? '000001' : '000000');
    await button(page, 'Change email address').click();
    await expect(errorSummary(page)).toContainText('That code is not correct or has expired.');
    if (isHydrated()) await auditPage(page, '/account/email (code, with errors)');
  });

  await test.step('the right code moves the account and the old address is told', async () => {
    const changedAt = Date.now();
    await field(page, 'Code from the email').fill(code!);
    await button(page, 'Change email address').click();
    await waitForPath(page, '/profile');
    await expect(page.getByRole('status').filter({ hasText: 'Your email address was changed.' })).toBeVisible();
    await expect(page.locator('#profile-email')).toHaveText(next);
    const told = await waitForMail(account.email, changedAt);
    expect(told.subject).toBe('The email address of your Caseport account was changed');
  });
});
