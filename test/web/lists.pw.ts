import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { Api, expectAccessible, modelRows, signIn } from './helpers';
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
