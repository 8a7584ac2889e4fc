// The officers' console: an officer finds a case in the queue, takes it, records a new status
// with a staff note, and the applicant sees the new status (never the note). Runs hydrated and
// without JavaScript.
import { expect, test } from '../support/fixtures';
import { createApplicant, createStaff, seedDemoCases } from '../support/cli';
import { button, expectHeading, newEmail, settle, signIn, signOut, strongPassword } from '../support/journey';

test('an officer takes a case from the queue and records a status the applicant then sees', async ({ page }) => {
  const applicant = createApplicant(newEmail(), strongPassword());
  const [, , fresh] = seedDemoCases(applicant.email);
  const officer = createStaff('officer');

  await signIn(page, officer);
  await page.getByRole('link', { name: 'Go to the case queue' }).click();
  await page.waitForURL((url) => url.pathname === '/officer');
  await settle(page);
  await expectHeading(page, 'Case queue');
  await page.getByLabel('Form').selectOption('I-130');
  await button(page, 'Show cases').click();
  await page.waitForURL((url) => url.search.includes('form=I-130'));
  await settle(page);
  await page.getByRole('link', { name: fresh }).click();
  await page.waitForURL((url) => url.pathname.startsWith('/officer/cases/'));
  await settle(page);
  await expectHeading(page, `Case ${fresh}`);

  await button(page, 'Assign to me').click();
  await expect(page.getByText('The case was reassigned.')).toBeVisible();
  await page.getByLabel('New status').selectOption({ label: 'Case Is Being Actively Reviewed By USCIS' });
  await page.getByLabel('Note for staff (optional)').fill('Checked the marriage certificate');
  await button(page, 'Record the status').click();
  await expect(page.getByText('The new status was recorded.')).toBeVisible();
  await expect(page.locator('[data-status-title]')).toHaveText('Case Is Being Actively Reviewed By USCIS');
  await expect(page.getByText('Checked the marriage certificate')).toBeVisible();
  await signOut(page);

  await signIn(page, applicant);
  await page.getByRole('link', { name: fresh }).click();
  await page.waitForURL((url) => url.pathname.startsWith('/cases/'));
  await settle(page);
  await expect(page.getByRole('heading', { name: /Current status: Case Is Being Actively Reviewed By USCIS/ })).toBeVisible();
  await expect(page.getByText('Checked the marriage certificate')).toHaveCount(0);
});
