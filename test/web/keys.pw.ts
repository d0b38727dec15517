import { expect, test } from '@playwright/test';
import { Api, expectAccessible, signIn } from './helpers';
import { startService, type WebService } from './service';

/** API keys in the browser: created with their options, the secret shown once and copied, listed, revoked. */
test.describe.configure({ mode: 'serial' });

let service: WebService;
test.beforeAll(async () => {
  service = await startService();
  const admin = await Api.signUp(service.baseUrl, 'Kim Keys', 'kim@example.test');
  const me = await admin.call<{ id: string }>('GET', '/api/auths');
  await admin.call('POST', '/api/groups', { name: 'Bots', user_ids: [me.id] });
  await admin.call('POST', '/api/models/create', { id: 'base-k', name: 'Base K', owned_by: 'acme' });
  await admin.call('POST', '/api/models/create', { id: 'team/helper', base_model_id: 'base-k', name: 'Team helper' });
});
test.afterAll(async () => {
  await service?.stop();
});

const listWith = (key: string) =>
  fetch(`${service.baseUrl}/v1/models`, { headers: { Authorization: `Bearer ${key}` } });

test('creates a key, shows its secret once with a copy button, lists it, and revokes it', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: service.baseUrl });
  await page.goto(service.baseUrl);
  await signIn(page, 'kim@example.test');
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'API keys' }).click();
  await expect(page).toHaveURL(/p=keys/);
  await expect(page.getByText('You have no API keys yet.')).toBeVisible();
  await expectAccessible(page);

  await page.getByLabel('Name', { exact: true }).fill('CI script');
  await page.getByLabel('Expires on').fill('2099-12-31');
  await page.getByRole('button', { name: 'Create key' }).click();
  const secretBox = page.getByLabel('The new API key');
  await expect(secretBox).toHaveValue(/^sk-/);
  const secret = await secretBox.inputValue();
  await page.getByRole('button', { name: 'Copy' }).click();
  await expect(page.getByText('Copied to the clipboard.')).toBeVisible();
  const copied = await page.evaluate(() =>
    (
      globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }
    ).navigator.clipboard.readText(),
  );
  expect(copied).toBe(secret);
  expect((await listWith(secret)).status).toBe(200);
  await expectAccessible(page);

  // Once dismissed, the secret is nowhere on the page: only its prefix.
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(secretBox).toBeHidden();
  const table = page.getByRole('table', { name: 'Your API keys' });
  const row = table.getByRole('row').filter({ hasText: 'CI script' });
  await expect(row).toContainText(secret.slice(0, 7));
  await expect(row).toContainText('2099');
  expect(await page.content()).not.toContain(secret);

  // A narrowed key is read-only, always.
  await page.getByLabel('Name', { exact: true }).fill('Bots reader');
  await page.getByLabel('Token group').selectOption({ label: 'Bots' });
  await page.getByLabel(/Allowed models/).fill('helper');
  await page.getByRole('button', { name: /Allow Team helper/ }).click();
  await expect(page.getByRole('checkbox', { name: /Read-only/ })).toBeChecked();
  await page.getByRole('button', { name: 'Create key' }).click();
  await page.getByRole('button', { name: 'Done' }).click();
  const narrowed = table.getByRole('row').filter({ hasText: 'Bots reader' });
  await expect(narrowed).toContainText('read only');
  await expect(narrowed).toContainText('team/helper');
  await expect(narrowed).toContainText('Bots');

  await row.getByRole('button', { name: 'Revoke CI script' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke the key' }).click();
  await expect(row).toBeHidden();
  expect((await listWith(secret)).status).toBe(401);
});
