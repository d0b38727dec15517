import { defineConfig } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS } from './browser';

/**
 * Browser tests of the web app: Debian's Chromium (no browser download) driving the real service
 * (`node dist/main.js`, built by `npm run test:web`) on real PostgreSQL. One worker: the machine is
 * small and each file starts its own service.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.pw.ts',
  globalSetup: './global-setup.ts',
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  outputDir: '../../.data/playwright-results',
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS },
    viewport: { width: 1280, height: 800 },
    trace: 'off',
    screenshot: 'only-on-failure',
  },
});
