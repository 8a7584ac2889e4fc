// The `test` every spec uses: Playwright's own, extended so that hydration is proven, not assumed,
// and so that no page error or console error goes unnoticed (project issue 6 §1.4).
//
// - Hydration. The browser entry point sets `data-hydrated` on <html> once the WebAssembly module has
//   loaded and hydrated the page's islands (the parts of a server-rendered page that run in the
//   browser); client-side navigation (public/navigate.js) keeps the document, and so the marker. Where scripts run, every
//   navigation waits for that marker before the test touches the page (`settle`, called by
//   `page.goto` on every page of the test and by the helpers in journey.ts). Where they do not (the
//   `no-js` project, or a test that blocks the app bundle on purpose), `settle` asserts instead that
//   the marker is absent.
// - In the `no-js` project the test fails if any page loaded the app's WebAssembly (/pkg/*.wasm) other
//   than through the page's own preload hints, which Chromium fetches even with JavaScript off.
// - Errors. Every `pageerror` (context-level: `weberror`) and every console message of type `error`
//   in every page of every browser context the test opens fails the test at the end, listed in full.
//   Nothing is allowed by default; a test that provokes a specific error on purpose allows exactly
//   that one with `pageProblems.allow(reason, matcher)`.
import {
  test as base,
  expect,
  type BrowserContext,
  type ConsoleMessage,
  type Page,
  type Request,
  type WebError,
} from '@playwright/test';

export { expect };

/** The attribute the app sets on <html> once hydration has finished. */
export const HYDRATED_SELECTOR = 'html[data-hydrated]';

/** The app's WebAssembly: the main module and every split chunk, also under /pkg/<build id>/. */
export const APP_WASM = /\/pkg\/[^?#]*\.wasm(?:[?#]|$)/;

/** Annotation type that marks a test which keeps the app bundle from loading on purpose. */
const SCRIPTS_BLOCKED = 'app-scripts-blocked';

/**
 * Whether pages in the current test are expected to hydrate: JavaScript is on (the `hydrated`
 * project) and the test does not block the app bundle (`test.use({ appScripts: 'blocked' })`).
 * Only valid inside a test or hook.
 */
export function expectsHydration(): boolean {
  const info = base.info();
  return info.project.use.javaScriptEnabled !== false && !info.annotations.some((a) => a.type === SCRIPTS_BLOCKED);
}

/** Waits until the page's current document has finished hydrating (`data-hydrated` on <html>). */
export async function waitForHydration(page: Page): Promise<void> {
  try {
    await page.locator(HYDRATED_SELECTOR).waitFor({ state: 'attached' });
  } catch (err) {
    throw new Error(
      `${page.url()} never hydrated: <html> did not get the data-hydrated attribute ` +
        `(${(err as Error).message.split('\n')[0]}). Page errors and console errors, if any, are listed at the end of the test.`,
    );
  }
}

/** Asserts that the page's current document is not hydrated (no `data-hydrated` on <html>). */
export async function expectNotHydrated(page: Page): Promise<void> {
  expect(
    await page.locator(HYDRATED_SELECTOR).count(),
    `${page.url()} must stay as the server rendered it, but <html> carries data-hydrated`,
  ).toBe(0);
}

/**
 * Call after every navigation, before touching the page: waits for hydration where scripts run, and
 * asserts that the page is not hydrated where they do not.
 */
export async function settle(page: Page): Promise<void> {
  if (expectsHydration()) {
    await waitForHydration(page);
  } else {
    await expectNotHydrated(page);
  }
}

/** A page error or console error seen during the test. */
export interface Problem {
  kind: 'pageerror' | 'console.error';
  /** The error message (pageerror: name and message; console: the text). */
  text: string;
  /** console.error: the URL of the script or resource the message is about (empty for pageerror). */
  url: string;
  /** Where it came from: the console message's URL:line:column, or the pageerror's stack. */
  source: string;
  /** The URL of the page it happened in, if any. */
  pageURL: string;
}

export interface PageProblems {
  /**
   * Lets one specific, expected error through. `reason` says why the error is expected and
   * `matches` must be as narrow as possible (exact message and URL, not "anything from /pkg/").
   */
  allow(reason: string, matches: (problem: Problem) => boolean): void;
}

/**
 * Allows the one console error Chromium logs when the hydrated app calls the server function
 * `/_fn/<name>` and the server refuses it with `status`. The app answers a refused form with the
 * error's HTTP status by design (docs/architecture.md: `align_error_status`; 401 for wrong
 * credentials, 422 for invalid input), and Chromium reports every 4xx fetch as
 * "Failed to load resource". Only for tests that submit refused input on purpose; `why` says what.
 */
export function allowRefusedServerCall(problems: PageProblems, name: string, status: number, why: string): void {
  problems.allow(`${why} (/_fn/${name} answers ${status})`, (p) => {
    if (p.kind !== 'console.error' || !p.url) return false;
    let pathname: string;
    try {
      pathname = new URL(p.url).pathname;
    } catch {
      return false;
    }
    return (
      pathname === `/_fn/${name}` &&
      p.text.startsWith(`Failed to load resource: the server responded with a status of ${status} (`)
    );
  });
}

function describeProblem(p: Problem): string {
  const where = p.source && p.source !== p.pageURL ? `\n      at ${p.source.split('\n').join('\n      ')}` : '';
  return `  - [${p.kind}] on ${p.pageURL || '(no page)'}: ${p.text}${where}`;
}

function wrapGoto(page: Page, wrapped: WeakSet<Page>): void {
  if (wrapped.has(page)) return;
  wrapped.add(page);
  const goto = page.goto.bind(page);
  page.goto = async (url, options) => {
    const response = await goto(url, options);
    await settle(page);
    return response;
  };
}

export const test = base.extend<{
  /**
   * 'run' (the default): the app's scripts load normally. 'blocked': the test itself keeps the app
   * bundle from loading (it routes /pkg/ to an abort), so its pages must stay unhydrated.
   */
  appScripts: 'run' | 'blocked';
  /** Collects page errors and console errors; fails the test at the end if there are any. */
  pageProblems: PageProblems;
}>({
  appScripts: ['run', { option: true }],

  pageProblems: [
    async ({ browser, context, appScripts, javaScriptEnabled }, use, testInfo) => {
      if (appScripts === 'blocked') {
        testInfo.annotations.push({
          type: SCRIPTS_BLOCKED,
          description: 'the test blocks the app bundle under /pkg/, so its pages stay as the server rendered them',
        });
      }

      const problems: Problem[] = [];
      const allowances: Array<{ reason: string; matches: (problem: Problem) => boolean }> = [];
      const wasmRequests: string[] = [];
      const contexts = new Set<BrowserContext>();
      const wrapped = new WeakSet<Page>();

      const onConsole = (message: ConsoleMessage) => {
        if (message.type() !== 'error') return;
        const { url, lineNumber, columnNumber } = message.location();
        problems.push({
          kind: 'console.error',
          text: message.text(),
          url,
          source: url ? `${url}:${lineNumber}:${columnNumber}` : '',
          pageURL: message.page()?.url() ?? '',
        });
      };
      const onWebError = (webError: WebError) => {
        const error = webError.error();
        problems.push({
          kind: 'pageerror',
          text: `${error.name}: ${error.message}`,
          url: '',
          source: error.stack ?? '',
          pageURL: webError.page()?.url() ?? '',
        });
      };
      const onRequest = (request: Request) => {
        if (APP_WASM.test(request.url())) wasmRequests.push(request.url());
      };
      // The wasm each document names in a preload hint, read as each document loads (a page may be
      // closed, or gone on to another document, before the test ends).
      const hinted = new Set<string>();
      const readHints = (page: Page) => {
        page
          .locator('link[rel~="preload"][href*=".wasm"]')
          .evaluateAll((links) => links.map((l) => (l as HTMLLinkElement).href))
          .then((hrefs) => hrefs.forEach((href) => hinted.add(href)))
          .catch(() => undefined);
      };
      const onPage = (page: Page) => {
        if (!wrapped.has(page)) page.on('domcontentloaded', () => readHints(page));
        wrapGoto(page, wrapped);
      };
      const watch = (ctx: BrowserContext) => {
        if (contexts.has(ctx)) return;
        contexts.add(ctx);
        ctx.on('console', onConsole);
        ctx.on('weberror', onWebError);
        ctx.on('request', onRequest);
        ctx.on('page', onPage);
        for (const page of ctx.pages()) onPage(page);
      };
      // The test's own context, and every context it opens with browser.newContext().
      watch(context);
      const onContext = (ctx: BrowserContext) => watch(ctx);
      browser.on('context', onContext);

      try {
        await use({
          allow(reason, matches) {
            allowances.push({ reason, matches });
          },
        });
      } finally {
        browser.off('context', onContext);
      }

      const failures: string[] = [];

      const unexpected = problems.filter((p) => !allowances.some((a) => a.matches(p)));
      if (unexpected.length > 0) {
        failures.push(
          `${unexpected.length} page error(s) / console error(s) during the test:\n${unexpected.map(describeProblem).join('\n')}`,
        );
      }
      const allowed = problems.length - unexpected.length;
      if (allowed > 0) {
        testInfo.annotations.push({
          type: 'allowed-errors',
          description: `${allowed} expected error(s): ${[...new Set(allowances.map((a) => a.reason))].join('; ')}`,
        });
      }

      if (!javaScriptEnabled && wasmRequests.length > 0) {
        // Chromium follows a page's <link rel="preload"> hints even with JavaScript off; those
        // fetches only warm the cache. Any other request for the app's WebAssembly means a script ran.
        const unhinted = [...new Set(wasmRequests)].filter((url) => !hinted.has(url));
        if (unhinted.length > 0) {
          failures.push(
            `With JavaScript off no page may load the app's WebAssembly, but ${unhinted.length} file(s) not named ` +
              `by a preload hint were requested:\n` +
              unhinted.map((url) => `  - ${url}`).join('\n'),
          );
        }
      }

      if (!javaScriptEnabled || appScripts === 'blocked') {
        for (const ctx of contexts) {
          for (const page of ctx.pages()) {
            if (page.isClosed()) continue;
            const marked = await page
              .locator(HYDRATED_SELECTOR)
              .count()
              .catch(() => 0);
            if (marked > 0) failures.push(`${page.url()} was hydrated (data-hydrated on <html>) although scripts do not run`);
          }
        }
      }

      if (failures.length > 0) throw new Error(failures.join('\n\n'));
    },
    { auto: true },
  ],
});
