/**
 * The unfiltered user count (user page 1, name order, "shared with me") before and after its
 * third pass: the caller's own models counted on the narrow copies (private_models,
 * public_models) instead of the wide models table, and each later group grant tested against the
 * caller's groups that sort before its own instead of all of them. Before = the statement main
 * built until then (kept here), after = listCountSql now; both run on the same database and
 * connection, interleaved round by round. Per caller and view: the PostgreSQL backend's CPU per
 * execution (/proc/<pid>/schedstat: PostgreSQL must run on this machine), median over `rounds`
 * rounds of 12 executions; the wall time per execution over the same rounds; the buffers of one
 * EXPLAIN (ANALYZE, BUFFERS); the two totals, which must agree. Read-only. On a database without
 * migration PrivateGrantCounts, `--temporary` first builds the table as the migration would, as a
 * temporary table of this connection (which the unqualified name then finds), so nothing is written.
 *
 *   npx ts-node --transpile-only bench/private-count.ts postgres://postgres@127.0.0.1:5432/registry_bench_company [rounds] [--temporary]
 */
import { loadavg } from 'node:os';
import { Client } from 'pg';
import { grantedToPredicate } from '../src/access/access-rules';
import type { Caller } from '../src/access/caller';
import { Sql, sql, toStatement } from '../src/common/sql';
import { ListParams, listCountSql } from '../src/models/model-read.sql';
import { loadCallers } from './run/callers';
import { timeRound } from './run/cpu';
import { readFixtures } from './run/fixtures';
import { FIRST_PAGE } from './run/scenarios';

const EXECUTIONS = 12;

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** privateGrantCountSql as it was (every later grant tested against all the caller's groups). */
function grantCountBeforeSql(caller: Caller): Sql {
  const principals = [sql`g.principal_type = 'user' AND g.principal_id = ${caller.userId}::text`];
  if (caller.groupIds.length > 0) {
    principals.push(sql`g.principal_type = 'group' AND g.principal_id = ANY(${caller.groupIds}::text[])`);
  }
  const groups = sql`${caller.groupIds}::uuid[]`;
  const counts = principals.flatMap((principal) => [
    sql`(SELECT count(*) FROM access_grants g WHERE g.private_custom AND g.groups_before = '{}' AND ${principal})`,
    sql`(SELECT count(*) FROM access_grants g WHERE g.private_custom AND g.groups_before <> '{}' AND ${principal}
           AND NOT g.groups_before && ${groups})`,
  ]);
  return sql.join(counts, sql` + `);
}

/** The unfiltered user count as listCountSql built it before (the caller's own models on models). */
function countBeforeSql(caller: Caller, viewOption: 'shared' | null): Sql {
  const owned = (granted: boolean) =>
    sql`(SELECT count(*) FILTER (WHERE ${granted ? sql`` : sql`NOT `}${grantedToPredicate(caller)})
         FROM models m WHERE m.base_model_id IS NOT NULL AND m.user_id = ${caller.userId}::uuid)`;
  const granted = grantCountBeforeSql(caller);
  const share = viewOption === 'shared' ? sql`(${granted} - ${owned(true)})` : sql`(${granted} + ${owned(false)})`;
  return sql`SELECT ((SELECT COALESCE(sum(c.public_custom), 0) FROM model_counts c) + ${share})::int AS total`;
}

interface Side {
  text: string;
  values: unknown[];
  cpu: number[];
  wall: number[];
  total: number;
  buffers: string;
}

async function prepare(client: Client, statement: Sql): Promise<Side> {
  const { text, values } = toStatement(statement);
  const total = (await client.query<{ total: number }>(text, values)).rows[0].total;
  const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, values);
  const buffers = rows.map((row) => row['QUERY PLAN']).find((line) => line.trim().startsWith('Buffers:')) ?? '';
  return { text, values, cpu: [], wall: [], total, buffers: /hit=(\d+)/.exec(buffers)?.[1] ?? buffers.trim() };
}

async function otherCallers(client: Client, typical: Caller): Promise<Caller[]> {
  // The heaviest reader (most groups) beside the typical user.
  const { rows } = await client.query<{ user_id: string; groups: string[] }>(
    `SELECT gm.user_id::text, array_agg(gm.group_id::text ORDER BY gm.group_id) AS groups
       FROM group_members gm GROUP BY gm.user_id ORDER BY count(*) DESC, gm.user_id LIMIT 1`,
  );
  return rows.map((row) => ({ ...typical, userId: row.user_id, name: 'heaviest', groupIds: row.groups }));
}

/** private_grant_counts as migration PrivateGrantCounts fills it, for this connection only. */
async function buildTemporaryCounts(client: Client): Promise<void> {
  const started = Date.now();
  await client.query(`CREATE TEMPORARY TABLE private_grant_counts AS
      SELECT principal_type, principal_id, groups_before, count(*) AS n FROM access_grants
       WHERE private_custom GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`);
  await client.query(`CREATE INDEX ON private_grant_counts (principal_type, principal_id, groups_before) INCLUDE (n)`);
  await client.query(`VACUUM ANALYZE private_grant_counts`);
  console.log(`temporary private_grant_counts built in ${Date.now() - started} ms`);
}

async function main(url: string, rounds: number, temporary: boolean): Promise<void> {
  const fixtures = await readFixtures(url);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { user } = await loadCallers(client, fixtures);
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    await client.query('SET max_parallel_workers_per_gather = 0');
    if (temporary) await buildTemporaryCounts(client);
    console.log(
      `${new Date().toISOString()} load ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    console.log(
      `| ${fixtures.profile ?? 'bench'}, caller, view (median of ${rounds} rounds of ${EXECUTIONS}) | total | CPU ms before → after | wall ms before → after | buffers before → after |`,
    );
    console.log('|---|---:|---:|---:|---:|');
    for (const caller of [user, ...(await otherCallers(client, user))]) {
      for (const viewOption of [null, 'shared'] as const) {
        const params: ListParams = { ...FIRST_PAGE, viewOption };
        const before = await prepare(client, countBeforeSql(caller, viewOption));
        const after = await prepare(client, listCountSql(caller, params));
        const name = `${caller.name} (${caller.groupIds.length} groups)${viewOption ? ', shared' : ''}`;
        if (before.total !== after.total) throw new Error(`${name}: ${before.total} before, ${after.total} after`);
        for (let i = 0; i < rounds; i += 1) {
          // Alternate which side goes first, so neither always follows the other.
          for (const side of i % 2 === 0 ? [before, after] : [after, before])
            await timeRound(client, pid, side, EXECUTIONS);
        }
        const f = (values: number[]) => median(values).toFixed(2);
        console.log(
          `| ${name} | ${after.total} | ${f(before.cpu)} → ${f(after.cpu)} | ${f(before.wall)} → ${f(after.wall)} | ${before.buffers} → ${after.buffers} |`,
        );
      }
    }
    console.log(
      `${new Date().toISOString()} load ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    await client.end();
  }
}

const args = process.argv.slice(2).filter((arg) => arg !== '--temporary');
main(
  args[0] ?? 'postgres://postgres@127.0.0.1:5432/registry_bench_company',
  Number(args[1] ?? 9),
  process.argv.includes('--temporary'),
).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
