import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, request as playwrightRequest, test, type Page } from '@playwright/test';
import { gotoHydrated, newAccount, signUp, uniqueEmail, PASSWORD } from './helpers';

// Issue 17: a forgotten password is recovered with the link from the .eml the server wrote to its
// outbox folder (the offline mailbox), and a changed time zone moves a session page's times.

const BASE = process.env.E2E_BASE_URL || 'http://127.0.0.1:3100';
const BLOCKING = new Set(['serious', 'critical']);

test.use({ timezoneId: 'Europe/Stockholm' });

async function expectNoBlockingViolations(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const blocking = results.violations.filter((v) => BLOCKING.has(v.impact ?? ''));
  expect(blocking.map((v) => `${v.id}: ${v.help} ${v.nodes.map((n) => n.target).join(' ')}`), `axe on ${what}`).toEqual([]);
}

/** An .eml's text with quoted-printable soft line breaks and escapes undone, and base64 parts decoded. */
function readable(eml: string): string {
  const unfolded = eml.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  const decoded = [...eml.matchAll(/\r?\n\r?\n([A-Za-z0-9+/=\r\n]{40,})/g)]
    .map((m) => Buffer.from(m[1].replace(/\s/g, ''), 'base64').toString('utf8'))
    .join('\n');
  return `${unfolded}\n${decoded}`;
}

/** Waits for the email to `to` that holds a link to `path` in the server's outbox folder; returns the link's token. */
async function tokenFromMailbox(to: string, path: string): Promise<string> {
  const outbox = join(process.env.E2E_DATA_DIR ?? '', 'outbox');
  let token = '';
  await expect
    .poll(
      () => {
        let files: string[] = [];
        try {
          files = readdirSync(outbox).filter((f) => f.endsWith('.eml'));
        } catch {
          return '';
        }
        for (const file of files) {
          const text = readable(readFileSync(join(outbox, file), 'utf8'));
          if (!text.includes(to)) continue;
          const match = text.match(new RegExp(`${path.replace(/\//g, '\\/')}([A-Za-z0-9_-]{43,})`));
          if (match) token = match[1];
        }
        return token;
      },
      { timeout: 20_000, message: `an email to ${to} with a ${path} link` },
    )
    .not.toBe('');
  return token;
}

test('a forgotten password is reset with the emailed link', async ({ page }) => {
  const account = newAccount('forgot');
  const api = await playwrightRequest.newContext({ baseURL: BASE });
  const created = await api.post('/api/v1/auth/signup', {
    data: { email: account.email, display_name: account.name, password: account.password },
  });
  expect(created.status(), await created.text()).toBe(201);
  await api.dispose();

  await gotoHydrated(page, '/login');
  await page.getByRole('link', { name: 'Glömt lösenordet?' }).click();
  await expect(page).toHaveURL('/password/forgot');
  await expect(page.getByRole('heading', { name: 'Glömt lösenordet', level: 1 })).toBeVisible();
  await expectNoBlockingViolations(page, '/password/forgot');
  await page.getByLabel('E-post', { exact: true }).fill(account.email);
  await page.getByRole('button', { name: 'Skicka länken' }).click();
  await expect(page.getByTestId('forgot-sent')).toBeVisible();

  const token = await tokenFromMailbox(account.email, '/password/reset/');
  await gotoHydrated(page, `/password/reset/${token}`);
  await expectNoBlockingViolations(page, '/password/reset');
  await page.getByLabel('Nytt lösenord', { exact: true }).fill('a brand new password');
  await page.getByRole('button', { name: 'Spara lösenordet' }).click();
  await expect(page).toHaveURL('/account');
  await expect(page.getByText(`Inloggad som ${account.name}`).first()).toBeVisible();
  await expect(page.getByTestId('unverified')).toBeVisible();
  await expectNoBlockingViolations(page, '/account');

  // The old password no longer works, the new one does; the link works once.
  const check = await playwrightRequest.newContext({ baseURL: BASE });
  expect((await check.post('/api/v1/auth/login', { data: { email: account.email, password: PASSWORD } })).status()).toBe(401);
  expect((await check.post('/api/v1/auth/login', { data: { email: account.email, password: 'a brand new password' } })).status()).toBe(200);
  expect((await check.post('/api/v1/auth/password/reset', { data: { token, password: 'yet another password' } })).status()).toBe(404);
  await check.dispose();
});

test('the confirmation link from the mailbox confirms the address', async ({ page }) => {
  const account = await signUp(page, newAccount('confirm'));
  const token = await tokenFromMailbox(account.email, '/email/confirm/');
  await gotoHydrated(page, `/email/confirm/${token}`);
  await expectNoBlockingViolations(page, '/email/confirm');
  await page.getByRole('button', { name: 'Bekräfta', exact: true }).click();
  await expect(page.getByTestId('confirm-done')).toHaveText('Tack! Din e-postadress är bekräftad.');
  await gotoHydrated(page, '/account');
  await expect(page.getByTestId('unverified')).toHaveCount(0);
});

test('a new time zone moves the times on a session page', async ({ page }) => {
  // A free session of a new teacher, one slot three days ahead at 05:15 UTC.
  const teacher = await playwrightRequest.newContext({ baseURL: BASE });
  expect(
    (await teacher.post('/api/v1/auth/signup', { data: { email: uniqueEmail('tz-teacher'), display_name: 'Zonlärare', password: PASSWORD } })).status(),
  ).toBe(201);
  expect((await teacher.post('/api/v1/teachers')).ok()).toBeTruthy();
  const session = await teacher.post('/api/v1/studio/sessions', {
    data: { title: 'Tidszonspasset', description: '', capacity: 5, price_cents: 0, currency: 'SEK', visibility: 'published', recording_url: null },
  });
  expect(session.ok(), await session.text()).toBeTruthy();
  const { id } = (await session.json()) as { id: string };
  const day = new Date(Date.now() + 3 * 24 * 3600 * 1000);
  const start = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 5, 15));
  const slot = await teacher.post(`/api/v1/studio/sessions/${id}/slots`, {
    data: { start_at: start.toISOString(), end_at: new Date(start.getTime() + 45 * 60 * 1000).toISOString() },
  });
  expect(slot.status(), await slot.text()).toBe(201);
  await teacher.dispose();
  const local = (timeZone: string) =>
    new Intl.DateTimeFormat('sv-SE', { timeZone, hour: '2-digit', minute: '2-digit' }).format(start);

  // Signed up from a browser in Stockholm: the account starts in its zone.
  await signUp(page, newAccount('tz'));
  await expect(page.getByTestId('account-zone')).toHaveText('Europe/Stockholm');
  await gotoHydrated(page, `/sessions/${id}`);
  const times = page.getByTestId('upcoming-list');
  await expect(times).toContainText(local('Europe/Stockholm'));

  await gotoHydrated(page, '/account');
  await page.getByLabel('Tidszon', { exact: true }).fill('America/New_York');
  await page.getByRole('button', { name: 'Spara', exact: true }).click();
  await expect(page.getByTestId('account-zone')).toHaveText('America/New_York');
  await gotoHydrated(page, `/sessions/${id}`);
  await expect(times).toContainText(local('America/New_York'));
  await expect(times).not.toContainText(local('Europe/Stockholm'));
});
