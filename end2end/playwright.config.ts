import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

// Debian's chromium: Playwright cannot download its own browsers on these machines.
const chromiumLaunch = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

// Two suites on one machine must not share a port: E2E_PORT moves this one (default 3100).
// The specs read E2E_BASE_URL, which is set here for every worker.
const port = process.env.E2E_PORT || '3100';
process.env.E2E_PORT = port;
process.env.E2E_BASE_URL = process.env.E2E_BASE_URL || `http://127.0.0.1:${port}`;
// The server's DATA_DIR: its outbox/ holds every email as an .eml file, which the specs read as
// the mailbox (made once here; the workers inherit the variable, the server script removes it).
process.env.E2E_DATA_DIR = process.env.E2E_DATA_DIR || mkdtempSync(join(tmpdir(), 'aveli-e2e-data-'));

export default defineConfig({
  testDir: './tests',
  // 2-core machine: one worker. Tests do not share state beyond the server's database.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL: process.env.E2E_BASE_URL,
    trace: 'retain-on-failure',
    locale: 'sv-SE',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        browserName: 'chromium',
        launchOptions: chromiumLaunch,
      },
    },
  ],
  webServer: {
    command: 'bash ../scripts/e2e-server.sh',
    url: `http://127.0.0.1:${port}/healthz`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    // Playwright SIGKILLs the process group by default, which would skip the script's cleanup
    // trap (temp database dir). SIGTERM lets it stop the server and remove the dir.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
  },
});
