// Following cases: the public lookup by receipt number, the signed-in home listing the person's
// cases, and a case's page with its timeline and what to do next. Runs hydrated and without
// JavaScript (every page here must work without it).
import { expect, test } from '../support/fixtures';
import { createApplicant, seedDemoCases } from '../support/cli';
import { button, expectHeading, field, newEmail, openPage, settle, signIn, strongPassword } from '../support/journey';

/** `IOE0912345678` as a person might type it: `ioe-09123-45678`. */
function typedLoosely(receipt: string): string {
  const lower = receipt.toLowerCase();
  return `${lower.slice(0, 3)}-${lower.slice(3, 8)} ${lower.slice(8)}`;
}

test('anyone can look a case up by receipt number, typed with dashes and lower case', async ({ page }) => {
  const email = newEmail();
  createApplicant(email, strongPassword());
  const [history] = seedDemoCases(email);

  await openPage(page, '/case-status');
  await expectHeading(page, 'Check your case status');
  await field(page, 'Receipt number').fill(typedLoosely(history));
  await button(page, 'Check status').click();
  await expect(page.getByRole('heading', { name: /Current status: Card Was Mailed To Me/ })).toBeVisible();
  await expect(page.getByText(`Receipt Number ${history}`).first()).toBeVisible();
  const timeline = page.locator('.caseport-history li');
  await expect(timeline).toHaveCount(7);
  await expect(timeline.first()).toContainText('Card Was Mailed To Me');
  await expect(timeline.last()).toContainText('Case Was Received');

  await field(page, 'Receipt number').fill('XYZ0912345678');
  await button(page, 'Check status').click();
  await expect(page.locator('.usa-error-summary')).toContainText('must name a service centre');
  await expect(field(page, 'Receipt number')).toHaveAttribute('aria-invalid', 'true');
  await expect(field(page, 'Receipt number')).toHaveValue('XYZ0912345678');
});

test('the signed-in home lists the cases and a case page shows its timeline and what to do next', async ({ page, pageProblems }) => {
  const email = newEmail();
  const account = createApplicant(email, strongPassword());
  const [history, waiting, fresh] = seedDemoCases(email);

  await signIn(page, account);
  const table = page.locator('table.caseport-my-cases');
  for (const receipt of [history, waiting, fresh]) {
    await expect(table.getByRole('link', { name: receipt })).toBeVisible();
  }
  await table.getByRole('link', { name: waiting }).click();
  await page.waitForURL((url) => /^\/cases\/[0-9a-f]{32}$/.test(url.pathname));
  await settle(page);
  await expectHeading(page, `Case ${waiting}`);
  await expect(page.getByRole('heading', { name: 'What to do next' })).toBeVisible();
  await expect(page.getByText('We need more evidence from you.')).toBeVisible();
  await expect(page.getByRole('heading', { name: /Current status: Request for Evidence Was Sent/ })).toBeVisible();

  // Another person's case id is simply not found (Chromium logs the 404 as a console error).
  const missing = '/cases/00000000000000000000000000000000';
  pageProblems.allow('a case that is not the account\'s answers 404', (p) =>
    p.kind === 'console.error' && (p.url ?? '').endsWith(missing) && p.text.includes('status of 404'),
  );
  const response = await page.goto(missing);
  expect(response?.status()).toBe(404);
});
