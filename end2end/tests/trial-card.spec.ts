import { APIRequestContext, expect, test } from '@playwright/test';
import { gotoHydrated } from './helpers';

// A membership trial saves the card through its SetupIntent with stripe.confirmSetup: the
// simulator's Stripe.js stand-in, 3-D Secure included, and nothing charged. (The app's side of a
// trial is covered by the integration test `a_trial_saves_the_card_then_the_first_charge…`.)

const SIM = '/_sim/stripe';
const SECRET_KEY = { Authorization: 'Bearer sk_test_aveli_simulated' };

async function simPost(request: APIRequestContext, path: string, form: Record<string, string>) {
  const response = await request.post(`${SIM}${path}`, { headers: SECRET_KEY, form });
  expect(response.ok(), `${path}: ${await response.text()}`).toBeTruthy();
  return response.json();
}

test('confirmSetup saves a trial card after 3-D Secure, without a charge', async ({ page }) => {
  const customer = await simPost(page.request, '/v1/customers', { email: 'trial-e2e@example.com' });
  const product = await simPost(page.request, '/v1/products', { name: 'E2E trial plan' });
  const price = await simPost(page.request, '/v1/prices', {
    product: product.id,
    unit_amount: '19900',
    currency: 'sek',
    'recurring[interval]': 'month',
  });
  const subscription = await simPost(page.request, '/v1/subscriptions', {
    customer: customer.id,
    'items[0][price]': price.id,
    trial_period_days: '14',
    payment_behavior: 'default_incomplete',
    'expand[0]': 'pending_setup_intent',
  });
  expect(subscription.status).toBe('trialing');
  const secret: string = subscription.pending_setup_intent.client_secret;
  expect(secret).toMatch(/^seti_/);

  await gotoHydrated(page, '/login');
  await page.evaluate(async ({ secret, src }) => {
    await new Promise<void>((resolve, reject) => {
      const script = document.createElement('script');
      script.src = src;
      script.onload = () => resolve();
      script.onerror = () => reject(new Error('v3.js did not load'));
      document.head.append(script);
    });
    const host = document.createElement('div');
    host.id = 'trial-card';
    document.querySelector('main')?.append(host);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const stripe = (window as any).Stripe('pk_test_aveli_simulated', { locale: 'sv' });
    const elements = stripe.elements({ clientSecret: secret, locale: 'sv' });
    elements.create('payment', { layout: 'tabs' }).mount('#trial-card');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    (window as any).trialCard = { stripe, elements };
  }, { secret, src: `${SIM}/v3.js` });

  // A SetupIntent accepts cards only: no PayPal or Klarna tab.
  await expect(page.getByLabel('Kortnummer')).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Klarna' })).toHaveCount(0);
  await page.getByLabel('Kortnummer').fill('4000 0027 6000 3184');
  await page.getByLabel('Utgångsdatum').fill('12 / 34');
  await page.getByLabel('Säkerhetskod').fill('123');
  const confirmed = page.evaluate(() => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const { stripe, elements } = (window as any).trialCard;
    return stripe.confirmSetup({ elements, redirect: 'if_required' });
  });
  await page.getByTestId('sim-3ds-complete').click();
  const result = await confirmed;
  expect(result.error).toBeUndefined();
  expect(result.setupIntent.status).toBe('succeeded');

  const after = await (
    await page.request.get(`${SIM}/v1/subscriptions/${subscription.id}`, { headers: SECRET_KEY })
  ).json();
  expect(after.status).toBe('trialing');
  expect(after.pending_setup_intent).toBeNull();
  expect(after.default_payment_method).toBe(result.setupIntent.payment_method);
  const invoice = await (
    await page.request.get(`${SIM}/v1/invoices/${after.latest_invoice}`, { headers: SECRET_KEY })
  ).json();
  expect(invoice.amount_paid, 'nothing is charged during the trial').toBe(0);
});
