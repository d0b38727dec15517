/**
 * The unfiltered list count before and after model_counts (migration ModelCounts): the statement
 * the service ran before (the admin's: every custom model counted; a user's: the public custom
 * models counted on their partial index, plus the private share) and the one listCountSql builds
 * now, for the admin and the typical user, all views but 'created' (unchanged): the PostgreSQL
 * backend's CPU time per execution (/proc/<pid>/schedstat: PostgreSQL must run on this machine;
 * no parallel workers), EXPLAIN (ANALYZE, BUFFERS) `runs` times each (median time, buffers hit of
 * the median run), and the two totals (which must agree). Read-only; needs a database migrated to
 * ModelCounts.
 *
 *   npx ts-node --transpile-only bench/unfiltered-count.ts postgres://postgres@127.0.0.1:5432/registry_bench [runs]
 */
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { grantedToPredicate, privateGrantCountSql } from '../src/access/access-rules';
import type { Caller } from '../src/access/caller';
import { Sql, sql, toStatement } from '../src/common/sql';
import { ListParams, listCountSql, listFilters } from '../src/models/model-read.sql';
import { loadCallers } from './run/callers';
import { readFixtures } from './run/fixtures';
import { FIRST_PAGE } from './run/scenarios';

interface Run {
  ms: number;
  buffers: string;
  total: number;
  /** CPU time of the PostgreSQL backend per execution (without EXPLAIN), median of 5 rounds of 12. */
  cpuMs: number;
}

/** Nanoseconds the backend has run on a CPU (/proc/<pid>/schedstat; PostgreSQL on this machine). */
function backendCpuNs(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function cpuPerExecution(client: Client, pid: number, text: string, values: unknown[]): Promise<number> {
  const rounds: number[] = [];
  for (let round = 0; round < 5; round += 1) {
    const before = backendCpuNs(pid);
    for (let i = 0; i < 12; i += 1) await client.query(text, values);
    rounds.push((backendCpuNs(pid) - before) / 12 / 1e6);
  }
  return median(rounds);
}

/** The count as the service built it before ModelCounts (commit 0a6eec9). */
function countBeforeSql(caller: Caller, params: ListParams): Sql {
  const filters = listFilters(caller, params);
  if (caller.bypass) return sql`SELECT count(*)::int AS total FROM models m WHERE ${filters}`;
  const owned = (granted: boolean) =>
    sql`(SELECT count(*) FILTER (WHERE ${granted ? sql`` : sql`NOT `}${grantedToPredicate(caller)})
         FROM models m WHERE m.base_model_id IS NOT NULL AND NOT m.is_public AND m.user_id = ${caller.userId}::uuid)`;
  const granted = privateGrantCountSql(caller);
  const privateCount =
    params.viewOption === 'shared' ? sql`SELECT ${granted} - ${owned(true)}` : sql`SELECT ${granted} + ${owned(false)}`;
  const publicCount = sql`SELECT count(*) FROM models m WHERE ${filters} AND m.is_public`;
  return sql`SELECT ((${publicCount}) + (${privateCount}))::int AS total`;
}

async function measure(client: Client, pid: number, statement: Sql, runs: number): Promise<Run> {
  const { text, values } = toStatement(statement);
  const total = (await client.query<{ total: number }>(text, values)).rows[0].total;
  const cpuMs = await cpuPerExecution(client, pid, text, values);
  const samples: Run[] = [];
  for (let i = 0; i < runs; i += 1) {
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, values);
    const plan = rows.map((row) => row['QUERY PLAN']);
    const ms = Number(/Execution Time: ([\d.]+) ms/.exec(plan.join('\n'))?.[1]);
    const buffers = plan.find((line) => line.trim().startsWith('Buffers:'))?.trim() ?? '';
    samples.push({ ms, buffers, total, cpuMs });
  }
  samples.sort((a, b) => a.ms - b.ms);
  return samples[Math.floor(samples.length / 2)];
}

const hits = (run: Run): string => /hit=(\d+)/.exec(run.buffers)?.[1] ?? run.buffers;

async function main(url: string, runs: number): Promise<void> {
  const fixtures = await readFixtures(url);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { admin, user } = await loadCallers(client, fixtures);
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    // Parallel workers would run outside the measured backend.
    await client.query('SET max_parallel_workers_per_gather = 0');
    console.log(
      `| ${fixtures.profile ?? 'bench'} (median of ${runs}) | total | CPU ms before → after | EXPLAIN ms before → after | buffers before → after |`,
    );
    console.log('|---|---:|---:|---:|---:|');
    for (const [who, caller] of [
      ['admin', admin],
      ['user', user],
    ] as const) {
      for (const viewOption of [null, 'shared'] as const) {
        const params: ListParams = { ...FIRST_PAGE, viewOption };
        const before = await measure(client, pid, countBeforeSql(caller, params), runs);
        const after = await measure(client, pid, listCountSql(caller, params), runs);
        const name = `${who}${viewOption ? ` view=${viewOption}` : ''}`;
        if (before.total !== after.total)
          throw new Error(`${name}: totals differ, ${before.total} before, ${after.total} after`);
        console.log(
          `| ${name} | ${after.total} | ${before.cpuMs.toFixed(2)} → ${after.cpuMs.toFixed(2)} | ${before.ms.toFixed(2)} → ${after.ms.toFixed(2)} | ${hits(before)} → ${hits(after)} |`,
        );
      }
    }
  } finally {
    await client.end();
  }
}

main(process.argv[2] ?? 'postgres://postgres@127.0.0.1:5432/registry_bench', Number(process.argv[3] ?? 9)).catch(
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
