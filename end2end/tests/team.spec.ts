import { test, expect, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { signIn, hydrated } from './helpers';

// Users in Chromium: an owner invites someone by email; the link in the email the portal
// wrote lets them choose a name and password and lands them in the portal; the owner then
// deactivates them and their session ends.

/** The invitation link in the newest email to `address` in the portal's outbox folder. */
async function invitationLink(address: string): Promise<string> {
  const outbox = path.join(process.env.E2E_DATA_DIR!, 'outbox');
  let link: string | undefined;
  await expect
    .poll(() => {
      const files = fs.existsSync(outbox) ? fs.readdirSync(outbox) : [];
      const mails = files
        .map((f) => fs.readFileSync(path.join(outbox, f), 'utf8'))
        // Quoted-printable: join soft line breaks.
        .map((m) => m.replace(/=\r?\n/g, ''))
        .filter((m) => m.includes(address));
      link = mails.map((m) => m.match(/\/invite\/[A-Za-z0-9_-]{43}/)?.[0]).find(Boolean);
      return link;
    }, { timeout: 15_000 })
    .toBeTruthy();
  return link!;
}

async function openUsers(page: Page) {
  await page.goto('/msp/settings');
  await hydrated(page);
  return page.getByRole('region', { name: 'Users' });
}

test('an owner invites a user, who joins through the emailed link and can be deactivated', async ({ page, browser }) => {
  await signIn(page, 'Fabrikam MSP', 'admin@fabrikam-msp.test');
  await expect(page).toHaveURL(/\/msp$/);
  const users = await openUsers(page);
  const address = `tech-${Date.now()}@fabrikam-msp.test`;
  await users.getByLabel('Email', { exact: true }).fill(address);
  await users.getByLabel('Role', { exact: true }).selectOption('admin');
  await users.getByRole('button', { name: 'Send invitation' }).click();
  await expect(users.getByRole('status')).toHaveText('Invitation sent.');
  await expect(users.getByRole('cell', { name: address, exact: true })).toBeVisible();

  // The invited person, in their own browser.
  const invited = await browser.newContext();
  const them = await invited.newPage();
  await them.goto(await invitationLink(address));
  await expect(them.getByText('You are invited to join')).toContainText('Fabrikam MSP');
  await them.getByLabel('Your name').fill('Tess Technician');
  await them.getByLabel('Password', { exact: true }).fill('a-long-password');
  await them.getByLabel('Password again').fill('a-long-password');
  await them.getByRole('button', { name: 'Join and sign in' }).click();
  await expect(them).toHaveURL(/\/msp$/);
  await expect(them.getByLabel('User menu')).toHaveText('Tess Technician');

  // The owner sees them, with their role, and deactivates them.
  const team = await openUsers(page);
  const row = team.getByRole('row', { name: /Tess Technician/ });
  await expect(row.getByRole('combobox', { name: 'Role of Tess Technician' })).toHaveValue('admin');
  await row.getByRole('button', { name: 'Deactivate Tess Technician' }).click();
  await expect(team.getByRole('status')).toHaveText('User updated.');
  await expect(team.getByRole('row', { name: /Tess Technician/ })).toContainText('Deactivated');

  // Their session has ended: the next page sends them to sign in.
  await them.goto('/msp');
  await expect(them).toHaveURL(/\/login/);
  await invited.close();
});
