import { test, expect, type Page } from '@playwright/test';
import { signIn, hydrated } from './helpers';

// An MSP admin adds a company and issues an enrollment token in the portal; an agent enrolls
// and reports through the ingest API; the company page shows the counts; deleting the company
// says what goes with it.

function tile(page: Page, section: string, label: string) {
  return page
    .getByRole('region', { name: section })
    .locator('.tile')
    .filter({ has: page.locator('.tile-label', { hasText: new RegExp(`^${label}$`) }) })
    .locator('.tile-value');
}

test('a company enrolls an agent, receives a report and shows its counts', async ({ page, request }) => {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  const name = `E2E Dental ${Date.now()}`;

  await signIn(page, 'Northwind MSP', 'admin@northwind-msp.test');
  await expect(page).toHaveURL(/\/msp$/);
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Companies' }).click();
  await expect(page).toHaveURL(/\/msp\/companies$/);
  await hydrated(page);

  await page.getByLabel('New company').fill(name);
  await page.getByRole('button', { name: 'Add company' }).click();
  await expect(page.getByRole('status')).toHaveText('Company added.');
  const row = page.locator(`tr[data-company="${name}"]`);
  await expect(row).toBeVisible();
  await row.getByRole('link', { name }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await hydrated(page);

  // Issue a token: shown once.
  await page.getByLabel('Valid for (days)').fill('3');
  await page.getByRole('button', { name: 'Issue token' }).click();
  const token = (await page.locator('[data-token]').textContent())?.trim() ?? '';
  expect(token).toHaveLength(43);
  await expect(page.getByRole('region', { name: 'Enrollment tokens' }).getByRole('cell', { name: 'Active' })).toBeVisible();

  // The agent enrolls and reports through the API.
  const enrolled = await request.post('/api/v1/enroll', {
    data: { token, kind: 'probe', hostname: 'probe-e2e', version: '2.3.1' },
  });
  expect(enrolled.status()).toBe(201);
  const { secret } = await enrolled.json();
  const report = await request.post('/api/v1/reports', {
    headers: { authorization: `Bearer ${secret}`, 'idempotency-key': `e2e-${Date.now()}` },
    data: {
      assets: [
        {
          hostname: 'web-01', ip: '10.0.0.5', os: 'Ubuntu 22.04',
          findings: [
            { id: 'CVE-2024-3094', title: 'xz backdoor', severity: 'critical', cvss: 10.0 },
            { id: 'CVE-2023-4863', title: 'libwebp overflow', severity: 'high', cvss: 8.8 },
          ],
        },
        { hostname: 'db-01', findings: [{ id: 'CVE-2023-4863', title: 'libwebp overflow', severity: 'high', cvss: 8.8 }] },
      ],
    },
  });
  expect(report.status(), await report.text()).toBe(200);

  await page.reload();
  await expect(tile(page, 'Inventory', 'Probe Agents')).toHaveText('1');
  await expect(tile(page, 'Inventory', 'Probe Discovered Assets')).toHaveText('2');
  await expect(tile(page, 'Vulnerabilities', 'Total Vulnerabilities')).toHaveText('3');
  await expect(tile(page, 'Vulnerabilities', 'Critical')).toHaveText('1');
  await expect(tile(page, 'Vulnerabilities', 'High')).toHaveText('2');
  const agent = page.locator('tr[data-agent="probe-e2e"]');
  await expect(agent.getByText('Online')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Open findings' }).getByText('CVE-2024-3094')).toBeVisible();
  await expect(page.locator('tr[data-asset="web-01"]')).toBeVisible();

  // The companies table shows the same counts; delete says what goes with the company.
  await page.getByRole('link', { name: 'Companies' }).first().click();
  await expect(row).toBeVisible();
  await hydrated(page);
  await row.getByRole('button', { name: 'Delete' }).click();
  const dialog = page.getByRole('dialog', { name: `Delete ${name}?` });
  await expect(dialog).toContainText('This also deletes its 1 agents, 2 assets and 3 open findings');
  await dialog.getByRole('button', { name: 'Delete company' }).click();
  await expect(page.getByRole('status')).toContainText(`Deleted ${name}`);
  await expect(row).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('the API docs page and the OpenAPI document are served', async ({ page, request }) => {
  const doc = await request.get('/api/v1/openapi.json');
  expect(doc.status()).toBe(200);
  expect((await doc.json()).paths['/api/v1/reports'].post).toBeTruthy();
  await page.goto('/api/v1/docs');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('MSSP Portal ingest API');
  await expect(page.locator('#op-scan_report, section').first()).toBeVisible();
});
