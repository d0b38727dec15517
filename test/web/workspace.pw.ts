import { expect, test } from '@playwright/test';
import { Api, expectAccessible, modelRows, PASSWORD, RED_PNG, screenshot, signIn } from './helpers';
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

test('the admin creates a custom model with an image in the editor and shares it with a group', async ({ page }) => {
  const member = await admin.createUser('Mia Member', 'mia@example.test');
  await admin.createUser('Olli Outsider', 'olli@example.test');
  await admin.call('POST', '/api/groups', { name: 'Reviewers', user_ids: [member.id] });
  await admin.call('POST', '/api/models/create', {
    id: 'gpt-4o',
    name: 'GPT-4o',
    owned_by: 'openai',
    context_length: 128000,
  });
  await admin.call('POST', '/api/models/create', {
    id: 'private/notes',
    base_model_id: 'gpt-4o',
    name: 'Private notes',
  });

  await page.goto(service.baseUrl);
  await signIn(page, 'ada@example.test');
  await page.getByRole('link', { name: 'New model' }).click();
  await expect(page.getByRole('heading', { name: 'New model' })).toBeVisible();
  await expect(page.getByLabel('Base model', { exact: true })).toHaveValue('gpt-4o');
  await page.getByLabel('Name').fill('Code reviewer <b>bold?</b>');
  await expect(page.getByLabel('Model id')).toHaveValue('code-reviewer-b-bold-b');
  // An id the user can already see is flagged before submitting.
  await page.getByLabel('Model id').fill('private/notes');
  await expect(page.getByText('a model you can see already has this id')).toBeVisible();
  await page.getByLabel('Model id').fill('team/code reviewer');
  await page.getByLabel('Profile image').setInputFiles({ name: 'red.png', mimeType: 'image/png', buffer: RED_PNG });
  await expect(page.getByRole('img', { name: /Profile image of/ })).toHaveJSProperty('naturalWidth', 1);
  await page.getByLabel('Description').fill('Reviews pull requests');
  await page.getByLabel('Tags').fill('Coding, review');
  await page.getByLabel('System prompt').fill('Review strictly.');
  await page.getByLabel('vision').check();
  await expect(page.getByText('inherited from gpt-4o: 128000')).toBeVisible();
  await page.getByLabel('Other parameters (JSON)').fill('{"temperature": ');
  await page.getByRole('button', { name: 'Create model' }).click();
  await expect(page.getByText('params must be a JSON object')).toBeVisible();
  await page.getByLabel('Other parameters (JSON)').fill('{"temperature": 0.2}');
  await page.getByRole('button', { name: 'Create model' }).click();
  // The API's own validation error, shown at the field it names.
  await expect(page.getByLabel('Model id')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#model-id-error')).toContainText('id may contain only letters');
  await page.getByLabel('Model id').fill('team/code-reviewer');
  await expect(page.locator('#model-id-error')).toBeHidden();
  await expectAccessible(page);
  await screenshot(page, 'editor', true);
  await page.getByRole('button', { name: 'Create model' }).click();

  await expect(page.getByRole('heading', { name: 'Models' })).toBeVisible();
  const row = modelRows(page).filter({ hasText: 'team/code-reviewer' });
  await row.getByRole('button', { name: 'Share Code reviewer <b>bold?</b>' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('heading', { name: /^Share Code reviewer/ })).toBeVisible();
  await dialog.getByLabel('Add a group').selectOption({ label: 'Reviewers (1)' });
  await dialog.getByLabel('Add people').fill('olli');
  await dialog.getByRole('button', { name: /Add Olli Outsider/ }).click();
  await dialog.getByLabel('Permission of Olli Outsider').selectOption('write');
  await expectAccessible(page);
  await screenshot(page, 'share-dialog');
  await dialog.getByRole('button', { name: 'Save access' }).click();
  await expect(dialog).toBeHidden();

  // Who has access now, by name, as the service stored it.
  await row.getByRole('button', { name: /^Share Code reviewer/ }).click();
  const access = page.getByRole('list', { name: 'Who has access' });
  await expect(access.getByText('Reviewers')).toBeVisible();
  await expect(access.getByText('Olli Outsider')).toBeVisible();
  await expect(page.getByLabel('Permission of Olli Outsider')).toHaveValue('write');
  await expect(page.getByLabel('Permission of Reviewers')).toHaveValue('read');
  // Removing someone in the dialog and cancelling changes nothing stored.
  await page.getByRole('button', { name: 'Remove Olli Outsider' }).click();
  await expect(access.getByText('Olli Outsider')).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();
  await row.getByRole('button', { name: /^Share Code reviewer/ }).click();
  await expect(page.getByLabel('Permission of Olli Outsider')).toHaveValue('write');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();
});

test('a member finds a model shared with its group by search, by tag and under "shared with me"', async ({ page }) => {
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
  // A reader gets no edit controls, and an edit address typed by hand says why.
  await expect(row.getByRole('button')).toHaveCount(3); // the two tags, and Clone
  await expect(row.getByRole('button', { name: /^(Share|Delete|Deactivate|Hide)/ })).toHaveCount(0);
  await expect(row.getByRole('link', { name: /^Edit/ })).toHaveCount(0);
  await page.goto(`${service.baseUrl}/?p=edit&id=team%2Fcode-reviewer`);
  await expect(page.getByRole('heading', { name: 'You cannot edit Code reviewer <b>bold?</b>' })).toBeVisible();
  await expect(page.getByText('ask its owner (Ada Admin) for write access')).toBeVisible();
  await expect(page.getByRole('textbox')).toHaveCount(0);
  await expectAccessible(page);
  await page.goto(`${service.baseUrl}/?p=edit&id=private%2Fnotes`);
  await expect(page.getByRole('heading', { name: 'Model not available' })).toBeVisible();
  await page.goto(service.baseUrl);

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

test('a writer deactivates, hides and, after confirming, deletes a model', async ({ page }) => {
  await page.goto(`${service.baseUrl}/?query=notes`);
  await signIn(page, 'ada@example.test');
  const row = modelRows(page).filter({ hasText: 'private/notes' });
  await row.getByRole('button', { name: 'Deactivate Private notes' }).click();
  await expect(row.getByText('inactive')).toBeVisible();
  await row.getByRole('button', { name: 'Hide Private notes' }).click();
  await expect(row.getByText('hidden')).toBeVisible();
  await row.getByRole('button', { name: 'Activate Private notes' }).click();
  await expect(row.getByText('inactive')).toBeHidden();

  await row.getByRole('button', { name: 'Delete Private notes' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete Private notes?' });
  await expectAccessible(page);
  await dialog.getByRole('button', { name: 'Keep it' }).click();
  await expect(row).toBeVisible();
  await row.getByRole('button', { name: 'Delete Private notes' }).click();
  await dialog.getByRole('button', { name: 'Delete the model' }).click();
  await expect(page.getByText('No models match')).toBeVisible();
  const res = await fetch(`${service.baseUrl}/api/models/model?id=private/notes`, {
    headers: { Authorization: `Bearer ${admin.token}` },
  });
  expect(res.status).toBe(404);
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
