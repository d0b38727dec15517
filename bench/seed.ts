import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { EMBEDDED, displayUrl, migrate, openTarget, recreateDatabase } from './seed/database';
import { deferIndexesAndForeignKeys } from './seed/deferred';
import { storeFixtures } from './seed/fixture-store';
import { makeFixtures } from './seed/fixtures';
import { createIncumbentTables } from './seed/incumbent-tables';
import { Loader } from './seed/loader';
import { SeedOptions, USAGE, parseOptions } from './seed/options';
import { BENCH_PASSWORD, Plan, allGrantRows, makePlan, modelRows } from './seed/plan';
import * as tables from './seed/tables';
import { Visibility } from './seed/visibility';

/** The fixtures of a profile's last seed, for people to read (the run reads them from the database). */
export const seedFile = (profile: string): string => join(__dirname, 'results', `seed-${profile}.json`);

const log = (line: string): void => console.log(line);

// Largest first, so the parallel VACUUM finishes evenly.
const TABLES = ['models', 'access_grants', 'group_members', 'users', 'groups', 'api_keys'];

async function loadAll(client: Client, loader: Loader, plan: Plan, options: SeedOptions) {
  const deferred = await deferIndexesAndForeignKeys(client, TABLES);
  await loader.load('users', tables.USER_COLUMNS, plan.people.users);
  await loader.load('groups', tables.GROUP_COLUMNS, plan.people.groups);
  await loader.load('group_members', tables.MEMBER_COLUMNS, tables.memberRows(plan.people));
  await loader.load('models', tables.MODEL_COLUMNS, modelRows(plan));
  await loadGrants(client, loader, plan);
  const { fixtures, apiKeyRow } = planFixtures(plan, options);
  await loader.load('api_keys', tables.API_KEY_COLUMNS, [apiKeyRow]);
  await loader.parallel(`${deferred.length} indexes, keys`, deferred);
  // VACUUM sets the visibility map too, so index-only scans work as on a settled database.
  await loader.parallel(
    'vacuum analyze',
    TABLES.map((table) => `VACUUM (ANALYZE) ${table}`),
  );
  await loader.step('incumbent copies', createIncumbentTables);
  return fixtures;
}

/** The fixtures of a plan whose model rows have all been generated (they fill in ids and matches). */
function planFixtures(plan: Plan, options: SeedOptions) {
  return makeFixtures(plan.rng, {
    people: plan.people,
    plan: plan.models,
    visibility: new Visibility(plan.models, plan.people, plan.groupGrants, plan.userGrants),
    matches: plan.matches,
    baseIds: plan.context.baseIds,
    password: BENCH_PASSWORD,
    keyModels: options.keyModels,
  });
}

/**
 * --fixtures-only: works the fixtures out again for a database this plan already filled (same
 * profile, flags and seed), without reloading it: generates the rows in memory as the load did,
 * so the PRNG is where it was, and replaces the API key (its allow-list comes from the fixtures).
 */
async function refreshFixtures(client: Client, loader: Loader, plan: Plan, options: SeedOptions) {
  for (const row of modelRows(plan)) void row;
  const ids = [plan.models.ids[0], plan.models.ids[plan.models.count - 1]];
  const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM models WHERE id = ANY($1)', [ids]);
  if (rows[0].n !== ids.length)
    throw new Error("the database does not hold this plan's data: seed it without --fixtures-only");
  const { fixtures, apiKeyRow } = planFixtures(plan, options);
  await client.query('DELETE FROM api_keys');
  await loader.load('api_keys', tables.API_KEY_COLUMNS, [apiKeyRow]);
  return fixtures;
}

/**
 * Grants go in without their triggers (migration ModelReaders), which would rewrite each model
 * once per batch; one pass then sets every model's readers, as the migration's backfill does, and
 * VACUUM FULL drops the old row versions so the tables are as compact as if inserted so.
 */
async function loadGrants(client: Client, loader: Loader, plan: Plan): Promise<void> {
  await client.query(`ALTER TABLE access_grants DISABLE TRIGGER USER`);
  await loader.load('access_grants', tables.GRANT_COLUMNS, allGrantRows(plan));
  await client.query(`ALTER TABLE access_grants ENABLE TRIGGER USER`);
  const started = performance.now();
  await client.query(`SELECT refresh_model_access(ARRAY(SELECT id FROM models))`);
  await client.query(`VACUUM FULL models`);
  await client.query(`VACUUM FULL access_grants`);
  log(`${'readers'.padEnd(16)} ${''.padStart(16)} ${((performance.now() - started) / 1000).toFixed(2).padStart(7)} s`);
}

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

/** Opens `count` connections tuned for bulk loading; data loss on a crash is fine for a seed. */
async function connect(url: string, count: number): Promise<Client[]> {
  const clients = Array.from({ length: count }, () => new Client({ connectionString: url }));
  for (const client of clients) {
    await client.connect();
    await client.query(`SET synchronous_commit = off`);
    await client.query(`SET maintenance_work_mem = '256MB'`);
  }
  return clients;
}

async function loadDatabase(url: string, plan: Plan, options: SeedOptions, started: number) {
  const clients = await connect(url, options.connections);
  try {
    const loader = new Loader(clients, options.batch, log);
    const fixtures = options.fixturesOnly
      ? await refreshFixtures(clients[0], loader, plan, options)
      : await loadAll(clients[0], loader, plan, options);
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
