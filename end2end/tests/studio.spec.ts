import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { gotoHydrated, submitLogin, waitHydrated } from './helpers';

const TEACHER = { email: 'larare@aveli.test', password: 'demo-larare-2026' };
const STUDENT = { email: 'elev@aveli.test', password: 'demo-elev-2026' };
/** The demo teacher has no time zone of their own: the default. */
const TEACHER_ZONE = 'Europe/Stockholm';
const BLOCKING = new Set(['serious', 'critical']);

// Tall enough that the palette and the grid's morning hours are on screen together.
test.use({ viewport: { width: 1400, height: 1100 } });

async function logIn(page: Page, account: { email: string; password: string }): Promise<void> {
  await submitLogin(page, account.email, account.password);
  await expect(page).toHaveURL('/account');
}

/** "2026-03-11 10:00": an RFC 3339 instant on the wall clock of the teacher's zone. */
function localTime(iso: string): string {
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone: TEACHER_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}

/** The grid cell of a weekday (0 = Monday) at a local time "HHMM", and its local date. */
async function cellAt(page: Page, weekday: number, hhmm: string): Promise<{ cell: Locator; date: string }> {
  const cell = page.getByTestId(new RegExp(`^cell-\\d{4}-\\d\\d-\\d\\d-${hhmm}$`)).nth(weekday);
  const testId = await cell.getAttribute('data-testid');
  const date = testId?.slice('cell-'.length, 'cell-'.length + 10);
  expect(date, 'cell test ids look like cell-YYYY-MM-DD-HHMM').toMatch(/^\d{4}-\d\d-\d\d$/);
  return { cell, date: date! };
}

/** Creates a session in the studio's editor; it is then selected for new slots. */
async function createSession(page: Page, title: string): Promise<Locator> {
  await page.getByRole('button', { name: 'Ny session', exact: true }).click();
  await page.getByLabel('Titel', { exact: true }).fill(title);
  await page.getByLabel('Pris', { exact: true }).fill('0');
  await page.getByLabel('Platser per pass', { exact: true }).fill('12');
  await expect(page.getByLabel('Synlighet', { exact: true })).toHaveValue('draft');
  await page.getByRole('button', { name: 'Spara', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Sparat' })).toBeVisible();
  let item = page.getByTestId('session-item').filter({ hasText: title });
  await expect(item).toContainText('Utkast');
  await expect(item).toHaveAttribute('aria-pressed', 'true');
  // Start from a fresh page, the way a teacher returning to the studio does, and select the
  // session by hand. (Without this, slots created right after the save sometimes never showed
  // in full-suite runs; see the closing note of issue 3.)
  await page.reload();
  await waitHydrated(page);
  item = page.getByTestId('session-item').filter({ hasText: title });
  await item.click();
  await expect(item).toHaveAttribute('aria-pressed', 'true');
  return item;
}

/** Shows the next week, and waits until the grid shows it. */
async function nextWeek(page: Page, how: 'click' | 'Enter' = 'click'): Promise<void> {
  const title = page.locator('#studio-week-title');
  const before = (await title.textContent()) ?? '';
  const button = page.getByRole('button', { name: 'Nästa vecka', exact: true });
  await (how === 'click' ? button.click() : button.press('Enter'));
  await expect(title).not.toHaveText(before);
}

/** Minutes between a slot block's data-start and data-end. */
async function slotMinutes(slot: Locator): Promise<number> {
  const start = await slot.getAttribute('data-start');
  const end = await slot.getAttribute('data-end');
  return (Date.parse(end!) - Date.parse(start!)) / 60_000;
}

/** The HTML5 drag events a browser sends for a drag from `source` onto `target`. */
async function dispatchDrag(page: Page, source: Locator, target: Locator): Promise<void> {
  const dataTransfer = await page.evaluateHandle(() => new DataTransfer());
  await source.dispatchEvent('dragstart', { dataTransfer });
  await target.dispatchEvent('dragenter', { dataTransfer });
  await target.dispatchEvent('dragover', { dataTransfer });
  await target.dispatchEvent('drop', { dataTransfer });
  await source.dispatchEvent('dragend', { dataTransfer });
}

/**
 * Drags `source` onto `target` with the HTML5 drag-and-drop events a browser sends
 * (dragstart → dragenter → dragover → drop → dragend, one shared DataTransfer). Playwright's
 * native `dragTo` in headless Chromium proved unreliable on a loaded 2-core machine (it passed
 * alone and missed in full runs), so the events are dispatched directly: the page's own drag
 * handlers do all the work either way.
 */
async function dragOnto(page: Page, source: Locator, target: Locator, landed: Locator): Promise<void> {
  await target.scrollIntoViewIfNeeded();
  await dispatchDrag(page, source, target);
  await expect(landed).toHaveCount(1);
}

async function expectNoSeriousViolations(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
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

test.describe('teacher studio', () => {
  // Page errors and console errors are printed: a hydration panic shows up here first.
  test.beforeEach(async ({ page }) => {
    page.on('pageerror', (err) => console.log(`PAGEERROR ${err.message}\n${err.stack ?? ''}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') console.log(`CONSOLE ${msg.text()}`);
    });
  });

  test('drag a 45-minute block onto next week, it survives a reload, publish, a visitor sees it', async ({
    page,
    browser,
    baseURL,
  }) => {
    const title = `Studio-drag ${Date.now()}`;
    await logIn(page, TEACHER);
    await gotoHydrated(page, '/studio');
    await expect(page.getByTestId('week-grid')).toBeVisible();
    const item = await createSession(page, title);

    await nextWeek(page);
    const hour = 10;
    const { cell, date } = await cellAt(page, 2, `${hour}00`);
    const slot = page.getByTestId('slot').filter({ hasText: title });
    await dragOnto(page, page.getByTestId('palette-45'), cell, slot);
    await expect(slot).toHaveCount(1);
    // Saved once the server's reload replaced the optimistic block.
    await expect(slot).not.toHaveAttribute('data-pending', 'true');
    expect(localTime((await slot.getAttribute('data-start'))!)).toBe(`${date} ${hour}:00`);
    expect(await slotMinutes(slot)).toBe(45);

    await page.reload();
    await waitHydrated(page);
    await nextWeek(page);
    await expect(slot).toHaveCount(1);
    expect(localTime((await slot.getAttribute('data-start'))!)).toBe(`${date} ${hour}:00`);
    expect(await slotMinutes(slot)).toBe(45);
    await expect(slot).toContainText('0/12');

    // Publish it from the editor.
    await item.click();
    await expect(page.getByLabel('Titel', { exact: true })).toHaveValue(title);
    await page.getByLabel('Synlighet', { exact: true }).selectOption({ label: 'Publicerad' });
    await page.getByRole('button', { name: 'Spara', exact: true }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Sparat' })).toBeVisible();
    await expect(item).toContainText('Publicerad');
    const sessionId = await item.getAttribute('data-session-id');
    expect(sessionId).toBeTruthy();

    // An anonymous visitor finds it on the landing page and on its own page, bookable (green).
    const visitor = await browser.newContext({ baseURL, locale: 'sv-SE' });
    try {
      const anon = await visitor.newPage();
      await gotoHydrated(anon, '/');
      await expect(anon.getByText(title).first()).toBeVisible();
      await gotoHydrated(anon, `/sessions/${sessionId}`);
      await expect(anon.getByRole('heading', { level: 1, name: title })).toBeVisible();
      const green = anon.locator('[data-testid="slot-chip"][data-availability="upcoming"]').first();
      await expect(green).toBeVisible();
      await expect(green).toHaveClass(/slot-upcoming/);
    } finally {
      await visitor.close();
    }
  });

  test('keyboard only: choose 30 minutes, Enter on a cell, move with arrows, Delete', async ({ page }) => {
    const title = `Studio-tangentbord ${Date.now()}`;
    await logIn(page, TEACHER);
    await gotoHydrated(page, '/studio');
    await createSession(page, title);
    await expect(page.getByText('Tangentbord:')).toBeVisible();

    await nextWeek(page, 'Enter');
    const thirty = page.getByRole('radio', { name: '30 min', exact: true });
    await thirty.focus();
    await page.keyboard.press('Space');
    await expect(thirty).toBeChecked();

    const hour = 14;
    const { cell, date } = await cellAt(page, 3, `${hour}30`);
    await cell.focus();
    await expect(cell).toBeFocused();
    await page.keyboard.press('Enter');
    const slot = page.getByTestId('slot').filter({ hasText: title });
    await expect(slot).toHaveCount(1);
    await expect(slot).not.toHaveAttribute('data-pending', 'true');
    expect(localTime((await slot.getAttribute('data-start'))!)).toBe(`${date} ${hour}:30`);
    expect(await slotMinutes(slot)).toBe(30);

    // The same cell again would overlap: refused, and said so.
    await expect(cell).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('alert').filter({ hasText: 'Tiden krockar med ett annat av dina pass' })).toBeVisible();
    await expect(slot).toHaveCount(1);

    // Arrow down moves it 15 minutes later; Delete removes it.
    const body = slot.getByRole('button').first();
    await body.focus();
    await page.keyboard.press('ArrowDown');
    await expect
      .poll(async () => localTime((await slot.getAttribute('data-start'))!))
      .toBe(`${date} 14:45`);
    await expect(slot).not.toHaveAttribute('data-pending', 'true');
    expect(await slotMinutes(slot)).toBe(30);
    await page.keyboard.press('Delete');
    await expect(slot).toHaveCount(0);
  });

  test('visitors are sent to log in, students to their account page', async ({ page }) => {
    await gotoHydrated(page, '/studio');
    await expect(page.getByRole('main').getByRole('link', { name: 'Logga in', exact: true })).toBeVisible();
    await expect(page.getByTestId('week-grid')).toHaveCount(0);

    await logIn(page, STUDENT);
    await gotoHydrated(page, '/studio');
    await expect(page.getByText('Bli lärare på kontosidan för att öppna studion.')).toBeVisible();
    await expect(page.getByRole('main').getByRole('link', { name: 'Konto', exact: true })).toBeVisible();
    await expect(page.getByTestId('week-grid')).toHaveCount(0);
  });

  test('/studio has no serious or critical axe violations', async ({ page }) => {
    await logIn(page, TEACHER);
    await gotoHydrated(page, '/studio');
    await expect(page.getByTestId('session-item').first()).toBeVisible();
    await expect(page.getByTestId('week-grid')).toBeVisible();
    await expectNoSeriousViolations(page, '/studio');
  });
});
