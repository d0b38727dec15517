import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/free-port';
import { databaseUrl, uniqueName, withAdminClient } from '../support/test-database';
import { PG_SERVER_ENV } from './global-setup';

const ROOT = join(__dirname, '..', '..');
const READY_TIMEOUT_MS = 60_000;
/** The services' signing secret, so a test can make a token the service would have issued (an expired one). */
export const JWT_SECRET = 'web-test-secret-web-test-secret-0123456789';

export interface WebService {
  baseUrl: string;
  stop(): Promise<void>;
}

async function healthy(baseUrl: string): Promise<boolean> {
  return fetch(`${baseUrl}/health`).then(
    (response) => response.status === 200,
    () => false,
  );
}

/**
 * The service as `npm start` runs it (`node dist/main.js`, built with the web app by `npm run
 * test:web`) on a database of its own, empty: the first account signed up becomes the admin.
 */
export async function startService(): Promise<WebService> {
  const server = process.env[PG_SERVER_ENV];
  if (!server) throw new Error('no PostgreSQL for the browser tests: run them with `npm run test:web`');
  const database = uniqueName('registry_web');
  await withAdminClient(server, (client) => client.query(`CREATE DATABASE ${database}`));
  const dataDir = mkdtempSync(join(tmpdir(), 'registry-web-'));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.TEST_DATABASE_URL;
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: ROOT,
    env: {
      ...env,
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl(server, database),
      PORT: String(port),
      DATA_DIR: dataDir,
      JWT_SECRET,
      BCRYPT_ROUNDS: '4',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
    await withAdminClient(server, (client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await healthy(baseUrl))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the service did not start: ${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { baseUrl, stop };
}
