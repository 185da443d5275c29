import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { DISPLAY_NAME, PASSWORD, gotoHydrated, submitLogin, uniqueEmail } from './helpers';

// The Stripe boundary in the browser, against the built-in simulator: Connect onboarding on the
// simulator's hosted page, and the Payment Element stand-in mounted through our wasm-bindgen
// bindings (app/src/stripe_js.rs) on the studio's test-payment page.

const TEACHER = { email: 'larare@aveli.test', password: 'demo-larare-2026' };
const BLOCKING = new Set(['serious', 'critical']);

async function expectNoBlockingViolations(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const blocking = results.violations.filter((v) => BLOCKING.has(v.impact ?? ''));
  expect(blocking.map((v) => `${v.id}: ${v.help}`), `axe on ${what}`).toEqual([]);
}

/** A new account that has just become a teacher (no payout account yet). */
async function newTeacher(page: Page): Promise<void> {
  const signup = await page.request.post('/api/v1/auth/signup', {
    data: { email: uniqueEmail('teacher'), display_name: DISPLAY_NAME, password: PASSWORD },
  });
  expect(signup.status()).toBe(201);
  const teacher = await page.request.post('/api/v1/teachers');
  expect(teacher.status()).toBe(200);
}

test.describe('Connect onboarding', () => {
  test('a new teacher onboards on the hosted page and payouts become active', async ({ page }) => {
    await newTeacher(page);
    await gotoHydrated(page, '/studio/payouts');
    await expect(page.getByRole('heading', { name: 'Utbetalningar', level: 1 })).toBeVisible();
    await expect(page.getByTestId('payout-state')).toHaveText('Inte påbörjat');
    await expectNoBlockingViolations(page, 'the payouts page');

    await page.getByRole('button', { name: 'Kom igång med utbetalningar' }).click();
    await expect(page).toHaveURL(/\/_sim\/stripe\/connect\/onboarding\/acct_/);
    await expect(page.getByText('Test mode').first()).toBeVisible();
    await expectNoBlockingViolations(page, 'the simulated onboarding page');
    await page.getByLabel('Business name').fill('Luna Yoga AB');
    await page.getByRole('button', { name: 'Submit' }).click();

    await expect(page).toHaveURL(/\/studio\/payouts\?returned=1$/);
    await expect(page.getByTestId('payout-state')).toHaveText('Aktivt');
    await expect(page.getByTestId('charges-enabled')).toHaveText('Ja');
    await expect(page.getByRole('status').filter({ hasText: 'Välkommen tillbaka' })).toBeVisible();
  });

  test('abandoning onboarding leaves it incomplete and the refresh link starts over', async ({ page }) => {
    await newTeacher(page);
    await gotoHydrated(page, '/studio/payouts');
    await page.getByRole('button', { name: 'Kom igång med utbetalningar' }).click();
    await expect(page).toHaveURL(/\/_sim\/stripe\/connect\/onboarding\/acct_/);
    const firstLink = page.url();

    await page.getByRole('button', { name: 'Abandon' }).click();
    // Stripe sends the teacher to our refresh URL, which hands out a new link at once.
    await expect(page).toHaveURL(/\/_sim\/stripe\/connect\/onboarding\/acct_/);
    expect(page.url()).not.toBe(firstLink);

    await gotoHydrated(page, '/studio/payouts');
    await expect(page.getByTestId('payout-state')).toHaveText('Ofullständigt');
    await expect(page.getByRole('button', { name: 'Fortsätt registreringen' })).toBeVisible();
    await expect(page.locator('.due-list li').first()).toBeVisible();
  });
});

test.describe('Payment Element through the Stripe.js bindings', () => {
  test.beforeEach(async ({ page }) => {
    await submitLogin(page, TEACHER.email, TEACHER.password);
    await expect(page).toHaveURL('/account');
    await gotoHydrated(page, '/studio/payment-test');
    await expect(page.getByTestId('sim-payment-element')).toBeVisible();
    await expect(page.getByLabel('Kortnummer')).toBeVisible();
  });

  async function fillCard(page: Page, number: string): Promise<void> {
    await page.getByLabel('Kortnummer').fill(number);
    await page.getByLabel('Utgångsdatum').fill('12 / 34');
    await page.getByLabel('Säkerhetskod').fill('123');
  }

  test('card 4242 confirms inside the page', async ({ page }) => {
    const pay = page.getByRole('button', { name: 'Betala', exact: true });
    await expect(pay, 'disabled until the form is complete').toBeDisabled();
    await expectNoBlockingViolations(page, 'the mounted Payment Element');
    await fillCard(page, '4242 4242 4242 4242');
    await expect(pay).toBeEnabled();
    await pay.click();
    await expect(page.getByTestId('payment-success')).toHaveText('Betalningen gick igenom.');
  });

  test('card 0002 shows the decline message and a retry with 4242 succeeds', async ({ page }) => {
    await fillCard(page, '4000 0000 0000 0002');
    await page.getByRole('button', { name: 'Betala', exact: true }).click();
    await expect(page.getByTestId('payment-error')).toContainText('declined');
    await page.getByLabel('Kortnummer').fill('4242 4242 4242 4242');
    await page.getByRole('button', { name: 'Betala', exact: true }).click();
    await expect(page.getByTestId('payment-success')).toBeVisible();
  });

  test('the 3-D Secure card shows the challenge and completes', async ({ page }) => {
    await fillCard(page, '4000 0027 6000 3184');
    await page.getByRole('button', { name: 'Betala', exact: true }).click();
    const challenge = page.getByRole('dialog', { name: '3D Secure authentication' });
    await expect(challenge).toBeVisible();
    await expectNoBlockingViolations(page, 'the 3-D Secure challenge');
    await challenge.getByRole('button', { name: 'Complete authentication' }).click();
    await expect(page.getByTestId('payment-success')).toBeVisible();
  });
});
