import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import type { EntityManager } from 'typeorm';
import type { Queryable } from '../src/common/sql';
import { recordChange, recordChanges } from '../src/models/history/model-history';
import { displayUrl, migrate } from './seed/database';

/*
 * What the history row and the audit record add to a model change, and what they take in space at
 * 100,000 models (bench/README.md, "History and audit cost"). Never writes the seeded database:
 * its users, groups, models and grants are copied (pg_dump --data-only, a read) into a throwaway
 * database migrated by the service's own migrations, which is dropped at the end.
 *
 * 1. Every model gets its version 1 and its `model.create` audit record through the service's own
 *    recordChanges (the same statement an import of new models runs), 1,000 models a statement.
 * 2. Same-run A/B of one update (a prompt edit: name and params) as three transactions, run in turn
 *    on one connection, `--changes` each, `--rounds` times, the order rotated each round:
 *      bare     the change alone: lock the row, UPDATE its fields with version + 1
 *      history  lock, UPDATE the fields, then recordChange with its audit INSERT left out
 *      full     lock, UPDATE the fields, then recordChange as the service runs it (history + audit)
 * 3. EXPLAIN (ANALYZE, BUFFERS, WAL) of each statement of a full change, over `--explain` changes.
 *
 *   npm run bench:audit-cost -- --from postgres://postgres@127.0.0.1:5432/registry_bench
 */
const { values } = parseArgs({
  options: {
    from: { type: 'string' },
    changes: { type: 'string', default: '300' },
    rounds: { type: 'string', default: '3' },
    explain: { type: 'string', default: '50' },
    keep: { type: 'boolean', default: false },
  },
});
const from = values.from ?? process.env.BENCH_DATABASE_URL;
if (!from) throw new Error('npm run bench:audit-cost -- --from <url of a seeded bench database>');
const CHANGES = Number(values.changes);
const ROUNDS = Number(values.rounds);
const EXPLAINED = Number(values.explain);
const ACTOR = { userId: '00000000-0000-4000-8000-000000000001', name: 'Bench admin', via: 'token' as const };
const TABLES = ['users', 'groups', 'group_members', 'models', 'access_grants'];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x: number, digits = 2) => Number(x.toFixed(digits));

/** A pg Client as the Queryable recordChange expects (rows, like TypeORM's manager.query). */
function rowsOf(client: Client, skip?: RegExp): Queryable {
  return {
    query: async (text: string, params?: unknown[]) =>
      skip?.test(text) ? [] : (await client.query(text, params)).rows,
  };
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function databaseUrl(server: string, name: string): string {
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

function copySeed(scratch: string): void {
  const tables = TABLES.map((table) => `-t ${table}`).join(' ');
  // --disable-triggers: the copied rows are already consistent (readers, counters); the triggers
  // would only redo that work. Needs a superuser on the scratch side, as the bench server has.
  const result = spawnSync(
    'bash',
    [
      '-c',
      `set -o pipefail; pg_dump --data-only --disable-triggers ${tables} "$FROM" | psql -q -v ON_ERROR_STOP=1 "$TO"`,
    ],
    { env: { ...process.env, FROM: from, TO: scratch }, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (result.status !== 0) throw new Error('copying the seeded tables failed');
}

interface SizeRow {
  rows: number;
  total: number;
  avg_row: number;
}

async function sizeOf(client: Client, table: string, where = 'true'): Promise<SizeRow> {
  const { rows } = await client.query<SizeRow>(
    `SELECT count(*)::int AS rows, pg_total_relation_size('${table}')::bigint AS total,
            COALESCE(avg(pg_column_size(t.*)), 0)::float AS avg_row
     FROM ${table} t WHERE ${where}`,
  );
  return { rows: rows[0].rows, total: Number(rows[0].total), avg_row: rows[0].avg_row };
}

type Variant = 'bare' | 'history' | 'full';

/** One update as a transaction of the variant; answers its milliseconds. */
async function change(client: Client, variant: Variant, id: string, n: number): Promise<number> {
  const now = Math.floor(Date.now() / 1000);
  const params = JSON.stringify({ system: `Prompt ${n}: review strictly and explain each finding.`, temperature: 0.5 });
  const started = process.hrtime.bigint();
  await client.query('BEGIN');
  await client.query('SELECT id FROM models WHERE id = $1 FOR UPDATE', [id]);
  const bump = variant === 'bare' ? ', version = version + 1' : '';
  await client.query(`UPDATE models SET name = $2, params = $3::jsonb, updated_at = $4${bump} WHERE id = $1`, [
    id,
    `Renamed ${n}`,
    params,
    now,
  ]);
  if (variant !== 'bare') {
    const db = rowsOf(client, variant === 'history' ? /^\s*INSERT INTO audit_log/ : undefined);
    await recordChange(db as unknown as EntityManager, {
      modelId: id,
      action: 'update',
      caller: ACTOR,
      created: false,
      now,
    });
  }
  await client.query('COMMIT');
  return Number(process.hrtime.bigint() - started) / 1e6;
}

interface Explained {
  ms: number;
  walBytes: number;
  walFpi: number;
  buffers: number;
}

/** Runs `text` under EXPLAIN (ANALYZE, BUFFERS, WAL) and answers its cost; `rows` re-reads what the statement answers. */
async function explain(client: Client, text: string, params: unknown[] | undefined): Promise<Explained> {
  const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: Record<string, number>; 'Execution Time': number }] }>(
    `EXPLAIN (ANALYZE, BUFFERS, WAL, FORMAT JSON) ${text}`,
    params,
  );
  const [{ Plan: plan, 'Execution Time': ms }] = rows[0]['QUERY PLAN'];
  return {
    ms,
    walBytes: plan['WAL Bytes'] ?? 0,
    walFpi: plan['WAL FPI'] ?? 0,
    buffers:
      (plan['Shared Hit Blocks'] ?? 0) + (plan['Shared Read Blocks'] ?? 0) + (plan['Shared Dirtied Blocks'] ?? 0),
  };
}

/** The statements of one full change, each explained; the change is committed as the service would. */
async function explainChange(client: Client, id: string, n: number): Promise<Record<string, Explained>> {
  const now = Math.floor(Date.now() / 1000);
  const out: Record<string, Explained> = {};
  await client.query('BEGIN');
  await client.query('SELECT id FROM models WHERE id = $1 FOR UPDATE', [id]);
  out.update = await explain(client, 'UPDATE models SET name = $2, params = $3::jsonb, updated_at = $4 WHERE id = $1', [
    id,
    `Explained ${n}`,
    JSON.stringify({ system: `Prompt ${n}: review strictly and explain each finding.`, temperature: 0.5 }),
    now,
  ]);
  const db: Queryable = {
    query: async (text: string, params?: unknown[]) => {
      const key = /INSERT INTO audit_log/.test(text) && !/model_history \(/.test(text) ? 'audit' : 'history';
      out[key] = await explain(client, text, params);
      // recordChange reads the new version from the history statement's answer.
      if (key === 'history')
        return (await client.query('SELECT version FROM models WHERE id = $1', [id])).rows as unknown[];
      return [];
    },
  };
  await recordChange(db as unknown as EntityManager, {
    modelId: id,
    action: 'update',
    caller: ACTOR,
    created: false,
    now,
  });
  await client.query('COMMIT');
  return out;
}

async function main(): Promise<void> {
  const scratchName = `bench_audit_cost_${randomBytes(4).toString('hex')}`;
  const server = databaseUrl(from!, 'postgres');
  const scratch = databaseUrl(from!, scratchName);
  console.log(`source ${displayUrl(from!)} (read only); scratch database ${scratchName}`);
  console.log(
    `load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  await withClient(server, (c) => c.query(`CREATE DATABASE ${scratchName}`));
  try {
    await migrate(scratch);
    let t = Date.now();
    copySeed(scratch);
    console.log(`copied ${TABLES.join(', ')} in ${((Date.now() - t) / 1000).toFixed(0)} s`);
    await withClient(scratch, async (client) => {
      await client.query('ANALYZE');
      const ids = (await client.query<{ id: string }>('SELECT id FROM models ORDER BY id')).rows.map((r) => r.id);
      t = Date.now();
      for (let i = 0; i < ids.length; i += 1000) {
        await client.query('BEGIN');
        await recordChanges(rowsOf(client) as unknown as EntityManager, {
          createdIds: ids.slice(i, i + 1000),
          updatedIds: [],
          action: 'create',
          caller: ACTOR,
          now: Math.floor(Date.now() / 1000),
        });
        await client.query('COMMIT');
      }
      console.log(
        `version 1 and a model.create record for ${ids.length} models in ${((Date.now() - t) / 1000).toFixed(0)} s`,
      );
      await client.query('VACUUM ANALYZE model_history');
      await client.query('VACUUM ANALYZE audit_log');
      const history1 = await sizeOf(client, 'model_history');
      const creates = await sizeOf(client, 'audit_log');

      // The changed models: custom ones, spread over the table, each changed at most once a variant and round.
      const custom = (
        await client.query<{ id: string }>(
          `SELECT id FROM models WHERE base_model_id IS NOT NULL ORDER BY md5(id) LIMIT $1`,
          [CHANGES * 3 * ROUNDS + EXPLAINED],
        )
      ).rows.map((r) => r.id);
      const times: Record<Variant, number[][]> = { bare: [], history: [], full: [] };
      const order: Variant[] = ['bare', 'history', 'full'];
      let next = 0;
      for (let r = 0; r < ROUNDS; r++) {
        const turn = [...order.slice(r % 3), ...order.slice(0, r % 3)];
        for (const variant of turn) {
          const ms: number[] = [];
          for (let i = 0; i < CHANGES; i++) ms.push(await change(client, variant, custom[next], next++));
          times[variant].push(ms);
          console.log(
            `round ${r + 1} ${variant.padEnd(7)} median ${median(ms).toFixed(2)} ms, mean ${(ms.reduce((a, b) => a + b, 0) / ms.length).toFixed(2)} ms (load ${loadavg()[0].toFixed(1)})`,
          );
        }
      }
      const explained: Record<string, Explained[]> = {};
      for (let i = 0; i < EXPLAINED; i++) {
        const out = await explainChange(client, custom[next], next++);
        for (const [key, value] of Object.entries(out)) (explained[key] ??= []).push(value);
      }
      const updates = await sizeOf(client, 'audit_log', `action = 'model.update'`);
      const versions = await sizeOf(client, 'model_history', 'version > 1');

      console.log('\n| per change | median ms (median of rounds) | each round |\n|---|---|---|');
      for (const variant of order) {
        const medians = times[variant].map(median);
        console.log(`| ${variant} | ${median(medians).toFixed(2)} | ${medians.map((m) => m.toFixed(2)).join(', ')} |`);
      }
      console.log(
        `\nStatements of a full change, median of ${EXPLAINED} (EXPLAIN ANALYZE, BUFFERS, WAL):\n| statement | ms | WAL bytes | full-page images | buffers |\n|---|---|---|---|---|`,
      );
      for (const [key, list] of Object.entries(explained))
        console.log(
          `| ${key} | ${round(median(list.map((e) => e.ms)), 3)} | ${median(list.map((e) => e.walBytes))} | ${median(list.map((e) => e.walFpi))} | ${median(list.map((e) => e.buffers))} |`,
        );
      const kb = (bytes: number) => (bytes / 1024).toFixed(2);
      const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
      console.log('\nSpace:');
      console.log(
        `  model_history, version 1 of ${history1.rows} models: ${mb(history1.total)} MB, ${kb(history1.total / history1.rows)} KB a version (row ${kb(history1.avg_row)} KB)`,
      );
      console.log(
        `  audit_log, ${creates.rows} model.create records: ${mb(creates.total)} MB, ${kb(creates.total / creates.rows)} KB a record (row ${kb(creates.avg_row)} KB)`,
      );
      console.log(
        `  audit_log model.update records (prompt edit): ${updates.rows}, row ${kb(updates.avg_row)} KB; history versions > 1: ${versions.rows}, row ${kb(versions.avg_row)} KB`,
      );
    });
  } finally {
    if (values.keep) console.log(`kept ${scratchName}`);
    else await withClient(server, (c) => c.query(`DROP DATABASE IF EXISTS ${scratchName} WITH (FORCE)`));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
