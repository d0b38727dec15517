import type { Client } from 'pg';
import type { Caller } from '../../src/access/caller';
import { SqlStatement, toStatement } from '../../src/common/sql';
import { ListParams, listCountSql, listPageSql, listableSql } from '../../src/models/model-read.sql';
import { percentile } from '../run/sql-timing';

const FIRST_PAGE: ListParams = {
  query: null,
  viewOption: null,
  tag: null,
  orderBy: 'created_at',
  direction: 'desc',
  page: 1,
};

/** The list statements whose cost should not grow with the caller's private share. */
export const STATEMENTS = ['count', 'page', 'count query', 'page query', 'gateway page', 'gateway all'] as const;
export type StatementName = (typeof STATEMENTS)[number];

export const STATEMENT_NOTES: Record<StatementName, string> = {
  count: 'listCountSql, page 1 (the exact `total`)',
  page: 'listPageSql, page 1, newest first',
  'count query': 'listCountSql with the common search word',
  'page query': 'listPageSql with the common search word',
  'gateway page': 'listableSql newest first, limit 21 (Anthropic /v1/models page 1)',
  'gateway all': 'listableSql in id order, no limit (OpenAI /v1/models: every readable model, so it grows by nature)',
};

export function sweepStatements(caller: Caller, word: string): Record<StatementName, SqlStatement> {
  const query = { ...FIRST_PAGE, query: word };
  return {
    count: toStatement(listCountSql(caller, FIRST_PAGE)),
    page: toStatement(listPageSql(caller, FIRST_PAGE)),
    'count query': toStatement(listCountSql(caller, query)),
    'page query': toStatement(listPageSql(caller, query)),
    'gateway page': toStatement(listableSql(caller, { order: 'newest', limit: 21 })),
    'gateway all': toStatement(listableSql(caller, { order: 'id' })),
  };
}

export interface StatementTiming {
  median: number;
  p95: number;
  runs: number;
  /** Shared buffers the statement touched (hit + read), from EXPLAIN (ANALYZE, BUFFERS). */
  buffers: number;
  /** Rows it returned, or the count it returned for counts. */
  rows: number;
  plan: string;
}

interface PlanNode {
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
}

async function explain(client: Client, statement: SqlStatement): Promise<{ buffers: number; plan: string }> {
  const json = await client.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
    `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${statement.text}`,
    statement.values,
  );
  const top = json.rows[0]['QUERY PLAN'][0].Plan;
  const text = await client.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN (ANALYZE, BUFFERS) ${statement.text}`,
    statement.values,
  );
  const plan = text.rows.map((row) => row['QUERY PLAN']).join('\n');
  return { buffers: (top['Shared Hit Blocks'] ?? 0) + (top['Shared Read Blocks'] ?? 0), plan };
}

/** Sequential runs on one connection after a warm-up, stopping after `budgetMs` once 3 are in. */
export async function timeStatement(
  client: Client,
  statement: SqlStatement,
  runs: number,
  budgetMs: number,
): Promise<StatementTiming> {
  const first = await client.query<{ total?: number }>(statement.text, statement.values);
  const rows = first.rows.length === 1 && first.rows[0].total !== undefined ? first.rows[0].total : first.rows.length;
  const times: number[] = [];
  const deadline = performance.now() + budgetMs;
  while (times.length < runs && (times.length < 3 || performance.now() < deadline)) {
    const started = performance.now();
    await client.query(statement.text, statement.values);
    times.push(performance.now() - started);
  }
  const { buffers, plan } = await explain(client, statement);
  return { median: percentile(times, 50), p95: percentile(times, 95), runs: times.length, buffers, rows, plan };
}
