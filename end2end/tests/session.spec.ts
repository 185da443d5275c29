import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { gotoHydrated } from './helpers';

interface SessionJson {
  id: string;
  title: string;
}

interface SlotJson {
  id: string;
  start_at: string;
  availability: 'upcoming' | 'almost_full' | 'full' | 'past';
}

const CHIP = '[data-testid="slot-chip"]';
const BLOCKING = new Set(['serious', 'critical']);

/**
 * A published demo session whose first bookable slot is green: the calendar opens on that slot's
 * month and week, so both views have a green chip to click. Read from the REST API so the test
 * does not depend on the demo's exact titles or dates.
 */
async function sessionWithGreenSlot(request: APIRequestContext): Promise<SessionJson> {
  const response = await request.get('/api/v1/studio/sessions?status=published');
  expect(response.ok(), 'GET /api/v1/studio/sessions should succeed').toBeTruthy();
  const sessions = (await response.json()) as SessionJson[];
  for (const session of sessions) {
    const slots = (await (await request.get(`/api/v1/sessions/${session.id}/slots`)).json()) as SlotJson[];
    const firstBookable = slots.find((s) => s.availability === 'upcoming' || s.availability === 'almost_full');
    if (firstBookable?.availability === 'upcoming') {
      return session;
    }
  }
  throw new Error(`no published session opens on a green slot: ${JSON.stringify(sessions.map((s) => s.title))}`);
}

/** Runs axe on the page (or the part matched by `include`) and asserts nothing serious or critical. */
async function expectNoSeriousViolations(page: Page, label: string, include?: string): Promise<void> {
  let builder = new AxeBuilder({ page });
  if (include) {
    builder = builder.include(include);
  }
  const results = await builder.analyze();
  const blocking = results.violations.filter((v) => v.impact != null && BLOCKING.has(v.impact));
  const summary = blocking.map(
    (v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`,
  );
  const details = blocking
    .map((v) => {
      const nodes = v.nodes.map((n) => `    - target ${JSON.stringify(n.target)}\n        ${n.failureSummary ?? ''}`);
      return `  ${v.id} (${v.impact}): ${v.help} — ${v.helpUrl}\n${nodes.join('\n')}`;
    })
    .join('\n');
  expect(summary, `axe found serious/critical violations on ${label}:\n${details}\n`).toEqual([]);
}

test.describe('session page', () => {
  test('a visitor opens a session from the landing page, browses its slots and opens Boka nu', async ({
    page,
    request,
  }) => {
    const session = await sessionWithGreenSlot(request);
    await gotoHydrated(page, '/');
    await page.locator(`a[href="/sessions/${session.id}"]`).first().click();
    await expect(page).toHaveURL(`/sessions/${session.id}`);
    await expect(page.getByRole('heading', { level: 1, name: session.title })).toBeVisible();

    // The month view opens with a green chip that also says, in words, how many seats are left.
    const month = page.getByTestId('month-view');
    const green = month.locator(`${CHIP}[data-availability="upcoming"]`).first();
    await expect(green).toBeVisible();
    await expect(green).toHaveClass(/slot-upcoming/);
    await expect(green).toContainText(/\d+ platser? kvar/);
    await expect(green).toHaveAttribute('data-start', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // Full and past slots are never buttons.
    await expect(page.locator(`button${CHIP}[data-availability="full"], button${CHIP}[data-availability="past"]`)).toHaveCount(0);

    const weekButton = page.getByRole('button', { name: 'Vecka', exact: true });
    await weekButton.click();
    await expect(weekButton).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByRole('button', { name: 'Månad', exact: true })).toHaveAttribute('aria-pressed', 'false');
    await expect(month).toHaveCount(0);
    const week = page.getByTestId('week-view');
    const chip = week.locator(`button${CHIP}`).first();
    await expect(chip).toBeVisible();

    await chip.click();
    const modal = page.getByTestId('booking-modal');
    await expect(modal).toBeVisible();
    await expect(modal.getByRole('heading', { name: 'Boka nu', exact: true })).toBeVisible();
    await expect(modal).toContainText(session.title);
    // A visitor is asked to sign in before paying.
    await expect(modal.getByRole('link', { name: 'Logga in för att boka' })).toBeVisible();

    await page.keyboard.press('Escape');
    await expect(modal).toHaveCount(0);
    await expect(chip).toBeFocused();
  });

  test('the week and month navigation moves by a period and comes back', async ({ page, request }) => {
    const session = await sessionWithGreenSlot(request);
    await gotoHydrated(page, `/sessions/${session.id}`);
    const period = page.locator('.cal-period');
    const first = await period.textContent();
    await page.getByRole('button', { name: 'Nästa månad', exact: true }).click();
    await expect(period).not.toHaveText(first ?? '');
    await page.getByRole('button', { name: 'Föregående månad', exact: true }).click();
    await expect(period).toHaveText(first ?? '');
  });

  test('an unknown session answers 404 with a clear message', async ({ page }) => {
    const response = await gotoHydrated(page, '/sessions/no-such-session');
    expect(response, 'navigation should give a response').not.toBeNull();
    expect(response!.status()).toBe(404);
    await expect(page.getByRole('heading', { name: 'Sidan finns inte' })).toBeVisible();
  });

  test('/sessions/:id and its Boka nu modal have no serious or critical axe violations', async ({
    page,
    request,
  }) => {
    const session = await sessionWithGreenSlot(request);
    await gotoHydrated(page, `/sessions/${session.id}`);
    await expect(page.getByTestId('month-view').locator(CHIP).first()).toBeVisible();
    await expectNoSeriousViolations(page, `/sessions/${session.id} (month view)`);

    await page.getByRole('button', { name: 'Vecka', exact: true }).click();
    await expect(page.getByTestId('week-view')).toBeVisible();
    await expectNoSeriousViolations(page, `/sessions/${session.id} (week view)`);

    const chip = page.getByTestId('week-view').locator(`button${CHIP}`).first();
    await chip.click();
    const modal = page.getByTestId('booking-modal');
    await expect(modal.getByRole('button', { name: 'Stäng', exact: true })).toBeFocused();
    await expectNoSeriousViolations(page, 'the Boka nu modal', '[data-testid="booking-modal"]');
    await modal.getByRole('button', { name: 'Stäng', exact: true }).click();
    await expect(modal).toHaveCount(0);
    await expect(chip).toBeFocused();
  });
});
