// Staff accounts made in the app (issue 7): a supervisor invites an officer from the console → the
// invitation email arrives at the SMTP listener with a one-time link → the new officer opens it in
// their own browser, chooses a password, signs in, must set up an authentication app, and reaches
// the case queue → the same link then says it was used. Runs hydrated and without JavaScript.
import { auditPage } from '../support/axe';
import { expect, test } from '../support/fixtures';
import { createStaff } from '../support/cli';
import {
  button,
  confirmAuthenticator,
  expectHeading,
  field,
  isHydrated,
  newEmail,
  openPage,
  readTotpSecret,
  settle,
  signIn,
  strongPassword,
  waitForPath,
} from '../support/journey';
import { waitForMail } from '../support/mail';

test('a supervisor invites an officer, who sets a password, enrols an authenticator and reaches the queue', async ({
  page,
  browser,
}) => {
  test.setTimeout(90_000);
  const supervisor = createStaff('supervisor');
  const email = newEmail();

  await signIn(page, supervisor);
  await openPage(page, '/officer');
  await page.getByRole('link', { name: 'Staff accounts' }).click();
  await waitForPath(page, '/officer/staff');
  await settle(page);
  await expectHeading(page, 'Staff accounts');
  await expect(page.locator('[data-staff-members]')).toContainText(supervisor.email);
  await field(page, 'Email address').fill(email);
  await field(page, 'Role').selectOption('officer');
  const since = Date.now();
  await button(page, 'Send the invitation').click();
  await page.waitForURL((url) => url.pathname === '/officer/staff' && url.search.includes('done=invited'));
  await settle(page);
  await expect(page.getByText('The invitation was sent.')).toBeVisible();
  await expect(page.locator('[data-pending-invitations]')).toContainText(email);
  // axe needs scripts: the pages are audited in the hydrated run (the same HTML as without them).
  if (isHydrated()) await auditPage(page, '/officer/staff');

  const mail = await waitForMail(email, since);
  expect(mail.subject).toBe('Your Caseport staff account');
  const link = /https?:\/\/\S+\/staff\/join\?token=[A-Za-z0-9_-]{43}/.exec(mail.text)?.[0] ?? '';
  expect(link, mail.text).not.toBe('');

  // The new officer, in their own browser.
  const context = await browser.newContext({ javaScriptEnabled: isHydrated() });
  const newcomer = await context.newPage();
  const path = new URL(link);
  await openPage(newcomer, `${path.pathname}${path.search}`);
  await expectHeading(newcomer, 'Create your staff account');
  await expect(newcomer.getByText('You were invited to work in Caseport as: Officer.', { exact: false })).toBeVisible();
  await expect(field(newcomer, 'Email address')).toHaveValue(email);
  const password = strongPassword();
  await field(newcomer, 'Password').fill(password);
  await field(newcomer, 'Confirm password').fill(`${password}x`);
  await button(newcomer, 'Create my account').click();
  await expect(newcomer.getByText('The passwords do not match.').first()).toBeVisible();
  if (isHydrated()) await auditPage(newcomer, '/staff/join (with errors)');
  await field(newcomer, 'Password').fill(password);
  await field(newcomer, 'Confirm password').fill(password);
  await button(newcomer, 'Create my account').click();
  await newcomer.waitForURL((url) => url.pathname === '/staff/join' && url.search.includes('done=1'));
  await settle(newcomer);
  await expect(newcomer.getByText('Your staff account is ready.').first()).toBeVisible();

  await newcomer.getByRole('link', { name: 'Sign in', exact: true }).last().click();
  await waitForPath(newcomer, '/sign-in');
  await field(newcomer, 'Email address').fill(email);
  await field(newcomer, 'Password').fill(password);
  await button(newcomer, 'Sign in').click();
  await waitForPath(newcomer, '/setup-authenticator');
  const secret = await readTotpSecret(newcomer);
  await confirmAuthenticator(newcomer, secret);
  await openPage(newcomer, '/officer');
  await expectHeading(newcomer, 'Case queue');
  await expect(newcomer.getByRole('link', { name: 'Staff accounts' })).toHaveCount(0);

  // The link worked once.
  await openPage(newcomer, `${path.pathname}${path.search}`);
  await expect(newcomer.getByText('This invitation was used already.', { exact: false })).toBeVisible();
  await context.close();

  // The supervisor's page lists the new officer and no longer the invitation.
  await openPage(page, '/officer/staff');
  await expect(page.locator('[data-staff-members]')).toContainText(email);
  await expect(page.getByText('No invitations are waiting.')).toBeVisible();
});
