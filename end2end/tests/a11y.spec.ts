import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { gotoHydrated, signUp } from './helpers';

const BLOCKING = new Set(['serious', 'critical']);

/** Runs axe on the current page and asserts there is nothing serious or critical. */
async function expectNoSeriousViolations(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const blocking = results.violations.filter((v) => v.impact != null && BLOCKING.has(v.impact));
  // One compact line per violation (rule, impact, targets), so a failing diff stays readable;
  // the message adds the help text and axe's failure summary for each node.
  const summary = blocking.map(
    (v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`,
  );
  const details = blocking
    .map((v) => {
      const nodes = v.nodes.map((n) => {
        const why = (n.failureSummary ?? '').replace(/\n/g, '\n        ');
        return `    - target ${JSON.stringify(n.target)}\n        ${why}`;
      });
      return `  ${v.id} (${v.impact}): ${v.help} — ${v.helpUrl}\n${nodes.join('\n')}`;
    })
    .join('\n');
  expect(summary, `axe found serious/critical violations on ${label}:\n${details}\n`).toEqual([]);
}

test.describe('accessibility (axe)', () => {
  for (const path of ['/', '/login', '/signup']) {
    test(`${path} has no serious or critical violations`, async ({ page }) => {
      await gotoHydrated(page, path);
      await expectNoSeriousViolations(page, path);
    });
  }

  test('/account has no serious or critical violations', async ({ page }) => {
    await signUp(page);
    await gotoHydrated(page, '/account');
    await expect(page.getByRole('heading', { name: 'Konto', exact: true })).toBeVisible();
    await expectNoSeriousViolations(page, '/account');
  });

  test('an unknown path answers 404 and has no serious or critical violations', async ({ page }) => {
    const response = await gotoHydrated(page, '/no-such-page');
    expect(response, 'navigation to /no-such-page should give a response').not.toBeNull();
    expect(response!.status()).toBe(404);
    await expect(page.getByText('Sidan finns inte').first()).toBeVisible();
    await expectNoSeriousViolations(page, '/no-such-page');
  });
});
