import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { Api, expectAccessible, modelRows, screenshot, signIn } from './helpers';
import { startService, type WebService } from './service';

/** The workspace list's selection, bulk changes, export and import, as a non-admin writer uses them. */
test.describe.configure({ mode: 'serial' });

let service: WebService;
let admin: Api;
let una: Api;
const OWN = ['una/alpha', 'una/beta', 'una/gamma', 'una/delta'];

test.beforeAll(async () => {
  service = await startService();
  admin = await Api.signUp(service.baseUrl, 'Ada Admin', 'ada@example.test');
  await admin.createUser('Una User', 'una@example.test');
  const mia = await admin.createUser('Mia Member', 'mia@example.test');
  await admin.call('POST', '/api/groups', { name: 'Team', user_ids: [mia.id] });
  await admin.call('POST', '/api/models/create', { id: 'base-l', name: 'Base L', owned_by: 'acme' });
  await admin.call('POST', '/api/models/model/access/update', {
    id: 'base-l',
    access_grants: [{ principal_type: 'user', principal_id: '*', permission: 'read' }],
  });
  // Ada's model, tagged like Una's and readable by Una: a bulk over the tag reports it read only.
  await admin.call('POST', '/api/models/create', {
    id: 'ada/shared',
    base_model_id: 'base-l',
    name: 'Ada shared',
    meta: { tags: [{ name: 'batch' }] },
    access_grants: [{ principal_type: 'user', principal_id: '*', permission: 'read' }],
  });
  una = await Api.signIn(service.baseUrl, 'una@example.test');
  for (const id of OWN) {
    const name = id.split('/')[1];
    await una.call('POST', '/api/models/create', {
      id,
      base_model_id: 'base-l',
      name: `Una ${name}`,
      meta: { description: `The ${name} model`, tags: [{ name: 'batch' }] },
    });
  }
});
test.afterAll(async () => {
  await service?.stop();
});

const checkbox = (page: Page, id: string) => page.getByRole('checkbox', { name: new RegExp(`\\(${id}\\)$`) });

test('exports the selected models, then imports the file back after one was deleted', async ({ page }) => {
  await page.goto(service.baseUrl);
  await signIn(page, 'una@example.test');
  await expect(modelRows(page)).toHaveCount(5);
  await checkbox(page, 'una/alpha').check();
  await checkbox(page, 'una/beta').check();
  await expect(page.getByText('2 selected')).toBeVisible();

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export selected' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^models-\d{4}-\d\d-\d\d\.json$/);
  const file = readFileSync(await download.path(), 'utf8');
  const exported = JSON.parse(file) as { id: string }[];
  expect(exported.map((model) => model.id).sort()).toEqual(['una/alpha', 'una/beta']);
  await expect(page.getByText('Exported 2 models.')).toBeVisible();

  await una.call('POST', '/api/models/model/delete', { id: 'una/beta' });
  await page.reload();
  await expect(modelRows(page)).toHaveCount(4);

  await page.getByRole('button', { name: 'Import…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import models' });
  await expectAccessible(page);
  // A file that is not an export says so, and nothing is sent.
  await dialog.getByLabel('Export file (JSON)').setInputFiles({
    name: 'notes.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"hello": 1}'),
  });
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(dialog.getByRole('alert')).toContainText('This file holds no list of models');
  await dialog.getByLabel('Export file (JSON)').setInputFiles({
    name: 'models.json',
    mimeType: 'application/json',
    buffer: Buffer.from(file),
  });
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  const report = dialog.getByRole('list', { name: 'Import report' });
  await expect(report.locator(':scope > li').filter({ hasText: 'una/alpha' })).toContainText('updated');
  await expect(report.locator(':scope > li').filter({ hasText: 'una/beta' })).toContainText('created');
  await expect(dialog.getByText('1 created, 1 updated')).toBeVisible();
  await expectAccessible(page);
  // The list behind the dialog was refreshed: the model is back.
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toBeHidden();
  await expect(modelRows(page)).toHaveCount(5);
  await expect(modelRows(page).filter({ hasText: 'una/beta' })).toContainText('The beta model');
});

test('an import reports what it refused, with the reason', async ({ page }) => {
  await page.goto(service.baseUrl);
  await signIn(page, 'una@example.test');
  await page.getByRole('button', { name: 'Import…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import models' });
  const models = [
    { id: 'ada/shared', base_model_id: 'base-l', name: 'Taken over' },
    { id: 'una/new', base_model_id: 'base-l', name: 'Una new' },
  ];
  await dialog.getByLabel('Export file (JSON)').setInputFiles({
    name: 'models.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(models)),
  });
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  const report = dialog.getByRole('list', { name: 'Import report' });
  await expect(report.locator(':scope > li').filter({ hasText: 'ada/shared' })).toContainText(
    'skipped A model with this id exists and you cannot write it',
  );
  await expect(report.locator(':scope > li').filter({ hasText: 'una/new' })).toContainText('created');
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(modelRows(page).filter({ hasText: 'una/new' })).toHaveCount(1);
  await una.call('POST', '/api/models/model/delete', { id: 'una/new' });
});

const isHidden = async (id: string) =>
  (await una.call<{ meta: { hidden?: boolean } }>('GET', `/api/models/model?id=${encodeURIComponent(id)}`)).meta
    .hidden === true;

test('selected models are hidden in bulk after a dry-run preview', async ({ page }) => {
  await page.goto(service.baseUrl);
  await signIn(page, 'una@example.test');
  await checkbox(page, 'una/alpha').check();
  await checkbox(page, 'una/gamma').check();
  await page.getByRole('button', { name: 'Bulk change…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Bulk change' });
  await expect(dialog.getByLabel('The 2 selected')).toBeChecked();
  await expect(dialog.getByLabel('Action')).toHaveValue('hide');
  await dialog.getByRole('button', { name: 'Preview' }).click();
  const preview = dialog.getByRole('list', { name: 'Preview' });
  await expect(preview.locator(':scope > li')).toHaveText(['una/alpha would change', 'una/gamma would change']);
  await expect(dialog.getByText('2 models matched. Nothing has changed yet.')).toBeVisible();
  await expectAccessible(page);
  expect(await isHidden('una/alpha')).toBe(false);

  await dialog.getByRole('button', { name: 'Hide 2 models' }).click();
  const report = dialog.getByRole('list', { name: 'Bulk report' });
  await expect(report.locator(':scope > li')).toHaveText(['una/alpha changed', 'una/gamma changed']);
  await expectAccessible(page);
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(modelRows(page).filter({ hasText: 'una/alpha' }).getByText('hidden')).toBeVisible();
  await expect(modelRows(page).filter({ hasText: 'una/gamma' }).getByText('hidden')).toBeVisible();
  await expect(modelRows(page).filter({ hasText: 'una/beta' }).getByText('hidden')).toHaveCount(0);
  expect(await isHidden('una/alpha')).toBe(true);

  // The same again changes nothing, and the preview says so.
  await page.getByRole('button', { name: 'Bulk change…' }).click();
  await dialog.getByRole('button', { name: 'Preview' }).click();
  await expect(preview.locator(':scope > li').first()).toHaveText('una/alpha unchanged (already so)');
  await expect(dialog.getByRole('button', { name: 'Hide 0 models' })).toBeDisabled();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});

test('everything a filter matches is shared with a group; the read-only model is skipped, shown in the report', async ({
  page,
}) => {
  await page.goto(service.baseUrl);
  await signIn(page, 'una@example.test');
  await checkbox(page, 'una/alpha').check();
  await expect(page.getByText('1 selected')).toBeVisible();
  // A new filter starts with an empty selection.
  await page.getByLabel('Tag', { exact: true }).selectOption('batch');
  await expect(page).toHaveURL(/tag=batch/);
  await expect(page.getByText('No models selected')).toBeVisible();
  await expect(modelRows(page)).toHaveCount(5);

  await page.getByRole('button', { name: 'Bulk change…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Bulk change' });
  await expect(dialog.getByLabel('The 0 selected')).toBeDisabled();
  await expect(dialog.getByLabel('Everything this list matches: tag “batch” (5 models)')).toBeChecked();
  await dialog.getByLabel('Action').selectOption({ label: 'Share with people or groups' });
  await expect(dialog.getByRole('button', { name: 'Preview' })).toBeDisabled();
  // Public access is given by admins only.
  await expect(dialog.getByLabel('Everyone signed in (public)')).toHaveCount(0);
  await dialog.getByLabel('Add a group').selectOption({ label: 'Team (1)' });
  await expect(dialog.getByLabel('Permission of Team')).toHaveValue('read');
  await dialog.getByRole('button', { name: 'Preview' }).click();
  const preview = dialog.getByRole('list', { name: 'Preview' });
  await expect(preview.locator(':scope > li').filter({ hasText: 'ada/shared' })).toHaveText(
    'ada/shared skipped read only',
  );
  await expect(dialog.getByText('5 models matched.')).toBeVisible();
  await expectAccessible(page);
  await dialog.getByRole('button', { name: 'Share 4 models' }).click();
  const report = dialog.getByRole('list', { name: 'Bulk report' });
  await expect(report.locator(':scope > li').filter({ hasText: 'ada/shared' })).toHaveText(
    'ada/shared skipped read only',
  );
  await expect(report.locator(':scope > li').filter({ hasText: 'changed' })).toHaveCount(4);
  await expect(dialog.getByText('4 changed, 1 skipped')).toBeVisible();
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toBeHidden();
});

test('a member of the group now sees the shared models', async ({ page }) => {
  await page.goto(`${service.baseUrl}/?view=shared`);
  await signIn(page, 'mia@example.test');
  await expect(page.getByLabel('View', { exact: true })).toHaveValue('shared');
  await expect(modelRows(page)).toHaveCount(5);
  for (const id of OWN) await expect(modelRows(page).filter({ hasText: id })).toContainText('read only');
});

test('stopping sharing removes the group; a bulk delete takes the deleted models out of the list and the selection', async ({
  page,
}) => {
  await page.goto(`${service.baseUrl}/?tag=batch`);
  await signIn(page, 'una@example.test');
  await checkbox(page, 'una/alpha').check();
  await checkbox(page, 'una/delta').check();
  await page.getByRole('button', { name: 'Bulk change…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Bulk change' });
  await dialog.getByLabel('Action').selectOption({ label: 'Stop sharing with people or groups' });
  await dialog.getByLabel('Add a group').selectOption({ label: 'Team (1)' });
  await expect(dialog.getByLabel('Permission of Team')).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Remove Team' }).click();
  await expect(dialog.getByText('Nobody chosen yet')).toBeVisible();
  await dialog.getByLabel('Add a group').selectOption({ label: 'Team (1)' });
  await expect(dialog.getByRole('list', { name: 'Stop sharing with' })).toContainText('Team');
  await dialog.getByRole('button', { name: 'Preview' }).click();
  await dialog.getByRole('button', { name: 'Stop sharing 2 models' }).click();
  await expect(dialog.getByText('2 changed')).toBeVisible();
  await dialog.getByRole('button', { name: 'Done' }).click();
  const alpha = await una.call<{ access_grants: unknown[] }>('GET', '/api/models/model?id=una%2Falpha');
  expect(alpha.access_grants).toEqual([]);

  await checkbox(page, 'una/alpha').uncheck();
  await expect(page.getByText('1 selected')).toBeVisible();
  await page.getByRole('button', { name: 'Bulk change…' }).click();
  await dialog.getByLabel('Action').selectOption('delete');
  await dialog.getByRole('button', { name: 'Preview' }).click();
  await expect(dialog.getByRole('list', { name: 'Preview' })).toHaveText('una/delta would change');
  await dialog.getByRole('button', { name: 'Delete 1 model' }).click();
  await expect(dialog.getByRole('list', { name: 'Bulk report' })).toHaveText('una/delta changed');
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByText('No models selected')).toBeVisible();
  await expect(modelRows(page).filter({ hasText: 'una/delta' })).toHaveCount(0);
  await expect(modelRows(page)).toHaveCount(4);
});

test('the selection lasts across pages; more than 1,000 models to change is refused with its reason', async ({
  page,
}) => {
  const many = Array.from({ length: 1001 }, (_, n) => ({
    id: `una/many-${String(n).padStart(4, '0')}`,
    base_model_id: 'base-l',
    name: `Many ${n}`,
    meta: { tags: [{ name: 'many' }] },
  }));
  await una.call('POST', '/api/models/import', { models: many });
  await page.goto(`${service.baseUrl}/?tag=many`);
  await signIn(page, 'una@example.test');
  await expect(page.getByText('1001 models · page 1 of 34')).toBeVisible();
  await page.getByLabel('Select all on this page').check();
  await expect(page.getByText('30 selected')).toBeVisible();
  await page.getByRole('link', { name: 'Page 2', exact: true }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.getByLabel('Select all on this page')).not.toBeChecked();
  await page.getByLabel('Select all on this page').check();
  await expect(page.getByText('60 selected')).toBeVisible();

  await page.getByRole('button', { name: 'Bulk change…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Bulk change' });
  await dialog.getByRole('button', { name: 'Preview' }).click();
  await expect(dialog.getByRole('button', { name: 'Hide 60 models' })).toBeEnabled();
  await dialog.getByLabel('Everything this list matches: tag “many” (1001 models)').check();
  await expect(dialog.getByRole('list', { name: 'Preview' })).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Preview' }).click();
  await expect(dialog.getByRole('alert')).toHaveText(
    'This would change 1001 models; at most 1000 a call: narrow the filter or send ids in batches',
  );
  await expectAccessible(page);
});

test('at 390 px in the dark theme, the bulk dialog is used by keyboard and fits the screen', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${service.baseUrl}/?tag=batch`);
  await signIn(page, 'una@example.test');
  await page.getByRole('button', { name: 'Switch to the dark theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await checkbox(page, 'una/beta').focus();
  await page.keyboard.press('Space');
  await expect(page.getByText('1 selected')).toBeVisible();
  const opener = page.getByRole('button', { name: 'Bulk change…' });
  await opener.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Bulk change' });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('Action').focus();
  await page.keyboard.press('ArrowDown'); // unhide
  await expect(dialog.getByLabel('Action')).toHaveValue('unhide');
  await dialog.getByRole('button', { name: 'Preview' }).focus();
  await page.keyboard.press('Enter');
  await expect(dialog.getByRole('list', { name: 'Preview' })).toHaveText('una/beta unchanged (already so)');
  await expectAccessible(page);
  const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
  expect(overflow).toBeLessThanOrEqual(0);
  await screenshot(page, 'bulk-dialog');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();
});

test('an admin makes the selected models public in bulk', async ({ page }) => {
  await page.goto(`${service.baseUrl}/?query=una%2Fbeta`);
  await signIn(page, 'ada@example.test');
  await checkbox(page, 'una/beta').check();
  await page.getByRole('button', { name: 'Bulk change…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Bulk change' });
  await dialog.getByLabel('Action').selectOption('share');
  await dialog.getByLabel('Everyone signed in (public)').check();
  await expect(dialog.getByRole('list', { name: 'Share with' })).toContainText('Everyone signed in');
  await dialog.getByRole('button', { name: 'Preview' }).click();
  await dialog.getByRole('button', { name: 'Share 1 model' }).click();
  await expect(dialog.getByRole('list', { name: 'Bulk report' })).toHaveText('una/beta changed');
  const beta = await una.call<{ access_grants: { principal_id: string }[] }>('GET', '/api/models/model?id=una%2Fbeta');
  expect(beta.access_grants.map((grant) => grant.principal_id)).toContain('*');
});
