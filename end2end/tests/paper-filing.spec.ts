// Issue 7's acceptance journey: an officer records a paper filing → the Account Access Notice PDF
// holds the receipt number, the reserved account number and the access code → a new person
// registers with them → the case is on their home → the officer changes the status → the
// applicant's open case page and the header's unread count update by themselves (hydrated;
// without JavaScript, on reload) and an email arrives at the SMTP listener → the applicant
// downloads the approval notice → a further change updates the count on another page.
import fs from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from '../support/fixtures';
import { createStaff } from '../support/cli';
import {
  button,
  confirmAuthenticator,
  field,
  fillRegistration,
  isHydrated,
  newEmail,
  openPage,
  readTotpSecret,
  settle,
  signIn,
  strongPassword,
  submitRegistration,
  verifyEmail,
  waitForPath,
} from '../support/journey';
import { waitForMail } from '../support/mail';
import { pdfText } from '../support/pdf';

async function download(page: Page, link: string): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: link }).click()]);
  const path = await file.path();
  return { name: file.suggestedFilename(), text: pdfText(fs.readFileSync(path)) };
}

test('a paper filing becomes an online case: access notice, registration, live status, email and notice', async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  const officer = createStaff('officer');
  const applicantName = `Ana Paper ${Date.now()}`;

  // The officer records the filing and prints the Account Access Notice.
  const officerContext = await browser.newContext({ javaScriptEnabled: isHydrated() });
  const desk = await officerContext.newPage();
  await signIn(desk, officer);
  await openPage(desk, '/officer');
  await desk.getByRole('link', { name: 'Record a paper filing' }).click();
  await waitForPath(desk, '/officer/filings/new');
  await settle(desk);
  await field(desk, 'Form').selectOption('I-485');
  await field(desk, 'Service centre').selectOption('IOE');
  await field(desk, 'Applicant').fill(applicantName);
  await field(desk, 'Language of the notices').selectOption('en');
  await button(desk, 'Record filing').click();
  await desk.waitForURL((url) => url.pathname.startsWith('/officer/cases/') && url.search.includes('done=filed'));
  await settle(desk);
  await expect(desk.getByText('Paper filing recorded.', { exact: false })).toBeVisible();
  const caseUrl = new URL(desk.url());
  const notice = await download(desk, 'Download the Account Access Notice (PDF)');
  expect(notice.name).toMatch(/^IOE\d{10}-account-access-notice\.pdf$/);
  const receipt = /IOE\d{10}/.exec(notice.text)?.[0] ?? '';
  const accountNumber = /\b\d{4} \d{4} \d{4}\b/.exec(notice.text)?.[0] ?? '';
  const code = /\b[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}\b/.exec(notice.text)?.[0] ?? '';
  expect(receipt, notice.text).not.toBe('');
  expect(accountNumber, notice.text).not.toBe('');
  expect(code, notice.text).not.toBe('');
  expect(notice.text).toContain(applicantName);
  await expect(desk.locator('[data-reserved-number]')).toHaveText(accountNumber);

  // A new person registers with the number and code from the notice.
  const email = newEmail();
  const password = strongPassword();
  await openPage(page, '/register');
  await fillRegistration(page, { email, password });
  await field(page, 'Online account number (from the notice)').fill(accountNumber);
  await field(page, 'Access code (from the notice)').fill(code.toLowerCase());
  const since = await submitRegistration(page);
  await verifyEmail(page, email, since);
  const secret = await readTotpSecret(page);
  await confirmAuthenticator(page, secret);
  await page.getByRole('link', { name: 'Profile', exact: true }).click();
  await waitForPath(page, '/profile');
  await expect(page.locator('#account-number')).toHaveText(accountNumber);

  // The case is on the home page; the applicant opens it.
  await openPage(page, '/account');
  await page.getByRole('link', { name: receipt }).click();
  await page.waitForURL((url) => url.pathname.startsWith('/cases/'));
  await settle(page);
  await expect(page.getByRole('heading', { name: /Current status: Case Was Received/ })).toBeVisible();
  // The header's count of unread notifications, on every signed-in page.
  const unread = page.locator('#notifications-link [data-live-count]');
  const unreadBefore = Number(await unread.getAttribute('data-live-count'));
  expect(Number.isInteger(unreadBefore), `unread count ${unreadBefore}`).toBe(true);

  // The officer takes the case and approves it.
  await openPage(desk, caseUrl.pathname);
  await button(desk, 'Assign to me').click();
  await expect(desk.getByText('The case was reassigned.')).toBeVisible();
  const changedAt = Date.now();
  await field(desk, 'New status').selectOption({ label: 'Case Was Approved' });
  await button(desk, 'Record the status').click();
  await expect(desk.getByText('The new status was recorded.')).toBeVisible();

  // The applicant's open page shows it: by itself when hydrated, on reload without JavaScript.
  if (!isHydrated()) {
    await page.reload();
  }
  await expect(page.getByRole('heading', { name: /Current status: Case Was Approved/ })).toBeVisible({
    timeout: 15_000,
  });
  await expect(unread).toHaveAttribute('data-live-count', String(unreadBefore + 1));
  await expect(unread).toHaveText(`${unreadBefore + 1} unread`);
  const mail = await waitForMail(email, changedAt);
  expect(mail.subject).toBe(`${receipt}: Case Was Approved`);
  expect(mail.text).toContain('Approval Notice');

  // The approval notice downloads and says what happened.
  const approval = await download(page, 'Approval Notice');
  expect(approval.name).toBe(`${receipt}-approval.pdf`);
  expect(approval.text).toContain('Approval Notice');
  expect(approval.text).toContain(receipt);
  expect(approval.text).toContain(accountNumber);
  expect(approval.text).toContain('Case Was Approved');

  // On a page about something else, a change to the case updates only the header's count (by
  // itself when hydrated; without JavaScript on reload): the page itself is not fetched again.
  // The new document opens its own live connection; the change is made once it is open.
  const liveOpen = isHydrated() ? page.waitForResponse((response) => new URL(response.url()).pathname === '/live') : null;
  await openPage(page, '/profile');
  await liveOpen;
  if (isHydrated()) {
    await page.locator('#notifications-link').focus();
  }
  await page.evaluate(() => {
    document.body.dataset.sameBody = 'yes';
  });
  await field(desk, 'New status').selectOption({ label: 'Card Was Mailed To Me' });
  await button(desk, 'Record the status').click();
  await expect(desk.getByText('The new status was recorded.')).toBeVisible();
  await officerContext.close();
  if (!isHydrated()) {
    await page.reload();
  }
  await expect(unread).toHaveAttribute('data-live-count', String(unreadBefore + 2), { timeout: 15_000 });
  await expect(unread).toHaveText(`${unreadBefore + 2} unread`);
  await expect(page.locator('#account-number')).toHaveText(accountNumber);
  if (isHydrated()) {
    await expect(page.locator('body')).toHaveAttribute('data-same-body', 'yes');
    await expect(page.locator('#notifications-link')).toBeFocused();
  }
  await page.getByRole('link', { name: /^Notifications/ }).first().click();
  await waitForPath(page, '/notifications');
  await expect(page.getByText('Card Was Mailed To Me', { exact: false }).first()).toBeVisible();
});
