import { expect, type Page } from '@playwright/test';

export const PASSWORD = 'portal-demo-1';

/** Signs in through the two-step form, as a person would. */
export async function signIn(page: Page, tenant: string, email: string, password = PASSWORD) {
  await page.goto('/login');
  await page.getByLabel('Tenant Name').fill(tenant);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByTestId('chosen-tenant')).toHaveText(tenant);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** WCAG 2 A and AA violations axe-core finds on the page now, one line each. */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  return page.evaluate(async () => {
    const result = await (window as any).axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] });
    return result.violations.map(
      (v: any) => `${v.impact} ${v.id}: ${v.nodes.map((n: any) => n.target).join(', ')}`,
    );
  });
}

/**
 * Waits until the page is interactive: `<html data-hydrated>` is set once every island on the
 * page has hydrated (lazy ones after their WASM file arrived), or at once on a page without.
 */
export async function hydrated(page: Page) {
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', '');
}
