// In-app links: with scripts running, following them is a client-side navigation (the document stays,
// nothing is reloaded); with JavaScript off, each one is an ordinary full page load.
// Runs in both projects.
//
// Two independent witnesses that the document was not replaced, checked after every click:
// - a value stored on `window` right after hydration (`window.__caseportDocument`) is still there;
// - the page made no new main-frame navigation request and fired no new DOMContentLoaded.
// With JavaScript off the first cannot be set, and the second must show exactly one new document per click.
import { randomUUID } from 'node:crypto';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from '../support/fixtures';
import {
  TEXT,
  expectHeading,
  isHydrated,
  openPage,
  registerAndEnrol,
  signIn,
  signOut,
  waitForPath,
} from '../support/journey';

declare global {
  interface Window {
    __caseportDocument?: string;
  }
}

/** Records every new document the page loads: main-frame navigation requests and DOMContentLoaded events. */
function watchDocuments(page: Page): { requests: string[]; loads: () => number } {
  const requests: string[] = [];
  let loads = 0;
  page.on('request', (request) => {
    // A service worker's own fetches have no frame; only the page's navigations matter here.
    if (request.serviceWorker() !== null) return;
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
      requests.push(`${request.method()} ${new URL(request.url()).pathname}`);
    }
  });
  page.on('domcontentloaded', () => {
    loads += 1;
  });
  return { requests, loads: () => loads };
}

/** Marks the current document; returns the mark (hydrated project only). */
async function markDocument(page: Page): Promise<string> {
  const mark = randomUUID();
  await page.evaluate((value) => {
    window.__caseportDocument = value;
  }, mark);
  return mark;
}

/**
 * Clicks `link`, waits for `pathname` and its heading, and checks how the page got there: with
 * scripts, the same document (the mark survives, no new document request or load); without, exactly
 * one full load of `pathname`.
 */
async function follow(
  page: Page,
  documents: ReturnType<typeof watchDocuments>,
  mark: string | null,
  link: Locator,
  pathname: string,
  headingText: string,
): Promise<void> {
  const requestsBefore = documents.requests.length;
  const loadsBefore = documents.loads();
  await link.click();
  await waitForPath(page, pathname);
  await expectHeading(page, headingText);
  if (isHydrated()) {
    expect(
      await page.evaluate(() => window.__caseportDocument),
      `the document marked after hydration is still the one showing ${pathname} (no reload)`,
    ).toBe(mark);
    expect(documents.requests.slice(requestsBefore), `no document request for the link to ${pathname}`).toEqual([]);
    expect(documents.loads() - loadsBefore, `no new DOMContentLoaded for the link to ${pathname}`).toBe(0);
  } else {
    await expect
      .poll(() => documents.requests.slice(requestsBefore), {
        message: `following the link to ${pathname} without JavaScript loads exactly that document`,
      })
      .toEqual([`GET ${pathname}`]);
    await expect
      .poll(() => documents.loads() - loadsBefore, { message: `one new DOMContentLoaded for ${pathname}` })
      .toBe(1);
  }
}

test('signed out: the links home → Sign in → Create an account → home keep the document only when scripts run', async ({
  page,
}) => {
  const documents = watchDocuments(page);
  await openPage(page, '/');
  await expectHeading(page, TEXT.homeHeading);
  expect(documents.requests, 'opening the home page is one document request').toEqual(['GET /']);
  const mark = isHydrated() ? await markDocument(page) : null;

  await follow(
    page,
    documents,
    mark,
    page.locator('main').getByRole('link', { name: 'Sign in', exact: true }),
    '/sign-in',
    TEXT.signInHeading,
  );
  await follow(
    page,
    documents,
    mark,
    page.locator('main').getByRole('link', { name: 'Create an account', exact: true }),
    '/register',
    TEXT.registerHeading,
  );
  await follow(page, documents, mark, page.getByRole('link', { name: 'Caseport', exact: true }), '/', TEXT.homeHeading);

  if (isHydrated()) {
    // The browser's Back button is handled by the app's router too.
    const requestsBefore = documents.requests.length;
    await page.goBack();
    await waitForPath(page, '/register');
    await expectHeading(page, TEXT.registerHeading);
    expect(await page.evaluate(() => window.__caseportDocument), 'Back keeps the document').toBe(mark);
    expect(documents.requests.slice(requestsBefore), 'no document request for Back').toEqual([]);
  }
});

test('signed in: the link Your account → Profile keeps the document only when scripts run', async ({ page }) => {
  const account = await registerAndEnrol(page);
  await signOut(page);
  await signIn(page, account);

  const documents = watchDocuments(page);
  const mark = isHydrated() ? await markDocument(page) : null;
  await follow(
    page,
    documents,
    mark,
    page.getByRole('link', { name: 'Profile', exact: true }),
    '/profile',
    TEXT.profileHeading,
  );
});
