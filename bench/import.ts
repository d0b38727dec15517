import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { call, importModels, setUp } from './run/import-world';
import { buildService, startService } from './run/service';
import { displayUrl, migrate, recreateDatabase } from './seed/database';

/**
 * The import scenario (issue 12, item 4): models/s through `POST /api/models/import`, with
 * grants, on a database of its own (recreated, never the seeded one). It starts the real service
 * (`node dist/main.js`), creates users and groups to grant to, then imports `--models` new models
 * with `--grants` grants each (a user read, a group read, a user write, ...) in requests of
 * `--batch` models, one after the other, `--runs` times (fresh ids each run), and checks that
 * every model and grant is stored. Figures: models/s per run and the median.
 */
const USAGE = `Usage: npm run bench:import -- [flags]
  --database-url  a database for this scenario alone; it is DROPPED and recreated
                  (default $BENCH_IMPORT_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/registry_bench_import)
  --models        models per run (default 5000)
  --grants        grants per model, 0-6 (default 3)
  --batch         models per request (default 1000)
  --runs          runs (default 3)
  --no-build      use dist/ as it is`;

interface Options {
  url: string;
  models: number;
  grants: number;
  batch: number;
  runs: number;
  build: boolean;
}

function parse(argv: string[]): Options | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      'database-url': { type: 'string' },
      models: { type: 'string' },
      grants: { type: 'string' },
      batch: { type: 'string' },
      runs: { type: 'string' },
      'no-build': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return null;
  const int = (raw: string | undefined, fallback: number, max: number) => {
    const value = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(value) || value < 0 || value > max) throw new Error(`bad value "${raw}"\n${USAGE}`);
    return value;
  };
  return {
    url:
      values['database-url'] ??
      process.env.BENCH_IMPORT_DATABASE_URL ??
      'postgres://postgres@127.0.0.1:5432/registry_bench_import',
    models: int(values.models, 5000, 1_000_000),
    grants: int(values.grants, 3, 6),
    batch: int(values.batch, 1000, 10_000),
    runs: int(values.runs, 3, 100),
    build: !values['no-build'],
  };
}

async function stored(url: string, run: number): Promise<{ models: number; grants: number }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const pattern = `import-${run}/%`;
    const m = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM models WHERE id LIKE $1', [pattern]);
    const g = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM access_grants WHERE model_id LIKE $1', [
      pattern,
    ]);
    return { models: m.rows[0].n, grants: g.rows[0].n };
  } finally {
    await client.end();
  }
}

async function main(options: Options): Promise<void> {
  console.log(
    `load average ${loadavg()
      .map((v) => v.toFixed(2))
      .join(', ')}; ${cpus().length} CPUs`,
  );
  if (options.build) buildService();
  console.log(`recreating ${displayUrl(options.url)}`);
  await recreateDatabase(options.url, false);
  await migrate(options.url);
  const service = await startService(options.url);
  const rates: number[] = [];
  try {
    const { token, users, groups } = await setUp(service.baseUrl);
    for (let run = 1; run <= options.runs; run += 1) {
      const all = importModels(run, options.models, options.grants, users, groups);
      const started = performance.now();
      for (let start = 0; start < all.length; start += options.batch) {
        const body = { models: all.slice(start, start + options.batch) };
        const answer = (await call(service.baseUrl, '/api/models/import', token, body)) as {
          results: Array<{ status: string }>;
        };
        const bad = answer.results.find((result) => result.status !== 'created');
        if (bad) throw new Error(`an import result is not "created": ${JSON.stringify(bad)}`);
      }
      const seconds = (performance.now() - started) / 1000;
      const count = await stored(options.url, run);
      if (count.models !== options.models || count.grants !== options.models * options.grants) {
        throw new Error(`run ${run} stored ${count.models} models and ${count.grants} grants`);
      }
      rates.push(options.models / seconds);
      console.log(
        `run ${run}: ${options.models} models, ${count.grants} grants in ${seconds.toFixed(2)} s = ${(options.models / seconds).toFixed(0)} models/s`,
      );
    }
  } finally {
    await service.stop();
  }
  const median = [...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)];
  const line = `import: ${options.models} models × ${options.grants} grants, ${options.batch} per request, ${options.runs} runs: median ${median.toFixed(0)} models/s (runs: ${rates.map((r) => r.toFixed(0)).join(', ')})`;
  console.log(line);
  writeFileSync(join(__dirname, 'results', 'import.txt'), `${new Date().toISOString()} ${line}\n`);
}

const options = parse(process.argv.slice(2));
if (options) {
  main(options).catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  });
} else {
  console.log(USAGE);
}
