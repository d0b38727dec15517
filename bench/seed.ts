import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { EMBEDDED, displayUrl, migrate, openTarget, recreateDatabase } from './seed/database';
import { storeFixtures } from './seed/fixture-store';
import { connect, loadAll, refreshFixtures } from './seed/load';
import { Loader } from './seed/loader';
import { SeedOptions, USAGE, parseOptions } from './seed/options';
import { Plan, makePlan } from './seed/plan';

/** The fixtures of a profile's last seed, for people to read (the run reads them from the database). */
export const seedFile = (profile: string): string => join(__dirname, 'results', `seed-${profile}.json`);

const log = (line: string): void => console.log(line);

async function countRows(client: Client): Promise<Record<string, number>> {
  const { rows } = await client.query<Record<string, string>>(`
    SELECT (SELECT count(*) FROM users) AS users,
           (SELECT count(*) FROM groups) AS groups,
           (SELECT count(*) FROM group_members) AS group_members,
           (SELECT count(*) FROM models WHERE base_model_id IS NULL) AS base_models,
           (SELECT count(*) FROM models WHERE base_model_id IS NOT NULL) AS custom_models,
           (SELECT count(*) FROM models WHERE is_public AND base_model_id IS NOT NULL) AS public_custom_models,
           (SELECT count(*) FROM access_grants WHERE principal_id = '*') AS public_grants,
           (SELECT count(*) FROM access_grants WHERE principal_type = 'group') AS group_grants,
           (SELECT count(*) FROM access_grants WHERE principal_type = 'user' AND principal_id <> '*') AS user_grants,
           (SELECT count(*) FROM api_keys) AS api_keys`);
  return Object.fromEntries(Object.entries(rows[0]).map(([key, value]) => [key, Number(value)]));
}

async function loadDatabase(url: string, plan: Plan, options: SeedOptions, started: number) {
  const clients = await connect(url, options.connections);
  try {
    const loader = new Loader(clients, options.batch, log);
    const fixtures = options.fixturesOnly
      ? await refreshFixtures(clients[0], loader, plan, options)
      : await loadAll(clients[0], loader, plan, options, log);
    const totalMs = Math.round(performance.now() - started);
    log(`total ${(totalMs / 1000).toFixed(2)} s`);
    const counts = await countRows(clients[0]);
    const loaded = { ...fixtures, counts, timings: { tables: loader.timings, total_ms: totalMs } };
    const content = {
      profile: options.profile.name,
      seed: options.seed,
      options: { ...options, databaseUrl: undefined, profile: undefined },
      ...loaded,
    };
    await storeFixtures(clients[0], content);
    return content;
  } finally {
    await Promise.all(clients.map((client) => client.end()));
  }
}

async function seed(options: SeedOptions): Promise<void> {
  const started = performance.now();
  const plan = makePlan(options);
  log(`planned in ${((performance.now() - started) / 1000).toFixed(2)} s (seed ${options.seed})`);
  log(`profile ${options.profile.name}: ${options.profile.description}`);
  const target = await openTarget(options.databaseUrl, log, options.profile.database);
  try {
    if (!options.fixturesOnly) {
      log(`recreating ${displayUrl(target.url)} and applying migrations`);
      await recreateDatabase(target.url, options.force);
      await migrate(target.url);
    }
    const loaded = await loadDatabase(target.url, plan, options, started);
    log(JSON.stringify(loaded.counts, null, 2));
    const database = { url: displayUrl(target.url), embedded: target.embedded ? EMBEDDED : null };
    writeSeedFile(seedFile(options.profile.name), { ...loaded, database });
  } finally {
    await target.stop();
  }
}

function writeSeedFile(file: string, content: object): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(content, null, 2) + '\n');
  log(`fixtures stored in bench.seed and written to ${file}`);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (!options) {
    log(USAGE);
    return;
  }
  await seed(options);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
