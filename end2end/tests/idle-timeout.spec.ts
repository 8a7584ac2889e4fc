// The idle timeout: with scripts, a warning two minutes before it with "Stay signed in"; after it,
// signed-in pages return to sign-in with the reason, with or without scripts. The server's clock is
// moved through the development test hook (`CASEPORT_TEST_CLOCK`), the browser's with page.clock.
import type { APIRequestContext } from '@playwright/test';
import { expect, test } from '../support/fixtures';
import { auditPage } from '../support/axe';
import { TEXT, expectHeading, isHydrated, registerAndEnrol, waitForPath } from '../support/journey';

const EXPIRED = 'Your session ended because you were inactive. Sign in again.';

async function moveServerClock(request: APIRequestContext, form: Record<string, string>): Promise<void> {
  const response = await request.post('/__test/clock', { form });
  expect(response.ok(), `the test clock hook answered ${response.status()}`).toBe(true);
}

test.afterEach(async ({ request }) => {
  await moveServerClock(request, { reset: '1' });
});

test('an idle session warns first (with scripts) and then returns to sign-in with the reason', async ({
  page,
  request,
}) => {
  test.setTimeout(90_000);
  if (isHydrated()) {
    await page.clock.install();
  }
  await registerAndEnrol(page);
  const warning = page.locator('#idle-warning');
  await expect(warning).toBeHidden();

  if (isHydrated()) {
    await test.step('two minutes before the timeout the warning offers to stay signed in', async () => {
      await page.clock.fastForward('13:05');
      await expect(warning).toBeVisible();
      await expect(warning).toContainText('you will be signed out in 2 minutes');
      const stay = page.getByRole('button', { name: 'Stay signed in' });
      await expect(stay).toBeFocused();
      await auditPage(page, '/account (idle warning)');
      const kept = page.waitForResponse((r) => r.url().endsWith('/_fn/keep_session_alive') && r.status() === 200);
      await stay.click();
      await kept;
      await expect(warning).toBeHidden();
    });
  }

  await test.step('after 15 minutes without activity the next page is sign-in with the reason', async () => {
    await moveServerClock(request, { advance_secs: String(15 * 60 + 5) });
    if (isHydrated()) {
      // The page's own timer reloads it when the time is up; the server sends it to sign-in.
      await page.clock.fastForward('15:10');
    } else {
      await page.getByRole('link', { name: 'Profile', exact: true }).click();
    }
    await waitForPath(page, '/sign-in');
    await expectHeading(page, TEXT.signInHeading);
    await expect(page.getByText(EXPIRED)).toBeVisible();
  });
});
