/**
 * The filtered list count before and after the split (listCountSql, splitFilteredCountSql): the
 * statement the service used to run (every match on models, each rechecked for readability) and
 * the one it runs now (public_models + the private matches), for the typical user's common tag,
 * common search word and rare word: EXPLAIN (ANALYZE, BUFFERS) `runs` times each, median time,
 * buffers of the median run, and the two totals (which must agree). Read-only; needs a database
 * migrated to PublicModelFilters (a copy of a bench database: createdb -T, then migration:run).
 *
 *   npx ts-node --transpile-only bench/split-count.ts postgres://postgres@127.0.0.1:5432/mycopy [runs]
 */
import { Client } from 'pg';
import { readablePredicate } from '../src/access/access-rules';
import type { Caller } from '../src/access/caller';
import { Sql, sql, toStatement } from '../src/common/sql';
import {
  ListParams,
  listCountSql,
  listFilters,
  MAX_LISTED_OWNERS,
  searchOwnersSql,
} from '../src/models/model-read.sql';
import { loadCallers } from './run/callers';
import { readFixtures } from './run/fixtures';
import { FIRST_PAGE } from './run/scenarios';

interface Run {
  ms: number;
  buffers: string;
  total: number;
}

/** The count as it was before the split: the filters and the readable rule over models. */
function unsplitCountSql(caller: Caller, params: ListParams): Sql {
  return sql`SELECT count(*)::int AS total FROM models m WHERE ${listFilters(caller, params)} AND ${readablePredicate(caller)}`;
}

async function measure(client: Client, statement: Sql, runs: number): Promise<Run> {
  const { text, values } = toStatement(statement);
  const total = (await client.query<{ total: number }>(text, values)).rows[0].total;
  const samples: Run[] = [];
  for (let i = 0; i < runs; i += 1) {
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, values);
    const plan = rows.map((row) => row['QUERY PLAN']);
    const ms = Number(/Execution Time: ([\d.]+) ms/.exec(plan.join('\n'))?.[1]);
    // The top node's buffers: the whole statement's.
    const buffers = plan.find((line) => line.trim().startsWith('Buffers:'))?.trim() ?? '';
    samples.push({ ms, buffers, total });
  }
  samples.sort((a, b) => a.ms - b.ms);
  return samples[Math.floor(samples.length / 2)];
}

async function main(url: string, runs: number): Promise<void> {
  const fixtures = await readFixtures(url);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { user } = await loadCallers(client, fixtures);
    const base = FIRST_PAGE;
    const cases: Array<[string, ListParams]> = [
      [`tag=${fixtures.tag.common.name}`, { ...base, tag: fixtures.tag.common.name }],
      [`query=${fixtures.query.common.word}`, { ...base, query: fixtures.query.common.word }],
      [`query=${fixtures.query.rare.word}`, { ...base, query: fixtures.query.rare.word }],
    ];
    console.log(
      `| ${fixtures.profile ?? 'bench'} (median of ${runs}) | total | before ms | after ms | before buffers | after buffers |`,
    );
    console.log('|---|---|---|---|---|---|');
    for (const [name, params] of cases) {
      if (params.query) {
        const owners = toStatement(searchOwnersSql(params.query));
        const { rows } = await client.query<{ id: string }>(owners.text, owners.values);
        if (rows.length <= MAX_LISTED_OWNERS) params.owners = rows.map((row) => row.id);
      }
      const before = await measure(client, unsplitCountSql(user, params), runs);
      const after = await measure(client, listCountSql(user, params), runs);
      if (before.total !== after.total)
        throw new Error(`${name}: totals differ, ${before.total} before, ${after.total} after`);
      console.log(
        `| ${name} | ${after.total} | ${before.ms.toFixed(1)} | ${after.ms.toFixed(1)} | ${before.buffers} | ${after.buffers} |`,
      );
    }
  } finally {
    await client.end();
  }
}

main(process.argv[2] ?? 'postgres://postgres@127.0.0.1:5432/registry_bench', Number(process.argv[3] ?? 7)).catch(
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
