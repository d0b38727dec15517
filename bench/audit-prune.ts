import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { pruneAuditLog } from '../src/audit/audit-retention';
import { migrate } from './seed/database';

/*
 * What bounding the audit log costs (bench/README.md, "Audit retention"), against the alternative
 * of monthly range partitions. In a throwaway database on the given server (dropped at the end),
 * migrated by the service's own migrations:
 *
 * 1. `--old` records 400 days old and `--recent` records of the last 30 days, each the size of a
 *    model.create record (~1.9 KB), in `audit_log` and in a copy partitioned by month of `at`.
 * 2. The INSERT of one record as the service runs it, `--inserts` times into each, interleaved:
 *    median ms from EXPLAIN ANALYZE, and WAL bytes.
 * 3. Pruning at a retention of 365 days: the service's pruneAuditLog (batches of 10,000 through
 *    audit_log_prune), then VACUUM so the space is reused; against DETACH + DROP of the old
 *    partitions. Wall time, WAL bytes.
 *
 *   npm run bench:audit-prune -- [--server postgres://postgres@127.0.0.1:5432/postgres] [--old 200000] [--recent 100000]
 */
const { values } = parseArgs({
  options: {
    server: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    old: { type: 'string', default: '200000' },
    recent: { type: 'string', default: '100000' },
    inserts: { type: 'string', default: '200' },
  },
});
const DAY = 86400;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function databaseUrl(server: string, name: string): string {
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A row the size of a model.create record: the model whole as after. */
const FILL = `jsonb_build_object('id', 'team/model-' || n, 'name', 'Model ' || n, 'params',
  jsonb_build_object('system', repeat('You review code strictly and explain each finding. ', 25)),
  'access_grants', '[]'::jsonb, 'is_active', true)`;

async function fill(client: Client, table: string, count: number, ageDays: [number, number]): Promise<void> {
  await client.query(
    `INSERT INTO ${table} (at, via, action, target_type, target_id, before, after)
     SELECT extract(epoch FROM now())::bigint - ($2::int + ($3::int - $2::int) * n / $1::float)::int * ${DAY},
            'system', 'model.create', 'model', 'team/model-' || n, NULL, ${FILL}
     FROM generate_series(1, $1::int) n`,
    [count, ageDays[0], ageDays[1]],
  );
}

/** audit_log's columns and indexes, partitioned by month of `at` (identity columns need PostgreSQL 17 there). */
async function createPartitioned(client: Client): Promise<void> {
  await client.query(`CREATE SEQUENCE audit_parted_id`);
  await client.query(`CREATE TABLE audit_parted (
      id bigint NOT NULL DEFAULT nextval('audit_parted_id'), at bigint NOT NULL, actor_id uuid, actor_name text,
      via text NOT NULL, action text NOT NULL, target_type text NOT NULL, target_id text COLLATE "C" NOT NULL,
      before jsonb, after jsonb, PRIMARY KEY (at, id)) PARTITION BY RANGE (at)`);
  await client.query(`CREATE INDEX ON audit_parted (target_id, id)`);
  await client.query(`CREATE INDEX ON audit_parted (actor_id, id)`);
  const month = 30 * DAY;
  const now = Math.floor(Date.now() / 1000);
  for (let m = -15; m <= 1; m++) {
    const from = now + m * month;
    await client.query(
      `CREATE TABLE audit_parted_${m + 15} PARTITION OF audit_parted FOR VALUES FROM (${from}) TO (${from + month})`,
    );
  }
}

async function walBytes<T>(client: Client, work: () => Promise<T>): Promise<{ ms: number; wal: number; out: T }> {
  const [{ lsn }] = (await client.query(`SELECT pg_current_wal_insert_lsn() AS lsn`)).rows;
  const started = process.hrtime.bigint();
  const out = await work();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const [{ wal }] = (
    await client.query(`SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), $1)::bigint AS wal`, [lsn])
  ).rows;
  return { ms, wal: Number(wal), out };
}

async function explainInsert(client: Client, table: string, n: number): Promise<{ ms: number; wal: number }> {
  const { rows } = await client.query(
    `EXPLAIN (ANALYZE, WAL, FORMAT JSON) INSERT INTO ${table} (at, actor_id, actor_name, via, action, target_type, target_id, before, after)
     SELECT extract(epoch FROM now())::bigint, NULL, 'Bench', 'token', 'model.update', 'model', t.target_id, t.before, t.after
     FROM (SELECT 'team/model-' || $1::int AS target_id, '{"params": {"system": "old"}}'::jsonb AS before,
                  '{"params": {"system": "new"}}'::jsonb AS after) t`,
    [n],
  );
  const plan = rows[0]['QUERY PLAN'][0];
  return { ms: plan['Execution Time'], wal: plan.Plan['WAL Bytes'] };
}

async function main(): Promise<void> {
  const server = values.server;
  const name = `bench_audit_prune_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = databaseUrl(server, name);
  const client = new Client({ connectionString: url });
  try {
    await migrate(url);
    await client.connect();
    await createPartitioned(client);
    const [old, recent] = [Number(values.old), Number(values.recent)];
    for (const table of ['audit_log', 'audit_parted']) {
      await fill(client, table, old, [400, 370]);
      await fill(client, table, recent, [29, 0]);
    }
    for (const statement of ['VACUUM ANALYZE audit_log', 'VACUUM ANALYZE audit_parted', 'CHECKPOINT']) {
      await client.query(statement);
    }
    console.log(`${old} records 370–400 days old, ${recent} of the last 29 days (load ${loadavg()[0].toFixed(1)})`);

    const inserts: Record<string, { ms: number; wal: number }[]> = { audit_log: [], audit_parted: [] };
    for (let i = 0; i < Number(values.inserts); i++) {
      for (const table of i % 2 ? ['audit_log', 'audit_parted'] : ['audit_parted', 'audit_log']) {
        inserts[table].push(await explainInsert(client, table, i));
      }
    }
    console.log('\n| one INSERT (EXPLAIN ANALYZE, median) | ms | WAL bytes |\n|---|---|---|');
    for (const [table, list] of Object.entries(inserts)) {
      console.log(`| ${table} | ${median(list.map((x) => x.ms)).toFixed(3)} | ${median(list.map((x) => x.wal))} |`);
    }

    const size = async (table: string) =>
      Number((await client.query(`SELECT pg_total_relation_size($1)::bigint AS b`, [table])).rows[0].b) / 2 ** 20;
    const before = await size('audit_log');
    const rowsOf = { query: async (text: string, params?: unknown[]) => (await client.query(text, params)).rows };
    const prune = await walBytes(client, () => pruneAuditLog(rowsOf, 365));
    const vacuum = await walBytes(client, () => client.query(`VACUUM audit_log`));
    const cutoff = Math.floor(Date.now() / 1000) - 365 * DAY;
    const parts = (
      await client.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'audit_parted'::regclass
           AND (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''?(\\d+)'))[1]::bigint <= $1`,
        [cutoff],
      )
    ).rows.map((row) => row.name);
    const drop = await walBytes(client, async () => {
      for (const part of parts) {
        await client.query(`ALTER TABLE audit_parted DETACH PARTITION ${part}`);
        await client.query(`DROP TABLE ${part}`);
      }
    });
    const left = Number(
      (await client.query(`SELECT count(*) AS n FROM audit_parted WHERE at < $1`, [cutoff])).rows[0].n,
    );
    console.log(`\nPruning at 365 days (load ${loadavg()[0].toFixed(1)}), audit_log ${before.toFixed(0)} MB before:`);
    console.log('| | ms | WAL MB | records gone |\n|---|---|---|---|');
    console.log(
      `| pruneAuditLog (batches of 10,000) | ${prune.ms.toFixed(0)} | ${(prune.wal / 2 ** 20).toFixed(1)} | ${prune.out} |`,
    );
    console.log(`| then VACUUM audit_log | ${vacuum.ms.toFixed(0)} | ${(vacuum.wal / 2 ** 20).toFixed(1)} | |`);
    console.log(
      `| partitions: DETACH + DROP of ${parts.length} months | ${drop.ms.toFixed(0)} | ${(drop.wal / 2 ** 20).toFixed(2)} | ${old - left} (whole months only) |`,
    );
  } finally {
    await client.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
