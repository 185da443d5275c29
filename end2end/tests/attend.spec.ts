import AxeBuilder from '@axe-core/playwright';
import { expect, request as playwrightRequest, test, type Page } from '@playwright/test';
import { DISPLAY_NAME, gotoHydrated, signUp, submitLogin } from './helpers';

// Issue 13: a student books a class that starts soon with 4242, sees "Öppnar om … min" on /home,
// the button turns into the active "Gå med" link by itself when the window opens, the click lands
// in the room (stood in for with page.route), and the teacher sees the attendance in the studio.
// Time: the browser's clock is Playwright's (page.clock), the server's moves with /_test/clock.

const TEACHER = { email: 'larare@aveli.test', password: 'demo-larare-2026' };
const BASE = process.env.E2E_BASE_URL || 'http://127.0.0.1:3100';
const ROOM = 'https://meet.jit.si/aveli-e2e-rum';
const BLOCKING = new Set(['serious', 'critical']);
const TITLE = 'E2E Livepass';

async function setServerClock(at: Date | null): Promise<void> {
  const api = await playwrightRequest.newContext({ baseURL: BASE });
  const response = at
    ? await api.post('/_test/clock', { data: { set: at.toISOString() } })
    : await api.delete('/_test/clock');
  expect(response.ok(), await response.text()).toBeTruthy();
  await api.dispose();
}

/**
 * A paid session with a room and one slot on the quarter hour 85–100 minutes ahead: after the
 * demo teacher's "Live om en stund" (seeded to start within 35 minutes, 45 minutes long), since a
 * teacher's slots never overlap.
 */
async function classStartingSoon(): Promise<{ id: string; start: Date }> {
  const teacher = await playwrightRequest.newContext({ baseURL: BASE });
  expect((await teacher.post('/api/v1/auth/login', { data: TEACHER })).ok()).toBeTruthy();
  const session = await teacher.post('/api/v1/studio/sessions', {
    data: {
      title: TITLE,
      description: 'Livepass för e2e',
      capacity: 5,
      price_cents: 15000,
      currency: 'SEK',
      visibility: 'published',
      recording_url: null,
      room_url: ROOM,
    },
  });
  expect(session.ok(), await session.text()).toBeTruthy();
  const { id } = (await session.json()) as { id: string };
  const quarter = 15 * 60 * 1000;
  const start = visibleInTheStudio(new Date(Math.ceil((Date.now() + 85 * 60 * 1000) / quarter) * quarter));
  const end = new Date(start.getTime() + 45 * 60 * 1000);
  const slot = await teacher.post(`/api/v1/studio/sessions/${id}/slots`, {
    data: { start_at: start.toISOString(), end_at: end.toISOString() },
  });
  expect(slot.status(), await slot.text()).toBe(201);
  await teacher.dispose();
  return { id, start };
}

/** Stockholm's local date, minute of the day and UTC offset (hours) at `at`. */
function stockholm(at: Date): { y: number; m: number; d: number; minutes: number; offset: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Stockholm',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      timeZoneName: 'shortOffset',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return {
    y: Number(parts.year),
    m: Number(parts.month),
    d: Number(parts.day),
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
    offset: Number((parts.timeZoneName ?? 'GMT+1').replace('GMT', '') || 0),
  };
}

/**
 * The studio's week grid shows 06:00–24:00 (teacher's time, Stockholm for the demo teacher): a class
 * that would start in the night (a run late in the evening) starts at 06:15 that morning instead,
 * still later than "Live om en stund", and on a day without demo slots (days 2–16).
 */
function visibleInTheStudio(start: Date): Date {
  const local = stockholm(start);
  if (local.minutes >= 6 * 60) return start;
  const at = (offset: number) => new Date(Date.UTC(local.y, local.m - 1, local.d, 6, 15) - offset * 3600 * 1000);
  return at(stockholm(at(local.offset)).offset);
}

/** The Monday (YYYY-MM-DD) of the Stockholm week that `at` falls in: the studio shows one week. */
function stockholmMonday(at: Date): string {
  const day = at.toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' });
  const weekday = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Stockholm', weekday: 'short' }).format(at);
  const back = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(weekday);
  const monday = new Date(`${day}T12:00:00Z`);
  monday.setUTCDate(monday.getUTCDate() - back);
  return monday.toISOString().slice(0, 10);
}

async function expectNoBlockingViolations(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const blocking = results.violations.filter((v) => BLOCKING.has(v.impact ?? ''));
  expect(blocking.map((v) => `${v.id}: ${v.help} ${v.nodes.map((n) => n.target).join(' ')}`), `axe on ${what}`).toEqual([]);
}

test.afterEach(async () => {
  await setServerClock(null);
});

test('a booked student joins when the window opens, and the teacher sees it', async ({ page, browser }) => {
  const { id, start } = await classStartingSoon();
  const opensAt = new Date(start.getTime() - 15 * 60 * 1000);
  await page.route('https://meet.jit.si/**', (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Rummet</title><h1>Rummet</h1>' }),
  );

  // Book and pay with 4242.
  await signUp(page);
  await gotoHydrated(page, `/sessions/${id}`);
  await page.getByRole('button', { name: 'Vecka', exact: true }).click();
  await page.getByTestId('week-view').locator('button[data-testid="slot-chip"]').first().click();
  const modal = page.getByTestId('booking-modal');
  await modal.getByRole('button', { name: 'Boka & Betala' }).click();
  await modal.getByLabel('Kortnummer').fill('4242 4242 4242 4242');
  await modal.getByLabel('Utgångsdatum').fill('12 / 34');
  await modal.getByLabel('Säkerhetskod').fill('123');
  await modal.getByRole('button', { name: 'Boka & Betala' }).click();
  await expect(page.getByTestId('booking-success')).toBeVisible();
  // Paid (the webhook has landed) before any clock moves: a moved clock must not lapse the hold.
  await expect
    .poll(async () => {
      const list = (await (await page.request.get('/api/v1/bookings')).json()) as Array<{
        session_title: string;
        join_url: string | null;
      }>;
      return list.find((b) => b.session_title === TITLE)?.join_url ?? null;
    })
    .toMatch(/\/join\//);

  // 90 seconds before the window, on both clocks.
  await setServerClock(new Date(opensAt.getTime() - 90_000));
  await page.clock.install({ time: new Date(opensAt.getTime() - 90_000) });
  await gotoHydrated(page, '/home');
  const join = page.getByTestId('next-live').locator('..').getByTestId('join-button');
  await expect(join).toHaveText(/Öppnar om [12] min/);
  await expect(join).toHaveAttribute('aria-disabled', 'true');
  const href = await join.getAttribute('href');
  expect(href).toMatch(/^http.*\/join\/[A-Za-z0-9_-]{43}$/);

  // The join page before the window: a countdown, no room, nothing serious for axe.
  const early = await page.request.get(href!, { maxRedirects: 0 });
  expect(early.status()).toBe(200);
  expect(await early.text()).not.toContain('aveli-e2e-rum');
  await gotoHydrated(page, new URL(href!).pathname);
  await expect(page.getByTestId('join-countdown')).toBeVisible();
  await expectNoBlockingViolations(page, 'the join page');

  // The window opens: the button turns active by itself, without a reload.
  await gotoHydrated(page, '/home');
  await setServerClock(new Date(opensAt.getTime() + 10_000));
  await page.clock.fastForward(100_000);
  await expect(join).toHaveAttribute('aria-disabled', 'false');
  await expect(join).toHaveText('Gå med');
  await join.click();
  await expect(page).toHaveURL(ROOM);
  await expect(page.getByRole('heading', { name: 'Rummet' })).toBeVisible();

  // The teacher's studio: the slot's attendees, with the join.
  const teacher = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  await submitLogin(teacher, TEACHER.email, TEACHER.password);
  await expect(teacher).toHaveURL('/account');
  await gotoHydrated(teacher, '/studio');
  // The class starts 85–100 minutes from now: in the last hours of a Sunday that is next week.
  if (stockholmMonday(start) !== stockholmMonday(new Date())) {
    const title = teacher.locator('#studio-week-title');
    const before = (await title.textContent()) ?? '';
    await teacher.getByRole('button', { name: 'Nästa vecka', exact: true }).click();
    await expect(title).not.toHaveText(before);
  }
  await teacher.getByTestId('slot').filter({ hasText: TITLE }).locator('.studio-slot-body').click();
  const details = teacher.getByTestId('slot-details');
  await expect(details).toBeVisible();
  await expect(details.getByTestId('attendance-summary')).toHaveText('1 av 1 har gått med');
  const row = details.getByTestId('attendee').filter({ hasText: DISPLAY_NAME });
  await expect(row.locator('time')).toBeVisible();
  await expect(details.getByTestId('start-link')).toHaveAttribute('href', /\/studio\/slots\/.+\/start$/);
  await teacher.close();
});
