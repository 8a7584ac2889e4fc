// The hydration marker itself. Every other spec waits for `<html data-hydrated>` before touching a
// page (support/fixtures.ts), so the marker must mean that the page in front of the test is hydrated,
// not just that the app has started. Hydrated project only (in `no-js` the shared fixtures assert
// that the marker never appears).
//
// Pages are code-split: the page's own WebAssembly arrives in chunks after the main module, and its
// form only becomes the app's (an ActionForm that calls the server function with fetch) once they
// have. To make "marker before the page is hydrated" visible every time rather than by chance, every
// chunk is held back for a while; the main module is not. Then, the moment the marker appears, the
// form is submitted: a hydrated form calls its server function and stays on the same document, a
// form that is still only server-rendered posts and loads a new one.
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

/** How long each WebAssembly chunk other than the main module is held back. */
const CHUNK_DELAY_MS = 5_000;

// A service worker could answer the chunks itself, out of page.route's reach.
test.use({ serviceWorkers: 'block' });

/** Holds back every /pkg/**.wasm except the main module; returns the chunk URLs it held back. */
async function delayChunks(page: Page): Promise<string[]> {
  const delayed: string[] = [];
  await page.route(/\/pkg\/.*\.wasm(?:\?.*)?$/, async (route) => {
    const url = route.request().url();
    if (!/\/caseport\.wasm(?:\?.*)?$/.test(url)) {
      delayed.push(url);
      await new Promise((resolve) => setTimeout(resolve, CHUNK_DELAY_MS));
    }
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

test('/sign-in: the form is the hydrated app as soon as <html data-hydrated> appears', async ({
  page,
  pageProblems,
}) => {
  allowRefusedServerCall(pageProblems, 'sign_in', 401, 'the test signs in with an unknown email');
  const delayed = await delayChunks(page);
  const documents = watchDocuments(page);

  await openPage(page, '/sign-in'); // returns as soon as the marker is there
  await field(page, 'Email address').fill(newEmail());
  await field(page, 'Password').fill(strongPassword());
  await button(page, 'Sign in').click();
  await expect(errorSummary(page)).toContainText(TEXT.invalidCredentials);
  await expectHeading(page, TEXT.signInHeading);

  expect(
    documents,
    'submitting right after the marker appeared must not load a new document (a server-rendered form posts, a hydrated one fetches)',
  ).toEqual(['GET /sign-in']);
  // Not an assertion about the app: shows that the test really held chunks back, if the build has any.
  test.info().annotations.push({ type: 'delayed-chunks', description: String(delayed.length) });
});

test('/register: the form is the hydrated app as soon as <html data-hydrated> appears', async ({
  page,
  pageProblems,
}) => {
  allowRefusedServerCall(pageProblems, 'register', 422, 'the test registers with a blocklisted password');
  const delayed = await delayChunks(page);
  const documents = watchDocuments(page);

  await openPage(page, '/register');
  // On the shipped blocklist and long enough to pass the length rule, so the server refuses it.
  await fillRegistration(page, { email: newEmail(), password: '1qaz2wsx3edc' });
  await button(page, 'Create account').click();
  await expect(errorSummary(page)).toContainText(/too common/i);
  await expectHeading(page, TEXT.registerHeading);

  expect(
    documents,
    'submitting right after the marker appeared must not load a new document (a server-rendered form posts, a hydrated one fetches)',
  ).toEqual(['GET /register']);
  test.info().annotations.push({ type: 'delayed-chunks', description: String(delayed.length) });
});
