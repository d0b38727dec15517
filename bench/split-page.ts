/**
 * The page of a search or tag list (issue 12, item 2): the statement of another checkout's
 * builders (`--base`, e.g. main's, which walks the models table) against this checkout's
 * listPageSql (the page chosen from the narrow copies, migration FilterCopiesCreated), on the same
 * database and connection, interleaved round by round. Per scenario: the PostgreSQL backend's CPU
 * per execution (/proc/<pid>/schedstat: PostgreSQL must run on this machine) and the wall time,
 * medians over `--rounds` rounds of 12 executions; the shared buffers of one EXPLAIN (ANALYZE,
 * BUFFERS); the pages' ids, which must be the same. Read-only, but the database needs this
 * checkout's migrations (a copy: createdb -T).
 *
 *   npx ts-node --transpile-only bench/split-page.ts --database-url postgres://…/registry_bench_tail --base /work/main [--rounds 9] [--explain dir]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import type { Caller } from '../src/access/caller';
import { toStatement } from '../src/common/sql';
import { type ListParams, listPageSql } from '../src/models/model-read.sql';
import { loadCallers } from './run/callers';
import { median, timeRound } from './run/cpu';
import { readFixtures } from './run/fixtures';
import { FIRST_PAGE } from './run/scenarios';

const EXECUTIONS = 12;

interface Side {
  text: string;
  values: unknown[];
  ids: string;
  cpu: number[];
  wall: number[];
  buffers: string;
  plan: string;
}

async function prepare(client: Client, { text, values }: { text: string; values: unknown[] }): Promise<Side> {
  const ids = (await client.query<{ id: string }>(text, values)).rows.map((row) => row.id).join(',');
  const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, values);
  const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
  const buffers = /Buffers: shared hit=(\d+)(?: read=(\d+))?/.exec(plan);
  const total = buffers ? Number(buffers[1]) + Number(buffers[2] ?? 0) : NaN;
  return {
    text,
    values,
    ids,
    cpu: [],
    wall: [],
    buffers: String(total),
    plan: `${text}\n-- ${JSON.stringify(values)}\n\n${plan}`,
  };
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? undefined : process.argv[at + 1];
}

async function main(): Promise<void> {
  const url = option('database-url');
  const base = option('base');
  if (!url || !base)
    throw new Error('usage: split-page.ts --database-url URL --base CHECKOUT [--rounds N] [--explain DIR]');
  const rounds = Number(option('rounds') ?? 9);
  const explain = option('explain');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const baseSql = require(resolve(base, 'src/models/model-read.sql')) as { listPageSql: typeof listPageSql };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const baseStatement = (require(resolve(base, 'src/common/sql')) as { toStatement: typeof toStatement }).toStatement;
  const fixtures = await readFixtures(url);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { user } = (await loadCallers(client, fixtures)) as { user: Caller };
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    const load = () =>
      loadavg()
        .map((l) => l.toFixed(1))
        .join(' ');
    console.log(`${new Date().toISOString()} load ${load()}; ${fixtures.profile ?? 'bench'}, typical user`);
    console.log(
      `| scenario (median of ${rounds} rounds of ${EXECUTIONS}) | CPU ms base → this | wall ms base → this | buffers base → this |`,
    );
    console.log('|---|---:|---:|---:|');
    const scenarios: Array<[string, Partial<ListParams>]> = [
      ['query-common', { query: fixtures.query.common.word }],
      ['query-rare', { query: fixtures.query.rare.word }],
      ['tag', { tag: fixtures.tag.common.name }],
      ['tag-rare', { tag: 'origami' }],
      ['query-common page 5', { query: fixtures.query.common.word, page: 5 }],
      ['query-common oldest', { query: fixtures.query.common.word, direction: 'asc' }],
    ];
    for (const [name, extra] of scenarios) {
      const params: ListParams = { ...FIRST_PAGE, owners: [], ...extra };
      const before = await prepare(client, baseStatement(baseSql.listPageSql(user, params)));
      const after = await prepare(client, toStatement(listPageSql(user, params)));
      if (before.ids !== after.ids) throw new Error(`${name}: the pages differ`);
      for (let i = 0; i < rounds; i += 1) {
        for (const side of i % 2 === 0 ? [before, after] : [after, before])
          await timeRound(client, pid, side, EXECUTIONS);
      }
      const f = (values: number[]) => median(values).toFixed(2);
      console.log(
        `| ${name} | ${f(before.cpu)} → ${f(after.cpu)} | ${f(before.wall)} → ${f(after.wall)} | ${before.buffers} → ${after.buffers} |`,
      );
      if (explain) {
        mkdirSync(explain, { recursive: true });
        writeFileSync(
          join(explain, `${name.replace(/ /g, '-')}.txt`),
          `# base\n${before.plan}\n\n# this\n${after.plan}\n`,
        );
      }
    }
    console.log(`load ${load()}`);
  } finally {
    await client.end();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
