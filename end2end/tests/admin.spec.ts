import AxeBuilder from '@axe-core/playwright';
import { expect, request as playwrightRequest, test, type Page } from '@playwright/test';
import { gotoHydrated, nav, submitLogin, waitHydrated } from './helpers';

// The platform's console (issue 16): a paid booking refunded in part from /admin/orders and seen
// on the student's receipt; the console is a plain 404 to everyone but an admin; and axe on every
// console page.

const ADMIN = { email: 'admin@aveli.test', password: 'demo-admin-2026' };
const TEACHER = { email: 'larare@aveli.test', password: 'demo-larare-2026' };
const STUDENT = { email: 'elev@aveli.test', password: 'demo-elev-2026' };
const BASE = process.env.E2E_BASE_URL || 'http://127.0.0.1:3100';
const BLOCKING = new Set(['serious', 'critical']);
const CONSOLE_PATHS = ['/admin', '/admin/orders', '/admin/teachers'];

async function expectNoBlockingViolations(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const blocking = results.violations.filter((v) => BLOCKING.has(v.impact ?? ''));
  expect(blocking.map((v) => `${v.id}: ${v.help} ${v.nodes.map((n) => n.target).join(' ')}`), `axe on ${what}`).toEqual([]);
}

/** A new published paid session (150 SEK) by the demo teacher, one slot on its own day; returns its id. */
async function paidSession(title: string): Promise<string> {
  const teacher = await playwrightRequest.newContext({ baseURL: BASE });
  const login = await teacher.post('/api/v1/auth/login', { data: TEACHER });
  expect(login.ok()).toBeTruthy();
  const session = await teacher.post('/api/v1/studio/sessions', {
    data: {
      title,
      description: 'Betald sändning för konsolens e2e',
      capacity: 5,
      price_cents: 15000,
      currency: 'SEK',
      visibility: 'published',
      recording_url: null,
    },
  });
  expect(session.ok(), await session.text()).toBeTruthy();
  const { id } = (await session.json()) as { id: string };
  // Days of their own, far from the other specs' slots.
  const start = new Date();
  start.setUTCDate(start.getUTCDate() + 60 + Math.floor(Math.random() * 30));
  start.setUTCHours(15, 0, 0, 0);
  const end = new Date(start.getTime() + 60 * 60 * 1000);
  const slot = await teacher.post(`/api/v1/studio/sessions/${id}/slots`, {
    data: { start_at: start.toISOString(), end_at: end.toISOString() },
  });
  expect(slot.status(), await slot.text()).toBe(201);
  await teacher.dispose();
  return id;
}

/** The demo student books the session's first slot, pays with 4242 and opens the receipt; returns the order id. */
async function bookAndPay(page: Page, sessionId: string): Promise<string> {
  await submitLogin(page, STUDENT.email, STUDENT.password);
  await expect(page).toHaveURL('/account');
  await gotoHydrated(page, `/sessions/${sessionId}`);
  await page.getByRole('button', { name: 'Vecka', exact: true }).click();
  await page.getByTestId('week-view').locator('button[data-testid="slot-chip"]').first().click();
  const modal = page.getByTestId('booking-modal');
  await expect(modal).toBeVisible();
  await modal.getByRole('button', { name: 'Boka & Betala' }).click();
  await expect(modal.getByLabel('Kortnummer')).toBeVisible();
  await modal.getByLabel('Kortnummer').fill('4242 4242 4242 4242');
  await modal.getByLabel('Utgångsdatum').fill('12 / 34');
  await modal.getByLabel('Säkerhetskod').fill('123');
  await modal.getByRole('button', { name: 'Boka & Betala' }).click();
  await expect(page.getByTestId('booking-success')).toBeVisible();
  await page.getByRole('link', { name: 'Till kvittot' }).click();
  await expect(page).toHaveURL(/\/orders\/[^/?]+/);
  await expect(page.getByTestId('receipt-paid')).toBeVisible();
  const match = /\/orders\/([^/?#]+)/.exec(page.url());
  expect(match, 'the receipt URL carries the order id').not.toBeNull();
  return match![1];
}

async function signInAsAdmin(page: Page): Promise<void> {
  await submitLogin(page, ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL('/account');
}

/** The console's own 404: the site's not-found page, status 404, and no word of the console. */
async function expectNotFound(page: Page, path: string): Promise<void> {
  const response = await gotoHydrated(page, path);
  expect(response, `navigation to ${path} should give a response`).not.toBeNull();
  expect(response!.status(), `${path} answers 404`).toBe(404);
  await expect(page.getByText('Sidan finns inte').first()).toBeVisible();
  await expect(page.locator('main')).not.toContainText('konsol');
  await expect(page.locator('[data-testid="admin-order-row"], [data-testid="admin-teacher-row"]')).toHaveCount(0);
  await expect(nav(page).getByRole('link', { name: 'Admin', exact: true })).toHaveCount(0);
}

test.describe('admin console', () => {
  test('an admin finds a paid order, refunds half of it, and the student sees it on the receipt', async ({
    page,
    browser,
  }) => {
    const title = `E2E Konsolyoga ${Date.now()}`;
    const sessionId = await paidSession(title);
    const orderId = await bookAndPay(page, sessionId);

    const adminContext = await browser.newContext();
    const admin = await adminContext.newPage();
    await signInAsAdmin(admin);
    await expect(nav(admin).getByRole('link', { name: 'Admin', exact: true })).toBeVisible();

    // Search by the student's email: the filters land in the address.
    await gotoHydrated(admin, '/admin/orders');
    await expect(admin.getByRole('heading', { name: 'Ordrar', level: 1 })).toBeVisible();
    await admin.getByLabel('Sök', { exact: true }).fill(STUDENT.email);
    await admin.getByRole('button', { name: 'Filtrera', exact: true }).click();
    await expect(admin).toHaveURL(/\/admin\/orders\?.*q=elev%40aveli\.test/);
    const row = admin.locator(`[data-testid="admin-order-row"][data-order-id="${orderId}"]`);
    await expect(row).toBeVisible();
    await expect(row).toContainText(title);
    await expect(row).toContainText('150,00 SEK');

    // A reload keeps the filter.
    await admin.reload();
    await expect(admin.getByLabel('Sök', { exact: true })).toHaveValue(STUDENT.email);
    await expect(row).toBeVisible();

    await row.getByRole('link').first().click();
    await expect(admin).toHaveURL(`/admin/orders/${orderId}`);
    await expect(admin.getByRole('heading', { name: 'Order', level: 1 })).toBeVisible();
    await expect(admin.getByTestId('admin-order-facts')).toContainText(orderId);
    await waitHydrated(admin);

    // Bad input is refused inline and nothing typed is lost.
    await admin.getByTestId('refund-amount').fill('75 kr');
    await admin.getByTestId('refund-reason').fill('E2E: halva beloppet tillbaka');
    await expect(admin.getByTestId('refund-reverse-transfer')).toBeChecked();
    await expect(admin.getByTestId('refund-application-fee')).toBeChecked();
    await admin.getByTestId('refund-submit').click();
    await expect(admin.getByRole('alert').filter({ hasText: 'Skriv beloppet med siffror' })).toBeVisible();
    await expect(admin.getByTestId('refund-amount')).toHaveValue('75 kr');
    await expect(admin.getByTestId('refund-amount')).toHaveAttribute('aria-invalid', 'true');
    await expect(admin.getByTestId('refund-reason')).toHaveValue('E2E: halva beloppet tillbaka');

    // Half the amount: the step says what will happen before anything is sent.
    await admin.getByTestId('refund-amount').fill('75,00');
    await admin.getByTestId('refund-submit').click();
    const question = admin.getByTestId('refund-question');
    await expect(question).toContainText(`Återbetala 75,00 SEK till ${STUDENT.email}`);
    await expect(question).toContainText('dra tillbaka');
    await expect(question).toContainText('från läraren');
    await expectNoBlockingViolations(admin, 'the order page with the refund confirmation');
    await admin.getByTestId('refund-confirm').click();

    await expect(admin.getByTestId('refund-done')).toContainText('Återbetalat: 75,00 SEK');
    const refund = admin.getByTestId('admin-refund-row');
    await expect(refund).toHaveCount(1);
    await expect(refund).toHaveAttribute('data-status', 'succeeded');
    await expect(refund).toContainText('Återbetalat');
    await expect(refund).toContainText('75,00 SEK');
    await expect(refund).toContainText('E2E: halva beloppet tillbaka');
    await expect(refund).toContainText(ADMIN.email);
    await expect(admin.getByTestId('admin-order-refunded')).toHaveText('75,00 SEK');
    // The form is empty again, ready for another (new) refund of what is left.
    await expect(admin.getByTestId('refund-amount')).toHaveValue('');
    await expectNoBlockingViolations(admin, 'the order page after a refund');

    // The trail has the refund.
    await gotoHydrated(admin, '/admin/audit');
    await expect(admin.getByTestId('audit-row').first()).toContainText('Återbetalning');
    await adminContext.close();

    // The student's receipt shows the refunded amount.
    await gotoHydrated(page, `/orders/${orderId}`);
    await expect(page.locator('main')).toContainText('Återbetalt');
    await expect(page.locator('main')).toContainText('75 SEK');
  });

  test('the console is a plain 404 to visitors, students and teachers', async ({ browser }) => {
    const visitor = await browser.newPage();
    for (const path of CONSOLE_PATHS) {
      await expectNotFound(visitor, path);
    }
    await visitor.close();

    for (const account of [STUDENT, TEACHER]) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await submitLogin(page, account.email, account.password);
      await expect(page).toHaveURL('/account');
      for (const path of CONSOLE_PATHS) {
        await expectNotFound(page, path);
      }
      await context.close();
    }
  });

  test('every console page passes axe, and the teachers table sorts', async ({ page }) => {
    await signInAsAdmin(page);
    for (const [path, heading] of [
      ['/admin', 'Översikt'],
      ['/admin/teachers', 'Lärare'],
      ['/admin/orders', 'Ordrar'],
      ['/admin/audit', 'Granskningslogg'],
    ]) {
      const response = await gotoHydrated(page, path);
      expect(response!.status(), `${path} answers 200 to an admin`).toBe(200);
      await expect(page.getByRole('heading', { name: heading, level: 1 })).toBeVisible();
      await expectNoBlockingViolations(page, path);
    }

    await gotoHydrated(page, '/admin/teachers');
    await expect(page.getByTestId('admin-teacher-row').first()).toBeVisible();
    const nameHeader = page.getByRole('columnheader', { name: 'Namn' });
    await expect(nameHeader).toHaveAttribute('aria-sort', 'ascending');
    await nameHeader.getByRole('button').click();
    await expect(nameHeader).toHaveAttribute('aria-sort', 'descending');
    const splitHeader = page.getByRole('columnheader', { name: 'Lärarens andel' });
    await splitHeader.getByRole('button').press('Enter');
    await expect(splitHeader).toHaveAttribute('aria-sort', 'ascending');
    await expect(nameHeader).toHaveAttribute('aria-sort', 'none');

    // Suspending asks first and says what it does; cancelling changes nothing.
    const row = page.getByTestId('admin-teacher-row').filter({ hasText: TEACHER.email });
    await row.getByRole('button', { name: /^Stäng av/ }).click();
    await expect(page.getByText(/Stäng av .+\? Lärarens pass och kurser döljs och nya bokningar nekas\./)).toBeVisible();
    await expectNoBlockingViolations(page, '/admin/teachers with the confirmation step');
    await page.getByRole('button', { name: 'Avbryt', exact: true }).click();
    await expect(row).toHaveAttribute('data-suspended', 'false');
  });

  test('the disputes page lists the demo dispute with its evidence form, and passes axe', async ({ page, browser }) => {
    const visitor = await browser.newPage();
    for (const path of ['/admin/disputes', '/admin/system']) {
      await expectNotFound(visitor, path);
    }
    await visitor.close();

    await signInAsAdmin(page);
    const response = await gotoHydrated(page, '/admin/disputes');
    expect(response!.status(), '/admin/disputes answers 200 to an admin').toBe(200);
    await expect(page.getByRole('heading', { name: 'Tvister', level: 1 })).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Konsolens delar' }).getByRole('link', { name: 'Tvister' })).toHaveClass(
      /admin-tab-current/,
    );
    // The demo seed's chargeback awaits evidence, its deadline a week away.
    const open = page.locator('[data-testid="dispute-row"][data-status="needs_response"]').first();
    await expect(open).toBeVisible();
    await expect(open).toContainText('Väntar på bevis');
    await expect(open).toContainText('SEK');
    await expect(open.getByTestId('dispute-deadline')).toHaveText(/\d+ dagar? kvar|Sista dagen i dag/);
    await expectNoBlockingViolations(page, '/admin/disputes');

    // The form is prefilled from our records; the step says what will happen.
    await open.getByTestId('evidence-open').click();
    await expect(page.getByTestId('evidence-form')).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Bevis till Stripe', level: 2 })).toBeFocused();
    const product = page.getByLabel('Vad som köptes', { exact: true });
    await expect(product).not.toHaveValue('');
    await expect(page.getByLabel('Kundens e-post', { exact: true })).toHaveValue(/@/);
    await expect(page.getByLabel('Skicka in bevisen nu', { exact: true })).toBeChecked();
    await expectNoBlockingViolations(page, '/admin/disputes with the evidence form');

    await product.fill('E2E: a seat in a live online class.');
    await page.getByTestId('evidence-submit').click();
    const question = page.getByTestId('evidence-question');
    await expect(question).toHaveText(/^Skicka bevisen till Stripe för tvisten om \d+,\d\d SEK\? Efter inskick kan de inte ändras\.$/);
    await expect(page.getByRole('button', { name: 'Ändra', exact: true })).toBeFocused();
    await expectNoBlockingViolations(page, '/admin/disputes with the evidence confirmation');

    // Unchecked, the step says the evidence is only saved.
    await page.getByRole('button', { name: 'Ändra', exact: true }).click();
    await expect(question).toHaveCount(0);
    await page.getByLabel('Skicka in bevisen nu', { exact: true }).uncheck();
    await page.getByTestId('evidence-submit').click();
    await expect(question).toContainText('utan att skicka in dem');

    // The demo dispute exists only in our tables, so Stripe (the simulator)
    // refuses it: the refusal is announced and nothing typed is lost.
    await page.getByTestId('evidence-confirm').click();
    await expect(page.getByTestId('evidence-error')).toBeVisible();
    await expect(page.getByTestId('evidence-error')).toHaveAttribute('role', 'alert');
    await expect(product).toHaveValue('E2E: a seat in a live online class.');
    await expect(page.getByLabel('Skicka in bevisen nu', { exact: true })).not.toBeChecked();
    await expect(open).toHaveAttribute('data-status', 'needs_response');
  });

  test('the system page lists webhook events and the outbox, filters in the address, and passes axe', async ({
    page,
    browser,
  }) => {
    // A paid booking of its own, so there is at least one event and one email.
    const sessionId = await paidSession(`E2E Systemyoga ${Date.now()}`);
    await bookAndPay(page, sessionId);

    const adminContext = await browser.newContext();
    const admin = await adminContext.newPage();
    await signInAsAdmin(admin);
    const response = await gotoHydrated(admin, '/admin/system');
    expect(response!.status(), '/admin/system answers 200 to an admin').toBe(200);
    await expect(admin.getByRole('heading', { name: 'System', level: 1 })).toBeVisible();
    await expect(admin.getByRole('heading', { name: 'Webhook-händelser', level: 2 })).toBeVisible();
    await expect(admin.getByRole('heading', { name: 'E-postkö', level: 2 })).toBeVisible();
    await expect(admin.getByTestId('event-row').first()).toBeVisible();
    await expect(admin.getByTestId('outbox-row').first()).toBeVisible();
    await expectNoBlockingViolations(admin, '/admin/system');

    // Each filter lands in the address and keeps the other.
    await admin.getByTestId('events-problems').click();
    await expect(admin).toHaveURL(/\/admin\/system\?events=problems$/);
    await expect(admin.getByTestId('events-problems')).toHaveAttribute('aria-current', 'true');
    await admin.getByTestId('outbox-failed').click();
    await expect(admin).toHaveURL(/\/admin\/system\?events=problems&emails=failed$/);
    await expect(admin.getByTestId('outbox-failed')).toHaveAttribute('aria-current', 'true');
    // Only given-up emails are listed now, each with "send again".
    const rows = admin.getByTestId('outbox-row');
    for (const row of await rows.all()) {
      await expect(row).toHaveAttribute('data-state', 'failed');
      await expect(row.getByTestId('outbox-resend')).toBeVisible();
    }
    await admin.reload();
    await waitHydrated(admin);
    await expect(admin.getByTestId('outbox-failed')).toHaveAttribute('aria-current', 'true');
    await expectNoBlockingViolations(admin, '/admin/system with both filters');
    await adminContext.close();
  });
});
