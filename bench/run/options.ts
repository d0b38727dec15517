import { parseArgs } from 'node:util';
import { Profile, PROFILE_NAMES, parseProfile, profileDatabaseUrl } from '../profiles';

export interface RunOptions {
  /** The profile whose database is the default target; the run reports under the seeded profile. */
  profile: Profile;
  databaseUrl: string | null;
  /** Seconds of load per scenario, for the service and for the floor each. */
  duration: number;
  /** Seconds of one-connection requests per scenario (single-connection latency). */
  latencyDuration: number;
  connections: number;
  /** Sequential runs of count + page per list scenario, for the incumbent and for ours. */
  sqlRuns: number;
  /** Seconds after which the sequential runs stop early (at least 3 runs are made). */
  sqlBudget: number;
  /** Seconds after which one statement of the comparison is cancelled (its time is then a lower bound). */
  sqlTimeout: number;
  /** Seconds of 16-connection SQL load per list scenario, for the incumbent and for ours (0: skip). */
  sqlDuration: number;
  /** Run only scenarios whose name contains one of these words (all when empty). */
  only: string[];
  build: boolean;
  /** Node flags the service is started with (for A/B runs of V8 settings). */
  nodeArgs: string[];
}

export const USAGE = `Usage: npm run bench -- [flags]
  --profile          ${PROFILE_NAMES.join(' | ')} (default bench): picks the default database and durations
  --database-url     default $BENCH_DATABASE_URL, else $DATABASE_URL (with the profile's database name
                     unless the profile is bench), else embedded PostgreSQL in .data/bench
  --duration         seconds of load per scenario and target (default 10; million 6)
  --latency-duration seconds of one-connection requests per scenario (default 5; million 4)
  --connections      concurrent HTTP connections (default 16)
  --sql-runs         sequential count + page runs per list scenario for the SQL comparison (default 30; million 10)
  --sql-budget       seconds after which those runs stop early, 3 at least (default 15; million 20)
  --sql-timeout      seconds after which a statement of the comparison is cancelled (default 60)
  --sql-duration     seconds of concurrent SQL per list scenario and side (default 5; million 0; 0 skips)
  --only             comma-separated words: run only the scenarios whose name contains one
  --no-build         use dist/ as it is instead of running npm run build first
  --node-args        flags for the service's node, e.g. "--max-semi-space-size=4" (A/B of V8 settings)`;

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
      profile: { type: 'string' },
      'database-url': { type: 'string' },
      duration: { type: 'string' },
      'latency-duration': { type: 'string' },
      connections: { type: 'string' },
      'sql-runs': { type: 'string' },
      'sql-budget': { type: 'string' },
      'sql-timeout': { type: 'string' },
      'sql-duration': { type: 'string' },
      only: { type: 'string' },
      'no-build': { type: 'boolean', default: false },
      'node-args': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return null;
  const profile = parseProfile(values.profile);
  const preset = profile.run;
  return {
    profile,
    databaseUrl: profileDatabaseUrl(values['database-url'], profile),
    duration: integer('duration', values.duration, preset.duration ?? 10, 1, 3600),
    latencyDuration: integer('latency-duration', values['latency-duration'], preset.latencyDuration ?? 5, 1, 3600),
    connections: integer('connections', values.connections, 16, 1, 1000),
    sqlRuns: integer('sql-runs', values['sql-runs'], preset.sqlRuns ?? 30, 1, 10000),
    sqlBudget: integer('sql-budget', values['sql-budget'], preset.sqlBudget ?? 15, 1, 3600),
    sqlTimeout: integer('sql-timeout', values['sql-timeout'], 60, 1, 3600),
    sqlDuration: integer('sql-duration', values['sql-duration'], preset.sqlDuration ?? 5, 0, 3600),
    only: (values.only ?? '').split(',').filter((word) => word !== ''),
    build: values['no-build'] !== true,
    nodeArgs: (values['node-args'] ?? '').split(' ').filter((arg) => arg !== ''),
  };
}
