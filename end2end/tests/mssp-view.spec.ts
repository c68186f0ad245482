import { test, expect } from '@playwright/test';
import { signIn, hydrated } from './helpers';

// The MSSP switches from the Global view to one approved MSP's view with the company
// selector, and back; the address says which view, so it can be bookmarked.

test('the company selector switches between Global and an approved MSP', async ({ page }) => {
  await signIn(page, 'Demo MSSP', 'owner@demo-mssp.test');
  await expect(page).toHaveURL(/\/mssp$/);
  await hydrated(page);
  const inventory = page.getByRole('region', { name: 'Inventory' });
  await expect(inventory.getByText('MSPs', { exact: true })).toBeVisible();

  const selector = page.getByLabel('Company selector');
  // Only approved MSPs are offered: Contoso is still pending. (Other tests may approve
  // Fabrikam on the same server meanwhile.)
  await expect(selector.locator('option').first()).toHaveText('Global');
  await expect(selector.locator('option', { hasText: 'Northwind MSP' })).toHaveCount(1);
  await expect(selector.locator('option', { hasText: 'Contoso MSP' })).toHaveCount(0);

  await selector.selectOption({ label: 'Northwind MSP' });
  await expect(page).toHaveURL(/\/mssp\/msps\/\d+$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Northwind MSP' })).toBeVisible();
  await expect(inventory.getByText('Total Companies')).toBeVisible();
  await expect(selector).toHaveValue(/^\d+$/);

  // The address alone opens the same view.
  const address = page.url();
  await page.goto('/mssp');
  await page.goto(address);
  await expect(page.getByRole('heading', { level: 1, name: 'Northwind MSP' })).toBeVisible();

  // Total Companies opens the MSP's companies table, sortable and read-only.
  await inventory.getByRole('link', { name: /Total Companies/ }).click();
  await expect(page).toHaveURL(/\/mssp\/msps\/\d+\/companies$/);
  const table = page.getByRole('table', { name: 'Companies' });
  // A header and at least the six demo companies (another test may add one).
  await expect(table.getByRole('row').nth(6)).toBeVisible();
  await table.getByRole('link', { name: 'Critical' }).click();
  await expect(page).toHaveURL(/sort=critical&dir=desc/);
  await expect(table.getByRole('columnheader', { name: /Critical/ })).toHaveAttribute('aria-sort', 'descending');
  await expect(page.getByRole('button', { name: 'Delete' })).toHaveCount(0);

  await page.goBack();
  await page.goBack();
  await expect(page.getByRole('heading', { level: 1, name: 'Northwind MSP' })).toBeVisible();
  await page.getByLabel('Company selector').selectOption('global');
  await expect(page).toHaveURL(/\/mssp$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Global' })).toBeVisible();
});
