import AxeBuilder from '@axe-core/playwright';
import { expect, request as playwrightRequest, test } from '@playwright/test';
import { DISPLAY_NAME, PASSWORD, gotoHydrated, submitLogin, uniqueEmail } from './helpers';

// Buying a course against the simulator: the demo teacher publishes a paid course, a new student
// buys it with card 4242 and opens its first lesson; the teacher sees the sale in /studio/payouts.

const TEACHER = { email: 'larare@aveli.test', password: 'demo-larare-2026' };
const BASE = process.env.E2E_BASE_URL || 'http://127.0.0.1:3100';
const BLOCKING = new Set(['serious', 'critical']);

test('a student buys a course and opens its first lesson; the teacher sees the sale', async ({ page, browser }) => {
  const teacher = await playwrightRequest.newContext({ baseURL: BASE });
  expect((await teacher.post('/api/v1/auth/login', { data: TEACHER })).ok()).toBeTruthy();
  const created = await teacher.post('/api/v1/studio/courses', {
    data: {
      title: 'E2E Andningskurs',
      description: 'Fem lektioner i andning',
      price_cents: 49900,
      currency: 'SEK',
      cover_image_url: null,
      visibility: 'published',
      lessons: [
        { title: 'Lektion 1: Grunder', video_url: 'https://video.example/lesson-1' },
        { title: 'Lektion 2: Rytm', video_url: 'https://video.example/lesson-2' },
      ],
    },
  });
  expect(created.ok(), await created.text()).toBeTruthy();
  const { id } = (await created.json()) as { id: string };
  await teacher.dispose();

  const signup = await page.request.post('/api/v1/auth/signup', {
    data: { email: uniqueEmail('course'), display_name: DISPLAY_NAME, password: PASSWORD },
  });
  expect(signup.status()).toBe(201);
  await gotoHydrated(page, `/courses/${id}`);
  await expect(page.getByRole('heading', { name: 'E2E Andningskurs', level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Lektion 1: Grunder' })).toHaveCount(0);
  const results = await new AxeBuilder({ page }).analyze();
  const blocking = results.violations.filter((v) => BLOCKING.has(v.impact ?? ''));
  expect(blocking.map((v) => `${v.id}: ${v.help}`), 'axe on /courses/:id').toEqual([]);

  await page.getByTestId('course-buy').click();
  await page.getByLabel('Kortnummer').fill('4242 4242 4242 4242');
  await page.getByLabel('Utgångsdatum').fill('12 / 34');
  await page.getByLabel('Säkerhetskod').fill('123');
  await page.getByRole('button', { name: 'Betala kursen' }).click();
  const lesson = page.getByRole('link', { name: 'Lektion 1: Grunder' });
  await expect(lesson).toBeVisible({ timeout: 15_000 });
  await expect(lesson).toHaveAttribute('href', 'https://video.example/lesson-1');
  // The lesson's video lives elsewhere: stand in for it.
  await page.route('https://video.example/**', (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<title>Lektion 1</title><h1>Lektion 1</h1>' }),
  );
  await lesson.click();
  await expect(page).toHaveURL('https://video.example/lesson-1');

  const teacherPage = await browser.newPage();
  await submitLogin(teacherPage, TEACHER.email, TEACHER.password);
  await expect(teacherPage).toHaveURL('/account');
  await gotoHydrated(teacherPage, '/studio/payouts');
  await expect(teacherPage.getByTestId('sale-row').filter({ hasText: 'E2E Andningskurs' })).toBeVisible();
  await teacherPage.close();
});
