import { defineConfig } from '@playwright/test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// The portal under test: the release binary on a fresh SQLite database with the demo data.
// scripts/test sets PORTAL_BIN and LEPTOS_SITE_ROOT; the defaults fit a plain `target/`.
const port = Number(process.env.E2E_PORT ?? 3210);
const root = path.resolve(__dirname, '..');
const bin = process.env.PORTAL_BIN ?? path.join(root, 'target/release/mssp-portal');
const siteRoot = process.env.LEPTOS_SITE_ROOT ?? path.join(root, 'target/site');
// One data folder for the runner and its workers (workers inherit the runner's environment),
// so tests can read the emails the portal writes into its outbox folder there.
process.env.E2E_DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), 'mssp-e2e-'));
const dataDir = process.env.E2E_DATA_DIR;

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    },
  },
  webServer: {
    command: `${bin} serve --demo`,
    url: `http://127.0.0.1:${port}/readyz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      DATABASE_URL: `sqlite://${dataDir}/e2e.db`,
      DATA_DIR: dataDir,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: siteRoot,
      LEPTOS_OUTPUT_NAME: 'mssp-portal',
      LEPTOS_ENV: 'PROD',
      SUPPORT_EMAIL: 'help@operator.test',
      RUST_LOG: 'warn',
    },
  },
});
