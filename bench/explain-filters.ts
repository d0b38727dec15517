/**
 * EXPLAIN (ANALYZE, BUFFERS) of filtered lists (docs/api.md "Filters") on a seeded bench database,
 * with the statements the service builds (listPageSql, listCountSql, listableSql), written to
 * bench/results/explain/filters/<name>.txt. Read-only: when models_capabilities_idx is missing
 * (a database seeded before its migration) it is built inside a transaction that is rolled back.
 *
 *   npx ts-node bench/explain-filters.ts postgres://postgres@127.0.0.1:5432/registry_bench_scale [seed.json]
 *
 * The seed file names the typical user when the database holds no bench.seed (older seeds).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { NO_MODEL_FILTERS, ModelFilters } from '../src/models/model-filters';
import { ListParams, listableSql, listCountSql, listPageSql } from '../src/models/model-read.sql';
import { Sql, toStatement } from '../src/common/sql';
import { loadCallers } from './run/callers';
import { readFixtures } from './run/fixtures';
import type { Fixtures } from './run/scenarios';

const OUT = join(__dirname, 'results', 'explain', 'filters');

const CASES: Array<[string, Partial<ModelFilters>]> = [
  ['capability-vision', { capabilities: ['vision'] }],
  ['capability-vision-code', { capabilities: ['vision', 'code_interpreter'] }],
  ['endpoint-embedding', { endpointTypes: ['embedding'] }],
  ['min-context-100k', { minContextLength: 100_000 }],
  ['max-price-1', { maxInputPrice: 1 }],
];

async function explain(client: Client, statement: Sql): Promise<string> {
  const { text, values } = toStatement(statement);
  await client.query('SAVEPOINT plan');
  try {
    return await plan(client, text, values);
  } catch (error) {
    // A database seeded before a later migration lacks some columns: say so, keep the other plans.
    await client.query('ROLLBACK TO SAVEPOINT plan');
    return `not explained: ${(error as Error).message}`;
  }
}

async function plan(client: Client, text: string, values: unknown[]): Promise<string> {
  const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, values);
  return rows.map((row) => row['QUERY PLAN']).join('\n');
}

async function main(url: string, seedFile?: string): Promise<void> {
  const fixtures = seedFile ? (JSON.parse(readFileSync(seedFile, 'utf8')) as Fixtures) : await readFixtures(url);
  const client = new Client({ connectionString: url });
  await client.connect();
  mkdirSync(OUT, { recursive: true });
  try {
    const callers = await loadCallers(client, fixtures);
    await client.query('BEGIN');
    const { rows } = await client.query(`SELECT 1 FROM pg_indexes WHERE indexname = 'models_capabilities_idx'`);
    if (rows.length === 0) {
      await client.query(
        `CREATE INDEX models_capabilities_idx ON models USING gin ((meta->'capabilities') jsonb_path_ops)`,
      );
      await client.query('ANALYZE models');
    }
    for (const [name, partial] of CASES) {
      const filters = { ...NO_MODEL_FILTERS, ...partial };
      const params: ListParams = {
        query: null,
        viewOption: null,
        tag: null,
        orderBy: 'created_at',
        direction: 'desc',
        page: 1,
        filters,
      };
      const parts = [
        `## count (typical user, ${JSON.stringify(partial)})\n${await explain(client, listCountSql(callers.user, params))}`,
        `## page (typical user)\n${await explain(client, listPageSql(callers.user, params))}`,
        `## /v1/models (typical user)\n${await explain(client, listableSql(callers.user, { order: 'id', filters }))}`,
      ];
      writeFileSync(join(OUT, `${name}.txt`), parts.join('\n\n') + '\n');
      console.log(name, parts.map((part) => /Execution Time: ([\d.]+) ms/.exec(part)?.[1] ?? '?').join(' / '), 'ms');
    }
  } finally {
    await client.query('ROLLBACK');
    await client.end();
  }
}

void main(process.argv[2] ?? 'postgres://postgres@127.0.0.1:5432/registry_bench_scale', process.argv[3]);
