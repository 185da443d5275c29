import { expect, test, type Page } from '@playwright/test';
import { gotoHydrated, nav, waitHydrated } from './helpers';

async function expectSwedish(page: Page): Promise<void> {
  await expect(page.locator('html')).toHaveAttribute('lang', 'sv');
  await expect(nav(page).getByRole('link', { name: 'Logga in', exact: true })).toBeVisible();
  await expect(nav(page).getByRole('link', { name: 'Skapa konto', exact: true })).toBeVisible();
  await expect(page.getByTestId('lang-switch')).toHaveText('English');
}

async function expectEnglish(page: Page): Promise<void> {
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(nav(page).getByRole('link', { name: 'Log in', exact: true })).toBeVisible();
  await expect(nav(page).getByRole('link', { name: 'Create account', exact: true })).toBeVisible();
  await expect(page.getByTestId('lang-switch')).toHaveText('Svenska');
}

test.describe('language', () => {
  test('Swedish by default, English after switching, kept across reloads, and back', async ({ page }) => {
    await gotoHydrated(page, '/');
    await expectSwedish(page);

    await page.getByTestId('lang-switch').click();
    await expectEnglish(page);
    // The switch may reload the page: wait for hydration again before the next interaction.
    await waitHydrated(page);

    await page.reload();
    await waitHydrated(page);
    await expectEnglish(page);

    // Other pages are in English too, server-rendered.
    await gotoHydrated(page, '/login');
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByRole('heading', { name: 'Log in', exact: true })).toBeVisible();

    await page.getByTestId('lang-switch').click();
    await expectSwedish(page);
    await waitHydrated(page);
    await expect(page.getByRole('heading', { name: 'Logga in', exact: true })).toBeVisible();

    await page.reload();
    await waitHydrated(page);
    await expectSwedish(page);
  });
});
