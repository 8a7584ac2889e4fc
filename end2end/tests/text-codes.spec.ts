// Codes by text message as the second factor: set up a phone instead of an app at registration,
// prove it with a texted code, then sign in with a texted code. Texts go through the app's outbox
// to the test-owned HTTP provider (support/sms-sink.ts), as they would to a real one. Runs hydrated
// and with JavaScript off; axe audits the new pages where scripts run.
import type { Page } from '@playwright/test';
import { allowRefusedServerCall, expect, test } from '../support/fixtures';
import { auditPage } from '../support/axe';
import {
  TEXT,
  button,
  errorSummary,
  expectHeading,
  field,
  fillRegistration,
  isHydrated,
  newEmail,
  openPage,
  registerAndEnrol,
  signOut,
  strongPassword,
  submitRegistration,
  verifyEmail,
  waitForPath,
} from '../support/journey';
import { waitForTextCode } from '../support/sms';

async function audit(page: Page, label: string): Promise<void> {
  if (isHydrated()) await auditPage(page, label);
}

/** A random number in the US 555-01xx fictional range, as typed and in E.164 form. */
function testPhone(): { typed: string; e164: string } {
  const line = String(Math.floor(Math.random() * 100_000)).padStart(5, '0');
  return { typed: `(555) 01${line.slice(0, 1)}-${line.slice(1)}`, e164: `+155501${line}` };
}

test('a phone set up at registration gets texted codes that sign the person in', async ({ page, pageProblems }) => {
  test.setTimeout(120_000);
  allowRefusedServerCall(pageProblems, 'verify_sent_code', 422, 'the test enters a wrong code');
  const email = newEmail();
  const password = strongPassword();
  const phone = testPhone();

  await test.step('register and choose text messages instead of an app', async () => {
    await openPage(page, '/register');
    await fillRegistration(page, { email, password });
    const since = await submitRegistration(page);
    await verifyEmail(page, email, since);
    await page.getByRole('link', { name: 'Get codes by text message instead' }).click();
    await waitForPath(page, '/setup-phone');
    await expectHeading(page, 'Get codes by text message');
    await audit(page, '/setup-phone');
  });

  await test.step('a bad number is refused with a clear message', async () => {
    await field(page, 'Phone number').fill('12345');
    await button(page, 'Send code').click();
    await expect(errorSummary(page)).toContainText('Enter a phone number that can receive text messages');
  });

  await test.step('the texted code binds the phone and signs in', async () => {
    await field(page, 'Phone number').fill(phone.typed);
    const since = Date.now();
    await button(page, 'Send code').click();
    await expect(page.locator('#code-sent')).toContainText('We sent a code by text message');
    const code = await waitForTextCode(phone.e164, since);
    await field(page, 'Code from the text message').fill(code);
    await button(page, 'Confirm and continue').click();
    await waitForPath(page, '/account');
    await expectHeading(page, TEXT.accountHeading);
  });

  await test.step('Sign-in and security lists the phone by its last four digits', async () => {
    await openPage(page, '/account/security');
    await expect(page.locator('#factor-phone')).toContainText(
      `Text messages to the phone number ending in ${phone.e164.slice(-4)}`,
    );
    await expect(page.locator('#factor-app')).toContainText('No authentication app is set up.');
    await signOut(page);
  });

  await test.step('signing in asks for a texted code; a wrong one is refused, the right one works', async () => {
    await openPage(page, '/sign-in');
    await field(page, 'Email address').fill(email);
    await field(page, 'Password').fill(password);
    await button(page, 'Sign in').click();
    await waitForPath(page, '/sign-in/code');
    await expectHeading(page, 'Get a code by text message');
    await audit(page, '/sign-in/code (text)');
    const since = Date.now();
    await button(page, 'Text me a code').click();
    await expect(page.locator('#code-sent')).toContainText('We sent a code by text message');
    const code = await waitForTextCode(phone.e164, since);
    const wrong = code === '000000' ? '111111' : '000000';
    await field(page, 'Code from the text message').fill(wrong);
    await button(page, 'Verify').click();
    await expect(errorSummary(page)).toContainText('That code is not correct, has expired or was already used.');
    await field(page, 'Code from the text message').fill(code);
    await button(page, 'Verify').click();
    await waitForPath(page, '/account');
    await expectHeading(page, TEXT.accountHeading);
  });
});

test('a signed-in person adds a phone to their app, then removes it again', async ({ page }) => {
  test.setTimeout(120_000);
  await registerAndEnrol(page);
  const phone = testPhone();

  await test.step('Sign-in and security offers a phone, set up with a texted code', async () => {
    await openPage(page, '/account/security');
    await page.getByRole('link', { name: 'Add a phone for text messages' }).click();
    await waitForPath(page, '/account/security/phone');
    await expectHeading(page, 'Get codes by text message');
    await audit(page, '/account/security/phone');
    await field(page, 'Phone number').fill(phone.e164);
    const since = Date.now();
    await button(page, 'Send code').click();
    await expect(page.locator('#code-sent')).toContainText('We sent a code by text message');
    await field(page, 'Code from the text message').fill(await waitForTextCode(phone.e164, since));
    await button(page, 'Confirm and continue').click();
    await waitForPath(page, '/account/security');
    await expect(page.locator('#factor-phone')).toContainText(`ending in ${phone.e164.slice(-4)}`);
    await expect(page.locator('#factor-app')).toContainText('Authentication app, added');
    await audit(page, '/account/security (two methods)');
  });

  await test.step('removing the phone leaves the app', async () => {
    await button(page, 'Remove the phone').click();
    await waitForPath(page, '/account/security');
    await expect(page.getByText('The sign-in method was removed')).toBeVisible();
    await expect(page.locator('#factor-phone')).toHaveCount(0);
    await expect(button(page, 'Remove the authentication app')).toHaveCount(0);
  });
});
