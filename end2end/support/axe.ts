// Accessibility audits with axe-core, reported readably.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

type AxeResults = Awaited<ReturnType<AxeBuilder['analyze']>>;
type Violation = AxeResults['violations'][number];

export function formatViolations(violations: Violation[]): string {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => {
          const summary = (n.failureSummary ?? '').split('\n').map((line) => `        ${line}`).join('\n');
          return `    - ${n.target.join(' ')}\n      ${n.html}\n${summary}`;
        })
        .join('\n');
      return `[${v.impact ?? 'unknown'}] ${v.id}: ${v.help}\n  ${v.helpUrl}\n${nodes}`;
    })
    .join('\n\n');
}

/**
 * Runs axe on the current page (WCAG 2.0/2.1 A and AA) and records a soft failure listing every
 * violation, so that one run reports all the pages that have problems.
 */
export async function auditPage(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const report = formatViolations(results.violations);
  expect
    .soft(results.violations.length, `axe found WCAG violations on ${label} (${page.url()}):\n\n${report}\n`)
    .toBe(0);
}
