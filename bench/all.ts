import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { MIGRATIONS } from '../src/database/migrations';
import { PROFILE_NAMES, PROFILES, Profile, ProfileName } from './profiles';
import { readStoredFixtures } from './seed/fixture-store';

/**
 * THE FULL RUN: every profile seeded (once: a database already seeded with its profile is reused),
 * benchmarked, then the sweep of the private share. One command for the quiet final run:
 *
 *   npm run bench:all -- --server postgres://postgres@127.0.0.1:5432
 *
 * Writes bench/results/latest-<profile>.md, explain/<profile>/ and sweep.md, then prints the
 * README's table of every profile (npm run bench:summary).
 */
const USAGE = `Usage: npm run bench:all -- --server URL [flags]
  --server     a PostgreSQL URL; its database part is replaced by each profile's
               (registry_bench, registry_bench_company, registry_bench_million)
  --profiles   comma-separated, default ${PROFILE_NAMES.join(',')}
  --reseed     seed every profile again even when its database is already seeded (with the
               same profile and the service's current migrations)
  --no-sweep   skip the sweep of the private share (on the bench profile)
  --no-build   use dist/ as it is`;

const log = (line: string): void => console.log(line);

function databaseUrl(server: string, profile: Profile): string {
  const url = new URL(server);
  url.pathname = `/${profile.database}`;
  return url.toString();
}

/**
 * Whether the database exists, was seeded with this profile, and has exactly the service's
 * migrations applied (a database seeded before a new migration is seeded again, so every profile
 * runs on the schema a fresh seed gives).
 */
async function seededWith(url: string, profile: Profile): Promise<boolean> {
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
  } catch {
    return false;
  }
  try {
    const fixtures = await readStoredFixtures<{ profile?: string }>(client);
    if (fixtures?.profile !== profile.name) return false;
    const { rows } = await client.query<{ name: string }>('SELECT name FROM migrations ORDER BY name');
    const expected = MIGRATIONS.map((migration) => migration.name).sort();
    return JSON.stringify(rows.map((row) => row.name)) === JSON.stringify(expected);
  } finally {
    await client.end();
  }
}

function step(label: string, script: string, args: string[], timings: Array<[string, number]>): void {
  log(`\n=== ${label}: ${script} ${args.join(' ')}`);
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', join(__dirname, script), ...args],
    {
      cwd: join(__dirname, '..'),
      stdio: 'inherit',
    },
  );
  if (result.status !== 0) throw new Error(`${label} failed (exit ${result.status})`);
  timings.push([label, (performance.now() - started) / 1000]);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      server: { type: 'string' },
      profiles: { type: 'string' },
      reseed: { type: 'boolean', default: false },
      'no-sweep': { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  const server = values.server ?? process.env.BENCH_DATABASE_URL;
  if (values.help || !server) return log(USAGE);
  const names = (values.profiles ?? PROFILE_NAMES.join(',')).split(',');
  for (const name of names) {
    if (!(PROFILE_NAMES as readonly string[]).includes(name)) throw new Error(`unknown profile "${name}"`);
  }
  const timings: Array<[string, number]> = [];
  let build = values['no-build'] !== true;
  for (const profile of names.map((name) => PROFILES[name as ProfileName])) {
    const url = databaseUrl(server, profile);
    if (values.reseed || !(await seededWith(url, profile))) {
      step(`seed ${profile.name}`, 'seed.ts', ['--profile', profile.name, '--database-url', url], timings);
    }
    const runArgs = ['--profile', profile.name, '--database-url', url, ...(build ? [] : ['--no-build'])];
    step(`bench ${profile.name}`, 'run.ts', runArgs, timings);
    build = false;
  }
  if (!values['no-sweep'] && names.includes('bench')) {
    step(
      'sweep bench',
      'sweep.ts',
      ['--profile', 'bench', '--database-url', databaseUrl(server, PROFILES.bench)],
      timings,
    );
  }
  step('summary', 'summary.ts', [], timings);
  log('\n' + timings.map(([label, seconds]) => `${label.padEnd(16)} ${(seconds / 60).toFixed(1)} min`).join('\n'));
  log(`total            ${(timings.reduce((sum, [, s]) => sum + s, 0) / 60).toFixed(1)} min`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
