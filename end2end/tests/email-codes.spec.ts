// Codes by email as the second factor, the weakest one: chosen at registration with a warning,
// proven with an emailed code, then used to sign in. Mail goes through the test-owned SMTP
// listener. Runs hydrated and with JavaScript off; axe audits the new page where scripts run.
import { expect, test } from '../support/fixtures';
import { auditPage } from '../support/axe';
import {
  TEXT,
  button,
  expectHeading,
  field,
  fillRegistration,
  isHydrated,
  newEmail,
  openPage,
  signOut,
  strongPassword,
  submitRegistration,
  verifyEmail,
  waitForPath,
} from '../support/journey';
import { waitForMail } from '../support/mail';

const CODE_PATTERN = /Your Caseport code is (\d{6})\b/;

async function emailedCode(email: string, since: number): Promise<string> {
  const mail = await waitForMail(email, since);
  const match = CODE_PATTERN.exec(mail.text);
  if (!match) throw new Error(`no code in the newest email to ${email}: ${mail.subject}`);
  return match[1];
}

test('email codes chosen at registration sign the person in', async ({ page }) => {
  test.setTimeout(120_000);
  const email = newEmail();
  const password = strongPassword();

  await test.step('register and choose email codes, with the warning that they are weakest', async () => {
    await openPage(page, '/register');
    await fillRegistration(page, { email, password });
    const since = await submitRegistration(page);
    await verifyEmail(page, email, since);
    await page.getByRole('link', { name: 'Get codes by email instead (the least secure choice)' }).click();
    await waitForPath(page, '/setup-email-codes');
    await expectHeading(page, 'Get codes by email');
    await expect(page.getByText('This is the least secure choice')).toBeVisible();
    if (isHydrated()) await auditPage(page, '/setup-email-codes');
  });

  await test.step('the emailed code turns email codes on and signs in', async () => {
    const since = Date.now();
    await button(page, 'Email me a code').click();
    await expect(page.locator('#code-sent')).toContainText('We sent a code to your email address');
    await field(page, 'Code from the email').fill(await emailedCode(email, since));
    await button(page, 'Confirm and continue').click();
    await waitForPath(page, '/account');
    await expectHeading(page, TEXT.accountHeading);
    await openPage(page, '/account/security');
    await expect(page.locator('#factor-email')).toContainText('Codes by email, turned on');
    await signOut(page);
  });

  await test.step('signing in asks for an emailed code', async () => {
    await openPage(page, '/sign-in');
    await field(page, 'Email address').fill(email);
    await field(page, 'Password').fill(password);
    await button(page, 'Sign in').click();
    await waitForPath(page, '/sign-in/code');
    await expectHeading(page, 'Get a code by email');
    const since = Date.now();
    await button(page, 'Email me a code').click();
    await expect(page.locator('#code-sent')).toContainText('We sent a code to your email address');
    await field(page, 'Code from the email').fill(await emailedCode(email, since));
    await button(page, 'Verify').click();
    await waitForPath(page, '/account');
    await expectHeading(page, TEXT.accountHeading);
  });
});
