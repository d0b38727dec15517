import { expect, test } from '@playwright/test';
import { Api, expectAccessible, PASSWORD, signIn } from './helpers';
import { startService, type WebService } from './service';

/** Admin pages: approve a pending account, change a role, groups and members, base models shared with everyone. */
test.describe.configure({ mode: 'serial' });

let service: WebService;
test.beforeAll(async () => {
  service = await startService();
  await Api.signUp(service.baseUrl, 'Alex Admin', 'alex@example.test');
  await Api.signUp(service.baseUrl, 'Pia Pending', 'pia@example.test');
});
test.afterAll(async () => {
  await service?.stop();
});

test('approves a pending account, manages a group and shares a new base model with everyone', async ({ page }) => {
  await page.goto(`${service.baseUrl}/?p=admin`);
  await signIn(page, 'alex@example.test');
  await expect(page.getByRole('heading', { name: 'Admin' })).toBeVisible();
  const users = page.getByRole('table', { name: 'Users' });
  await expect(users.getByLabel('Role of Pia Pending')).toHaveValue('pending');
  await expectAccessible(page);
  await users.getByRole('button', { name: 'Approve Pia Pending' }).click();
  await expect(users.getByLabel('Role of Pia Pending')).toHaveValue('user');

  await page.getByRole('link', { name: 'Groups' }).click();
  await expect(page).toHaveURL(/tab=groups/);
  await page.getByLabel('New group name').fill('Writers');
  await page.getByRole('button', { name: 'Create group' }).click();
  const group = page.getByRole('region', { name: 'Group Writers' });
  await group.getByLabel('Add a member to Writers').fill('pia');
  await group.getByRole('button', { name: /Add Pia Pending/ }).click();
  await expect(group.getByRole('list', { name: 'Members of Writers' })).toContainText('Pia Pending');
  await expect(group.getByRole('heading')).toContainText('1 members');
  // A member is not offered again; the search box is emptied after adding.
  await expect(group.getByLabel('Add a member to Writers')).toHaveValue('');
  await group.getByLabel('Add a member to Writers').fill('pia');
  await expect(group.getByRole('list', { name: 'People found' })).toBeEmpty();
  await group.getByRole('button', { name: 'Remove Pia Pending from Writers' }).click();
  await expect(group.getByRole('heading')).toContainText('0 members');
  await expect(group.getByRole('button', { name: /Add Pia Pending/ })).toBeVisible();
  await group.getByRole('button', { name: /Add Pia Pending/ }).click();
  await expect(group.getByRole('heading')).toContainText('1 members');
  await expectAccessible(page);

  await page.getByRole('link', { name: 'Base models' }).click();
  await page.getByLabel('Base model id').fill('claude-x');
  await page.getByLabel('Display name').fill('Claude X');
  await page.getByLabel('Provider (owned_by)').fill('anthropic');
  await page.getByLabel('Input price per million (USD)').fill('3');
  await page.getByLabel('Output price per million (USD)').fill('15');
  await page.getByRole('button', { name: 'Register base model' }).click();
  const bases = page.getByRole('table', { name: 'Base models' });
  await expect(bases.getByRole('row').filter({ hasText: 'claude-x' })).toContainText('3 / 15 USD');
  await expectAccessible(page);

  const pia = await Api.signIn(service.baseUrl, 'pia@example.test');
  expect((await pia.call<unknown[]>('GET', '/api/v1/models/base')).length).toBe(0);
  await bases.getByRole('button', { name: 'Share claude-x with everyone' }).click();
  await expect(bases.getByRole('button', { name: 'Make claude-x private' })).toBeVisible();
  expect(await pia.call<{ id: string }[]>('GET', '/api/v1/models/base')).toEqual([
    expect.objectContaining({ id: 'claude-x' }),
  ]);
});

test('creates accounts, showing the service’s validation errors at the fields they name', async ({ page }) => {
  await page.goto(`${service.baseUrl}/?p=admin`);
  await signIn(page, 'alex@example.test');
  const form = page.getByRole('form', { name: 'Create an account' });
  await form.getByLabel('Full name').fill('Nora New');
  await form.getByLabel('Email address').fill('not an email');
  await form.getByLabel('Initial password').fill('short');
  await form.getByRole('button', { name: 'Create account' }).click();
  // The service checks one field at a time: the email first, then the password; each at its field.
  await expect(form.getByLabel('Email address')).toHaveAttribute('aria-invalid', 'true');
  await expect(form.locator('#new-user-email-error')).toContainText('email must be an email');
  await expect(form.getByLabel('Full name')).not.toHaveAttribute('aria-invalid', 'true');
  await form.getByLabel('Email address').fill('pia@example.test');
  await expect(form.locator('#new-user-email-error')).toBeHidden();
  await form.getByRole('button', { name: 'Create account' }).click();
  await expect(form.locator('#new-user-password-error')).toContainText('password must be at least 8 characters');
  await expect(form.getByLabel('Initial password')).toHaveAttribute('aria-invalid', 'true');
  await form.getByLabel('Initial password').fill(PASSWORD);
  await form.getByRole('button', { name: 'Create account' }).click();
  // A taken email is the service's 409, shown at the email field too.
  await expect(form.locator('#new-user-email-error')).toContainText('email already in use');
  await expectAccessible(page);

  await form.getByLabel('Email address').fill('nora@example.test');
  await form.getByLabel('Account role').selectOption('admin');
  await form.getByRole('button', { name: 'Create account' }).click();
  await expect(form.getByRole('status')).toContainText('Created Nora New (nora@example.test) as admin');
  await expect(form.getByLabel('Full name')).toHaveValue('');
  await expect(page.getByRole('table', { name: 'Users' }).getByLabel('Role of Nora New')).toHaveValue('admin');

  // The new account signs in with the password the admin set, as an admin.
  const nora = await Api.signIn(service.baseUrl, 'nora@example.test');
  expect(await nora.call('GET', '/api/auths')).toEqual(expect.objectContaining({ name: 'Nora New', role: 'admin' }));
});
