// Accessibility of every page of the journey (hydrated project only: axe needs JavaScript).
//
// Each page is audited with axe-core against WCAG 2.0/2.1 A and AA, and checked for the page
// structure the contract promises (skip link, main landmark, one h1, language switch). It is done
// twice: once with the WebAssembly app hydrated, and once as served (the /pkg/ scripts and wasm
// blocked, so the page stays exactly as the server rendered it, which is what people get before
// hydration or with JavaScript off).
import type { Page } from '@playwright/test';
import { auditPage } from '../support/axe';
import { seedDemoCases } from '../support/cli';
import { allowRefusedServerCall, expect, test } from '../support/fixtures';
import {
  TEXT,
  button,
  errorSummary,
  expectHeading,
  fillRegistration,
  newEmail,
  openPage,
  openProfileFromAccount,
  registerAndEnrol,
  signInWithPassword,
  signOut,
  submitAuthenticationCode,
  unusedCode,
  markUsed,
  wrongCode,
  waitForPath,
  settle,
} from '../support/journey';

/**
 * The structure every page shares (contract: "Every page: …"). Read in one go, after the page has
 * loaded, and compared softly as one object so that a page missing several things shows one diff.
 */
async function checkPageStructure(page: Page, label: string): Promise<void> {
  const skip = page.getByRole('link', { name: 'Skip to main content', exact: true });
  const home = page.getByRole('link', { name: 'Caseport', exact: true });
  const html = page.locator('html');
  const facts = {
    skipLinks: await skip.count(),
    skipTarget: (await skip.count()) > 0 ? await skip.first().getAttribute('href') : null,
    mainContent: await page.locator('main#main-content').count(),
    h1s: await page.getByRole('heading', { level: 1 }).count(),
    homeLink: (await home.count()) > 0 ? await home.first().getAttribute('href') : null,
    languageSwitch: await button(page, 'Español').count(),
    lang: await html.getAttribute('lang'),
  };
  expect
    .soft(facts, `${label}: skip link, <main id="main-content">, one h1, home link, language switch, lang`)
    .toEqual({
      skipLinks: 1,
      skipTarget: '#main-content',
      mainContent: 1,
      h1s: 1,
      homeLink: '/',
      languageSwitch: 1,
      lang: expect.stringMatching(/^en\b/),
    });
}

async function inspect(page: Page, label: string): Promise<void> {
  await checkPageStructure(page, label);
  await auditPage(page, label);
}

/** Walks every page of the journey and audits each one. */
async function auditJourney(page: Page): Promise<void> {
  await test.step('/ (signed out)', async () => {
    await openPage(page, '/');
    await expectHeading(page, TEXT.homeHeading);
    await inspect(page, '/');
  });

  await test.step('/sign-in', async () => {
    await openPage(page, '/sign-in');
    await expectHeading(page, TEXT.signInHeading);
    await inspect(page, '/sign-in');
  });

  await test.step('/register with the error summary showing', async () => {
    await openPage(page, '/register');
    // A password from the blocklist passes every browser-side check but is refused by the server.
    await fillRegistration(page, { email: newEmail(), password: '1qaz2wsx3edc' });
    await button(page, 'Create account').click();
    await expect(errorSummary(page)).toBeVisible();
    await inspect(page, '/register (with errors)');
  });

  const account = await test.step('register → verify → enrol, auditing each page', async () =>
    registerAndEnrol(page, {
      onPage: async (p, name) => {
        await inspect(p, `/${name}`);
      },
    }),
  );

  await test.step('/profile', async () => {
    await openProfileFromAccount(page);
    await inspect(page, '/profile');
  });

  await test.step('/sign-in after signing out', async () => {
    await signOut(page);
    await inspect(page, '/sign-in (signed out)');
  });

  await test.step('/sign-in/code, also with an error', async () => {
    await signInWithPassword(page, account.email, account.password);
    await inspect(page, '/sign-in/code');
    await submitAuthenticationCode(page, wrongCode(account));
    await expect(errorSummary(page)).toBeVisible();
    await inspect(page, '/sign-in/code (with errors)');
    const { code, step } = await unusedCode(account);
    await submitAuthenticationCode(page, code);
    await waitForPath(page, '/account');
    await expectHeading(page, TEXT.accountHeading);
    markUsed(account, step);
  });

  await test.step('/account after signing in again', async () => {
    await inspect(page, '/account (signed in)');
  });

  await test.step('/account with cases, a case page, and /case-status with a result and an error', async () => {
    const [history] = seedDemoCases(account.email);
    await openPage(page, '/account');
    await inspect(page, '/account (with cases)');
    await page.getByRole('link', { name: history }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/cases/'));
    await settle(page);
    await inspect(page, '/cases/{id}');
    await openPage(page, `/case-status?receipt=${history}`);
    await inspect(page, '/case-status (with a result)');
    await openPage(page, '/case-status?receipt=XYZ0912345678');
    await expect(errorSummary(page)).toBeVisible();
    await inspect(page, '/case-status (with errors)');
  });
}

test.describe('hydrated pages', () => {
  test('every page of the journey meets WCAG 2.1 AA (axe)', async ({ page, pageProblems }) => {
    test.setTimeout(150_000); // a sign-up, a refused sign-up and a sign-in, every page audited
    // The pages with the error summary are audited too, so the audit submits refused input on purpose.
    allowRefusedServerCall(pageProblems, 'register', 422, 'the audit submits a blocklisted password');
    allowRefusedServerCall(pageProblems, 'verify_totp', 422, 'the audit submits a wrong authentication code');
    await auditJourney(page);
  });
});

test.describe('server-rendered pages (no hydration)', () => {
  // A service worker could answer /pkg/ requests from its cache, out of page.route's reach.
  // `appScripts: 'blocked'` tells the shared fixtures that these pages must stay unhydrated (so
  // navigation asserts the hydration marker is absent instead of waiting for it).
  test.use({ serviceWorkers: 'block', appScripts: 'blocked' });

  test('every page of the journey meets WCAG 2.1 AA before hydration (axe)', async ({ page, pageProblems }) => {
    test.setTimeout(150_000);
    // Block the app's JavaScript and WebAssembly under /pkg/ so the page is never hydrated, but let the
    // stylesheet (also under /pkg/) through: without it colour contrast and layout would not be the
    // real ones. JavaScript stays enabled so that axe can be injected.
    const blocked: string[] = [];
    // Refusing those requests is the point of this test, and Chromium reports each refusal: allow
    // exactly those reports, for exactly the URLs this test aborted, and nothing else.
    pageProblems.allow(
      'the test aborts the app bundle under /pkg/ on purpose; Chromium logs each refused request',
      (p) =>
        p.kind === 'console.error' &&
        p.text === 'Failed to load resource: net::ERR_BLOCKED_BY_CLIENT.Inspector' &&
        blocked.includes(p.url),
    );
    pageProblems.allow(
      "the test aborts the app bundle under /pkg/ on purpose; the hydration script's import() of it then rejects",
      (p) =>
        p.kind === 'pageerror' &&
        blocked.some((url) => p.text === `TypeError: Failed to fetch dynamically imported module: ${url}`),
    );
    await page.route('**/pkg/**', async (route) => {
      const request = route.request();
      if (request.resourceType() === 'stylesheet' || /\.css(\?|$)/.test(request.url())) {
        await route.continue();
      } else {
        blocked.push(request.url());
        await route.abort('blockedbyclient');
      }
    });
    await auditJourney(page);
    expect(blocked.some((url) => /\.(js|wasm)(\?|$)/.test(url)), 'the app bundle was requested and blocked').toBe(true);
  });
});

test.describe('small screens', () => {
  test.use({ viewport: { width: 360, height: 740 } });

  for (const path of ['/register', '/', '/sign-in', '/case-status']) {
    test(`${path} does not scroll sideways at 360 px`, async ({ page }) => {
      await openPage(page, path);
      const scrollWidth = await page.evaluate(() => (document.scrollingElement ?? document.documentElement).scrollWidth);
      expect(scrollWidth, `document width at a 360 px viewport on ${path}`).toBeLessThanOrEqual(360);
    });
  }
});
