import { expect, test } from '@playwright/test';
import { Api, expectAccessible, modelRows, PASSWORD, RED_PIXEL, screenshot, signIn } from './helpers';
import { startService, type WebService } from './service';

/** The team's story, in order: the first sign-up, sharing with a group, a member finding the model. */
test.describe.configure({ mode: 'serial' });

let service: WebService;
let admin: Api;
test.beforeAll(async () => {
  service = await startService();
});
test.afterAll(async () => {
  await service?.stop();
});

test('the first account signed up in the browser is the admin, and sees an empty workspace', async ({ page }) => {
  await page.goto(service.baseUrl);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Create one' }).click();
  await page.getByLabel('Name').fill('Ada Admin');
  await page.getByLabel('Email').fill('ada@example.test');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create an account' }).click();

  await expect(page.getByRole('heading', { name: 'Models' })).toBeVisible();
  await expect(page.locator('.who')).toContainText('admin');
  await expect(page.getByText('There are no models here yet.')).toBeVisible();
  await expectAccessible(page);
  admin = await Api.signIn(service.baseUrl, 'ada@example.test');
});

test('a member finds a model shared with its group by search, by tag and under "shared with me"', async ({ page }) => {
  const member = await admin.createUser('Mia Member', 'mia@example.test');
  await admin.createUser('Olli Outsider', 'olli@example.test');
  const group = await admin.call<{ id: string }>('POST', '/api/groups', { name: 'Reviewers', user_ids: [member.id] });
  await admin.call('POST', '/api/models/create', { id: 'gpt-4o', name: 'GPT-4o', owned_by: 'openai' });
  await admin.call('POST', '/api/models/create', {
    id: 'team/code-reviewer',
    base_model_id: 'gpt-4o',
    name: 'Code reviewer <b>bold?</b>',
    params: { system: 'Review strictly.' },
    meta: { description: 'Reviews pull requests', tags: ['Coding', 'review'], profile_image_url: RED_PIXEL },
    access_grants: [{ principal_type: 'group', principal_id: group.id, permission: 'read' }],
  });
  await admin.call('POST', '/api/models/create', {
    id: 'private/notes',
    base_model_id: 'gpt-4o',
    name: 'Private notes',
  });

  await page.goto(service.baseUrl);
  await signIn(page, 'mia@example.test');
  await expect(page.getByRole('heading', { name: 'Models' })).toBeVisible();
  const rows = modelRows(page);
  await expect(rows).toHaveCount(1);
  const row = rows.first();
  // Model text is shown as text, never as markup.
  await expect(row.getByRole('link', { name: 'Code reviewer <b>bold?</b>' })).toBeVisible();
  await expect(row).toContainText('team/code-reviewer');
  await expect(row).toContainText('Ada Admin');
  await expect(row).toContainText('Reviews pull requests');
  await expect(row.getByText('read only')).toBeVisible();
  await expect(row.locator('img.avatar')).toHaveJSProperty('naturalWidth', 1);

  await page.getByLabel('View', { exact: true }).selectOption('shared');
  await expect(page).toHaveURL(/view=shared/);
  await expect(rows).toHaveCount(1);
  await page.getByLabel('View', { exact: true }).selectOption('created');
  await expect(page.getByText('You have not created a model yet.')).toBeVisible();
  await page.getByLabel('View', { exact: true }).selectOption('');

  await page.getByLabel('Tag', { exact: true }).selectOption('coding');
  await expect(page).toHaveURL(/tag=coding/);
  await expect(rows).toHaveCount(1);

  await page.getByLabel('Search models').fill('REVIEW');
  await expect(page).toHaveURL(/query=REVIEW/);
  await expect(rows).toHaveCount(1);
  await page.getByLabel('Search models').fill('private');
  await expect(page.getByText('No models match')).toBeVisible();
  await expectAccessible(page);

  // The state is in the URL: a reload (the session survives it) shows the same list.
  await page.reload();
  await expect(page.getByLabel('Search models')).toHaveValue('private');
  await expect(page.getByLabel('Tag', { exact: true })).toHaveValue('coding');
  await page.getByRole('button', { name: 'clear the search and filters' }).click();
  await expect(rows).toHaveCount(1);
  await expect(page).toHaveURL(`${service.baseUrl}/`);
  await page.goBack();
  await expect(page.getByLabel('Tag', { exact: true })).toHaveValue('coding');
});

test('typing in search never shows an older answer over a newer one', async ({ page }) => {
  await page.goto(service.baseUrl);
  await signIn(page, 'ada@example.test');
  await expect(modelRows(page)).toHaveCount(2);
  // Hold the answer for "notes" until the answer for "reviewer" has been shown, then let it through.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/api\/models\/list\?.*query=notes/, async (route) => {
    await held;
    await route.continue().catch(() => undefined);
  });
  await page.getByLabel('Search models').fill('notes');
  await expect(page).toHaveURL(/query=notes/);
  await page.getByLabel('Search models').fill('reviewer');
  await expect(page).toHaveURL(/query=reviewer/);
  await expect(modelRows(page)).toHaveCount(1);
  await expect(modelRows(page).first()).toContainText('team/code-reviewer');
  release();
  await page.unrouteAll({ behavior: 'wait' });
  await expect(page.getByRole('status')).toHaveText('1 model');
  await expect(modelRows(page).first()).toContainText('team/code-reviewer');
  await screenshot(page, 'workspace');
});

test('a pending account waits for approval; signing out ends the session', async ({ page }) => {
  await Api.signUp(service.baseUrl, 'Pat Pending', 'pat@example.test');
  await page.goto(service.baseUrl);
  await signIn(page, 'pat@example.test');
  await expect(page.getByRole('heading', { name: 'Waiting for approval' })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.goto(`${service.baseUrl}/?view=shared`);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  // Signing in leads back to where the user was going.
  await signIn(page, 'mia@example.test');
  await expect(page).toHaveURL(/view=shared/);
  await expect(page.getByLabel('View', { exact: true })).toHaveValue('shared');
});
