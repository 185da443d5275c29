import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { DISPLAY_NAME, PASSWORD, gotoHydrated, newAccount, submitSignup, uniqueEmail, waitHydrated } from './helpers';

// Membership through Stripe Billing against the simulator: a new student takes it in the last step
// of signing up and pays the first invoice in the Payment Element, the recordings of "Tidigare
// sändningar" open, and the membership is cancelled at the period end from /account.

const BLOCKING = new Set(['serious', 'critical']);

test('a new student takes the membership in the last sign-up step with card 4242, sees a recording and cancels from /account', async ({ page }) => {
  await submitSignup(page, newAccount('member'));
  // The last, optional step of signing up.
  await expect(page).toHaveURL('/signup/membership');
  await expect(page.getByRole('heading', { name: 'Sista steget: bli medlem', level: 1 })).toBeVisible();
  await waitHydrated(page);
  const step = await new AxeBuilder({ page }).analyze();
  const stepBlocking = step.violations.filter((v) => BLOCKING.has(v.impact ?? ''));
  expect(stepBlocking.map((v) => `${v.id}: ${v.help}`), 'axe on /signup/membership').toEqual([]);
  await expect(page.getByRole('link', { name: 'Hoppa över' })).toBeVisible();

  await page.getByRole('button', { name: 'Bli medlem' }).click();
  await page.getByLabel('Kortnummer').fill('4242 4242 4242 4242');
  await page.getByLabel('Utgångsdatum').fill('12 / 34');
  await page.getByLabel('Säkerhetskod').fill('123');
  await page.getByRole('button', { name: 'Betala och bli medlem' }).click();
  await expect(page.getByTestId('membership-welcome')).toBeVisible();
  await page.getByRole('link', { name: 'Fortsätt till Aveli' }).click();
  await expect(page).toHaveURL('/home');

  const past = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Tidigare sändningar' }) });
  // The webhook makes the membership active; the recordings open.
  await expect(async () => {
    await gotoHydrated(page, '/home');
    await expect(past.getByRole('link', { name: 'Se inspelningen' }).first()).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });

  await gotoHydrated(page, '/account');
  await page.getByRole('button', { name: 'Avsluta vid periodens slut' }).click();
  await expect(page.getByTestId('account-membership')).toContainText('Medlemskapet avslutas');
  await expect(page.getByRole('button', { name: 'Fortsätt medlemskapet' })).toBeVisible();
});

test('without a membership the recordings stay closed, and /membership passes axe', async ({ page }) => {
  const signup = await page.request.post('/api/v1/auth/signup', {
    data: { email: uniqueEmail('nomember'), display_name: DISPLAY_NAME, password: PASSWORD },
  });
  expect(signup.status()).toBe(201);

  await gotoHydrated(page, '/home');
  const past = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Tidigare sändningar' }) });
  await expect(past.getByText('Boka sessionen eller bli medlem').first()).toBeVisible();
  await expect(past.getByRole('link', { name: 'Se inspelningen' })).toHaveCount(0);

  await gotoHydrated(page, '/membership');
  await expect(page.getByRole('heading', { name: 'Medlemskap', level: 1 })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Bli medlem' })).toBeVisible();
  const results = await new AxeBuilder({ page }).analyze();
  const blocking = results.violations.filter((v) => BLOCKING.has(v.impact ?? ''));
  expect(blocking.map((v) => `${v.id}: ${v.help}`), 'axe on /membership').toEqual([]);
});
