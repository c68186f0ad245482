import { test, expect, type Browser, type Page } from '@playwright/test';
import { axeViolations, signIn } from './helpers';

// The product guide's flow, with both sides open side by side: the MSSP adds an MSP (after
// both refusals), the MSP admin's bell rises live, Yes without a reason does nothing, the MSP
// approves, and the MSSP's table shows APPROVED without a reload.

async function portal(browser: Browser, tenant: string, email: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, tenant, email);
  // The live stream is open (the shell marks <html data-live="open">).
  await expect(page.locator('html')).toHaveAttribute('data-live', 'open');
  // A marker that a reload would wipe.
  await page.evaluate(() => { (window as any).__noReload = true; });
  return page;
}

async function notReloaded(page: Page) {
  expect(await page.evaluate(() => (window as any).__noReload)).toBe(true);
}

test('an MSSP adds an MSP and sees the MSP approve it live', async ({ browser }) => {
  const mssp = await portal(browser, 'Demo MSSP', 'owner@demo-mssp.test');
  const msp = await portal(browser, 'Fabrikam MSP', 'admin@fabrikam-msp.test');
  await expect(msp.getByTestId('bell-count')).toHaveCount(0);

  // Add MSP: first the two refusals, in the guide's words.
  await mssp.getByRole('button', { name: 'Add MSP' }).click();
  const add = mssp.getByRole('dialog', { name: 'Add MSP' });
  await expect(add).toBeVisible();
  await add.getByLabel('Email').fill('admin@fabrikam-msp.test');
  await add.getByLabel('Tenant Name').fill('No Such MSP');
  await add.getByRole('button', { name: 'Save' }).click();
  await expect(add.getByRole('alert')).toContainText('Email ID or Tenant Name not found');
  await expect(add.getByRole('link', { name: 'help@operator.test' })).toHaveAttribute('href', 'mailto:help@operator.test');

  await add.getByLabel('Email').fill('admin@contoso-msp.test');
  await add.getByLabel('Tenant Name').fill('Contoso MSP');
  await add.getByRole('button', { name: 'Save' }).click();
  await expect(add.getByRole('alert')).toHaveText('Tenant already associated to mssp');

  await add.getByLabel('Email').fill('admin@fabrikam-msp.test');
  await add.getByLabel('Tenant Name').fill('Fabrikam MSP');
  await add.getByRole('button', { name: 'Save' }).click();
  await expect(add).toBeHidden();
  const row = mssp.locator('tr[data-msp="Fabrikam MSP"]');
  await expect(row.getByText('PENDING APPROVAL')).toBeVisible();

  // The MSP's bell rises without a reload.
  await expect(msp.getByTestId('bell-count')).toHaveText('1');
  await notReloaded(msp);
  await msp.getByRole('button', { name: /Notifications, 1 unread/ }).or(msp.getByLabel(/Notifications, 1 unread/)).first().click();
  const panel = msp.getByRole('region', { name: 'Notifications' });
  await expect(panel.getByText('MSSP Approval Request')).toBeVisible();

  // Approve asks for a reason; Yes without one does nothing, Cancel changes nothing.
  await panel.getByRole('button', { name: 'Approve' }).click();
  const reason = msp.getByRole('dialog', { name: 'Approve request' });
  await expect(reason).toBeVisible();
  await expect(reason.getByText('A reason is required', { exact: false }).first()).toBeVisible();
  await reason.getByRole('button', { name: 'Yes' }).click();
  await expect(reason).toBeVisible();
  await expect(reason.locator('.field-error')).toHaveText('A reason is required.');
  await reason.getByRole('button', { name: 'Cancel' }).click();
  await expect(reason).toBeHidden();
  await expect(row.getByText('PENDING APPROVAL')).toBeVisible();

  await panel.getByRole('button', { name: 'Approve' }).click();
  await expect(reason).toBeVisible();
  await reason.getByLabel(/Approval reason/).fill('Trusted partner');
  await reason.getByRole('button', { name: 'Yes' }).click();
  await expect(reason).toBeHidden();

  // The MSSP's open page shows APPROVED, live.
  await expect(row.getByText('APPROVED', { exact: true })).toBeVisible();
  await expect(row).toContainText('Trusted partner');
  await notReloaded(mssp);
  // And the MSP's own access panel says so.
  await expect(msp.getByRole('region', { name: 'MSSP access' }).getByText('APPROVED', { exact: true })).toBeVisible();
});

test('the MSPs table and the reason dialog pass an accessibility check', async ({ browser }) => {
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await signIn(page, 'Demo MSSP', 'viewer@demo-mssp.test');
  await expect(page.locator('tr[data-msp="Northwind MSP"]')).toBeVisible();
  // Viewers see the table but no actions.
  await expect(page.getByRole('button', { name: 'Add MSP' })).toHaveCount(0);
  expect(await axeViolations(page)).toEqual([]);
});
