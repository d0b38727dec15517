import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
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
  /** The base URL, so the test-support builders (signUp, modelApi, …) can call the service. */
  server: string;
  /** Resolves when the process has exited. */
  exited: Promise<Exit>;
  /** stderr so far, for failure messages. */
  log: () => string;
  /** Kills the process if still running and removes its data folder. */
  cleanup(): Promise<void>;
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

/** The entry point as a child process: stderr so far, and its exit. */
export interface EntryPoint {
  child: ChildProcess;
  exited: Promise<Exit>;
  log: () => string;
}

/**
 * Runs the real entry point (src/main.ts through ts-node, no build needed) with only `env` added to
 * this process's variables (the test database variables are left out). The child is killed if it
 * outlives `giveUpMs`, or this process.
 */
export function spawnEntryPoint(env: Record<string, string>, giveUpMs?: number): EntryPoint {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  delete childEnv.DATABASE_URL;
  delete childEnv.TEST_DATABASE_URL;
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...childEnv, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: giveUpMs,
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  // 'close', not 'exit': by then all of stderr has been read.
  const exited = new Promise<Exit>((resolve) =>
    child.on('close', (code, signal) => {
      process.removeListener('exit', killOnExit);
      resolve({ code, signal });
    }),
  );
  return { child, exited, log: () => stderr };
}

/** Starts src/main.ts on `databaseUrl` and a free port; resolves once /health answers 200. */
export async function startChildService(databaseUrl: string, env: Record<string, string> = {}): Promise<ChildService> {
  const dataDir = mkdtempSync(join(tmpdir(), 'registry-child-'));
  const port = await freePort();
  const { child, exited, log } = spawnEntryPoint({
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    DATA_DIR: dataDir,
    JWT_SECRET: TEST_JWT_SECRET,
    BCRYPT_ROUNDS: '4',
    ...env,
  });
  const service: ChildService = {
    child,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    server: `http://127.0.0.1:${port}`,
    exited,
    log,
    cleanup: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
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
