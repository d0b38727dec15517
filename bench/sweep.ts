import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { parseProfile, profileDatabaseUrl, PROFILE_NAMES } from './profiles';
import { explainDir } from './run/explain';
import { describeMachine } from './run/machine';
import { SQL_SESSION_OPTIONS } from './run/sql-timing';
import { displayUrl, openTarget } from './seed/database';
import { readStoredFixtures } from './seed/fixture-store';
import { STATEMENTS, StatementName, StatementTiming, sweepStatements, timeStatement } from './sweep/measure';
import { createCaller, removeCaller, removeLeftovers, SweepPoint } from './sweep/principals';
import { PointResult, renderSweep } from './sweep/report';

/**
 * THE SWEEP (issue 12): how each list statement's time grows with the caller's private share.
 * On a seeded database, adds a caller with N private models shared with it directly or through
 * a group, times the service's list statements for it, removes it, and writes
 * bench/results/sweep.md (sweep-<profile>.md for the other profiles).
 */
const USAGE = `Usage: npm run bench:sweep -- [flags]
  --profile        ${PROFILE_NAMES.join(' | ')} (default bench): picks the default database
  --database-url   as for npm run bench
  --sizes          comma-separated private shares (default 0,1000,10000,50000)
  --runs           sequential runs per statement (default 15)
  --budget         seconds per statement after which the runs stop, 3 at least (default 5)`;

const log = (line: string): void => console.log(line);

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      profile: { type: 'string' },
      'database-url': { type: 'string' },
      sizes: { type: 'string' },
      runs: { type: 'string' },
      budget: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return null;
  const profile = parseProfile(values.profile);
  const numbers = (raw: string) =>
    raw.split(',').map((part) => {
      const value = Number(part);
      if (!Number.isInteger(value) || value < 0) throw new Error(`--sizes takes integers ≥ 0, got "${part}"`);
      return value;
    });
  const positive = (flag: string, raw: string | undefined, fallback: number) => {
    const value = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${flag} must be an integer ≥ 1, got "${raw}"`);
    return value;
  };
  return {
    profile,
    databaseUrl: profileDatabaseUrl(values['database-url'], profile),
    sizes: numbers(values.sizes ?? '0,1000,10000,50000'),
    runs: positive('runs', values.runs, 15),
    budgetMs: positive('budget', values.budget, 5) * 1000,
  };
}

async function measurePoint(
  client: Client,
  point: SweepPoint,
  word: string,
  options: { runs: number; budgetMs: number },
) {
  const caller = await createCaller(client, point);
  try {
    const statements = sweepStatements(caller, word);
    const timings = {} as Record<StatementName, StatementTiming>;
    for (const name of STATEMENTS)
      timings[name] = await timeStatement(client, statements[name], options.runs, options.budgetMs);
    log(
      `  via ${point.via}, ${point.shared} shared: ` +
        STATEMENTS.map((name) => `${name} ${timings[name].median.toFixed(1)} ms`).join(', '),
    );
    return { point, timings };
  } finally {
    await removeCaller(client, caller);
    await client.query('ANALYZE access_grants');
  }
}

function writePlans(dir: string, result: PointResult): void {
  const sections = STATEMENTS.map((name) => `## ${name}\n\n${result.timings[name].plan}\n`);
  mkdirSync(dir, { recursive: true });
  const title = `# sweep: via ${result.point.via}, ${result.point.shared} private models shared\n`;
  writeFileSync(join(dir, `${result.point.via}-${result.point.shared}.txt`), [title, ...sections].join('\n'));
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  if (!options) return log(USAGE);
  const load = loadavg()
    .map((value) => value.toFixed(2))
    .join(', ');
  const target = await openTarget(options.databaseUrl, log, options.profile.database);
  const client = new Client({ connectionString: target.url, options: SQL_SESSION_OPTIONS });
  await client.connect();
  try {
    const fixtures = await readStoredFixtures<{
      profile: string;
      query: { common: { word: string } };
      counts: Record<string, number>;
    }>(client);
    if (!fixtures) throw new Error(`${displayUrl(target.url)} holds no bench.seed: seed it with npm run bench:seed`);
    log(`sweep on ${displayUrl(target.url)} (profile ${fixtures.profile})`);
    await removeLeftovers(client);
    const results: PointResult[] = [];
    for (const via of ['user', 'group'] as const) {
      for (const shared of options.sizes)
        results.push(await measurePoint(client, { via, shared }, fixtures.query.common.word, options));
    }
    results.forEach((result) => writePlans(join(explainDir(fixtures.profile), 'sweep'), result));
    const markdown = renderSweep({
      profile: fixtures.profile,
      date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      machine: await describeMachine(target.url),
      load: `${load} (1, 5, 15 min) before the sweep`,
      word: fixtures.query.common.word,
      publicModels: fixtures.counts.public_custom_models,
      results,
    });
    log('\n' + markdown);
    const name = fixtures.profile === 'bench' ? 'sweep.md' : `sweep-${fixtures.profile}.md`;
    writeFileSync(join(__dirname, 'results', name), markdown);
  } finally {
    await client.end();
    await target.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
