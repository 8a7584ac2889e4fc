// Passkeys and security keys (SECURITY.md item 23): a signed-in person adds one, names it, signs in
// with it as the second factor, renames and removes it; a key that does not verify its user is
// refused with a clear message. Chromium's virtual authenticator (DevTools protocol) plays the
// key. WebAuthn needs a domain name, so this spec runs in the `passkeys` project against the
// second server instance at http://localhost (playwright.config.ts); it needs scripts, so it has no
// JavaScript-off run (without them the pages say passkeys need JavaScript).
import type { CDPSession, Page } from '@playwright/test';
import { allowRefusedServerCall, expect, test } from '../support/fixtures';
import { auditPage } from '../support/axe';
import {
  TEXT,
  button,
  errorSummary,
  expectHeading,
  field,
  openPage,
  registerAndEnrol,
  signOut,
  waitForPath,
} from '../support/journey';

interface VirtualKey {
  cdp: CDPSession;
  authenticatorId: string;
}

/** A virtual platform authenticator that verifies its user (fingerprint, screen lock). */
async function addVirtualKey(page: Page): Promise<VirtualKey> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

async function passwordStep(page: Page, email: string, password: string): Promise<void> {
  await openPage(page, '/sign-in');
  await field(page, 'Email address').fill(email);
  await field(page, 'Password').fill(password);
  await button(page, 'Sign in').click();
  await waitForPath(page, '/sign-in/code');
  await expectHeading(page, 'Use your passkey or security key');
}

test('a passkey is added, signs in as the second factor, is renamed and removed', async ({ page, pageProblems }) => {
  test.setTimeout(120_000);
  allowRefusedServerCall(pageProblems, 'start_passkey_registration', 422, 'the test first leaves the name empty');
  const account = await registerAndEnrol(page);
  const key = await addVirtualKey(page);

  await test.step('Sign-in and security offers a passkey; it is named and made', async () => {
    await openPage(page, '/account/security');
    await expect(page.getByRole('heading', { name: 'Passkeys and security keys' })).toBeVisible();
    await page.getByRole('link', { name: 'Add a passkey or security key' }).click();
    await waitForPath(page, '/account/security/passkey');
    await expectHeading(page, 'Add a passkey or security key');
    await auditPage(page, '/account/security/passkey');
    await button(page, 'Create passkey').click();
    await expect(errorSummary(page)).toContainText('Give it a name of 1 to 60 characters.');
    await field(page, 'Name').fill('Work laptop');
    await button(page, 'Create passkey').click();
    await waitForPath(page, '/account/security');
    await expect(page.locator('#passkey-added')).toContainText('The passkey was added.');
    await expect(page.locator('#passkeys')).toContainText('Work laptop');
    await auditPage(page, '/account/security (with a passkey)');
    const { credentials } = await key.cdp.send('WebAuthn.getCredentials', { authenticatorId: key.authenticatorId });
    expect(credentials).toHaveLength(1);
  });

  await test.step('signing in offers the passkey first and it signs the person in', async () => {
    await signOut(page);
    await passwordStep(page, account.email, account.password);
    await auditPage(page, '/sign-in/code (passkey)');
    await button(page, 'Use passkey or security key').click();
    await waitForPath(page, '/account');
    await expectHeading(page, TEXT.accountHeading);
  });

  await test.step('a key that cannot verify its user is refused with a clear message', async () => {
    await signOut(page);
    await passwordStep(page, account.email, account.password);
    await key.cdp.send('WebAuthn.setUserVerified', { authenticatorId: key.authenticatorId, isUserVerified: false });
    await button(page, 'Use passkey or security key').click();
    await expect(errorSummary(page)).toContainText('Your passkey or security key was not accepted');
    await key.cdp.send('WebAuthn.setUserVerified', { authenticatorId: key.authenticatorId, isUserVerified: true });
    await page.getByRole('link', { name: 'Choose another method' }).click();
    await waitForPath(page, '/sign-in/methods');
    await page.getByRole('link', { name: 'Passkey or security key' }).click();
    await waitForPath(page, '/sign-in/passkey');
    await button(page, 'Use passkey or security key').click();
    await waitForPath(page, '/account');
  });

  await test.step('the passkey is renamed, then removed (the app stays)', async () => {
    await openPage(page, '/account/security');
    await page.getByLabel('New name Work laptop').fill('Blue key');
    await button(page, 'Rename').click();
    await expect(page.locator('#passkeys')).toContainText('Blue key');
    await page.getByRole('button', { name: 'Remove Blue key' }).click();
    await waitForPath(page, '/account/security');
    await expect(page.getByText('The sign-in method was removed')).toBeVisible();
    await expect(page.locator('#passkeys li')).toHaveCount(0);
    await expect(page.locator('#factor-app')).toContainText('Authentication app, added');
  });
});
