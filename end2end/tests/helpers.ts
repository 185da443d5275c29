import { expect, type Locator, type Page, type Response } from '@playwright/test';

/** How long the app may take to load its WASM and hydrate. */
export const HYDRATION_TIMEOUT = 15_000;

/** Password that satisfies the app's rule (at least 10 characters). */
export const PASSWORD = 'correct horse battery';
export const DISPLAY_NAME = 'E2E Elev';

let counter = 0;
/** A fresh e-mail address for every call, unique across runs (the server's database is fresh per run anyway). */
export function uniqueEmail(tag = 'e2e'): string {
  counter += 1;
  return `${tag}-${Date.now()}-${counter}@example.test`;
}

/**
 * Waits until the app has hydrated: it sets `data-hydrated="true"` on <body>. A locator assertion
 * (not waitForFunction) so that it also works while a navigation/reload is still in flight.
 */
export async function waitHydrated(page: Page): Promise<void> {
  await expect(page.locator('body'), 'the app should set <body data-hydrated="true"> once hydrated').toHaveAttribute(
    'data-hydrated',
    'true',
    { timeout: HYDRATION_TIMEOUT },
  );
}

/** Navigates to `path` and waits for hydration; interact with forms only after this. */
export async function gotoHydrated(page: Page, path: string): Promise<Response | null> {
  const response = await page.goto(path);
  await waitHydrated(page);
  return response;
}

/** The site's main navigation (<nav class="nav">). */
export function nav(page: Page): Locator {
  return page.locator('nav.nav');
}

/** Elements with role="alert" that contain `text`. */
export function alertWith(page: Page, text: string): Locator {
  return page.getByRole('alert').filter({ hasText: text });
}

export interface Account {
  email: string;
  name: string;
  password: string;
}

export function newAccount(tag = 'e2e'): Account {
  return { email: uniqueEmail(tag), name: DISPLAY_NAME, password: PASSWORD };
}

/** Fills and submits the (Swedish) sign-up form. Does not wait for the outcome. */
export async function submitSignup(page: Page, account: Account): Promise<void> {
  await gotoHydrated(page, '/signup');
  await page.getByLabel('E-post', { exact: true }).fill(account.email);
  await page.getByLabel('Namn', { exact: true }).fill(account.name);
  await page.getByLabel('Lösenord', { exact: true }).fill(account.password);
  // A button, so it cannot be confused with the nav *link* of the same name.
  await page.getByRole('button', { name: 'Skapa konto', exact: true }).click();
}

/** Signs up, skips the optional membership step and waits on /account, logged in. */
export async function signUp(page: Page, account: Account = newAccount()): Promise<Account> {
  await submitSignup(page, account);
  await expect(page).toHaveURL('/signup/membership');
  await expect(page.getByRole('heading', { name: 'Sista steget: bli medlem', level: 1 })).toBeVisible();
  await gotoHydrated(page, '/account');
  await expect(page.getByText(`Inloggad som ${account.name}`).first()).toBeVisible();
  await waitHydrated(page);
  return account;
}

/** Fills and submits the (Swedish) log-in form. Does not wait for the outcome. */
export async function submitLogin(page: Page, email: string, password: string): Promise<void> {
  await gotoHydrated(page, '/login');
  await page.getByLabel('E-post', { exact: true }).fill(email);
  await page.getByLabel('Lösenord', { exact: true }).fill(password);
  // A button, so it cannot be confused with the nav *link* of the same name.
  await page.getByRole('button', { name: 'Logga in', exact: true }).click();
}

/** Logs out with the nav button and waits for the logged-out nav on '/'. */
export async function logOut(page: Page): Promise<void> {
  await waitHydrated(page);
  await nav(page).getByRole('button', { name: 'Logga ut', exact: true }).click();
  await expect(page).toHaveURL('/');
  await expect(nav(page).getByRole('link', { name: 'Logga in', exact: true })).toBeVisible();
  await waitHydrated(page);
}
