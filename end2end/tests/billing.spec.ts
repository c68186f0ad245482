import { test, expect, type Download, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import { signIn, hydrated } from './helpers';

// Billing in Chromium: the demo MSSP's owner opens Billing from the user menu and sees the
// running month's estimate, each line of the calculation, the MSPs and the tiers; both CSVs
// download; last month (closed when the portal started, the demo having a billing past) opens
// as a statement of its own, whose page and CSVs agree row for row.

async function csvOf(page: Page, click: () => Promise<void>): Promise<string[][]> {
  const [download]: [Download, void] = await Promise.all([page.waitForEvent('download'), click()]);
  const text = fs.readFileSync((await download.path())!, 'utf8');
  return text.trim().split('\n').map((line) => line.split(','));
}

/** "USD 1,234.50" → "1234.50", as the CSVs write amounts. */
const decimal = (shown: string) => shown.replace(/^[A-Z]{3} /, '').replace(/,/g, '');

test('the Billing page shows the estimate, and the CSVs download with its rows', async ({ page }) => {
  await signIn(page, 'Demo MSSP', 'owner@demo-mssp.test');
  await expect(page).toHaveURL(/\/mssp$/);
  await hydrated(page);
  await page.getByLabel('User menu').click();
  await page.getByRole('link', { name: 'Billing' }).click();
  await expect(page).toHaveURL(/\/mssp\/billing$/);

  // The running month. Other tests approve MSPs of the same MSSP meanwhile, so the estimate
  // may grow while this one reads it: its figures are checked against each other, and the
  // exact rows against last month's statement, which is frozen.
  const period = page.getByRole('region', { name: /^Current period: / });
  await expect(period).toContainText(/Day \d+ of \d+/);
  const total = (await page.getByTestId('billing-total').textContent())!;
  expect(total).toMatch(/^USD \d[\d,]*\.\d\d$/);
  const calculation = page.locator('#billing-calculation');
  await expect(calculation.getByRole('row', { name: /^MSP tenants 1–10 \d+ 50\.00/ })).toBeVisible();
  await expect(calculation.locator('tfoot')).toContainText(total);
  await expect(page.getByRole('region', { name: 'Pricing tiers' }).getByText('1–10 (reached)').first()).toBeVisible();
  await expect(page.getByRole('img', { name: /^Agents deployed per day/ })).toBeVisible();

  // The breakdown: the search narrows it, the sort toggles.
  const msps = page.getByRole('region', { name: 'By MSP tenant' });
  const northwind = msps.getByRole('row', { name: /Northwind MSP/ });
  await expect(northwind).toBeVisible();
  await msps.getByLabel('Search MSPs').fill('no such msp');
  await expect(msps.getByText('No MSP matches the search.')).toBeVisible();
  await msps.getByLabel('Search MSPs').fill('north');
  await expect(northwind).toBeVisible();
  await expect(msps.getByRole('row')).toHaveCount(2);
  const share = msps.getByRole('columnheader', { name: 'Share' });
  await expect(share).toHaveAttribute('aria-sort', 'descending');
  await share.getByRole('button').click();
  await expect(share).toHaveAttribute('aria-sort', 'ascending');

  const rows = await csvOf(page, () => msps.getByRole('link', { name: 'Download MSPs (CSV)' }).click());
  expect(rows[0]).toEqual(['period', 'msp', 'days_counted', 'peak_probe_agents', 'peak_lightweight_agents', 'peak_agents', 'share', 'currency']);
  expect(rows.map((row) => row[1])).toContain('Northwind MSP');
  const lines = await csvOf(page, () => period.getByRole('link', { name: 'Download statement (CSV)' }).click());
  expect(lines[1].slice(1, 3)).toEqual(['MSP tenants', '1–10']);
  const csvTotal = lines[lines.length - 1];
  expect([csvTotal[1], csvTotal[7]]).toEqual(['Total', 'USD']);
  // The shares add up to the total, to the cent.
  const cents = (amount: string) => Math.round(Number(amount) * 100);
  expect(rows.slice(1).reduce((sum, row) => sum + cents(row[6]), 0)).toBe(cents(csvTotal[6]));

  // Last month, closed: Northwind alone carried it. Its page and both CSVs agree exactly.
  const past = page.getByRole('region', { name: 'Past statements' });
  const lastMonth = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 1, 1))
    .toLocaleString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
  await past.getByRole('link', { name: lastMonth, exact: true }).click();
  await expect(page).toHaveURL(/\/mssp\/billing\?period=\d{4}-\d{2}$/);
  const closed = page.getByRole('region', { name: `${lastMonth} statement` });
  await expect(closed).toContainText(/Closed .+ · \d+ days/);
  const closedTotal = (await page.getByTestId('billing-total').textContent())!;
  await expect(page.getByRole('region', { name: 'By MSP tenant' }).getByRole('row', { name: /Northwind MSP/ })).toContainText(closedTotal);
  const closedRows = await csvOf(page, () => page.getByRole('region', { name: 'By MSP tenant' }).getByRole('link', { name: 'Download MSPs (CSV)' }).click());
  expect(closedRows.length).toBe(2);
  expect([closedRows[1][1], closedRows[1][6]]).toEqual(['Northwind MSP', decimal(closedTotal)]);
  const closedLines = await csvOf(page, () => closed.getByRole('link', { name: 'Download statement (CSV)' }).click());
  expect(closedLines[1].slice(1, 5)).toEqual(['MSP tenants', '1–10', '1', '50.00']);
  const last = closedLines[closedLines.length - 1];
  expect([last[1], last[6], last[7]]).toEqual(['Total', decimal(closedTotal), 'USD']);
  await page.getByRole('link', { name: '← Current period' }).click();
  await expect(page.getByRole('heading', { name: /^Current period: / })).toBeVisible();
});

test('viewers are told Billing is for owners and admins', async ({ page }) => {
  await signIn(page, 'Demo MSSP', 'viewer@demo-mssp.test');
  await expect(page).toHaveURL(/\/mssp$/);
  await page.goto('/mssp/settings');
  await expect(page.getByRole('region', { name: 'Billing' })).toContainText('Billing is shown to owners and admins.');
  await page.goto('/mssp/billing');
  await expect(page.getByRole('alert')).toHaveText('You do not have permission to do that.');
});
