import { expect, test, type Browser, type Page } from '@playwright/test';
import { Api, expectAccessible, modelRows, screenshot, signIn } from './helpers';
import { startService, type WebService } from './service';

/** Versions, history and restore, clone, transfer and "who can see this and why", in the browser. */
test.describe.configure({ mode: 'serial' });

let service: WebService;
let admin: Api;
const ids: Record<string, string> = {};

interface ModelAnswer {
  version: number;
  name: string;
  user_id: string;
  params: { system?: string };
  meta: { description?: string };
}

const read = (id: string) => admin.call<ModelAnswer>('GET', `/api/models/model?id=${encodeURIComponent(id)}`);

/** A page of its own (its own cookies) signed in as `email`, at `path`. */
async function pageAs(browser: Browser, email: string, path = '/'): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${service.baseUrl}${path}`);
  await signIn(page, email);
  return page;
}

test.beforeAll(async () => {
  service = await startService();
  admin = await Api.signUp(service.baseUrl, 'Ada Admin', 'ada@example.test');
  for (const [key, name] of [
    ['lin', 'Lin Writer'],
    ['rita', 'Rita Reader'],
    ['gus', 'Gus Member'],
    ['olli', 'Olli Outsider'],
    ['tom', 'Tom Taker'],
  ])
    ids[key] = (await admin.createUser(name, `${key}@example.test`)).id;
  ids.group = (await admin.call<{ id: string }>('POST', '/api/groups', { name: 'Reviewers', user_ids: [ids.gus] })).id;
  await admin.call('POST', '/api/models/create', {
    id: 'gpt-4o',
    name: 'GPT-4o',
    owned_by: 'openai',
    access_grants: [{ principal_type: 'user', principal_id: '*', permission: 'read' }],
  });
  await admin.call('POST', '/api/models/create', {
    id: 'team/assistant',
    base_model_id: 'gpt-4o',
    name: 'Team assistant',
    params: { system: 'Be brief.' },
    meta: { description: 'Helps the team' },
    access_grants: [
      { principal_type: 'user', principal_id: ids.lin, permission: 'write' },
      { principal_type: 'user', principal_id: ids.rita, permission: 'read' },
      { principal_type: 'group', principal_id: ids.group, permission: 'read' },
    ],
  });
});
test.afterAll(async () => {
  await service?.stop();
});

test('two editors: the second save is refused with the current version, and nothing is overwritten', async ({
  browser,
}) => {
  const first = await pageAs(browser, 'ada@example.test', '/?p=edit&id=team%2Fassistant');
  const second = await pageAs(browser, 'lin@example.test', '/?p=edit&id=team%2Fassistant');
  await expect(second.getByLabel('System prompt')).toHaveValue('Be brief.');
  await expect(first.getByLabel('System prompt')).toHaveValue('Be brief.');

  await first.getByLabel('System prompt').fill('Answer in French.');
  await first.getByRole('button', { name: 'Save changes' }).click();
  await expect(first.getByRole('heading', { name: 'Models' })).toBeVisible();

  await second.getByLabel('Description').fill('Lin was here');
  await second.getByLabel('System prompt').fill('Answer in German.');
  await second.getByRole('button', { name: 'Save changes' }).click();
  const notice = second.getByRole('alert').filter({ hasText: 'Not saved' });
  await expect(notice).toContainText('someone else changed this model');
  await expect(notice).toContainText('You started from version 1; the current version is 2');
  await expect(notice).toContainText('Both of you changed: System prompt');
  // The user's text stays in the form, and the first save stands.
  await expect(second.getByLabel('System prompt')).toHaveValue('Answer in German.');
  let stored = await read('team/assistant');
  expect(stored).toMatchObject({ version: 2, params: { system: 'Answer in French.' } });
  expect(stored.meta.description).toBe('Helps the team');

  await second.getByRole('button', { name: 'Show what changed' }).click();
  await expect(second.locator('#conflict-changes')).toContainText('Answer in French.');
  await expectAccessible(second);
  await second.getByRole('button', { name: 'Load version 2, keeping my edits' }).click();
  await expect(second.getByRole('status').filter({ hasText: 'Version 2 loaded' })).toBeVisible();
  await expect(second.getByLabel('System prompt')).toHaveValue('Answer in German.');
  await expect(second.getByLabel('Description')).toHaveValue('Lin was here');
  await second.getByRole('button', { name: 'Save changes' }).click();
  await expect(second.getByRole('heading', { name: 'Models' })).toBeVisible();
  stored = await read('team/assistant');
  expect(stored).toMatchObject({ version: 3, params: { system: 'Answer in German.' } });
  expect(stored.meta.description).toBe('Lin was here');
});

test('a writer edits a prompt twice, opens the history and restores version 1', async ({ page }) => {
  await admin.call('POST', '/api/models/create', {
    id: 'team/history',
    base_model_id: 'gpt-4o',
    name: 'Versioned',
    params: { system: 'First prompt.' },
  });
  await page.goto(`${service.baseUrl}/?p=edit&id=team%2Fhistory`);
  await signIn(page, 'ada@example.test');
  await expect(page.getByRole('heading', { name: 'Edit Versioned' })).toBeVisible();
  for (const prompt of ['Second prompt.', 'Third prompt.']) {
    await page.goto(`${service.baseUrl}/?p=edit&id=team%2Fhistory`);
    await expect(page.getByLabel('System prompt')).not.toHaveValue('');
    await page.getByLabel('System prompt').fill(prompt);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByRole('heading', { name: 'Models' })).toBeVisible();
  }
  await page.goto(`${service.baseUrl}/?p=edit&id=team%2Fhistory`);
  await page.getByRole('link', { name: 'History of Versioned' }).click();
  await expect(page).toHaveURL(/p=history&id=team%2Fhistory/);
  await expect(page.getByRole('heading', { name: 'History of Versioned' })).toBeVisible();
  const versions = page.getByRole('list', { name: 'Versions' }).locator(':scope > li');
  await expect(versions).toHaveCount(3);
  await expect(versions.first()).toContainText('Version 3');
  await expect(versions.first()).toContainText('edited by Ada Admin');
  await page.getByRole('button', { name: 'Show changes of version 3' }).click();
  const changes = page.locator('#version-3-changes');
  await expect(changes).toContainText('System prompt');
  await expect(changes).toContainText('Second prompt.');
  await expect(changes).toContainText('Third prompt.');
  await expect(changes).not.toContainText('Name');
  await expectAccessible(page);
  await screenshot(page, 'history', true);
  // Readable at 390 px (nothing wider than the screen) and in the dark theme.
  await page.setViewportSize({ width: 390, height: 800 });
  expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(
    0,
  );
  await page.getByRole('button', { name: 'Switch to the dark theme' }).click();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Switch to the light theme' }).click();
  await page.setViewportSize({ width: 1280, height: 800 });

  await page.getByRole('button', { name: 'Restore version 1' }).click();
  const dialog = page.getByRole('dialog', { name: 'Restore version 1?' });
  await expect(dialog).toContainText('as a new version 4');
  await expectAccessible(page);
  await dialog.getByRole('button', { name: 'Restore version 1' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Version 1 restored' })).toContainText('now at version 4');
  await expect(versions).toHaveCount(4);
  await expect(versions.first()).toContainText('restored an earlier version');
  await expect(versions.first().getByText('current')).toBeVisible();

  await page.getByRole('link', { name: 'Edit the model' }).click();
  await expect(page.getByLabel('System prompt')).toHaveValue('First prompt.');
});

test('a reader sees no history, clones a model and lands in the editor of its own copy', async ({ browser }) => {
  const page = await pageAs(browser, 'rita@example.test');
  const row = modelRows(page).filter({ hasText: 'team/assistant' });
  await expect(row.getByText('read only')).toBeVisible();
  await expect(row.getByRole('link', { name: /^History/ })).toHaveCount(0);
  await page.goto(`${service.baseUrl}/?p=history&id=team%2Fassistant`);
  await expect(page.getByRole('heading', { name: 'You cannot see the history of Team assistant' })).toBeVisible();
  await page.goto(service.baseUrl);

  await row.getByRole('button', { name: 'Clone Team assistant' }).click();
  const dialog = page.getByRole('dialog', { name: 'Clone Team assistant' });
  await expect(dialog.getByLabel('New model id')).toHaveValue('rita-reader/assistant');
  await expect(dialog.getByLabel('Name of the copy')).toHaveValue('Team assistant (copy)');
  await dialog.getByLabel('Name of the copy').fill('My assistant');
  await expectAccessible(page);
  await dialog.getByRole('button', { name: 'Clone and edit the copy' }).click();
  await expect(page.getByRole('heading', { name: 'Edit My assistant' })).toBeVisible();
  await expect(page).toHaveURL(/p=edit&id=rita-reader%2Fassistant/);
  expect((await read('rita-reader/assistant')).user_id).toBe(ids.rita);
});

test('the owner transfers a model; the new owner finds it under "created by me"', async ({ browser }) => {
  const page = await pageAs(browser, 'ada@example.test', '/?p=edit&id=team%2Fhistory');
  await page.getByRole('button', { name: 'Transfer ownership' }).click();
  const dialog = page.getByRole('dialog', { name: 'Transfer Versioned' });
  await dialog.getByLabel('New owner').fill('tom');
  await dialog.getByRole('button', { name: /Choose Tom Taker/ }).click();
  await expect(dialog).toContainText('Transfer to Tom Taker tom@example.test?');
  await expectAccessible(page);
  await dialog.getByRole('button', { name: 'Transfer to Tom Taker' }).click();
  await expect(dialog.getByRole('status')).toContainText('Tom Taker now owns Versioned');
  await dialog.getByRole('button', { name: 'Done' }).click();
  expect((await read('team/history')).user_id).toBe(ids.tom);

  const tom = await pageAs(browser, 'tom@example.test', '/?view=created');
  await expect(modelRows(tom)).toHaveCount(1);
  await expect(modelRows(tom).first()).toContainText('team/history');
});

test('the share dialog explains who can see a model and why', async ({ page }) => {
  await page.goto(service.baseUrl);
  await signIn(page, 'ada@example.test');
  const row = modelRows(page).filter({ hasText: 'team/assistant' });
  await row.getByRole('button', { name: 'Share Team assistant' }).click();
  const dialog = page.getByRole('dialog', { name: 'Share Team assistant' });
  await dialog.getByLabel('Check a person').fill('gus');
  await dialog.getByRole('button', { name: /Check Gus Member/ }).click();
  const answer = dialog.locator('.explain [role="status"]');
  await expect(answer).toContainText('Gus Member can read it but not edit it');
  await expect(answer).toContainText('through group Reviewers');
  await expectAccessible(page);
  await dialog.getByLabel('Check a person').fill('olli');
  await dialog.getByRole('button', { name: /Check Olli Outsider/ }).click();
  await expect(answer).toContainText('Olli Outsider has no access to it');
  await dialog.getByLabel('Check a person').fill('lin');
  await dialog.getByRole('button', { name: /Check Lin Writer/ }).click();
  await expect(answer).toContainText('Lin Writer can read and edit it');
  await expect(answer).toContainText('shared with them directly');
  await screenshot(page, 'share-explain');
});

test('a restore that leaves out a deleted group says so', async ({ page }) => {
  const temp = await admin.call<{ id: string }>('POST', '/api/groups', { name: 'Temporary', user_ids: [ids.olli] });
  await admin.call('POST', '/api/models/create', {
    id: 'team/warned',
    base_model_id: 'gpt-4o',
    name: 'Warned',
    access_grants: [{ principal_type: 'group', principal_id: temp.id, permission: 'read' }],
  });
  await admin.call('POST', '/api/models/model/access/update', { id: 'team/warned', access_grants: [] });
  await admin.call('DELETE', `/api/groups/${temp.id}`);
  await page.goto(`${service.baseUrl}/?p=history&id=team%2Fwarned`);
  await signIn(page, 'ada@example.test');
  await page.getByRole('button', { name: 'Show changes of version 2' }).click();
  await expect(page.locator('#version-2-changes')).toContainText('a deleted group can read');
  await page.getByRole('button', { name: 'Restore version 1' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Restore version 1' }).click();
  const result = page.getByRole('status').filter({ hasText: 'Version 1 restored' });
  await expect(result).toContainText('now at version 3');
  await expect(result.getByRole('list', { name: 'Warnings' })).toContainText(temp.id);
});
