/**
 * The list's statements once its models' JSON is kept (the page's ids and row versions, and the
 * count: what every repeated list request sends), another checkout's builders (`--base`) against
 * this checkout's, on one database connection, interleaved round by round. Per list scenario and
 * statement: the PostgreSQL backend's CPU per execution (/proc/<pid>/schedstat: PostgreSQL must run
 * on this machine) and the wall time, medians over `--rounds` rounds of 12 executions; planning
 * time and shared buffers of one EXPLAIN (ANALYZE, BUFFERS); the rows, which must be the same.
 * Read-only.
 *
 *   npx ts-node --transpile-only bench/list-statements.ts --database-url postgres://…/registry_bench_million \
 *     --base /path/to/checkout [--rounds 9] [--only name-asc,page1]
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { Client } from 'pg';
import type { SqlStatement } from '../src/common/sql';
import { loadCallers } from './run/callers';
import type { ourListSql } from './run/compare';
import { median, TimedStatement, timeRound } from './run/cpu';
import { readFixtures } from './run/fixtures';
import { makeScenarios, selectScenarios } from './run/scenarios';

const EXECUTIONS = 12;
const STATEMENTS = ['page (ids and row versions)', 'count'] as const;

interface Side extends TimedStatement {
  rows: string;
  buffers: number;
  planning: number;
}

async function prepare(client: Client, { text, values }: SqlStatement): Promise<Side> {
  const result = await client.query<Record<string, unknown>>(text, values);
  const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, values);
  const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
  // The top node's buffers (the first line that names them), planning's excluded.
  const buffers = /Buffers: shared hit=(\d+)(?: read=(\d+))?/.exec(plan);
  const planning = /Planning Time: ([\d.]+) ms/.exec(plan);
  return {
    text,
    values,
    rows: JSON.stringify(result.rows),
    wall: [],
    cpu: [],
    buffers: buffers ? Number(buffers[1]) + Number(buffers[2] ?? 0) : NaN,
    planning: planning ? Number(planning[1]) : NaN,
  };
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? undefined : process.argv[at + 1];
}

async function main(): Promise<void> {
  const url = option('database-url');
  const base = option('base');
  if (!url || !base) throw new Error('usage: list-statements.ts --database-url URL --base CHECKOUT [--rounds N]');
  const rounds = Number(option('rounds') ?? 9);
  const only = (option('only') ?? '').split(',').filter(Boolean);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const baseSql = (require(resolve(base, 'bench/run/compare')) as { ourListSql: typeof ourListSql }).ourListSql;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const thisSql = (require('./run/compare') as { ourListSql: typeof ourListSql }).ourListSql;
  const fixtures = await readFixtures(url);
  const client = new Client({ connectionString: url });
  await client.connect();
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
  try {
    const callers = await loadCallers(client, fixtures);
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    console.log(`${new Date().toISOString()} load ${load()}; profile ${fixtures.profile ?? 'bench'}`);
    console.log(
      `| scenario: statement (median of ${rounds} rounds of ${EXECUTIONS}) | CPU ms base → this | wall ms base → this | planning ms base → this | buffers base → this |`,
    );
    console.log('|---|---:|---:|---:|---:|');
    const scenarios = selectScenarios(makeScenarios(fixtures, ''), only).filter((s) => s.list);
    for (const scenario of scenarios) {
      const caller = callers[scenario.auth === 'admin' ? 'admin' : 'user'];
      const before = await baseSql(client, caller, scenario);
      const after = await thisSql(client, caller, scenario);
      for (const name of STATEMENTS) {
        const sides = [await prepare(client, before[name]), await prepare(client, after[name])];
        if (sides[0].rows !== sides[1].rows) throw new Error(`${scenario.name} ${name}: the rows differ`);
        for (let i = 0; i < rounds; i += 1) {
          for (const side of i % 2 === 0 ? sides : [...sides].reverse()) await timeRound(client, pid, side, EXECUTIONS);
        }
        const f = (values: number[]) => median(values).toFixed(2);
        const [a, b] = sides;
        console.log(
          `| ${scenario.name}: ${name} | ${f(a.cpu)} → ${f(b.cpu)} | ${f(a.wall)} → ${f(b.wall)} ` +
            `| ${a.planning.toFixed(2)} → ${b.planning.toFixed(2)} | ${a.buffers} → ${b.buffers} |`,
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
