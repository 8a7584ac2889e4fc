// The hydration marker itself. Every other spec waits for `<html data-hydrated>` before touching a
// page (support/fixtures.ts), so the marker must mean that the page in front of the test is hydrated,
// not just that the app has started. Hydrated project only (in `no-js` the shared fixtures assert
// that the marker never appears).
//
// Pages are rendered on the server; their islands (here the live password feedback on /register)
// are hydrated once the WebAssembly module has loaded, and forms and links are followed with fetch
// by public/navigate.js. To make "marker before the islands are hydrated" visible every time rather
// than by chance, the module is held back for a while. Then, the moment the marker appears, the
// island must already answer typing, and a form submitted must not load a new document.
import type { Page } from '@playwright/test';
import { allowRefusedServerCall, expect, test } from '../support/fixtures';
import {
  TEXT,
  button,
  errorSummary,
  expectHeading,
  field,
  fillRegistration,
  newEmail,
  openPage,
  strongPassword,
} from '../support/journey';

/** How long the app's WebAssembly is held back. */
const WASM_DELAY_MS = 3_000;

// A service worker could answer the module itself, out of page.route's reach.
test.use({ serviceWorkers: 'block' });

/** Holds back every /pkg/**.wasm; returns the URLs it held back. */
async function delayWasm(page: Page): Promise<string[]> {
  const delayed: string[] = [];
  await page.route(/\/pkg\/.*\.wasm(?:\?.*)?$/, async (route) => {
    delayed.push(route.request().url());
    await new Promise((resolve) => setTimeout(resolve, WASM_DELAY_MS));
    await route.continue();
  });
  return delayed;
}

/** Main-frame document requests, as "METHOD /path". */
function watchDocuments(page: Page): string[] {
  const documents: string[] = [];
  page.on('request', (request) => {
    if (request.serviceWorker() !== null) return;
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
      documents.push(`${request.method()} ${new URL(request.url()).pathname}`);
    }
  });
  return documents;
}

test('/sign-in: a form submitted as soon as <html data-hydrated> appears is sent without a new document', async ({
  page,
  pageProblems,
}) => {
  allowRefusedServerCall(pageProblems, 'sign_in', 401, 'the test signs in with an unknown email');
  const delayed = await delayWasm(page);
  const documents = watchDocuments(page);

  await openPage(page, '/sign-in'); // returns as soon as the marker is there
  await field(page, 'Email address').fill(newEmail());
  await field(page, 'Password').fill(strongPassword());
  await button(page, 'Sign in').click();
  await expect(errorSummary(page)).toContainText(TEXT.invalidCredentials);
  await expectHeading(page, TEXT.signInHeading);

  expect(
    documents,
    'submitting right after the marker appeared must not load a new document (public/navigate.js sends it with fetch)',
  ).toEqual(['GET /sign-in']);
  expect(delayed.length, 'the test held the WebAssembly back').toBeGreaterThan(0);
});

test('/register: the password island answers typing as soon as <html data-hydrated> appears', async ({
  page,
  pageProblems,
}) => {
  allowRefusedServerCall(pageProblems, 'register', 422, 'the test registers with a blocklisted password');
  const delayed = await delayWasm(page);
  const documents = watchDocuments(page);

  await openPage(page, '/register');
  // The marker is there: the island must already give feedback on the first keystrokes.
  await field(page, 'Password').fill('abc');
  await expect(page.locator('#password-feedback')).toContainText(/3 characters/);
  // On the shipped blocklist and long enough to pass the length rule, so the server refuses it.
  await fillRegistration(page, { email: newEmail(), password: '1qaz2wsx3edc' });
  await button(page, 'Create account').click();
  await expect(errorSummary(page)).toContainText(/too common/i);
  await expectHeading(page, TEXT.registerHeading);

  expect(
    documents,
    'submitting right after the marker appeared must not load a new document (public/navigate.js sends it with fetch)',
  ).toEqual(['GET /register']);
  expect(delayed.length, 'the test held the WebAssembly back').toBeGreaterThan(0);
});
