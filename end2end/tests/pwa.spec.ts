// Progressive web app: manifest, service worker, offline page, and Chromium's own installability check.
// Hydrated project only.
import { expect, test } from '../support/fixtures';
import { openPage, registerAndEnrol, waitForPath } from '../support/journey';

interface ManifestIcon {
  src: string;
  sizes?: string;
  type?: string;
  purpose?: string;
}

interface Manifest {
  name?: string;
  short_name?: string;
  start_url?: string;
  display?: string;
  icons?: ManifestIcon[];
}

test('the web app manifest names the app and has 192 px, 512 px and maskable icons', async ({ request, baseURL }) => {
  const response = await request.get('/manifest.webmanifest');
  expect(response.status()).toBe(200);
  const body = await response.text();
  let manifest: Manifest;
  try {
    manifest = JSON.parse(body) as Manifest;
  } catch (err) {
    throw new Error(`/manifest.webmanifest is not valid JSON: ${(err as Error).message}\n${body}`);
  }

  expect(typeof manifest.name === 'string' && manifest.name.trim().length > 0, 'manifest has a name').toBe(true);
  const icons = manifest.icons ?? [];
  const sizes = (icon: ManifestIcon) => (icon.sizes ?? '').split(/\s+/);
  const purposes = (icon: ManifestIcon) => (icon.purpose ?? 'any').split(/\s+/);
  expect(icons.some((i) => sizes(i).includes('192x192')), 'a 192x192 icon').toBe(true);
  expect(icons.some((i) => sizes(i).includes('512x512')), 'a 512x512 icon').toBe(true);
  expect(icons.some((i) => purposes(i).includes('maskable')), 'an icon with purpose "maskable"').toBe(true);

  // Every icon the manifest names can be fetched.
  const manifestURL = new URL('/manifest.webmanifest', baseURL);
  for (const icon of icons) {
    const iconURL = new URL(icon.src, manifestURL);
    const iconResponse = await request.get(iconURL.href);
    expect(iconResponse.status(), `icon ${iconURL.pathname}`).toBe(200);
  }
});

test('the service worker, its registration script and the offline page are served', async ({ request }) => {
  for (const path of ['/sw.js', '/register-sw.js']) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(200);
    expect(response.headers()['content-type'] ?? '', `${path} content type`).toMatch(/javascript/);
  }
  const offline = await request.get('/offline.html');
  expect(offline.status(), '/offline.html').toBe(200);
  expect(offline.headers()['content-type'] ?? '', '/offline.html content type').toMatch(/text\/html/);
});

test('Chromium finds the app installable once the service worker is ready', async ({ page }) => {
  await openPage(page, '/');

  // Wait until /register-sw.js has registered the service worker and it is active.
  await expect
    .poll(
      () =>
        page.evaluate(async () => {
          if (!('serviceWorker' in navigator)) return 'unsupported';
          const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('pending'), 2_000));
          const ready = navigator.serviceWorker.ready.then((registration) => registration.active?.state ?? 'none');
          return Promise.race([ready, timeout]);
        }),
      { message: 'the service worker becomes active', timeout: 20_000 },
    )
    .toBe('activated');

  const cdp = await page.context().newCDPSession(page);
  try {
    // Playwright's browser contexts are off the record, so "in-incognito" is expected and allowed.
    await expect
      .poll(
        async () => {
          const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
          return installabilityErrors
            .map((e) => [e.errorId, ...e.errorArguments.map((a) => `${a.name}=${a.value}`)].join(' '))
            .filter((id) => id !== 'in-incognito');
        },
        { message: 'installability errors other than in-incognito', timeout: 20_000 },
      )
      .toEqual([]);
  } finally {
    await cdp.detach();
  }
});

test('the service worker never caches signed-in pages or server-function answers', async ({ page }) => {
  await registerAndEnrol(page);
  await expect
    .poll(() => page.evaluate(async () => (await navigator.serviceWorker.ready).active?.state ?? 'none'), {
      message: 'the service worker becomes active',
      timeout: 20_000,
    })
    .toBe('activated');
  // Load signed-in pages (and their server-function calls) while the worker controls the page.
  await openPage(page, '/account');
  await openPage(page, '/profile');
  await waitForPath(page, '/profile');

  const cached = await page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
    }
    return urls;
  });
  const allowed = /^\/(offline\.html|manifest\.webmanifest|favicon\.ico|icons\/[\w.-]+|pkg\/caseport\.css)$/;
  expect(cached.length, 'the offline page is precached').toBeGreaterThan(0);
  expect(cached.filter((path) => !allowed.test(path)), `cached: ${cached.join(', ')}`).toEqual([]);
});
