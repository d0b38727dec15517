import type { Client } from 'pg';
import type { Caller } from '../../src/access/caller';
import { SqlStatement, toStatement } from '../../src/common/sql';
import {
  listCountSql,
  listPageSql,
  listPageVersionsSql,
  MAX_LISTED_OWNERS,
  searchOwnersSql,
} from '../../src/models/model-read.sql';
import { incumbentListSql } from './incumbent';
import type { Scenario } from './scenarios';
import { ConcurrentTiming, SqlTiming, timeConcurrent, timeSequential } from './sql-timing';

/** One list scenario's count + page, ours against the incumbent's, on the same data. */
export interface SqlComparison {
  scenario: string;
  ours: SqlTiming;
  incumbent: SqlTiming;
  oursConcurrent: ConcurrentTiming | null;
  incumbentConcurrent: ConcurrentTiming | null;
  /** `total` of each side: they must agree, or the incumbent SQL is not the same list. */
  totals: { ours: number; incumbent: number };
}

export interface CompareOptions {
  databaseUrl: string;
  runs: number;
  budgetSeconds: number;
  /** Statement timeout of the sequential runs, ms. */
  timeoutMs: number;
  connections: number;
  seconds: number;
}

/**
 * The service's count and page statements for a list scenario, from its own builders (owners looked
 * up as ModelListService does): the page whole (what a list with no JSON kept reads, compared with
 * the incumbent's) and as the ids and row versions the service sends once its rows' JSON is kept.
 */
export async function ourListSql(
  client: Client,
  caller: Caller,
  scenario: Scenario,
): Promise<{ count: SqlStatement; page: SqlStatement; 'page (ids and row versions)': SqlStatement }> {
  if (!scenario.list) throw new Error(`${scenario.name} is not a list scenario`);
  const params = { ...scenario.list };
  if (params.query) {
    const owners = toStatement(searchOwnersSql(params.query));
    const { rows } = await client.query<{ id: string }>(owners.text, owners.values);
    if (rows.length <= MAX_LISTED_OWNERS) params.owners = rows.map((row) => row.id);
  }
  return {
    count: toStatement(listCountSql(caller, params)),
    page: toStatement(listPageSql(caller, params)),
    'page (ids and row versions)': toStatement(listPageVersionsSql(caller, params)),
  };
}

/**
 * Times count + page, run one after the other as Open WebUI does (ours run them in parallel in
 * the service; here both sides run them in sequence, so the comparison is like for like):
 * `runs` times on one connection, then for `seconds` on `connections` connections at once.
 */
export async function compareList(
  client: Client,
  caller: Caller,
  scenario: Scenario,
  options: CompareOptions,
): Promise<SqlComparison> {
  const ours = await ourListSql(client, caller, scenario);
  const theirs = incumbentListSql(caller, scenario.list!);
  const sides = [
    [ours.count, ours.page],
    [theirs.count, theirs.page],
  ];
  const sequential = { runs: options.runs, budgetSeconds: options.budgetSeconds, timeoutMs: options.timeoutMs };
  const { total: oursTotal, ...oursTime } = await timeSequential(client, sides[0], sequential);
  const { total: incumbentTotal, ...incumbentTime } = await timeSequential(client, sides[1], sequential);
  const concurrent = (statements: SqlStatement[]) =>
    options.seconds > 0
      ? timeConcurrent(options.databaseUrl, statements, options.connections, options.seconds)
      : Promise.resolve(null);
  return {
    scenario: scenario.name,
    ours: oursTime,
    incumbent: incumbentTime,
    oursConcurrent: await concurrent(sides[0]),
    incumbentConcurrent: await concurrent(sides[1]),
    totals: { ours: oursTotal, incumbent: incumbentTotal },
  };
}
