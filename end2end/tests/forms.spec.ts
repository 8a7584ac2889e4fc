// How forms behave when scripts run (public/navigate.js sends them with fetch): what was typed
// survives a form coming back with errors (never a password), a second press while one is under way
// sends nothing, and a request that got no answer is never sent again on its own; the page says so
// above the form and keeps what was typed. Hydrated project only: without scripts the browser's
// own form submission applies.
import type { Page, Request } from '@playwright/test';
import { allowRefusedServerCall, expect, test } from '../support/fixtures';
import { TEXT, button, errorSummary, expectHeading, field, newEmail, openPage, strongPassword } from '../support/journey';

const NOT_SENT = 'We could not reach Caseport, so your answers may not have been sent. Check your connection and try again.';

/** Every POST the page makes to `/_fn/<name>`. */
function watchPosts(page: Page, name: string): Request[] {
  const posts: Request[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === `/_fn/${name}`) posts.push(request);
  });
  return posts;
}

test('a sign-in refused comes back with the email kept and the password emptied', async ({ page, pageProblems }) => {
  allowRefusedServerCall(pageProblems, 'sign_in', 401, 'the test signs in with an unknown email');
  const email = newEmail();
  await openPage(page, '/sign-in');
  await field(page, 'Email address').fill(email);
  await field(page, 'Password').fill(strongPassword());
  await button(page, 'Sign in').click();
  await expect(errorSummary(page)).toContainText(TEXT.invalidCredentials);
  await expectHeading(page, TEXT.signInHeading);
  await expect(field(page, 'Email address')).toHaveValue(email);
  await expect(field(page, 'Password')).toHaveValue('');
  await expect(errorSummary(page), 'focus moves to the problem').toBeFocused();
});

test('a form whose request gets no answer is not sent again, and says so in place', async ({ page, pageProblems }) => {
  pageProblems.allow('the test cuts the connection of the sign-in request', (p) =>
    p.kind === 'console.error' && p.text.includes('net::ERR_'),
  );
  const posts = watchPosts(page, 'sign_in');
  await openPage(page, '/sign-in');
  await page.route('**/_fn/sign_in', (route) => route.abort('connectionreset'));
  const email = newEmail();
  await field(page, 'Email address').fill(email);
  await field(page, 'Password').fill(strongPassword());
  await button(page, 'Sign in').click();

  const problem = page.getByRole('alert').filter({ hasText: NOT_SENT });
  await expect(problem).toBeVisible();
  await expect(problem).toBeFocused();
  await expect(field(page, 'Email address')).toHaveValue(email);
  await expectHeading(page, TEXT.signInHeading);
  // Long enough for any automatic second attempt to have been made.
  await page.waitForTimeout(1_000);
  expect(posts.length, 'the form was sent once, and not again behind the person’s back').toBe(1);
});

test('a second press while the form is on its way sends nothing more', async ({ page, pageProblems }) => {
  allowRefusedServerCall(pageProblems, 'sign_in', 401, 'the test signs in with an unknown email');
  const posts = watchPosts(page, 'sign_in');
  await openPage(page, '/sign-in');
  // Hold the first request back so that the second press comes while it is under way.
  await page.route('**/_fn/sign_in', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await route.continue();
  });
  await field(page, 'Email address').fill(newEmail());
  await field(page, 'Password').fill(strongPassword());
  await button(page, 'Sign in').click();
  await button(page, 'Sign in').click();
  await expect(errorSummary(page)).toContainText(TEXT.invalidCredentials);
  expect(posts.length, 'one press, one request').toBe(1);
});
