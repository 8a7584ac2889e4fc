// A sign-in from a browser the account has not seen emails the owner; its "This wasn't me" link
// secures the account: every browser is signed out and the password stops working until recovery.
// Runs hydrated (with axe on the link's page) and with JavaScript off.
import { expect, test } from '../support/fixtures';
import { auditPage } from '../support/axe';
import {
  button,
  errorSummary,
  expectHeading,
  field,
  isHydrated,
  openPage,
  registerAndEnrol,
  signIn,
  waitForPath,
} from '../support/journey';
import { waitForMail } from '../support/mail';

test('a sign-in from a new browser is emailed, and "This wasn\'t me" signs everyone out and turns the password off', async ({
  browser,
  page,
}) => {
  test.setTimeout(120_000);
  const account = await registerAndEnrol(page);

  let link = '';
  await test.step('a second browser signs in and the owner is emailed', async () => {
    const other = await browser.newContext({ javaScriptEnabled: isHydrated() });
    const otherPage = await other.newPage();
    const since = Date.now();
    await signIn(otherPage, account);
    const mail = await waitForMail(account.email, since);
    expect(mail.subject).toBe('New sign-in to your Caseport account');
    expect(mail.text).toContain('127.0.0.1');
    const found = /(https?:\/\/\S+\/sign-in-alert\?token=[A-Za-z0-9_-]+)/.exec(mail.text);
    expect(found, mail.text).not.toBeNull();
    link = (found as RegExpExecArray)[1];
    await other.close();
  });

  await test.step('the owner secures the account from the link', async () => {
    await page.goto(link);
    await expectHeading(page, 'Secure your account');
    if (isHydrated()) await auditPage(page, '/sign-in-alert');
    const since = Date.now();
    await button(page, 'It was not me: secure my account').click();
    await expect(page.locator('#account-secured')).toContainText('Your account is secured.');
    expect(new URL(page.url()).search).toBe('?done=1');
    const mail = await waitForMail(account.email, since);
    expect(mail.subject).toBe('Your Caseport account was secured');
  });

  await test.step('every browser is signed out and the password no longer works', async () => {
    await openPage(page, '/profile');
    await waitForPath(page, '/sign-in');
    await field(page, 'Email address').fill(account.email);
    await field(page, 'Password').fill(account.password);
    await button(page, 'Sign in').click();
    await expect(errorSummary(page)).toContainText('Your password is turned off');
  });

  await test.step('the link works once', async () => {
    await page.goto(link);
    await button(page, 'It was not me: secure my account').click();
    await expect(page.locator('#dead-link')).toContainText('This link no longer works');
    expect(new URL(page.url()).search).toBe('?invalid=1');
  });
});
