import { expect, test } from '@playwright/test';
import { HYDRATION_TIMEOUT, gotoHydrated, newAccount } from './helpers';

test.describe('hydration', () => {
  test('the app hydrates on / within 15 s without page errors', async ({ page }) => {
    const pageErrors: string[] = [];
    const consoleErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(String(err)));
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });

    const response = await page.goto('/');
    expect(response?.status()).toBe(200);
    // Server-rendered HTML arrives without the flag; the client sets it after hydrating.
    try {
      await page.waitForFunction(() => document.body.dataset.hydrated === 'true', null, {
        timeout: HYDRATION_TIMEOUT,
      });
    } catch (e) {
      throw new Error(
        `not hydrated within ${HYDRATION_TIMEOUT} ms (${String(e)})\n` +
          `page errors:\n${pageErrors.join('\n') || '  (none)'}\n` +
          `console errors:\n${consoleErrors.join('\n') || '  (none)'}`,
      );
    }
    // e.g. a broken wasm-opt shows up as "WebAssembly.Table.set(): Argument 1 is invalid for table".
    expect(pageErrors, `uncaught errors in the page:\n${pageErrors.join('\n')}`).toEqual([]);
  });

  test('after hydration the sign-up form is submitted by the client, not as a page POST', async ({ page }) => {
    const account = newAccount('hydr');
    await gotoHydrated(page, '/signup');

    const posts: { url: string; type: string }[] = [];
    page.on('request', (req) => {
      if (req.method() === 'POST') posts.push({ url: req.url(), type: req.resourceType() });
    });

    await page.getByLabel('E-post', { exact: true }).fill(account.email);
    await page.getByLabel('Namn', { exact: true }).fill(account.name);
    await page.getByLabel('Lösenord', { exact: true }).fill(account.password);
    await page.getByRole('button', { name: 'Skapa konto', exact: true }).click();

    await expect(page).toHaveURL('/signup/membership');
    await expect(page.getByRole('heading', { name: 'Sista steget: bli medlem', level: 1 })).toBeVisible();

    const listing = posts.map((p) => `  ${p.type} ${p.url}`).join('\n');
    expect(posts.length, `the submit should POST to the server function; POSTs seen:\n${listing}`).toBeGreaterThan(0);
    // An unhydrated <form> would POST as a 'document' navigation; the ActionForm uses fetch.
    expect(
      posts.filter((p) => p.type === 'document'),
      `the sign-up was submitted as a full page POST (no hydration?); POSTs seen:\n${listing}`,
    ).toEqual([]);
  });
});
