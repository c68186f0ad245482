import { test, expect } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { signIn, hydrated } from './helpers';

// The MSSP opens a company of an approved MSP from its companies table, sorts and pages its
// tables (the address keeps each table's state), and downloads the findings as CSV.

test('the MSSP opens a company, sorts and pages its tables, and downloads CSV', async ({ page }) => {
  await signIn(page, 'Demo MSSP', 'owner@demo-mssp.test');
  await hydrated(page);
  await page.getByLabel('Company selector').selectOption({ label: 'Northwind MSP' });
  await expect(page.getByRole('heading', { level: 1, name: 'Northwind MSP' })).toBeVisible();
  await page.getByRole('region', { name: 'Inventory' }).getByRole('link', { name: /Total Companies/ }).click();

  const companies = page.getByRole('table', { name: 'Companies' });
  const first = companies.getByRole('rowheader').first().getByRole('link');
  const name = (await first.textContent()) ?? '';
  await first.click();
  await expect(page).toHaveURL(/\/mssp\/msps\/\d+\/companies\/\d+$/);
  await expect(page.getByRole('heading', { level: 1, name, exact: true })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Northwind MSP' })).toBeVisible();

  // Assets: sort by last seen.
  const assets = page.getByRole('region', { name: 'Assets' });
  await assets.getByRole('link', { name: 'Last seen' }).click();
  await expect(page).toHaveURL(/assets_sort=last_seen/);
  await expect(assets.getByRole('columnheader', { name: /Last seen/ })).toHaveAttribute('aria-sort', 'ascending');

  // Findings: worst first, then the next page and back; the assets' order stays in the address.
  const findings = page.getByRole('region', { name: 'Open findings' });
  const rows = findings.getByRole('table').getByRole('row');
  await expect(rows.nth(1)).toBeVisible();
  const firstOnPage = await rows.nth(1).getAttribute('data-finding');
  const pages = findings.getByRole('navigation', { name: 'Findings pages' });
  await pages.getByRole('link', { name: 'Next' }).click();
  await expect(page).toHaveURL(/findings_after=\d+/);
  await expect(page).toHaveURL(/assets_sort=last_seen/);
  await pages.getByRole('link', { name: 'Previous' }).click();
  await expect(page).toHaveURL(/findings_before=\d+/);
  await expect(rows.nth(1)).toHaveAttribute('data-finding', firstOnPage ?? '');

  // Search narrows the findings to one vulnerability.
  await findings.getByRole('searchbox').fill(firstOnPage ?? '');
  await findings.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/findings_q=/);
  // The address changes before the table does: wait until every row is that vulnerability.
  await expect.poll(async () => {
    const keys = await rows.evaluateAll((all) => all.slice(1).map((r) => r.getAttribute('data-finding')));
    return keys.length > 0 && keys.every((key) => key === firstOnPage);
  }).toBe(true);

  // CSV of the searched findings: a header, then only that vulnerability.
  const download = page.waitForEvent('download');
  await findings.getByRole('link', { name: 'Download CSV' }).click();
  const file = await (await download).path();
  const lines = (await readFile(file, 'utf8')).trim().split('\n');
  expect(lines[0]).toBe('vulnerability,title,severity,cvss,asset,first_seen');
  expect(lines.length).toBeGreaterThan(1);
  for (const line of lines.slice(1)) {
    expect(line.startsWith(`${firstOnPage},`)).toBe(true);
  }
});
