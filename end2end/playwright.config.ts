import { defineConfig } from '@playwright/test';

// The release build of `ecars`, started with the demo data on a fresh data directory.
const port = 3100;

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: './test-results',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    locale: 'fr-FR',
    trace: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: 'rm -rf target/e2e-data && ./target/release/ecars',
    cwd: '..',
    url: `http://127.0.0.1:${port}/connexion`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      ECARS_DEMO: '1',
      // The tests' pages say which client they are (fixtures.ts): each test is counted apart.
      ECARS_TRUSTED_PROXIES: '127.0.0.1',
      ECARS_DATA_DIR: 'target/e2e-data',
      DATABASE_URL: '',
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: 'target/site',
    },
  },
});
