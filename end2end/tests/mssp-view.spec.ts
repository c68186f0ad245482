import { test, expect } from '@playwright/test';
import { signIn } from './helpers';

// The MSSP switches from the Global view to one approved MSP's view with the company
// selector, and back; the address says which view, so it can be bookmarked.

test('the company selector switches between Global and an approved MSP', async ({ page }) => {
  await signIn(page, 'Demo MSSP', 'owner@demo-mssp.test');
  await expect(page).toHaveURL(/\/mssp$/);
  await expect(page.locator('html')).toHaveAttribute('data-live', 'open');
  const inventory = page.getByRole('region', { name: 'Inventory' });
  await expect(inventory.getByText('MSPs', { exact: true })).toBeVisible();

  const selector = page.getByLabel('Company selector');
  // Only approved MSPs are offered: Contoso is still pending.
  await expect(selector.locator('option')).toHaveText(['Global', 'Northwind MSP']);

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

  await page.getByLabel('Company selector').selectOption('global');
  await expect(page).toHaveURL(/\/mssp$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Global' })).toBeVisible();
});
