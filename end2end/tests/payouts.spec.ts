import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { gotoHydrated, submitLogin } from './helpers';

// The teacher's payouts (issue 16): the demo teacher sees the demo seed's payouts on /studio/payouts
// (a failed one, then the paid one that followed it), opens the paid one to its sales, finds the
// payout settings and the Stripe dashboard button, and axe finds nothing serious.

const TEACHER = { email: 'larare@aveli.test', password: 'demo-larare-2026' };
const BLOCKING = new Set(['serious', 'critical']);

async function expectNoBlockingViolations(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const blocking = results.violations.filter((v) => BLOCKING.has(v.impact ?? ''));
  expect(blocking.map((v) => `${v.id}: ${v.help} ${v.nodes.map((n) => n.target).join(' ')}`), `axe on ${what}`).toEqual([]);
}

test.describe('teacher payouts', () => {
  test('the demo teacher sees a paid-out payout and opens it to its sales', async ({ page }) => {
    await submitLogin(page, TEACHER.email, TEACHER.password);
    await expect(page).toHaveURL('/account');
    const response = await gotoHydrated(page, '/studio/payouts');
    expect(response!.status()).toBe(200);
    await expect(page.getByRole('heading', { name: 'Utbetalningar', level: 1 })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Utbetalningar till din bank', level: 2 })).toBeVisible();

    const paid = page.locator('[data-testid="payout-row"][data-status="paid"]').first();
    await expect(paid).toBeVisible();
    await expect(paid).toContainText('Utbetald');
    await expect(paid).toContainText('SEK');
    await expect(paid).toContainText(/Kom fram \d{4}-\d{2}-\d{2}/);

    // The failed one says why, in the bank's words.
    const failed = page.locator('[data-testid="payout-row"][data-status="failed"]').first();
    await expect(failed).toContainText('Misslyckad');
    await expect(failed).toContainText('Banken svarade: The bank account has been closed.');

    // Folded until opened; then its sales, with the teacher's share.
    const sales = paid.getByTestId('payout-sales');
    await expect(sales.getByTestId('payout-sale-row').first()).toBeHidden();
    await sales.locator('summary').click();
    await expect(sales).toHaveAttribute('open', '');
    await expect(sales.getByTestId('payout-sale-row').first()).toBeVisible();
    await expect(sales.getByRole('columnheader', { name: 'Din del' })).toBeVisible();
    await expectNoBlockingViolations(page, '/studio/payouts with a payout opened');

    // An active account has the settings and the dashboard button.
    await expect(page.getByRole('heading', { name: 'Inställningar för utbetalningar', level: 2 })).toBeVisible();
    await expect(page.getByLabel('Hur ofta du får utbetalningar', { exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Öppna Stripe-översikten' })).toBeVisible();

    // A prefix Stripe would refuse is refused inline; nothing typed is lost.
    await page.getByLabel('Hur ofta du får utbetalningar', { exact: true }).selectOption('weekly');
    const prefix = page.getByLabel('Prefix på köparens kontoutdrag', { exact: true });
    await prefix.fill('A');
    await page.getByTestId('payout-settings-save').click();
    await expect(page.getByRole('alert').filter({ hasText: 'Prefixet ska ha 2–10 tecken' })).toBeVisible();
    await expect(prefix).toHaveAttribute('aria-invalid', 'true');
    await expect(prefix).toHaveValue('A');
    await expectNoBlockingViolations(page, '/studio/payouts with a settings error');
  });
});
