// Time to hydration of the dashboard pages in headless Chromium on loopback: loads each page
// RUNS times (signed in, warm cache) and reads the `hydrated` performance mark the WASM sets
// once the page is interactive (milliseconds from the start of navigation).
//
//   BASE_URL=http://127.0.0.1:3300 node end2end/bench/hydration.mjs
//
// against a release build serving the demo data (`mssp-portal serve --demo`).
import { chromium } from '@playwright/test';

const base = process.env.BASE_URL ?? 'http://127.0.0.1:3300';
const runs = Number(process.env.RUNS ?? 30);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
const page = await browser.newPage();
await page.goto(`${base}/login`);
await page.getByLabel('Tenant Name').fill('Demo MSSP');
await page.getByRole('button', { name: 'Continue' }).click();
await page.getByLabel('Email').fill('owner@demo-mssp.test');
await page.getByLabel('Password').fill('portal-demo-1');
await page.getByRole('button', { name: 'Sign in' }).click();
await page.waitForURL(/\/mssp$/);
const msp = await page.locator('a[href^="/mssp/msps/"]').first().getAttribute('href');

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * q) - 1)];
for (const path of ['/mssp', msp, `${msp}/companies`]) {
  const times = [];
  for (let i = 0; i < runs + 2; i++) {
    await page.goto(`${base}${path}`);
    await page.waitForSelector('html[data-hydrated]');
    const at = await page.evaluate(() => performance.getEntriesByName('hydrated')[0].startTime);
    if (i >= 2) times.push(at); // the first two warm the cache
  }
  times.sort((a, b) => a - b);
  console.log(`${path.padEnd(28)} hydrated at p50 ${quantile(times, 0.5).toFixed(0)} ms, p90 ${quantile(times, 0.9).toFixed(0)} ms, max ${times[times.length - 1].toFixed(0)} ms (n=${runs})`);
}
await browser.close();
