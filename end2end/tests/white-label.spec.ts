import { test, expect, type Page } from '@playwright/test';
import * as zlib from 'node:zlib';
import { signIn, hydrated } from './helpers';

// White Labelling in Chromium: an owner edits and saves the page title, footer content and
// both logos; the tab, the header and the footer show them, and the dark logo appears after
// switching theme. A corpus of script in the title and the footer runs nothing.
// Both tests change the demo MSSP's branding, so they run one after the other and put the
// defaults back.

test.describe.configure({ mode: 'serial' });

/** A solid-colour PNG of `width` × `height`, written here so the test needs no files. */
function png(width: number, height: number, [r, g, b]: [number, number, number]): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([length, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3)]);
  for (let x = 0; x < width; x++) row.set([r, g, b], 1 + x * 3);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function signInAsOwner(page: Page) {
  await signIn(page, 'Demo MSSP', 'owner@demo-mssp.test');
  await expect(page).toHaveURL(/\/mssp$/);
}

async function openEditor(page: Page) {
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  await expect(page).toHaveURL(/\/mssp\/settings$/);
  await hydrated(page);
  const panel = page.getByRole('region', { name: 'White Labelling' });
  await panel.getByRole('button', { name: 'Edit' }).click();
  return panel;
}

async function restoreDefaults(page: Page) {
  await page.goto('/mssp/settings');
  await hydrated(page);
  const panel = page.getByRole('region', { name: 'White Labelling' });
  await panel.getByRole('button', { name: 'Edit' }).click();
  await panel.getByRole('button', { name: 'Restore defaults' }).click();
  await panel.getByRole('button', { name: 'Save' }).click();
  await expect(panel.getByRole('status')).toHaveText('White label saved.');
  await expect(page).toHaveTitle('Settings · MSSP Portal');
}

test('an owner edits and saves the white label, and every page shows it', async ({ page }) => {
  await signInAsOwner(page);
  const panel = await openEditor(page);
  await panel.getByLabel('Page Title').fill('Acme Security');
  await panel.getByLabel('Footer Content').fill('Acme Security Ltd. Help: https://acme.example/help');
  await panel.getByLabel('Upload Logo (light mode)').setInputFiles({
    name: 'light.png', mimeType: 'image/png', buffer: png(60, 20, [200, 30, 30]),
  });
  await expect(panel.getByRole('img', { name: 'Logo (light mode)' })).toBeVisible();
  await panel.getByLabel('Upload Logo (dark mode)').setInputFiles({
    name: 'dark.png', mimeType: 'image/png', buffer: png(60, 20, [240, 240, 240]),
  });
  await expect(panel.getByRole('img', { name: 'Logo (dark mode)' })).toBeVisible();
  const light = await panel.getByRole('img', { name: 'Logo (light mode)' }).getAttribute('src');
  const dark = await panel.getByRole('img', { name: 'Logo (dark mode)' }).getAttribute('src');
  expect(light).toMatch(/^\/branding\/logos\/[0-9a-f]{64}$/);
  expect(dark).not.toEqual(light);

  // The live preview shows both themes before anything is saved.
  const darkPreview = panel.getByRole('figure', { name: 'Preview in dark mode' });
  await expect(darkPreview).toContainText('Acme Security');
  await expect(darkPreview.locator('img')).toHaveAttribute('src', dark!);
  await expect(page.locator('.app-header .page-title')).toHaveText('MSSP Portal');

  // A refused file says why, and changes nothing.
  await panel.getByLabel('Upload Logo (light mode)').setInputFiles({
    name: 'logo.png', mimeType: 'image/png', buffer: Buffer.from('<svg><script>alert(1)</script></svg>'),
  });
  await expect(panel.getByRole('alert')).toContainText('PNG, JPEG or WebP');
  await expect(panel.getByRole('img', { name: 'Logo (light mode)' })).toHaveAttribute('src', light!);

  await panel.getByRole('button', { name: 'Save' }).click();
  await expect(panel.getByRole('status')).toHaveText('White label saved.');
  // Saving loads the page again, and its shell shows the new label.
  await expect(page.locator('.app-header .page-title')).toHaveText('Acme Security');
  await expect(page).toHaveTitle('Settings · Acme Security');

  // A new page load: title in the tab, header, footer with its link, all from the server.
  await page.goto('/mssp');
  await expect(page).toHaveTitle('Global · Acme Security');
  await expect(page.locator('.app-header .page-title')).toHaveText('Acme Security');
  const footer = page.locator('.app-footer');
  await expect(footer).toContainText('Acme Security Ltd. Help:');
  await expect(footer.getByRole('link', { name: 'https://acme.example/help' })).toHaveAttribute('href', 'https://acme.example/help');

  // Light theme shows the light logo; dark shows the dark one.
  const themeButton = page.getByRole('button', { name: /^Theme:/ });
  await hydrated(page);
  // The toggle cycles system → light → dark; each click waits for the last to land.
  for (let i = 0; i < 3 && (await themeButton.getAttribute('aria-label')) !== 'Theme: light'; i++) {
    const before = (await themeButton.getAttribute('aria-label'))!;
    await themeButton.click();
    await expect(themeButton).not.toHaveAttribute('aria-label', before);
  }
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await expect(page.locator('.app-header img.logo-light')).toBeVisible();
  await expect(page.locator('.app-header img.logo-light')).toHaveAttribute('src', light!);
  await themeButton.click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.locator('.app-header img.logo-dark')).toBeVisible();
  await expect(page.locator('.app-header img.logo-dark')).toHaveAttribute('src', dark!);
  await expect(page.locator('.app-header img.logo-light')).toBeHidden();
  const served = await page.request.get(dark!);
  expect(served.headers()['content-type']).toBe('image/png');
  expect(served.headers()['x-content-type-options']).toBe('nosniff');

  // Cancel leaves the saved label alone.
  const again = await openEditor(page);
  await again.getByLabel('Page Title').fill('Something else');
  await again.getByRole('button', { name: 'Cancel' }).click();
  await expect(again.getByRole('definition').first()).toHaveText('Acme Security');

  await restoreDefaults(page);
});

test('script in the title and the footer runs nothing', async ({ page }) => {
  const ran: string[] = [];
  page.on('dialog', async (dialog) => {
    ran.push(dialog.message());
    await dialog.dismiss();
  });
  await page.exposeFunction('reportXss', (what: string) => ran.push(what));
  const title = '</title><script>reportXss("title")</script>';
  const footer = [
    '<img src=x onerror="reportXss(\'img\')">',
    '"><svg onload=reportXss("svg")>',
    'javascript:reportXss("js") https://x.test/"onmouseover="reportXss(\'attr\')',
  ].join('\n');
  await signInAsOwner(page);
  const panel = await openEditor(page);
  await panel.getByLabel('Page Title').fill(title);
  await panel.getByLabel('Footer Content').fill(footer);
  await panel.getByRole('button', { name: 'Save' }).click();
  await expect(panel.getByRole('status')).toHaveText('White label saved.');

  for (const path of ['/mssp', '/mssp/settings']) {
    await page.goto(path);
    await hydrated(page);
    await expect(page.locator('.app-header .page-title')).toHaveText(title);
    await expect(page.locator('.app-footer')).toContainText('<img src=x onerror=');
    await page.locator('.app-footer a').first().hover();
  }
  expect(await page.title()).toContain('</title><script>');
  expect(ran).toEqual([]);

  await restoreDefaults(page);
});
