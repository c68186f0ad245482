import { test, expect, type Page } from '@playwright/test';
import { signIn, hydrated } from './helpers';

// Every portal page hydrates cleanly on every load: no panic or hydration error in the
// console, every island hydrates (<html data-hydrated>), and the page answers a click on a
// part that only the WASM makes work (the theme switch, on every page). A page that fails to
// hydrate looks right but is inert, so each page is loaded several times.

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
      await hydrated(page);
    } catch (error) {
      // Say what the console said: a page that never hydrated usually says why there.
      throw new Error(`${path}, load ${load}: ${error}\nconsole: ${JSON.stringify(problems)}`);
    }
    // Interactive: the theme switch answers in place, round the three themes and back.
    const theme = page.getByRole('button', { name: /^Theme:/ });
    const first = (await theme.getAttribute('aria-label'))!;
    for (let step = 0; step < 3; step++) {
      const before = (await theme.getAttribute('aria-label'))!;
      await theme.click();
      await expect(theme).not.toHaveAttribute('aria-label', before);
    }
    await expect(theme).toHaveAttribute('aria-label', first);
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
  // The MSPs panel, which once stayed inert after a bad hydration, opens its dialog; it is
  // live, so the page opens the event stream.
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
