import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const PASSWORD = 'correct horse battery';
const SCREENSHOTS = join(__dirname, '..', '..', 'docs', 'screenshots');

/** A tiny PNG (one red pixel) to upload as a profile image. */
export const RED_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);

/** The API as a setup tool (the tests drive the browser; this only prepares data), with a sign-in token. */
export class Api {
  constructor(
    readonly baseUrl: string,
    readonly token: string,
  ) {}

  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const payload = (await response.json()) as T;
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${JSON.stringify(payload)}`);
    return payload;
  }

  static async signIn(baseUrl: string, email: string, password = PASSWORD): Promise<Api> {
    const response = await fetch(`${baseUrl}/api/auths/signin`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    const body = (await response.json()) as { token: string };
    if (!response.ok) throw new Error(`sign-in of ${email} → ${response.status}`);
    return new Api(baseUrl, body.token);
  }

  static async signUp(baseUrl: string, name: string, email: string): Promise<Api> {
    const response = await fetch(`${baseUrl}/api/auths/signup`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name, email, password: PASSWORD }),
    });
    const body = (await response.json()) as { token: string };
    if (!response.ok) throw new Error(`sign-up of ${email} → ${response.status}`);
    return new Api(baseUrl, body.token);
  }

  async createUser(name: string, email: string, role: 'user' | 'admin' | 'pending' = 'user'): Promise<{ id: string }> {
    return this.call('POST', '/api/users', { name, email, password: PASSWORD, role });
  }
}

/** Signs in through the sign-in page. */
export async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** No serious or critical axe-core violation on the page as it is now. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
    );
  expect(bad).toEqual([]);
}

/** A screenshot for the README, made by the tests so it always shows the app as built. */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
}

/** The rows of the workspace list, by model name. */
export function modelRows(page: Page) {
  return page.getByRole('list', { name: 'Models' }).locator(':scope > li');
}
