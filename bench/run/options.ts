import { parseArgs } from 'node:util';

export interface RunOptions {
  databaseUrl: string | null;
  /** Seconds of load per scenario, for the service and for the floor each. */
  duration: number;
  connections: number;
  /** Sequential runs of count + page per list scenario, for the incumbent and for ours. */
  sqlRuns: number;
  /** Seconds of 16-connection SQL load per list scenario, for the incumbent and for ours (0: skip). */
  sqlDuration: number;
  /** Run only scenarios whose name contains one of these words (all when empty). */
  only: string[];
  build: boolean;
}

export const USAGE = `Usage: npm run bench -- [flags]
  --database-url   default $BENCH_DATABASE_URL, else $DATABASE_URL, else embedded PostgreSQL in .data/bench
  --duration       seconds of load per scenario and target (default 10)
  --connections    concurrent HTTP connections (default 16)
  --sql-runs       sequential count + page runs per list scenario for the SQL comparison (default 30)
  --sql-duration   seconds of concurrent SQL per list scenario and side (default 5; 0 skips)
  --only           comma-separated words: run only the scenarios whose name contains one
  --no-build       use dist/ as it is instead of running npm run build first`;

function integer(flag: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new Error(`--${flag} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

export function parseOptions(argv: string[]): RunOptions | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      'database-url': { type: 'string' },
      duration: { type: 'string' },
      connections: { type: 'string' },
      'sql-runs': { type: 'string' },
      'sql-duration': { type: 'string' },
      only: { type: 'string' },
      'no-build': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return null;
  return {
    databaseUrl: values['database-url'] || process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || null,
    duration: integer('duration', values.duration, 10, 1, 3600),
    connections: integer('connections', values.connections, 16, 1, 1000),
    sqlRuns: integer('sql-runs', values['sql-runs'], 30, 1, 10000),
    sqlDuration: integer('sql-duration', values['sql-duration'], 5, 0, 3600),
    only: (values.only ?? '').split(',').filter((word) => word !== ''),
    build: values['no-build'] !== true,
  };
}
