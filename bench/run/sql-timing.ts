import { Client, Pool } from 'pg';
import type { SqlStatement } from '../../src/common/sql';

/**
 * Sessions of the SQL comparison run with JIT off. With the server default (on), PostgreSQL spends
 * ~175 ms compiling each incumbent query (their cost passes jit_above_cost, ours stay far below):
 * that would flatter us, so the incumbent gets its better setting.
 */
export const SQL_SESSION_OPTIONS = '-c jit=off';

export interface SqlTiming {
  median: number;
  p99: number;
  /** How many runs the figures come from. */
  runs: number;
  /** Set when a run hit the statement timeout: then median and p99 are that timeout, a lower bound. */
  timedOut?: boolean;
}

export interface ConcurrentTiming extends SqlTiming {
  /** Completed runs (all statements of one run) per second. */
  runsPerSecond: number;
}

/** Nearest-rank percentile of unsorted values. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

type Queryable = Pick<Client, 'query'>;

/** Runs the statements one after another; milliseconds for all of them. */
async function runOnce(db: Queryable, statements: SqlStatement[]): Promise<number> {
  const started = performance.now();
  for (const statement of statements) await db.query(statement.text, statement.values);
  return performance.now() - started;
}

export interface SequentialOptions {
  runs: number;
  budgetSeconds: number;
  /** Statement timeout of each statement, ms (0: none). */
  timeoutMs: number;
}

const QUERY_CANCELED = '57014';

/**
 * `runs` runs of the statements in sequence on one connection, after a warm-up run; stops early
 * once `budgetSeconds` have passed and at least three runs are in, or one when the warm-up alone
 * took over a third of the budget (the incumbent's statements take seconds each on a million
 * models: its tag filter ~15 s). A statement over `timeoutMs` ends the timing: the result is that
 * timeout, flagged. Also returns the `total` the first statement answered (the count).
 */
export async function timeSequential(
  client: Client,
  statements: SqlStatement[],
  options: SequentialOptions,
): Promise<SqlTiming & { total: number }> {
  await client.query(`SET statement_timeout = ${Math.max(0, Math.round(options.timeoutMs))}`);
  try {
    const total = await firstTotal(client, statements[0]);
    const warmUp = await runOnce(client, statements);
    const minimum = warmUp > (options.budgetSeconds * 1000) / 3 ? 1 : 3;
    const times: number[] = [];
    const deadline = performance.now() + options.budgetSeconds * 1000;
    while (times.length < options.runs && (times.length < minimum || performance.now() < deadline)) {
      times.push(await runOnce(client, statements));
    }
    return { median: percentile(times, 50), p99: percentile(times, 99), runs: times.length, total };
  } catch (error) {
    if ((error as { code?: string }).code !== QUERY_CANCELED) throw error;
    const bound = options.timeoutMs;
    return { median: bound, p99: bound, runs: 0, timedOut: true, total: NaN };
  } finally {
    await client.query('RESET statement_timeout');
  }
}

async function firstTotal(client: Client, count: SqlStatement): Promise<number> {
  const { rows } = await client.query<{ total?: number }>(count.text, count.values);
  return Number(rows[0]?.total);
}

/** `connections` workers each running the statements in a loop for `seconds`. */
export async function timeConcurrent(
  databaseUrl: string,
  statements: SqlStatement[],
  connections: number,
  seconds: number,
): Promise<ConcurrentTiming> {
  const pool = new Pool({ connectionString: databaseUrl, max: connections, options: SQL_SESSION_OPTIONS });
  try {
    const clients = await Promise.all(Array.from({ length: connections }, () => pool.connect()));
    const times: number[] = [];
    const started = performance.now();
    const deadline = started + seconds * 1000;
    await Promise.all(
      clients.map(async (client) => {
        while (performance.now() < deadline) times.push(await runOnce(client, statements));
        client.release();
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    return {
      median: percentile(times, 50),
      p99: percentile(times, 99),
      runs: times.length,
      runsPerSecond: times.length / elapsed,
    };
  } finally {
    await pool.end();
  }
}
