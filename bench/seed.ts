import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { EMBEDDED, displayUrl, migrate, openTarget, recreateDatabase } from './seed/database';
import { deferIndexesAndForeignKeys } from './seed/deferred';
import { makeFixtures } from './seed/fixtures';
import { Loader } from './seed/loader';
import { SeedOptions, USAGE, parseOptions } from './seed/options';
import { BENCH_PASSWORD, Plan, allGrantRows, makePlan, modelRows } from './seed/plan';
import * as tables from './seed/tables';
import { Visibility } from './seed/visibility';

export const SEED_FILE = join(__dirname, 'results', 'seed.json');

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
  const visibility = new Visibility(plan.models, plan.people, plan.groupGrants, plan.userGrants);
  const { fixtures, apiKeyRow } = makeFixtures(plan.rng, {
    people: plan.people,
    plan: plan.models,
    visibility,
    matches: plan.matches,
    baseIds: plan.context.baseIds,
    password: BENCH_PASSWORD,
    keyModels: options.keyModels,
  });
  await loader.load('api_keys', tables.API_KEY_COLUMNS, [apiKeyRow]);
  await loader.parallel(`${deferred.length} indexes, keys`, deferred);
  // VACUUM sets the visibility map too, so index-only scans work as on a settled database.
  await loader.parallel(
    'vacuum analyze',
    TABLES.map((table) => `VACUUM (ANALYZE) ${table}`),
  );
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
    const fixtures = await loadAll(clients[0], loader, plan, options);
    const totalMs = Math.round(performance.now() - started);
    log(`total ${(totalMs / 1000).toFixed(2)} s`);
    const counts = await countRows(clients[0]);
    return { ...fixtures, counts, timings: { tables: loader.timings, total_ms: totalMs } };
  } finally {
    await Promise.all(clients.map((client) => client.end()));
  }
}

async function seed(options: SeedOptions): Promise<void> {
  const started = performance.now();
  const plan = makePlan(options);
  log(`planned in ${((performance.now() - started) / 1000).toFixed(2)} s (seed ${options.seed})`);
  const target = await openTarget(options.databaseUrl, log);
  try {
    log(`recreating ${displayUrl(target.url)} and applying migrations`);
    await recreateDatabase(target.url, options.force);
    await migrate(target.url);
    const loaded = await loadDatabase(target.url, plan, options, started);
    log(JSON.stringify(loaded.counts, null, 2));
    const database = { url: displayUrl(target.url), embedded: target.embedded ? EMBEDDED : null };
    writeSeedFile({ seed: options.seed, options: { ...options, databaseUrl: undefined }, database, ...loaded });
  } finally {
    await target.stop();
  }
}

function writeSeedFile(content: object): void {
  mkdirSync(dirname(SEED_FILE), { recursive: true });
  writeFileSync(SEED_FILE, JSON.stringify(content, null, 2) + '\n');
  log(`fixtures written to ${SEED_FILE}`);
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
