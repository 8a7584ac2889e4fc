// Backup codes and the account's security pages: make a set and save it, sign in with a code when
// the phone is not at hand, see it in the account history, confirm it is you with a code, and make
// a new set that replaces the old one. Runs hydrated and with JavaScript off; the axe audit of the
// new pages runs where axe can (hydrated).
import fs from 'node:fs';
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
  signInWithPassword,
  signOut,
  waitForPath,
} from '../support/journey';
import { waitForMail } from '../support/mail';

const CODE_PATTERN = /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/;

/** Audits the page with axe where scripts run (axe is injected as a script). */
async function audit(page: Page, label: string): Promise<void> {
  if (isHydrated()) await auditPage(page, label);
}

/** The codes on the "Your new backup codes" page. */
async function readCodes(page: Page): Promise<string[]> {
  const items = page.locator('#backup-codes code');
  await expect(items).toHaveCount(10);
  const codes = (await items.allTextContents()).map((text) => text.trim());
  for (const code of codes) expect(code).toMatch(CODE_PATTERN);
  expect(new Set(codes).size).toBe(10);
  return codes;
}

/** From /account/security: makes a set, checks the download, saves it; returns the codes. */
async function makeCodes(page: Page, buttonName: string): Promise<string[]> {
  await button(page, buttonName).click();
  await waitForPath(page, '/account/security/backup-codes');
  await expectHeading(page, 'Your new backup codes');
  const codes = await readCodes(page);
  const link = page.getByRole('link', { name: 'Download as a text file' });
  await expect(link).toHaveAttribute('download', 'caseport-backup-codes.txt');
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const saved = fs.readFileSync(await download.path(), 'utf8');
  for (const code of codes) expect(saved).toContain(code);
  await audit(page, '/account/security/backup-codes');
  await button(page, 'I have saved my backup codes').click();
  await waitForPath(page, '/account/security');
  await expect(page.getByText('Your new backup codes are ready to use.')).toBeVisible();
  await expect(page.locator('#backup-code-count')).toContainText('10 of 10 backup codes left');
  return codes;
}

test('backup codes are made, saved, used once to sign in, shown in the history, and replaced', async ({
  page,
  pageProblems,
}) => {
  test.setTimeout(120_000);
  allowRefusedServerCall(pageProblems, 'verify_backup_code', 422, 'the test enters a used and a wrong backup code');
  const account = await registerAndEnrol(page);

  let codes: string[] = [];
  await test.step('Sign-in and security lists the app and makes a first set of codes', async () => {
    await page.getByRole('link', { name: 'Sign-in and security', exact: true }).click();
    await waitForPath(page, '/account/security');
    await expectHeading(page, 'Sign-in and security');
    await expect(page.locator('#factor-app')).toContainText('Authentication app, added');
    await expect(page.getByText('You have no backup codes yet.')).toBeVisible();
    await audit(page, '/account/security');
    codes = await makeCodes(page, 'Make backup codes');
  });

  await test.step('the codes are shown once', async () => {
    await openPage(page, '/account/security/backup-codes');
    await expect(page.getByText('These codes have already been shown.')).toBeVisible();
    await expect(page.locator('#backup-codes')).toHaveCount(0);
  });

  await test.step('signing in with a backup code instead of the app', async () => {
    await signOut(page);
    await signInWithPassword(page, account.email, account.password);
    await page.getByRole('link', { name: 'Choose another method' }).click();
    await waitForPath(page, '/sign-in/methods');
    await expectHeading(page, 'Choose how to finish signing in');
    await audit(page, '/sign-in/methods');
    await page.getByRole('link', { name: 'Backup code', exact: true }).click();
    await waitForPath(page, '/sign-in/backup-code');
    await expectHeading(page, 'Enter a backup code');
    await field(page, 'Backup code').fill('ABCD-EFGH-JKMN-PQRS');
    await button(page, 'Verify').click();
    await expect(errorSummary(page)).toContainText('That backup code is not correct.');
    await audit(page, '/sign-in/backup-code (with errors)');
    const since = Date.now();
    await field(page, 'Backup code').fill(codes[0].toLowerCase());
    await button(page, 'Verify').click();
    await waitForPath(page, '/account');
    await expectHeading(page, TEXT.accountHeading);
    const notice = await waitForMail(account.email, since);
    expect(notice.subject).toBe('A backup code was used on your Caseport account');
    expect(notice.text).toContain('You have 9 unused backup codes left.');
  });

  await test.step('a used code does not work again', async () => {
    await signOut(page);
    await signInWithPassword(page, account.email, account.password);
    await page.getByRole('link', { name: 'Choose another method' }).click();
    await page.getByRole('link', { name: 'Backup code', exact: true }).click();
    await waitForPath(page, '/sign-in/backup-code');
    await field(page, 'Backup code').fill(codes[0]);
    await button(page, 'Verify').click();
    await expect(errorSummary(page)).toContainText('That backup code has already been used.');
    await field(page, 'Backup code').fill(codes[1]);
    await button(page, 'Verify').click();
    await waitForPath(page, '/account');
  });

  await test.step('the account history shows the sign-ins, the failure and the codes', async () => {
    await page.getByRole('link', { name: 'Account history', exact: true }).click();
    await waitForPath(page, '/account/history');
    await expectHeading(page, 'Account history');
    const rows = page.locator('table.caseport-history tbody tr');
    await expect(rows.first()).toContainText('Signed in (backup code)');
    await expect(page.locator('table.caseport-history')).toContainText('Wrong second-step code entered (backup code)');
    await expect(page.locator('table.caseport-history')).toContainText('New backup codes made');
    await expect(page.locator('table.caseport-history')).toContainText('Sign-in method added (authentication app)');
    await expect(rows.first()).toContainText('127.0.0.1');
    await audit(page, '/account/history');
  });

  await test.step('confirming it is you with a backup code, then making a new set', async () => {
    await openPage(page, '/account/reauthenticate?next=/account/security');
    await expectHeading(page, 'Confirm it is you');
    await audit(page, '/account/reauthenticate');
    await field(page, 'Password').fill(account.password);
    await field(page, 'Authentication code or backup code').fill(codes[2]);
    await button(page, 'Confirm').click();
    await waitForPath(page, '/account/security');
    await expect(page.locator('#backup-code-count')).toContainText('7 of 10 backup codes left');
    await expect(page.getByText('Making a new set stops your old codes from working')).toBeVisible();
    const fresh = await makeCodes(page, 'Make a new set of backup codes');
    expect(fresh.some((code) => codes.includes(code))).toBe(false);
  });

  await test.step('after the new set, an old code no longer works', async () => {
    await signOut(page);
    await signInWithPassword(page, account.email, account.password);
    await openPage(page, '/sign-in/backup-code');
    await field(page, 'Backup code').fill(codes[3]);
    await button(page, 'Verify').click();
    await expect(errorSummary(page)).toContainText('That backup code is not correct.');
  });
});
