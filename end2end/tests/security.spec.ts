// What the browser keeps about a signed-in person, and markup in input. Hydrated project only.
import type { Page } from '@playwright/test';
import { allowRefusedServerCall, expect, test } from '../support/fixtures';
import {
  TEXT,
  button,
  errorSummary,
  expectHeading,
  field,
  fillSecurityQuestions,
  openPage,
  openProfileFromAccount,
  registerAndEnrol,
  waitForPath,
  signIn,
  signOut,
  strongPassword,
} from '../support/journey';

async function webStorageDump(page: Page): Promise<string> {
  return page.evaluate(() => {
    const dump = (storage: Storage) => {
      const entries: Array<[string, string]> = [];
      for (let i = 0; i < storage.length; i++) {
        const key = storage.key(i) ?? '';
        entries.push([key, storage.getItem(key) ?? '']);
      }
      return entries;
    };
    return JSON.stringify({ localStorage: dump(window.localStorage), sessionStorage: dump(window.sessionStorage) });
  });
}

test('after signing in, web storage holds neither the email address nor the account number', async ({ page }) => {
  const account = await registerAndEnrol(page);
  const accountNumber = await openProfileFromAccount(page);
  await signOut(page);
  await signIn(page, account);
  await openProfileFromAccount(page);

  const forbidden = [account.email, accountNumber, accountNumber.replace(/\s/g, '')];
  // Item 43: every signed-in page is sent no-store, and neither web storage, IndexedDB nor the
  // service worker's cache keeps anything of it.
  const signedInPages = [
    '/account',
    '/profile',
    '/account/details',
    '/account/email',
    '/account/password',
    '/account/security',
    '/account/devices',
    '/account/history',
    '/notifications',
  ];
  for (const path of signedInPages) {
    const response = await page.goto(path);
    await waitForPath(page, path);
    expect(response?.headers()['cache-control'] ?? '', `Cache-Control of ${path}`).toContain('no-store');
    const dump = (await webStorageDump(page)).toLowerCase();
    for (const value of forbidden) {
      expect(dump.includes(value.toLowerCase()), `web storage on ${path} contains ${value}: ${dump}`).toBe(false);
    }
    const databases = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? ''));
    expect(databases, `IndexedDB databases on ${path}`).toEqual([]);
  }
  const cachedPaths = await page.evaluate(async () => {
    const paths: string[] = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) paths.push(new URL(request.url).pathname);
    }
    return paths;
  });
  for (const path of cachedPaths) {
    expect(
      signedInPages.includes(path) || path.startsWith('/_fn/') || path.startsWith('/cases/'),
      `the service worker cached a signed-in response: ${path}`,
    ).toBe(false);
  }

  for (const cookie of await page.context().cookies()) {
    const value = decodeURIComponent(cookie.value).toLowerCase();
    for (const secret of forbidden) {
      expect(value.includes(secret.toLowerCase()), `cookie ${cookie.name} carries ${secret}`).toBe(false);
    }
  }
});

test('the session cookie is __Host- prefixed, HttpOnly and Secure', async ({ page }) => {
  const account = await registerAndEnrol(page);
  await signOut(page);
  await signIn(page, account);

  const cookies = await page.context().cookies();
  const hostCookies = cookies.filter((c) => c.name.startsWith('__Host-'));
  expect(hostCookies.length, `a __Host- cookie after signing in; cookies were ${cookies.map((c) => c.name).join(', ')}`).toBeGreaterThan(0);
  for (const cookie of hostCookies) {
    expect(cookie.httpOnly, `${cookie.name} is HttpOnly`).toBe(true);
    expect(cookie.secure, `${cookie.name} is Secure`).toBe(true);
    expect(cookie.path, `${cookie.name} has Path=/`).toBe('/');
  }
  // Script cannot read it.
  const visibleToScript = await page.evaluate(() => document.cookie);
  for (const cookie of hostCookies) {
    expect(visibleToScript.includes(cookie.name), `${cookie.name} is hidden from document.cookie`).toBe(false);
  }
});

test('markup typed into the email field is refused as an invalid address and never runs', async ({ page, pageProblems }) => {
  // The server must refuse the address; Chromium logs each refused call.
  allowRefusedServerCall(pageProblems, 'register', 422, 'the test registers with markup as the email address');
  allowRefusedServerCall(pageProblems, 'sign_in', 422, 'the test signs in with markup as the email address');
  const payload = '<img src=x onerror=alert(1)>@x.test';
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });

  await test.step('registration', async () => {
    await openPage(page, '/register');
    const email = field(page, 'Email address');
    await email.fill(payload);
    const password = strongPassword();
    await field(page, 'Password').fill(password);
    await field(page, 'Confirm password').fill(password);
    await fillSecurityQuestions(page);

    // The browser's own type=email check already flags it…
    expect(await email.evaluate((input: HTMLInputElement) => input.validity.valid)).toBe(false);
    // …but the server must refuse it too, so let the form submit without browser validation.
    await email.evaluate((input: HTMLInputElement) => {
      if (input.form) input.form.noValidate = true;
    });
    await button(page, 'Create account').click();
    await expect(errorSummary(page)).toBeVisible();
    expect(new URL(page.url()).pathname).toBe('/register');
    await expectHeading(page, TEXT.registerHeading);
    await expect(page.locator('img[src="x"]')).toHaveCount(0);
  });

  await test.step('sign-in', async () => {
    await openPage(page, '/sign-in');
    const email = field(page, 'Email address');
    await email.fill(payload);
    await field(page, 'Password').fill(strongPassword());
    await email.evaluate((input: HTMLInputElement) => {
      if (input.form) input.form.noValidate = true;
    });
    await button(page, 'Sign in').click();
    await expect(errorSummary(page)).toBeVisible();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await expect(page.locator('img[src="x"]')).toHaveCount(0);
  });

  // Give any injected handler time to fire before concluding that none did.
  await page.waitForTimeout(500);
  expect(dialogs, 'no script from the payload ran').toEqual([]);
});
