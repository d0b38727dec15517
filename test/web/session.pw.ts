import { expect, test } from '@playwright/test';
import { sign } from 'jsonwebtoken';
import { Api, modelRows, signIn } from './helpers';
import { JWT_SECRET, startService, type WebService } from './service';

/**
 * A session lost in the middle of using the app (signed out in another tab, or its token expired):
 * the next action sends the user to sign in, and signing in leads back to the same address, with
 * nothing done on the lost session's behalf.
 */
test.describe.configure({ mode: 'serial' });

let service: WebService;
let admin: Api;
test.beforeAll(async () => {
  service = await startService();
  admin = await Api.signUp(service.baseUrl, 'Sam Session', 'sam@example.test');
  await admin.call('POST', '/api/models/create', { id: 'base-s', name: 'Base S', owned_by: 'acme' });
  const models = Array.from({ length: 40 }, (_, i) => ({
    id: `s/model-${String(i + 1).padStart(2, '0')}`,
    base_model_id: 'base-s',
    name: `Model ${String(i + 1).padStart(2, '0')}`,
  }));
  await admin.call('POST', '/api/models/import', { models });
});
test.afterAll(async () => {
  await service?.stop();
});

test('signed out in another tab: the next action asks to sign in, then returns to the same list page', async ({
  page,
  context,
}) => {
  const here = `${service.baseUrl}/?query=model&order_by=name&direction=asc&page=2`;
  await page.goto(here);
  await signIn(page, 'sam@example.test');
  await expect(page).toHaveURL(here);
  await expect(page.getByRole('status')).toHaveText('40 models · page 2 of 2');
  const row = modelRows(page).filter({ hasText: 's/model-31' });
  await expect(row).toBeVisible();

  // Another tab of the same browser signs out: the session cookie is gone for both.
  const other = await context.newPage();
  await other.goto(service.baseUrl);
  await other.getByRole('button', { name: 'Sign out' }).click();
  await expect(other.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await other.close();

  // The first tab still shows the list; its next action meets the 401 and goes to sign in.
  await row.getByRole('button', { name: 'Deactivate Model 31' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  expect(new URL(page.url()).searchParams.get('next')).toBe('query=model&order_by=name&direction=asc&page=2');
  const model = await admin.call<{ is_active: boolean }>('GET', '/api/models/model?id=s/model-31');
  expect(model.is_active).toBe(true);

  await signIn(page, 'sam@example.test');
  await expect(page).toHaveURL(here);
  await expect(page.getByLabel('Search models')).toHaveValue('model');
  await expect(page.getByRole('status')).toHaveText('40 models · page 2 of 2');
  await expect(modelRows(page).first()).toContainText('Model 31');
  // Signed in again, the same action works.
  await row.getByRole('button', { name: 'Deactivate Model 31' }).click();
  await expect(row.getByText('inactive')).toBeVisible();
});

test('an expired token: the next change asks to sign in, then returns to the same admin tab', async ({
  page,
  context,
}) => {
  const here = `${service.baseUrl}/?p=admin&tab=groups`;
  await page.goto(here);
  await signIn(page, 'sam@example.test');
  await expect(page.getByLabel('New group name')).toBeVisible();

  // The cookie now holds a token the service issued but that has expired (as after JWT_EXPIRES_IN).
  const me = await admin.call<{ id: string }>('GET', '/api/auths');
  const now = Math.floor(Date.now() / 1000);
  const expired = sign({ sub: me.id, iat: now - 7200, exp: now - 60 }, JWT_SECRET);
  await context.addCookies([{ name: 'token', value: expired, url: service.baseUrl, httpOnly: true, sameSite: 'Lax' }]);

  await page.getByLabel('New group name').fill('Latecomers');
  await page.getByRole('button', { name: 'Create group' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  expect(await admin.call<unknown[]>('GET', '/api/groups')).toEqual([]);

  await signIn(page, 'sam@example.test');
  await expect(page).toHaveURL(here);
  await expect(page.getByRole('link', { name: 'Groups' })).toHaveAttribute('aria-current', 'page');
  await page.getByLabel('New group name').fill('Latecomers');
  await page.getByRole('button', { name: 'Create group' }).click();
  await expect(page.getByRole('region', { name: 'Group Latecomers' })).toBeVisible();
});

test('a reload without the session cookie asks to sign in, then shows the page it was on', async ({
  page,
  context,
}) => {
  const here = `${service.baseUrl}/?p=edit&id=s%2Fmodel-05`;
  await page.goto(here);
  await signIn(page, 'sam@example.test');
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Model 05');
  await context.clearCookies();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await signIn(page, 'sam@example.test');
  await expect(page).toHaveURL(here);
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Model 05');
});

test('a wrong password is said at the form, and the next try signs in', async ({ page }) => {
  await page.goto(service.baseUrl);
  await signIn(page, 'sam@example.test', 'not-the-password');
  await expect(page.getByRole('alert')).toHaveText('Invalid email or password');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled();
  await signIn(page, 'sam@example.test');
  await expect(modelRows(page).first()).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
});
