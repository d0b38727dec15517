/**
 * The filtered list count (tag, query) before and after migration PrivateModelFilters: the
 * statement the service built before (public share on public_models, private share on models
 * through models_private_filter_idx, one OR with the caller's own models), run on a database
 * without the migration, against the one listCountSql builds now (public_model_tags for a tag
 * alone, private_models for the private share), run on a migrated copy of the same data. The two
 * run interleaved, round by round, so both see the same load: the PostgreSQL backend's CPU time
 * per execution (/proc/<pid>/schedstat: PostgreSQL on this machine; median of `rounds` rounds of
 * 6), the wall time of the plain statement (median over the same executions), EXPLAIN (ANALYZE,
 * BUFFERS) of the last round, and the totals (which must agree). Read-only on both databases.
 *
 * With a directory as fourth argument, both plans of each filter are written there.
 *
 *   npx ts-node --transpile-only bench/filtered-count.ts postgres://…/registry_bench_company postgres://…/migrated_copy [rounds] [dir]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { grantedToPredicate } from '../src/access/access-rules';
import type { Caller } from '../src/access/caller';
import { escapeLike, Sql, sql, toStatement } from '../src/common/sql';
import { ListParams, listCountSql, MAX_LISTED_OWNERS, searchOwnersSql } from '../src/models/model-read.sql';
import { loadCallers } from './run/callers';
import { readFixtures } from './run/fixtures';
import { FIRST_PAGE } from './run/scenarios';

/** The count as the service built it before PrivateModelFilters (commit 266140c). */
function countBeforeSql(caller: Caller, params: ListParams): Sql {
  const content: Sql[] = [];
  if (params.tag !== null) content.push(sql`m.tags @> ARRAY[${params.tag.trim().toLowerCase()}]::text[]`);
  if (params.query) {
    const pattern = sql.param(`%${escapeLike(params.query.toLowerCase())}%`);
    content.push(
      params.owners?.length === 0
        ? sql`m.search LIKE ${pattern}`
        : sql`(m.search LIKE ${pattern} OR m.user_id = ANY(${params.owners ?? []}::uuid[]))`,
    );
  }
  const filters = sql.join(content, sql` AND `);
  const mine = sql`(${grantedToPredicate(caller)} OR m.user_id = ${caller.userId}::uuid)`;
  return sql`SELECT ((SELECT count(*) FROM public_models m WHERE ${filters} AND TRUE) + (SELECT count(*) FROM models m
       WHERE m.base_model_id IS NOT NULL AND NOT m.is_public AND ${filters} AND ${mine}))::int AS total`;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const cpuNs = (pid: number): number => Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);

interface Side {
  client: Client;
  pid: number;
  text: string;
  values: unknown[];
  cpu: number[];
  wall: number[];
  total?: number;
  plan?: string;
}

async function side(url: string, statement: Sql): Promise<Side> {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query('SET max_parallel_workers_per_gather = 0');
  await client.query('SET jit = off');
  const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  const { text, values } = toStatement(statement);
  return { client, pid, text, values, cpu: [], wall: [] };
}

async function round(s: Side): Promise<void> {
  const before = cpuNs(s.pid);
  for (let i = 0; i < 6; i += 1) {
    const start = process.hrtime.bigint();
    const { rows } = await s.client.query<{ total: number }>(s.text, s.values);
    s.wall.push(Number(process.hrtime.bigint() - start) / 1e6);
    s.total = rows[0].total;
  }
  s.cpu.push((cpuNs(s.pid) - before) / 6 / 1e6);
}

async function main(beforeUrl: string, afterUrl: string, rounds: number, dir?: string): Promise<void> {
  const fixtures = await readFixtures(afterUrl);
  const probe = new Client({ connectionString: afterUrl });
  await probe.connect();
  const { user } = await loadCallers(probe, fixtures);
  const cases: Array<[string, ListParams]> = [
    [`tag=${fixtures.tag.common.name}`, { ...FIRST_PAGE, tag: fixtures.tag.common.name }],
    [`query=${fixtures.query.common.word}`, { ...FIRST_PAGE, query: fixtures.query.common.word }],
    [`query=${fixtures.query.rare.word}`, { ...FIRST_PAGE, query: fixtures.query.rare.word }],
    [
      `tag=${fixtures.tag.common.name}&query=${fixtures.query.common.word}`,
      { ...FIRST_PAGE, tag: fixtures.tag.common.name, query: fixtures.query.common.word },
    ],
  ];
  for (const [, params] of cases) {
    if (!params.query) continue;
    const owners = toStatement(searchOwnersSql(params.query));
    const { rows } = await probe.query<{ id: string }>(owners.text, owners.values);
    if (rows.length <= MAX_LISTED_OWNERS) params.owners = rows.map((row) => row.id);
  }
  await probe.end();
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`${fixtures.profile ?? 'bench'}: ${rounds} rounds of 6, before and after interleaved; load ${load}`);
  console.log('| filter | total | CPU ms before → after | wall ms before → after | buffers before → after |');
  console.log('|---|---:|---:|---:|---:|');
  for (const [name, params] of cases) {
    const before = await side(beforeUrl, countBeforeSql(user, params));
    const after = await side(afterUrl, listCountSql(user, params));
    for (let r = 0; r < rounds; r += 1) {
      await round(before);
      await round(after);
    }
    for (const s of [before, after]) {
      const { rows } = await s.client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${s.text}`, s.values);
      s.plan = rows.map((row) => row['QUERY PLAN']).join('\n');
      await s.client.end();
    }
    if (before.total !== after.total) throw new Error(`${name}: totals differ, ${before.total} → ${after.total}`);
    if (dir) {
      mkdirSync(dir, { recursive: true });
      const file = `filtered-count-${name.replace(/[^a-z0-9]+/gi, '-')}.txt`;
      const show = (label: string, s: Side): string =>
        `## ${label}\n${s.text}\n-- values: ${JSON.stringify(s.values).slice(0, 300)}\n\n${s.plan ?? ''}\n`;
      writeFileSync(
        join(dir, file),
        `# ${fixtures.profile ?? 'bench'} ${name}: the count before and after PrivateModelFilters (bench/filtered-count.ts)\n\n` +
          `${show('before (models_private_filter_idx, one OR)', before)}\n${show('after (private_models, public_model_tags)', after)}`,
      );
    }
    const buffers = (s: Side): string => /Buffers: ([^\n]*)/.exec(s.plan ?? '')?.[1] ?? '';
    console.log(
      `| ${name} | ${after.total} | ${median(before.cpu).toFixed(2)} → ${median(after.cpu).toFixed(2)} | ${median(before.wall).toFixed(2)} → ${median(after.wall).toFixed(2)} | ${buffers(before)} → ${buffers(after)} |`,
    );
  }
  console.log(`load after: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
}

main(process.argv[2], process.argv[3], Number(process.argv[4] ?? 7), process.argv[5]).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
