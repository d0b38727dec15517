import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_JWT_SECRET } from './test-app';

const ROOT = join(__dirname, '..', '..');
const READY_TIMEOUT_MS = 40_000;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The real entry point (src/main.ts through ts-node) running as a child process. */
export interface ChildService {
  child: ChildProcess;
  port: number;
  baseUrl: string;
  /** Resolves when the process has exited. */
  exited: Promise<Exit>;
  /** stderr so far, for failure messages. */
  log(): string;
  /** Kills the process if still running and removes its data folder. */
  cleanup(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** GET over a fresh connection: the status, or the connection error's code (e.g. ECONNREFUSED). */
export function probe(port: number, path = '/health'): Promise<number | string> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end();
  });
}

async function waitUntilHealthy(service: ChildService): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exited = false;
  void service.exited.then(() => (exited = true));
  while ((await probe(service.port)) !== 200) {
    if (exited || Date.now() > deadline) throw new Error(`service did not start: ${service.log()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Starts src/main.ts on `databaseUrl` and a free port; resolves once /health answers 200. */
export async function startChildService(databaseUrl: string, env: Record<string, string> = {}): Promise<ChildService> {
  const dataDir = mkdtempSync(join(tmpdir(), 'registry-child-'));
  const port = await freePort();
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    DATA_DIR: dataDir,
    JWT_SECRET: TEST_JWT_SECRET,
    BCRYPT_ROUNDS: '4',
    ...env,
  };
  delete childEnv.TEST_DATABASE_URL;
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<Exit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const service: ChildService = {
    child,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    exited,
    log: () => stderr,
    cleanup: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      process.removeListener('exit', killOnExit);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    await waitUntilHealthy(service);
  } catch (error) {
    await service.cleanup();
    throw error;
  }
  return service;
}
