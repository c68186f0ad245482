import { test, expect, type Page } from '@playwright/test';
import { axeViolations, signIn, hydrated } from './helpers';

// Every dashboard page passes axe-core's WCAG 2 A and AA checks, for the MSSP (Global, an
// MSP's view, its companies, one company) and for the MSP (home, companies, one company);
// and the same pages load with JavaScript off, numbers and tables rendered on the server.

/** The pages of the MSSP's views, found by following the links a person would. */
async function mssp_pages(page: Page): Promise<string[]> {
  await signIn(page, 'Demo MSSP', 'owner@demo-mssp.test');
  await expect(page).toHaveURL(/\/mssp$/);
  const msp = await page.getByRole('link', { name: 'Northwind MSP' }).first().getAttribute('href');
  await page.goto(`${msp}/companies`);
  const company = await page.getByRole('table', { name: 'Companies' }).getByRole('rowheader').first().getByRole('link').getAttribute('href');
  return ['/mssp', `${msp}`, `${msp}/companies`, `${company}`];
}

async function msp_pages(page: Page): Promise<string[]> {
  await signIn(page, 'Northwind MSP', 'admin@northwind-msp.test');
  await expect(page).toHaveURL(/\/msp$/);
  await page.goto('/msp/companies');
  const company = await page.getByRole('table', { name: 'Companies' }).getByRole('rowheader').first().getByRole('link').getAttribute('href');
  return ['/msp', '/msp/companies', `${company}`];
}

for (const [who, pages] of [['MSSP', mssp_pages], ['MSP', msp_pages]] as const) {
  test(`the ${who}'s dashboard pages have no WCAG A or AA violations`, async ({ browser }) => {
    // axe is injected as a script, which the page's CSP would refuse.
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    for (const path of await pages(page)) {
      await page.goto(path);
      await hydrated(page);
      await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
      expect(await axeViolations(page), path).toEqual([]);
    }
    await context.close();
  });

  test(`the ${who}'s dashboard pages load without JavaScript`, async ({ browser }) => {
    const signedIn = await browser.newContext();
    const page = await signedIn.newPage();
    const paths = await pages(page);
    const noScript = await browser.newContext({ javaScriptEnabled: false, storageState: await signedIn.storageState() });
    const bare = await noScript.newPage();
    for (const path of paths) {
      const response = await bare.goto(path);
      expect(response?.status(), path).toBe(200);
      await expect(bare.getByRole('region', { name: 'Vulnerabilities', exact: true }).or(bare.getByRole('table', { name: 'Companies' })).first()).toBeVisible();
      await expect(bare.getByText('Total Vulnerabilities').first()).toBeVisible();
    }
    await signedIn.close();
    await noScript.close();
  });
}
