import { test, expect, type Page } from '@playwright/test';
import { signIn } from './helpers';

// Every portal page hydrates cleanly on every load: no panic or hydration error in the
// console, the live stream opens (the hydrated shell marks <html data-live="open">), and the
// page answers a click. A page that fails to hydrate looks right but is inert, so each page
// is loaded several times.

const LOADS = 3;

function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    const text = message.text();
    if (message.type() === 'error' || /hydrat|panicked|unreachable/i.test(text)) {
      problems.push(`console ${message.type()}: ${text}`);
    }
  });
  return problems;
}

async function loadsCleanly(page: Page, problems: string[], path: string) {
  for (let load = 1; load <= LOADS; load++) {
    await page.goto(path);
    try {
      await expect(page.locator('html')).toHaveAttribute('data-live', 'open');
    } catch (error) {
      // Say what the console said: a page that never hydrated usually says why there.
      throw new Error(`${path}, load ${load}: ${error}\nconsole: ${JSON.stringify(problems)}`);
    }
    // Interactive: the user menu opens and closes.
    const menu = page.getByLabel('User menu');
    await menu.click();
    await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
    await menu.click();
    await expect(page.getByRole('button', { name: 'Sign out' })).toBeHidden();
    expect(problems, `${path}, load ${load}`).toEqual([]);
  }
}

test('every MSSP page hydrates and responds on every load', async ({ page }) => {
  const problems = watchConsole(page);
  await signIn(page, 'Demo MSSP', 'owner@demo-mssp.test');
  await expect(page).toHaveURL(/\/mssp$/);
  for (const path of ['/mssp', '/mssp/settings', '/mssp/billing', '/mssp/audit', '/mssp/audit?action=association.&q=a']) {
    await loadsCleanly(page, problems, path);
  }
  // The MSPs panel, which once stayed inert after a bad hydration, opens its dialog.
  await page.goto('/mssp');
  await expect(page.locator('html')).toHaveAttribute('data-live', 'open');
  await page.getByRole('button', { name: 'Add MSP' }).click();
  await expect(page.getByRole('dialog', { name: 'Add MSP' })).toBeVisible();
  expect(problems).toEqual([]);
});

test('every MSP page hydrates and responds on every load', async ({ page }) => {
  const problems = watchConsole(page);
  await signIn(page, 'Northwind MSP', 'admin@northwind-msp.test');
  await expect(page).toHaveURL(/\/msp$/);
  for (const path of ['/msp', '/msp/companies', '/msp/companies?q=a&sort=critical&dir=desc', '/msp/settings', '/msp/audit']) {
    await loadsCleanly(page, problems, path);
  }
  // The bell opens its panel.
  await page.getByLabel(/Notifications/).first().click();
  await expect(page.getByRole('region', { name: 'Notifications' })).toBeVisible();
  expect(problems).toEqual([]);
});
