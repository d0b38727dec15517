import { expect, test } from '@playwright/test';
import { Api, expectAccessible, modelRows, signIn } from './helpers';
import { startService, type WebService } from './service';

/** Paging through 70 models (30, 30, 10), back and forward, at desktop and phone widths, in both themes. */
test.describe.configure({ mode: 'serial' });

let service: WebService;
test.beforeAll(async () => {
  service = await startService();
  const admin = await Api.signUp(service.baseUrl, 'Paula Pager', 'paula@example.test');
  await admin.call('POST', '/api/models/create', { id: 'base-1', name: 'Base one', owned_by: 'acme' });
  const models = Array.from({ length: 70 }, (_, i) => ({
    id: `bulk/model-${String(i + 1).padStart(2, '0')}`,
    base_model_id: 'base-1',
    name: `Model ${String(i + 1).padStart(2, '0')}`,
    meta: { tags: [i % 2 === 0 ? 'even' : 'odd'] },
  }));
  const { results } = await admin.call<{ results: { status: string }[] }>('POST', '/api/models/import', { models });
  expect(results.filter((result) => result.status === 'created')).toHaveLength(70);
});
test.afterAll(async () => {
  await service?.stop();
});

test('pages through 70 models by number, and back and forward through history', async ({ page }) => {
  await page.goto(`${service.baseUrl}/?order_by=name&direction=asc`);
  await signIn(page, 'paula@example.test');
  await expect(page.getByRole('status')).toHaveText('70 models · page 1 of 3');
  await expect(modelRows(page)).toHaveCount(30);
  await expect(modelRows(page).first()).toContainText('Model 01');

  const pages = page.getByRole('navigation', { name: 'Pages of results' });
  await pages.getByRole('link', { name: 'Page 2' }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(modelRows(page).first()).toContainText('Model 31');
  await pages.getByRole('link', { name: 'Next page' }).click();
  await expect(page.getByRole('status')).toHaveText('70 models · page 3 of 3');
  await expect(modelRows(page)).toHaveCount(10);
  await expect(modelRows(page).last()).toContainText('Model 70');
  await expect(pages.getByRole('link', { name: 'Page 3' })).toHaveAttribute('aria-current', 'page');
  await expectAccessible(page);

  await page.goBack();
  await expect(modelRows(page).first()).toContainText('Model 31');
  await page.goBack();
  await expect(modelRows(page).first()).toContainText('Model 01');
  await page.goForward();
  await expect(page.getByRole('status')).toHaveText('70 models · page 2 of 3');

  // A filter starts again at page 1; the total counts every match.
  await page.getByLabel('Tag', { exact: true }).selectOption('odd');
  await expect(page.getByRole('status')).toHaveText('35 models · page 1 of 2');
  await expect(page).not.toHaveURL(/page=/);

  // A page past the end says so and links back.
  await page.goto(`${service.baseUrl}/?page=9`);
  await expect(page.getByText('This page is past the end of the list.')).toBeVisible();
  await page.getByRole('link', { name: 'Go to the first page' }).click();
  await expect(modelRows(page)).toHaveCount(30);
});

test('reads at 390 px wide in the dark theme, and is used by keyboard alone', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(service.baseUrl);
  await signIn(page, 'paula@example.test');
  await expect(modelRows(page)).toHaveCount(30);
  await page.getByRole('button', { name: 'Switch to the dark theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expectAccessible(page);
  // Nothing wider than the screen.
  const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
  expect(overflow).toBeLessThanOrEqual(0);
  // The theme is remembered.
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(modelRows(page)).toHaveCount(30);

  // Keyboard: the skip link leads to the page; the search is reachable and results follow typing.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.getByLabel('Search models').focus();
  await page.keyboard.type('model 7');
  await expect(page.getByRole('status')).toHaveText('1 model');
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('View', { exact: true })).toBeFocused();
});
