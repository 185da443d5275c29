import AxeBuilder from '@axe-core/playwright';
import { expect, request as playwrightRequest, test, type Page } from '@playwright/test';
import { gotoHydrated, submitLogin } from './helpers';

// The whole journey of issue 5 against the built-in Stripe simulator: a paid slot published by the
// demo teacher, booked and paid by the demo student inside the "Boka nu" modal, the receipt, "Mina
// bokningar" with its .ics, declines, 3-D Secure, and PayPal/Klarna through their redirect.

const TEACHER = { email: 'larare@aveli.test', password: 'demo-larare-2026' };
const STUDENT = { email: 'elev@aveli.test', password: 'demo-elev-2026' };
const BASE = process.env.E2E_BASE_URL || 'http://127.0.0.1:3100';
const BLOCKING = new Set(['serious', 'critical']);

let dayOffset = 20;

/** A new published paid session (SEK, 5 seats) with one slot on its own day; returns its id. */
async function paidSession(title: string): Promise<string> {
  const teacher = await playwrightRequest.newContext({ baseURL: BASE });
  const login = await teacher.post('/api/v1/auth/login', { data: TEACHER });
  expect(login.ok()).toBeTruthy();
  const session = await teacher.post('/api/v1/studio/sessions', {
    data: {
      title,
      description: 'Betald sändning för e2e',
      capacity: 5,
      price_cents: 15000,
      currency: 'SEK',
      visibility: 'published',
      recording_url: null,
    },
  });
  expect(session.ok(), await session.text()).toBeTruthy();
  const { id } = (await session.json()) as { id: string };
  dayOffset += 1;
  const start = new Date();
  start.setUTCDate(start.getUTCDate() + dayOffset);
  start.setUTCHours(9, 0, 0, 0);
  const end = new Date(start.getTime() + 60 * 60 * 1000);
  const slot = await teacher.post(`/api/v1/studio/sessions/${id}/slots`, {
    data: { start_at: start.toISOString(), end_at: end.toISOString() },
  });
  expect(slot.status(), await slot.text()).toBe(201);
  await teacher.dispose();
  return id;
}

async function expectNoBlockingViolations(page: Page, what: string, include?: string): Promise<void> {
  let builder = new AxeBuilder({ page });
  if (include) builder = builder.include(include);
  const results = await builder.analyze();
  const blocking = results.violations.filter((v) => BLOCKING.has(v.impact ?? ''));
  expect(blocking.map((v) => `${v.id}: ${v.help} ${v.nodes.map((n) => n.target).join(' ')}`), `axe on ${what}`).toEqual([]);
}

/** Signs the student in and opens the session's first slot in the "Boka nu" modal. */
async function openModal(page: Page, sessionId: string): Promise<void> {
  await submitLogin(page, STUDENT.email, STUDENT.password);
  await expect(page).toHaveURL('/account');
  await gotoHydrated(page, `/sessions/${sessionId}`);
  await page.getByRole('button', { name: 'Vecka', exact: true }).click();
  await page.getByTestId('week-view').locator('button[data-testid="slot-chip"]').first().click();
  await expect(page.getByTestId('booking-modal')).toBeVisible();
}

/** Starts the checkout and waits for the Payment Element stand-in. */
async function startPaying(page: Page): Promise<void> {
  const modal = page.getByTestId('booking-modal');
  await modal.getByRole('button', { name: 'Boka & Betala' }).click();
  await expect(modal.getByLabel('Kortnummer')).toBeVisible();
  await expect(modal.getByTestId('hold-countdown')).toBeVisible();
}

async function fillCard(page: Page, number: string): Promise<void> {
  const modal = page.getByTestId('booking-modal');
  await modal.getByLabel('Kortnummer').fill(number);
  await modal.getByLabel('Utgångsdatum').fill('12 / 34');
  await modal.getByLabel('Säkerhetskod').fill('123');
}

async function pay(page: Page): Promise<void> {
  await page.getByTestId('booking-modal').getByRole('button', { name: 'Boka & Betala' }).click();
}

test.describe('book and pay', () => {
  test('a student books with a card, opens the receipt, finds the booking and its .ics; others see the seat gone', async ({
    page,
    browser,
  }) => {
    const sessionId = await paidSession('E2E Kvällsyoga');
    await openModal(page, sessionId);
    await expect(page.getByTestId('booking-modal')).toContainText('5 platser kvar');
    await startPaying(page);
    await expect(page.getByTestId('secure-payment')).toBeVisible();
    await expectNoBlockingViolations(page, 'the booking modal with the Payment Element', '[data-testid="booking-modal"]');
    await fillCard(page, '4242 4242 4242 4242');
    await pay(page);
    await expect(page.getByTestId('booking-success')).toBeVisible();

    await page.getByRole('link', { name: 'Till kvittot' }).click();
    await expect(page).toHaveURL(/\/orders\//);
    await expect(page.getByTestId('receipt-paid')).toBeVisible();
    await expect(page.locator('main')).toContainText('E2E Kvällsyoga');
    await expect(page.locator('main')).toContainText('150');
    await expectNoBlockingViolations(page, 'the receipt page');

    await page.getByRole('link', { name: 'Gå till min bokning' }).click();
    await expect(page).toHaveURL('/bookings');
    const item = page.getByTestId('booking-item').filter({ hasText: 'E2E Kvällsyoga' });
    await expect(item).toBeVisible();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      item.getByText('Lägg till i kalender (.ics)').click(),
    ]);
    const ics = await (await download.createReadStream()).toArray();
    const text = Buffer.concat(ics as Buffer[]).toString('utf8');
    expect(text).toContain('BEGIN:VEVENT');
    expect(text).toContain('elev@aveli.test');
    expect(text.match(/^ATTENDEE/gm)?.length, 'the invitation names this attendee alone').toBe(1);

    // Another visitor sees one seat fewer.
    const visitor = await browser.newPage();
    await gotoHydrated(visitor, `/sessions/${sessionId}`);
    await expect(visitor.locator('[data-testid="slot-chip"]').first()).toContainText('4 platser kvar');
    await visitor.close();
  });

  test('a declined card shows the error and a retry with 4242 succeeds', async ({ page }) => {
    const sessionId = await paidSession('E2E Andning');
    await openModal(page, sessionId);
    await startPaying(page);
    await fillCard(page, '4000 0000 0000 0002');
    await pay(page);
    await expect(page.getByTestId('payment-error')).toContainText('declined');
    await page.getByTestId('booking-modal').getByLabel('Kortnummer').fill('4242 4242 4242 4242');
    await pay(page);
    await expect(page.getByTestId('booking-success')).toBeVisible();
  });

  test('the 3-D Secure card asks for authentication and then books', async ({ page }) => {
    const sessionId = await paidSession('E2E Meditation');
    await openModal(page, sessionId);
    await startPaying(page);
    await fillCard(page, '4000 0027 6000 3184');
    await pay(page);
    const challenge = page.getByRole('dialog', { name: '3D Secure authentication' });
    await expect(challenge).toBeVisible();
    await challenge.getByRole('button', { name: 'Complete authentication' }).click();
    await expect(page.getByTestId('booking-success')).toBeVisible();
  });

  for (const method of ['PayPal', 'Klarna']) {
    test(`${method} pays through its redirect and the receipt confirms`, async ({ page }) => {
      const sessionId = await paidSession(`E2E ${method}-yoga`);
      await openModal(page, sessionId);
      await startPaying(page);
      await page.getByTestId('booking-modal').getByRole('tab', { name: method }).click();
      await pay(page);
      await expect(page).toHaveURL(/\/_sim\/stripe\/redirect\//);
      await page.getByRole('button', { name: 'Approve payment' }).click();
      await expect(page).toHaveURL(/\/orders\/.*redirect_status=succeeded/);
      await expect(page.getByTestId('receipt-paid')).toBeVisible();
      await expect(page.locator('main')).toContainText(method);
    });
  }
});
