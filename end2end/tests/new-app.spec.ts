// A signed-in person sets up a new authentication app from Sign-in and security: the new app's
// code confirms it, the old app stops working, the owner is emailed, and the next sign-in takes
// the new app. Runs hydrated (with axe on the new page) and with JavaScript off.
import { allowRefusedServerCall, expect, test } from '../support/fixtures';
import { auditPage } from '../support/axe';
import {
  TEXT,
  button,
  errorSummary,
  expectHeading,
  field,
  isHydrated,
  readTotpSecret,
  markUsed,
  registerAndEnrol,
  signInWithPassword,
  signOut,
  submitAuthenticationCode,
  unusedCode,
  waitForPath,
  wrongCode,
} from '../support/journey';
import { waitForMail } from '../support/mail';
import { nowSeconds, stepAt, totpForStep } from '../support/totp.mjs';

test('a new authentication app replaces the old one and signs the person in from then on', async ({
  page,
  pageProblems,
}) => {
  test.setTimeout(120_000);
  allowRefusedServerCall(pageProblems, 'confirm_totp_enrolment', 422, 'the test enters the old app\'s code');
  allowRefusedServerCall(pageProblems, 'verify_totp', 422, 'the test signs in with the old app');
  const account = await registerAndEnrol(page);
  const oldSecret = account.secret;

  await test.step('Sign-in and security offers a new app right after signing in', async () => {
    await page.getByRole('link', { name: 'Sign-in and security', exact: true }).click();
    await waitForPath(page, '/account/security');
    await page.getByRole('link', { name: 'Set up a new authentication app' }).click();
    await waitForPath(page, '/account/security/app');
    await expectHeading(page, 'Set up a new authentication app');
    if (isHydrated()) await auditPage(page, '/account/security/app');
  });

  await test.step('the old app\'s code does not confirm the new one; the new app\'s code does', async () => {
    const newSecret = await readTotpSecret(page);
    expect(newSecret).not.toBe(oldSecret);
    await field(page, 'Authentication code').fill(wrongCode({ ...account, secret: newSecret }));
    await button(page, 'Confirm and continue').click();
    await expect(errorSummary(page)).toBeVisible();
    if (isHydrated()) await auditPage(page, '/account/security/app (with errors)');
    const since = Date.now();
    const step = stepAt(nowSeconds());
    await field(page, 'Authentication code').fill(totpForStep(newSecret, step));
    await button(page, 'Confirm and continue').click();
    await waitForPath(page, '/account/security');
    await expect(page.locator('#app-added')).toContainText('Your new authentication app is set up.');
    const notice = await waitForMail(account.email, since);
    expect(notice.subject).toBe('An authentication app was added to your Caseport account');
    account.secret = newSecret;
    account.usedSteps = [step];
  });

  await test.step('the old app is refused at sign-in and the new one works', async () => {
    await signOut(page);
    await signInWithPassword(page, account.email, account.password);
    await submitAuthenticationCode(page, totpForStep(oldSecret, stepAt(nowSeconds())));
    await expect(errorSummary(page)).toBeVisible();
    const { code, step } = await unusedCode(account);
    await submitAuthenticationCode(page, code);
    await waitForPath(page, '/account');
    await expectHeading(page, TEXT.accountHeading);
    markUsed(account, step);
  });
});
