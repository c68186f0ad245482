import { test, expect } from '@playwright/test';
import { signIn, PASSWORD } from './helpers';

test('an MSSP owner signs in and lands on the Global dashboard', async ({ page }) => {
  await signIn(page, 'Demo MSSP', 'owner@demo-mssp.test');
  await expect(page).toHaveURL(/\/mssp$/);
  await expect(page.getByRole('heading', { name: 'Global', level: 1 })).toBeVisible();
  for (const section of ['Inventory', 'Vulnerabilities', 'MSPs']) {
    await expect(page.getByRole('heading', { name: section, level: 2, exact: true })).toBeVisible();
  }
  await expect(page.getByRole('link', { name: 'Settings' })).toBeVisible();
  await expect(page.getByLabel('Company selector')).toHaveValue('global');
  await expect(page.getByRole('link', { name: 'Need support?' })).toHaveAttribute('href', 'mailto:help@operator.test');
});

test('an MSP admin signs in to the MSP portal with its bell', async ({ page }) => {
  await signIn(page, 'Northwind MSP', 'admin@northwind-msp.test');
  await expect(page).toHaveURL(/\/msp$/);
  await expect(page.getByRole('heading', { name: 'Northwind MSP', level: 1 })).toBeVisible();
  await expect(page.getByRole('button', { name: /Notifications/ }).or(page.getByLabel(/Notifications/).first())).toBeVisible();
  await expect(page.getByRole('link', { name: 'Settings' })).toHaveCount(0);
  // An MSP user asking for an MSSP page gets "not found".
  await page.goto('/mssp');
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});

test('a wrong password shows one message and no session', async ({ page }) => {
  await signIn(page, 'Demo MSSP', 'owner@demo-mssp.test', 'not-the-password');
  await expect(page.getByRole('alert')).toHaveText('The tenant name, email or password is not right.');
  await page.goto('/mssp');
  await expect(page).toHaveURL(/\/login\?next=\/mssp/);
});

test('signing out ends the session', async ({ page }) => {
  await signIn(page, 'Demo MSSP', 'viewer@demo-mssp.test');
  await expect(page).toHaveURL(/\/mssp$/);
  await page.getByLabel('User menu').click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/mssp/settings');
  await expect(page).toHaveURL(/\/login\?next=\/mssp\/settings/);
});

test('after sign-in the visitor returns to the page they asked for', async ({ page }) => {
  await page.goto('/mssp/settings');
  await expect(page).toHaveURL(/\/login\?next=/);
  await page.getByLabel('Tenant Name').fill('Demo MSSP');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Email').fill('owner@demo-mssp.test');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/mssp\/settings$/);
  await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'viewer@demo-mssp.test' })).toBeVisible();
});

test('the theme toggle is remembered across reloads', async ({ page }) => {
  await signIn(page, 'Demo MSSP', 'owner@demo-mssp.test');
  await expect(page).toHaveURL(/\/mssp$/);
  const html = page.locator('html');
  await expect(html).toHaveAttribute('data-theme', 'system');
  await page.getByRole('button', { name: 'Theme: system' }).click();
  await expect(html).toHaveAttribute('data-theme', 'light');
  await page.getByRole('button', { name: 'Theme: light' }).click();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', 'dark');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('sign-in, a wrong password and sign-out all work', async ({ page }) => {
    await signIn(page, 'Demo MSSP', 'owner@demo-mssp.test', 'wrong-password');
    await expect(page.getByRole('alert')).toHaveText('The tenant name, email or password is not right.');
    await page.getByLabel('Email').fill('owner@demo-mssp.test');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/$|\/mssp$/);
    await expect(page.getByRole('heading', { name: 'Global', level: 1 })).toBeVisible();
    await page.getByLabel('User menu').click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/login$/);
  });
});
