import { expect, test } from '@playwright/test';
import {
  alertWith,
  gotoHydrated,
  logOut,
  nav,
  newAccount,
  signUp,
  submitLogin,
  submitSignup,
  waitHydrated,
} from './helpers';

test.describe('accounts', () => {
  test('sign up, land logged in, log out, log in again', async ({ page }) => {
    const account = newAccount('flow');

    await signUp(page, account);
    // Landed on /account, logged in.
    await expect(page.getByRole('heading', { name: 'Konto', exact: true })).toBeVisible();
    await expect(page.getByText(`Inloggad som ${account.name}`).first()).toBeVisible();
    await expect(page.getByText(account.email).first()).toBeVisible();
    await expect(nav(page).getByRole('link', { name: 'Konto', exact: true })).toHaveAttribute('href', '/account');
    await expect(nav(page).getByRole('button', { name: 'Logga ut', exact: true })).toBeVisible();
    await expect(nav(page).getByRole('link', { name: 'Logga in', exact: true })).toHaveCount(0);

    await logOut(page);
    await expect(nav(page).getByRole('link', { name: 'Skapa konto', exact: true })).toHaveAttribute('href', '/signup');
    await expect(nav(page).getByRole('button', { name: 'Logga ut', exact: true })).toHaveCount(0);

    // Logged out, /account sends us to /login.
    await page.goto('/account');
    await expect(page).toHaveURL(/\/login(\?.*)?$/);

    await submitLogin(page, account.email, account.password);
    await expect(page).toHaveURL('/account');
    await expect(page.getByText(`Inloggad som ${account.name}`).first()).toBeVisible();
    await expect(page.getByText(account.email).first()).toBeVisible();
    await expect(nav(page).getByRole('button', { name: 'Logga ut', exact: true })).toBeVisible();
  });

  test('visiting /account logged out redirects to /login', async ({ page }) => {
    await page.goto('/account');
    await expect(page).toHaveURL(/\/login(\?.*)?$/);
    await expect(page.getByRole('heading', { name: 'Logga in', exact: true })).toBeVisible();
  });

  test('a wrong password shows an error and stays on /login', async ({ page }) => {
    const account = await signUp(page, newAccount('wrongpw'));
    await logOut(page);

    await submitLogin(page, account.email, 'not the right password');
    await expect(alertWith(page, 'Fel e-post eller lösenord')).toBeVisible();
    await expect(page).toHaveURL(/\/login(\?.*)?$/);
    await expect(nav(page).getByRole('link', { name: 'Logga in', exact: true })).toBeVisible();
  });

  test('an unknown e-mail shows the same error as a wrong password', async ({ page }) => {
    await submitLogin(page, newAccount('nobody').email, 'correct horse battery');
    await expect(alertWith(page, 'Fel e-post eller lösenord')).toBeVisible();
    await expect(page).toHaveURL(/\/login(\?.*)?$/);
  });

  test('signing up twice with the same e-mail is refused', async ({ page }) => {
    const account = await signUp(page, newAccount('dup'));
    await logOut(page);

    await submitSignup(page, { ...account, name: 'Någon Annan' });
    await expect(alertWith(page, 'E-postadressen är redan registrerad')).toBeVisible();
    await expect(page).toHaveURL(/\/signup(\?.*)?$/);
  });

  test('a too short password is refused', async ({ page }) => {
    await gotoHydrated(page, '/signup');
    const password = page.getByLabel('Lösenord', { exact: true });
    // Test the app's own check, not the browser's: switch off native constraint validation
    // (e.g. a minlength attribute) on the form, so the submit goes through to the app.
    await password.evaluate((input) => {
      const form = (input as HTMLInputElement).form;
      if (form) form.noValidate = true;
    });
    await page.getByLabel('E-post', { exact: true }).fill(newAccount('short').email);
    await page.getByLabel('Namn', { exact: true }).fill('E2E Elev');
    await password.fill('kort');
    await page.getByRole('button', { name: 'Skapa konto', exact: true }).click();

    await expect(alertWith(page, 'Lösenordet måste vara minst 10 tecken')).toBeVisible();
    await expect(page).toHaveURL(/\/signup(\?.*)?$/);
    await waitHydrated(page);
    await expect(nav(page).getByRole('link', { name: 'Logga in', exact: true })).toBeVisible();
  });
});
