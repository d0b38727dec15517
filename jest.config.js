/** What both projects share: TypeScript through ts-jest, Node environment. */
const shared = {
  rootDir: '.',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testEnvironment: 'node',
  // The gateway SDKs ship ES modules; let ts-jest's CommonJS runtime load them.
  transformIgnorePatterns: ['/node_modules/'],
};

/**
 * Two projects: `unit` (pure modules, no database, answers in seconds: npm run test:unit) and
 * `e2e` (the real app on PostgreSQL, prepared by the global setup). `npm test` runs both.
 */
/** @type {import('jest').Config} */
module.exports = {
  maxWorkers: process.env.JEST_WORKERS ?? 2,
  testTimeout: 60000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.unit.spec.ts', '<rootDir>/src/**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/unit/'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
